import { readEnvironment } from '../../shared/src/config/environment';
import { type CliIo, EXIT_OK } from '../cli-io';
import type { CommandDeclaration, ParsedCommandLine } from '../framework/command';
import { emit, OUTPUT_FLAGS, outputStyleOf } from '../output';
import { PLAN_FLAGS, readSubmission, resolveStudioOffline } from '../plan-input';

/** `check <plan.json | -> [--slot S] [--start TIME]`: submit's validation, studio rules included, sending nothing. */
export const checkCommand: CommandDeclaration = {
  name: 'check',
  summary: 'validate a plan exactly as submit would (rules, URL signatures, studio and allow-lists); send nothing',
  positionals: { usage: '<plan.json | ->', min: 1, max: 1 },
  flags: [...PLAN_FLAGS, ...OUTPUT_FLAGS],
  // Reads no credentials: what it judges needs none, and it sends nothing.
  sendsRequests: false,
  // A refusal here is what submit would refuse, not something that happened.
  refusal: 'submit would refuse it',
  details: [
    'Runs the checks submit runs before its first request, with the same code: the plan rules (START_TIME_GRACE_S,',
    'AUTH_KEY_VALIDITY_S), --start and --slot, the studio (the plan’s CasterId, else CASTER_ID; one is needed unless',
    'the plan gives CallbackUrl and DomainName) and ALLOWED_CASTER_IDS. Exit 0 when submit would send it, 2 with',
    'the field errors when submit would refuse it. A studio’s own domains are known only to DescribeCasterConfig,',
    'so ALLOWED_DOMAINS is checked against them by submit; check says when that applies.',
  ].join('\n'),
  async run(parsed: ParsedCommandLine, io: CliIo): Promise<number> {
    const style = outputStyleOf(parsed, io.env);
    const request = await readSubmission(parsed, io);
    const studio = await resolveStudioOffline(request, readEnvironment(io.env));
    const { plan, warnings = [] } = request;
    emit(io, style, {
      json: {
        valid: true,
        StartTime: plan.StartTime,
        RepeatNum: plan.RepeatNum,
        items: plan.Items.length,
        ClientToken: request.clientToken,
        ...(studio.casterId === undefined ? {} : { CasterId: studio.casterId }),
        ...(plan.Slot === undefined ? {} : { Slot: plan.Slot }),
        looksUpStudio: studio.looksUpStudio,
        warnings,
      },
      text: () => {
        const repeat =
          plan.RepeatNum < 0
            ? 'loops until replaced or cancelled'
            : plan.RepeatNum === 0
              ? 'plays once'
              : `plays ${plan.RepeatNum + 1} times`;
        const rows: [string, string][] = [
          ['StartTime', `${style.time(plan.StartTime)}${style.utc ? '' : ` (${plan.StartTime})`}`],
          ['RepeatNum', `${plan.RepeatNum} (${repeat})`],
          ['Items', String(plan.Items.length)],
          [
            'Studio',
            studio.casterId === undefined
              ? 'none: the plan gives CallbackUrl and DomainName'
              : `${studio.casterId}${studio.looksUpStudio ? ' (submit reads its CallbackUrl and DomainName with DescribeCasterConfig, and checks ALLOWED_DOMAINS then)' : ''}`,
          ],
          ['Slot', plan.Slot ?? 'none'],
          ['ClientToken', request.clientToken],
          ['Warnings', warnings.length === 0 ? 'none' : String(warnings.length)],
        ];
        const width = Math.max(...rows.map(([label]) => label.length));
        return [
          'Valid: submit would send this plan; nothing was sent.',
          ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
          ...warnings.map((warning) => `  warning: ${warning.field}: ${style.localize(warning.message)}`),
        ].join('\n');
      },
    });
    return EXIT_OK;
  },
};
