// The local Live API emulator (emulator/index.ts, built into dist/local/dev-kit.js by `npm run build`) for the
// bench scripts, started in this process on a free loopback port with a bench-only STS credential.
import { devKit } from './layout.mjs';

/** STS-style keys the emulator accepts and the bench hands to functions in context.credentials. */
export const BENCH_CREDENTIALS = Object.freeze({
  accessKeyId: 'STS.BenchCasterCarousel',
  accessKeySecret: 'bench-only-secret',
  securityToken: 'bench-only-sts-token',
});

/**
 * Starts the emulator on 127.0.0.1 with its real per-account limits (4/s AddCasterEpisodeGroup, 15/s
 * DescribeCasterConfig) unless `qps` overrides them. Returns the running emulator plus helpers to read its
 * request log and the demo studio's CasterId.
 */
export async function startBenchEmulator(options = {}) {
  const { startEmulator, DEMO_STUDIO } = devKit();
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    credentials: [{ ...BENCH_CREDENTIALS }],
    requestLogSize: 100_000,
    onInternalError: (error) => console.error('[emulator] internal error:', error),
    ...options,
  });
  return {
    emulator,
    url: emulator.url,
    casterId: DEMO_STUDIO.CasterId,
    /** The demo studio's DescribeCasterConfig answer (CallbackUrl, DomainName, ...). */
    studio: DEMO_STUDIO,
    /** Every request the emulator logged so far (oldest first), with its Verdict (`ok`, `Throttling.User`, ...). */
    async requests() {
      const response = await fetch(`${emulator.url}/_emulator/requests`);
      return (await response.json()).Requests;
    },
    /** The episode groups the emulator holds (one per distinct ClientToken that succeeded). */
    async episodeGroups() {
      const response = await fetch(`${emulator.url}/_emulator/episode-groups`);
      return (await response.json()).EpisodeGroups;
    },
    close: () => emulator.close(),
  };
}

/** Counts of request-log entries by action and verdict, e.g. `{ 'AddCasterEpisodeGroup ok': 40 }`. */
export function verdictCounts(entries) {
  const counts = {};
  for (const entry of entries) {
    const key = `${entry.Action} ${entry.Verdict}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
