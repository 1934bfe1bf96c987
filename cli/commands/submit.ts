import { readFile } from 'node:fs/promises';
import { readPlanRules } from '../../shared/src/config/environment';
import { PlanValidationError } from '../../shared/src/errors';
import { episodeGroupParams } from '../../shared/src/live/operations';
import type { Plan, PlanRules } from '../../shared/src/plan/plan';
import { parsePlanJson, requireValidPlan } from '../../shared/src/plan/require-valid-plan';
import { chooseClientToken, scheduleCarousel } from '../../shared/src/schedule/schedule-carousel';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { createLiveContext } from '../live-context';

/** `submit <plan.json | -> [--dry-run]`: validates a plan and schedules it, or shows what would be signed. */
export async function submitCommand(args: readonly string[], io: CliIo): Promise<number> {
  const dryRun = args.includes('--dry-run');
  const source = args.find((arg) => arg !== '--dry-run');
  if (!source || args.filter((arg) => arg !== '--dry-run').length !== 1) {
    throw new PlanValidationError({ '(arguments)': ['usage: caster-carousel submit <plan.json | -> [--dry-run]'] });
  }
  const plan = parsePlan(await readPlanText(source, io), source, readPlanRules(io.env));
  const context = createLiveContext(io, { requireCredentials: !dryRun });
  try {
    if (dryRun) {
      printJson(io, describeDryRun(plan, context.dependencies.defaultCasterId, context.client.prepare));
      return EXIT_OK;
    }
    const result = await scheduleCarousel({ plan }, context.dependencies);
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

function parsePlan(text: string, source: string, rules: PlanRules): Plan {
  const where = source === '-' ? 'standard input' : source;
  return requireValidPlan(parsePlanJson(text, where, `${where} is not valid JSON`), rules);
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
function describeDryRun(plan: Plan, defaultCasterId: string | undefined, prepare: Prepare): Record<string, unknown> {
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
    ClientToken: chooseClientToken({ plan }),
  });
  const request = prepare('AddCasterEpisodeGroup', params, 'POST');
  return {
    dryRun: true,
    action: 'AddCasterEpisodeGroup',
    method: request.method,
    endpoint: request.url.origin,
    ...(needsLookup ? { describeCasterConfigFirst: casterId } : {}),
    params: request.signedParams,
  };
}
