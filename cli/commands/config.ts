import { PlanValidationError } from '../../shared/src/errors';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { createLiveContext } from '../live-context';

/** `config <CasterId>`: prints the studio's DescribeCasterConfig answer, secrets redacted. */
export async function configCommand(args: readonly string[], io: CliIo): Promise<number> {
  const casterId = args[0] ?? io.env['CASTER_ID'];
  if (!casterId || args.length > 1) throw new PlanValidationError({ CasterId: ['usage: caster-carousel config <CasterId>'] });
  const context = createLiveContext(io, { requireCredentials: true });
  try {
    printJson(io, await context.client.call('DescribeCasterConfig', { CasterId: casterId }, { httpMethod: 'POST' }));
    return EXIT_OK;
  } finally {
    await context.close();
  }
}
