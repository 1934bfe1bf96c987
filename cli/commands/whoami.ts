import { LiveApiError, LiveTransportError } from '../../shared/src/errors';
import { redactText } from '../../shared/src/logging/redact';
import { type CliIo, EXIT_FAILURE, EXIT_OK } from '../cli-io';
import { maskAccessKeyId } from '../credentials/mask-access-key-id';
import { type CommandDeclaration, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';

// A studio id that exists nowhere: a "not found" answer still proves the signature and the keys were accepted.
const PROBE_CASTER_ID = 'LIVEPRODUCER_POST-cn-whoami-probe';
// Codes with which the API refuses the keys themselves (versus refusing a permission or a parameter).
const REJECTED_KEYS = /^(SignatureDoesNotMatch|IncompleteSignature|InvalidAccessKeyId|InvalidAccessKeySecret|InvalidSecurityToken)/;
const DENIED_PERMISSION = /^(Forbidden|NoPermission|Unauthorized)/;

/** `whoami`: which credentials the CLI would use, and whether the endpoint accepts them. Never prints a secret. */
export const whoamiCommand: CommandDeclaration = {
  name: 'whoami',
  summary: 'show which credentials are used (source, masked AccessKeyId), the endpoint, and whether it accepts them',
  positionals: { usage: '', min: 0, max: 0 },
  flags: [],
  sendsRequests: true,
  details: `Checks with one signed DescribeCasterConfig (CASTER_ID, else ${PROBE_CASTER_ID}); exit 1 when the keys are refused or the endpoint is unreachable.`,
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const context = await createLiveContext(io, {
      requireCredentials: true,
      profile: flagValue(parsed, 'profile'),
      retry: { maxAttempts: 2 },
    });
    try {
      const casterId = context.environment.defaultCasterId ?? PROBE_CASTER_ID;
      const check = await probe(context.client.call.bind(context.client), casterId);
      const rows: [string, string][] = [
        ['Credentials', context.resolved?.source ?? '-'],
        ['AccessKeyId', maskAccessKeyId(context.resolved?.credentials.accessKeyId ?? '')],
        ['STS token', context.resolved?.credentials.securityToken ? 'yes (not shown)' : 'no'],
        ['Endpoint', context.client.endpoint.origin],
        ['Region', context.client.regionId],
        ['Signature', context.environment.signatureAlgorithm],
        ['Check', check.text],
      ];
      const width = Math.max(...rows.map(([label]) => label.length)) + 1;
      io.stdout(redactText(`${rows.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`).join('\n')}\n`));
      return check.accepted ? EXIT_OK : EXIT_FAILURE;
    } finally {
      await context.close();
    }
  },
};

type Call = (
  action: string,
  params: Readonly<Record<string, string>>,
  options?: { httpMethod?: 'GET' | 'POST' },
) => Promise<Record<string, unknown>>;

async function probe(call: Call, casterId: string): Promise<{ accepted: boolean; text: string }> {
  const what = `DescribeCasterConfig ${casterId}`;
  try {
    const answer = await call('DescribeCasterConfig', { CasterId: casterId }, { httpMethod: 'POST' });
    return { accepted: true, text: `accepted: ${what} answered (RequestId ${String(answer['RequestId'] ?? '-')})` };
  } catch (error) {
    if (error instanceof LiveTransportError)
      return { accepted: false, text: `unreachable: ${what} got no answer (${error.code}: ${error.detail})` };
    if (!(error instanceof LiveApiError)) throw error;
    const answered = `${what} answered ${error.code} (RequestId ${error.requestId ?? '-'})`;
    if (REJECTED_KEYS.test(error.code)) return { accepted: false, text: `rejected: the endpoint refused these credentials; ${answered}` };
    if (DENIED_PERMISSION.test(error.code)) return { accepted: false, text: `denied: the keys are valid but lack permission; ${answered}` };
    return { accepted: true, text: `accepted: the signature was checked and passed; ${answered}` };
  }
}
