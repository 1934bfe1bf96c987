import { readFile } from 'node:fs/promises';
import { UsageError } from '../../shared/src/errors';
import { planClientToken } from '../../shared/src/idempotency/trigger-tokens';
import { isSlotName } from '../../shared/src/ledger/slot-name';
import { episodeGroupParams } from '../../shared/src/live/operations';
import type { ScheduleRequest } from '../../shared/src/schedule/schedule-request';
import { scheduleWithLedger } from '../../shared/src/schedule/schedule-with-ledger';
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
    "plan schedules anew. A group in a slot supersedes the slot's previous one, which is deleted once the new",
    "one's StartTime has passed (here, on the next submission to the slot, or with gc).",
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const source = parsed.positionals[0]!;
    const dryRun = flagGiven(parsed, 'dry-run');
    const slot = flagValue(parsed, 'slot');
    if (slot !== undefined && !isSlotName(slot)) {
      throw new UsageError('--slot must be 1 to 64 letters, digits, ".", "_", ":" or "-"');
    }
    const request = withSlot(readCliPlan(await readPlanText(source, io), source), slot);
    const context = await createLiveContext(io, { requireCredentials: !dryRun, profile: flagValue(parsed, 'profile') });
    try {
      if (dryRun) {
        printJson(io, describeDryRun(request, context.dependencies.defaultCasterId, context.client.prepare));
        return EXIT_OK;
      }
      const result = await scheduleWithLedger(request, context.dependencies);
      printJson(io, {
        ProgramId: result.ProgramId,
        ItemIds: result.ItemIds,
        RequestId: result.RequestId,
        ClientToken: result.ClientToken,
        ...(result.FromLedger ? { FromLedger: true } : {}),
        ...(result.Generation > 1 ? { Generation: result.Generation } : {}),
        ...(result.Slot === undefined ? {} : { Slot: result.Slot }),
        ...(result.Superseded === undefined ? {} : { Superseded: result.Superseded }),
        ...(result.Retired.length > 0 ? { Retired: result.Retired } : {}),
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
