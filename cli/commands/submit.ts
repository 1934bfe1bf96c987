import { readEnvironment } from '../../shared/src/config/environment';
import type { Ledger } from '../../shared/src/ledger/ledger';
import type { LedgerRecord } from '../../shared/src/ledger/ledger-record';
import { episodeGroupParams } from '../../shared/src/live/operations';
import { airWindows, slotKeyOf } from '../../shared/src/schedule/lifecycle';
import { type PlanResult, schedulePlan } from '../../shared/src/schedule/schedule-plan';
import type { ScheduleRequest } from '../../shared/src/schedule/schedule-request';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import { type CommandDeclaration, flagGiven, flagValue, type ParsedCommandLine } from '../framework/command';
import { createLiveContext } from '../live-context';
import { OUTPUT_FLAGS, type OutputStyle, oneLine, outputStyleOf } from '../output';
import { PLAN_FLAGS, readSubmission, resolveStudioOffline } from '../plan-input';

/** `submit <plan.json | -> [--dry-run] [--slot S] [--start TIME]`: validates a plan and schedules it, or shows what would be signed. */
export const submitCommand: CommandDeclaration = {
  name: 'submit',
  summary: 'validate a plan and schedule it (DescribeCasterConfig, then AddCasterEpisodeGroup)',
  positionals: { usage: '<plan.json | ->', min: 1, max: 1 },
  flags: [
    { name: 'dry-run', takes: 'boolean', summary: 'print the exact parameters that would be signed; send nothing' },
    ...PLAN_FLAGS,
    ...OUTPUT_FLAGS,
  ],
  sendsRequests: true,
  details: [
    'Reads the plan from the file, or from standard input for -. Prints the result as JSON on stdout (ProgramId,',
    'ItemIds, RequestId, ClientToken, State, and when the ledger answered: FromLedger; with a slot: OffAirAt) and',
    'says in a sentence on stderr what happened, times in the local zone (--utc: UTC; --json: no sentence).',
    'The same plan always gets the same ClientToken; give it a new ClientToken to schedule it twice. The ledger',
    'answers a plan whose group exists without sending anything, and says so; after a cancel the same plan',
    'schedules anew. A slot is a timeline: a group airs from its StartTime until the next group of its slot starts,',
    'and is deleted then (on the next submission to the slot, tick or gc); one replaced at the same StartTime is',
    'deleted at once. check runs the same validation and sends nothing.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const style = outputStyleOf(parsed, io.env);
    const dryRun = flagGiven(parsed, 'dry-run');
    const request = await readSubmission(parsed, io);
    // check's very verdict, before credentials are read or anything is sent: the two never disagree about a plan.
    await resolveStudioOffline(request, readEnvironment(io.env));
    const context = await createLiveContext(io, { requireCredentials: !dryRun, profile: flagValue(parsed, 'profile') });
    try {
      if (dryRun) {
        printJson(io, describeDryRun(request, context.dependencies.defaultCasterId, context.client.prepare));
        return EXIT_OK;
      }
      const result = await schedulePlan(request, context.dependencies);
      const { ledger } = context.dependencies;
      const record = ledger ? await readQuietly(() => ledger.readByProgramId(result.ProgramId)) : undefined;
      const { predecessor, successor } = ledger && record ? await neighboursOf(ledger, record) : {};
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
        ...(successor?.ProgramId === undefined ? {} : { OffAirBy: successor.ProgramId }),
        ...(result.Retired.length > 0 ? { Retired: result.Retired } : {}),
        ...(result.Replaced.length > 0 ? { Replaced: result.Replaced } : {}),
        ...(result.Overlaps ? { Overlaps: result.Overlaps } : {}),
        ...(result.warnings ? { warnings: result.warnings } : {}),
      });
      if (!style.json) {
        io.stderr(`caster-carousel submit: ${oneLine(describeResult(result, request, { record, predecessor, successor }, style))}\n`);
      }
      return EXIT_OK;
    } finally {
      await context.close();
    }
  },
};

/** A read that only adds detail to the sentence: the group is scheduled whatever it says. */
async function readQuietly<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** The group of the slot whose window `record` ends, and the one whose start ends `record`'s window. */
export interface Neighbours {
  readonly record?: LedgerRecord | undefined;
  readonly predecessor?: LedgerRecord | undefined;
  readonly successor?: LedgerRecord | undefined;
}

async function neighboursOf(ledger: Ledger, record: LedgerRecord): Promise<Neighbours> {
  const slotKey = slotKeyOf(record);
  if (slotKey === undefined) return {};
  const windows = airWindows((await readQuietly(() => ledger.readOpen({ slotKey }))) ?? []);
  return {
    predecessor: windows.find((window) => window.endedBy?.ClientToken === record.ClientToken)?.record,
    successor: windows.find((window) => window.record.ClientToken === record.ClientToken)?.endedBy,
  };
}

/** What happened, in one sentence: created or answered from the ledger, the state, and until when it airs. */
export function describeResult(result: PlanResult, request: ScheduleRequest, neighbours: Neighbours, style: OutputStyle): string {
  const { record, predecessor, successor } = neighbours;
  const studio = record?.CasterId ?? request.plan.CasterId ?? record?.DomainName;
  const slot = result.Slot;
  const where = [studio ? `studio ${studio}` : undefined, slot ? `slot ${slot}` : undefined, `from ${style.time(request.plan.StartTime)}`]
    .filter(Boolean)
    .join(', ');
  const airs =
    result.OffAirAt !== undefined
      ? `; goes off air at ${style.time(result.OffAirAt)} when ${successor?.ProgramId ?? 'the next group of its slot'} starts`
      : slot === undefined
        ? ''
        : request.plan.RepeatNum < 0
          ? `; loops until another group of slot ${slot} starts`
          : '; no later group in its slot yet';
  const deleted = [
    result.Retired.length > 0 ? `retired on the way (their window over): ${result.Retired.join(', ')}` : '',
    result.Replaced.length > 0 ? `replaced on the way (never aired): ${result.Replaced.join(', ')}` : '',
  ].filter(Boolean);
  const takesOver = predecessor?.ProgramId === undefined ? '' : `; takes the air from ${predecessor.ProgramId}, which goes off air then`;
  const tail = `${takesOver}${deleted.length > 0 ? `; ${deleted.join('; ')}` : ''}`;
  const warnings = result.warnings && result.warnings.length > 0 ? ` (${result.warnings.length} warning(s) in the JSON)` : '';
  if (!result.FromLedger) {
    const generation = result.Generation > 1 ? ` (generation ${result.Generation}: its earlier group was cancelled or found missing)` : '';
    return `scheduled ${result.ProgramId} in ${where}${generation}${airs}${tail}.${warnings}`;
  }
  const answered = `answered from the ledger, nothing was sent: already ${result.State} as ${result.ProgramId} (${where})`;
  switch (result.State) {
    case 'scheduled':
      return `${answered}${airs}${takesOver}.`;
    case 'retired':
      return `${answered}: it went off air when the next group of its slot started, and was deleted${record ? ` at ${style.time(record.UpdatedAt)}` : ''}. To schedule it anew, give the plan a new ClientToken.`;
    case 'replaced':
      return `${answered}: a newer group took its StartTime in its slot before it aired, and it was deleted${record ? ` at ${style.time(record.UpdatedAt)}` : ''}. To schedule it anew, give the plan a new ClientToken.`;
    default:
      return `${answered}.`;
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
