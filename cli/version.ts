// Replaced with the package version by the build (esbuild `define`), so the binary never reads package.json.
declare const CASTER_CAROUSEL_VERSION: string | undefined;

/** The package version the CLI was built from; `0.0.0-source` when run from source without a build. */
export const CLI_VERSION: string = typeof CASTER_CAROUSEL_VERSION === 'string' ? CASTER_CAROUSEL_VERSION : '0.0.0-source';
