import { UsageError } from '../../shared/src/errors';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';

/** `config [CasterId]`: prints the studio's DescribeCasterConfig answer, secrets redacted. */
export const configCommand: CommandDeclaration = {
  name: 'config',
  summary: "show a studio's DescribeCasterConfig answer (CallbackUrl, DomainName, SideOutputUrl...)",
  positionals: { usage: '[CasterId]', min: 0, max: 1 },
  flags: [],
  sendsRequests: true,
  details: 'Without CasterId, the CASTER_ID variable names the studio.',
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const casterId = parsed.positionals[0] ?? io.env['CASTER_ID'];
    if (!casterId) throw new UsageError('missing CasterId (give it, or set CASTER_ID)');
    const context = await createLiveContext(io, { requireCredentials: true, profile: flagValue(parsed, 'profile') });
    try {
      printJson(io, await context.client.call('DescribeCasterConfig', { CasterId: casterId }, { httpMethod: 'POST' }));
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};
