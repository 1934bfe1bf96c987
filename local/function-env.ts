/**
 * What the local stack decides for itself, whatever the user's environment says: the functions reach the
 * emulator, never a cloud endpoint, and sign with the stack's own keys (context.credentials), never with
 * credentials found on this machine.
 */
const CREDENTIAL_CHAIN_VARIABLES = [
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
  'ALIBABA_CLOUD_ROLE_ARN',
  'ALIBABA_CLOUD_OIDC_PROVIDER_ARN',
  'ALIBABA_CLOUD_OIDC_TOKEN_FILE',
  'ALIBABA_CLOUD_PROFILE',
  'ALIBABA_CLOUD_CREDENTIALS_FILE',
  'ALIBABA_CLOUD_CREDENTIALS_URI',
];

// The FC host sets these itself (the layer's NODE_PATH, FC_* runtime variables); npm's own are noise.
function isHostVariable(name: string): boolean {
  return name === 'NODE_PATH' || name.startsWith('FC_') || name.startsWith('npm_');
}

/**
 * The environment each local function gets: the user's (so LIVE_TIMEOUT_MS, LOG_LEVEL, REDIS_URL... behave as
 * on FC), less credentials and host variables, with the stack's endpoint, a default studio and the ECS
 * metadata lookup disabled (there is no metadata service on a developer machine, and none may be called).
 */
export function localFunctionEnv(
  userEnv: Readonly<Record<string, string | undefined>>,
  stack: { readonly liveEndpoint: string; readonly defaultCasterId: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(userEnv)) {
    if (value === undefined || isHostVariable(name) || CREDENTIAL_CHAIN_VARIABLES.includes(name)) continue;
    env[name] = value;
  }
  return {
    ...env,
    CASTER_ID: env['CASTER_ID'] || stack.defaultCasterId,
    LOG_LEVEL: env['LOG_LEVEL'] || 'info',
    LIVE_ENDPOINT: stack.liveEndpoint,
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
  };
}
