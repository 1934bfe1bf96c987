import { readFile } from 'node:fs/promises';
import { PlanValidationError } from '../../shared/src/errors';
import { episodeGroupParams } from '../../shared/src/live/operations';
import { scheduleCarousel } from '../../shared/src/schedule/schedule-carousel';
import type { ScheduleRequest } from '../../shared/src/schedule/schedule-request';
import { readCliPlan } from '../../shared/src/triggers/cli-plan';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { createLiveContext } from '../live-context';

/** `submit <plan.json | -> [--dry-run]`: validates a plan and schedules it, or shows what would be signed. */
export async function submitCommand(args: readonly string[], io: CliIo): Promise<number> {
  const dryRun = args.includes('--dry-run');
  const source = args.find((arg) => arg !== '--dry-run');
  if (!source || args.filter((arg) => arg !== '--dry-run').length !== 1) {
    throw new PlanValidationError({ '(arguments)': ['usage: caster-carousel submit <plan.json | -> [--dry-run]'] });
  }
  const request = readCliPlan(await readPlanText(source, io), source);
  const context = createLiveContext(io, { requireCredentials: !dryRun });
  try {
    if (dryRun) {
      printJson(io, describeDryRun(request, context.dependencies.defaultCasterId, context.client.prepare));
      return EXIT_OK;
    }
    const result = await scheduleCarousel(request, context.dependencies);
    printJson(io, { ProgramId: result.ProgramId, ItemIds: result.ItemIds, RequestId: result.RequestId, ClientToken: result.ClientToken });
    return EXIT_OK;
  } finally {
    await context.close();
  }
}

async function readPlanText(source: string, io: CliIo): Promise<string> {
  if (source === '-') return io.readStdin();
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    throw new PlanValidationError({ '(file)': [`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`] });
  }
}

type Prepare = (
  action: string,
  params: Readonly<Record<string, string>>,
  httpMethod?: 'GET' | 'POST',
) => {
  method: string;
  url: URL;
  signedParams: Record<string, string>;
};

/** What `--dry-run` prints: the signed parameters, with studio fields that need a lookup shown as placeholders. */
function describeDryRun(request: ScheduleRequest, defaultCasterId: string | undefined, prepare: Prepare): Record<string, unknown> {
  const { plan } = request;
  const casterId = plan.CasterId ?? defaultCasterId ?? '<CASTER_ID>';
  const lookedUp = (field: string): string => `<${field} from DescribeCasterConfig ${casterId}>`;
  const needsLookup = !(plan.CallbackUrl && plan.DomainName);
  const params = episodeGroupParams({
    CallbackUrl: plan.CallbackUrl ?? lookedUp('CallbackUrl'),
    DomainName: plan.DomainName ?? lookedUp('DomainName'),
    SideOutputUrl: plan.SideOutputUrl ?? (needsLookup ? lookedUp('SideOutputUrl') : undefined),
    StartTime: plan.StartTime,
    RepeatNum: plan.RepeatNum,
    Items: plan.Items,
    ClientToken: request.clientToken,
  });
  const signed = prepare('AddCasterEpisodeGroup', params, 'POST');
  return {
    dryRun: true,
    action: 'AddCasterEpisodeGroup',
    method: signed.method,
    endpoint: signed.url.origin,
    ...(needsLookup ? { describeCasterConfigFirst: casterId } : {}),
    params: signed.signedParams,
  };
}
