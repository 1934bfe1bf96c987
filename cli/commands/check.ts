import { readFile } from 'node:fs/promises';
import { authorizeStudio } from '../../shared/src/authorization/studio-access';
import { readPlanRules, readStudioAccessLists } from '../../shared/src/config/environment';
import { UsageError } from '../../shared/src/errors';
import { planClientToken } from '../../shared/src/idempotency/trigger-tokens';
import { parsePlanJson, requireValidPlanWithWarnings } from '../../shared/src/plan/require-valid-plan';
import { type CliIo, EXIT_OK, printJson } from '../cli-io';
import type { CommandDeclaration, ParsedCommandLine } from '../framework/command';

/** `check <plan.json | ->`: validates a plan as the functions would and prints the report; sends nothing. */
export const checkCommand: CommandDeclaration = {
  name: 'check',
  summary: 'validate a plan as the functions would (rules, URL signatures, allowed studio); send nothing',
  positionals: { usage: '<plan.json | ->', min: 1, max: 1 },
  flags: [],
  sendsRequests: false,
  details: [
    'Prints the normalised StartTime, the ClientToken submit would use and any warnings; exit 0 when the plan is',
    'valid, 2 with the field errors when not. Reads START_TIME_GRACE_S, AUTH_KEY_VALIDITY_S and ALLOWED_CASTER_IDS;',
    'a studio’s own domains are only known to DescribeCasterConfig, so ALLOWED_DOMAINS is checked by submit.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const source = parsed.positionals[0] ?? '-';
    const where = source === '-' ? 'standard input' : source;
    const text = await readPlanText(source, io);
    const { plan, warnings } = requireValidPlanWithWarnings(
      parsePlanJson(text, where, `${where} is not valid JSON`),
      readPlanRules(io.env),
    );
    const casterId = plan.CasterId ?? io.env['CASTER_ID']?.trim();
    authorizeStudio(readStudioAccessLists(io.env), casterId || undefined, io.env['CASTER_ID']?.trim() || undefined);
    printJson(io, {
      valid: true,
      StartTime: plan.StartTime,
      RepeatNum: plan.RepeatNum,
      items: plan.Items.length,
      ClientToken: planClientToken(plan),
      warnings,
    });
    return EXIT_OK;
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
