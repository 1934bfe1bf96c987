import { readFile } from 'node:fs/promises';
import { UsageError } from '../../shared/src/errors';
import { isSlotName } from '../../shared/src/ledger/slot-name';
import { episodeGroupParams } from '../../shared/src/live/operations';
import type { Plan } from '../../shared/src/plan/plan';
import { parsePlanJson, requireValidPlan } from '../../shared/src/plan/require-valid-plan';
import { chooseClientToken } from '../../shared/src/schedule/schedule-carousel';
import { scheduleWithLedger } from '../../shared/src/schedule/schedule-with-ledger';
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
    const parsedPlan = parsePlan(await readPlanText(source, io), source);
    const plan: Plan = slot === undefined ? parsedPlan : { ...parsedPlan, Slot: slot };
    const context = await createLiveContext(io, { requireCredentials: !dryRun, profile: flagValue(parsed, 'profile') });
    try {
      if (dryRun) {
        printJson(io, describeDryRun(plan, context.dependencies.defaultCasterId, context.client.prepare));
        return EXIT_OK;
      }
      const result = await scheduleWithLedger({ plan, trigger: { kind: 'cli' } }, context.dependencies);
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

function parsePlan(text: string, source: string): Plan {
  const where = source === '-' ? 'standard input' : source;
  return requireValidPlan(parsePlanJson(text, where, `${where} is not valid JSON`));
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
