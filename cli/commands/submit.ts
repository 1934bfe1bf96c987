import { readFile } from 'node:fs/promises';
import { readPlanRules } from '../../shared/src/config/environment';
import { UsageError } from '../../shared/src/errors';
import { planClientToken } from '../../shared/src/idempotency/trigger-tokens';
import { isSlotName } from '../../shared/src/ledger/slot-name';
import { episodeGroupParams } from '../../shared/src/live/operations';
import { schedulePlan } from '../../shared/src/schedule/schedule-plan';
import type { ScheduleRequest } from '../../shared/src/schedule/schedule-request';
import { readCliPlan } from '../../shared/src/triggers/cli-plan';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';

/** `submit <plan.json | -> [--dry-run]`: validates a plan and schedules it, or shows what would be signed. */
export const submitCommand: CommandDeclaration = {
  name: 'submit',
  summary: 'validate a plan and schedule it (DescribeCasterConfig, then AddCasterEpisodeGroup)',
  positionals: { usage: '<plan.json | ->', min: 1, max: 1 },
  flags: [
    { name: 'dry-run', takes: 'boolean', summary: 'print the exact parameters that would be signed; send nothing' },
    { name: 'slot', takes: 'value', valueName: 'NAME', summary: "put the group in this slot (beats the plan's Slot); see ls and gc" },
  ],
  sendsRequests: true,
  details: [
    'Reads the plan from the file, or from standard input for -. Prints ProgramId, ItemIds, RequestId and',
    'ClientToken. The same plan always gets the same ClientToken; give it a new ClientToken to schedule it twice.',
    'The ledger answers a plan whose group is still scheduled without sending anything; after a cancel the same',
    'plan schedules anew. A slot is a timeline: a group airs from its StartTime until the next group of its slot',
    'starts, and is deleted then (on the next submission to the slot, tick or gc); one replaced at the same',
    'StartTime is deleted at once.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const source = parsed.positionals[0]!;
    const dryRun = flagGiven(parsed, 'dry-run');
    const slot = flagValue(parsed, 'slot');
    if (slot !== undefined && !isSlotName(slot)) {
      throw new UsageError('--slot must be 1 to 64 letters, digits, ".", "_", ":" or "-"');
    }
    const request = withSlot(readCliPlan(await readPlanText(source, io), source, readPlanRules(io.env)), slot);
    const context = await createLiveContext(io, { requireCredentials: !dryRun, profile: flagValue(parsed, 'profile') });
    try {
      if (dryRun) {
        printJson(io, describeDryRun(request, context.dependencies.defaultCasterId, context.client.prepare));
        return EXIT_OK;
      }
      const result = await schedulePlan(request, context.dependencies);
      printJson(io, {
        ProgramId: result.ProgramId,
        ItemIds: result.ItemIds,
        RequestId: result.RequestId,
        ClientToken: result.ClientToken,
        State: result.State,
        ...(result.FromLedger ? { FromLedger: true } : {}),
        ...(result.Generation > 1 ? { Generation: result.Generation } : {}),
        ...(result.Slot === undefined ? {} : { Slot: result.Slot }),
        ...(result.OffAirAt === undefined ? {} : { OffAirAt: result.OffAirAt }),
        ...(result.Retired.length > 0 ? { Retired: result.Retired } : {}),
        ...(result.Replaced.length > 0 ? { Replaced: result.Replaced } : {}),
        ...(result.Overlaps ? { Overlaps: result.Overlaps } : {}),
        ...(result.warnings ? { warnings: result.warnings } : {}),
      });
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};

async function readPlanText(source: string, io: CliIo): Promise<string> {
  if (source === '-') return io.readStdin();
  try {
    return await readFile(source, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the plan file ${JSON.stringify(source)}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

// --slot is part of the plan, as a Slot in the file would be: the token is the one that plan derives.
function withSlot(request: ScheduleRequest, slot: string | undefined): ScheduleRequest {
  if (slot === undefined) return request;
  const plan = { ...request.plan, Slot: slot };
  return { ...request, plan, clientToken: planClientToken(plan) };
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
