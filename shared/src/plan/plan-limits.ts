/**
 * The bounds a plan must respect. `plan.schema.json` is the enforcing copy; `tests/unit/plan/plan-limits.test.ts`
 * checks that the two agree, so README text and tests can quote these instead of repeating numbers.
 *
 * Lengths count characters as JSON Schema does (Unicode code points, not UTF-16 units or bytes).
 */
export const PLAN_LIMITS = {
  /** Studio IDs look like `LIVEPRODUCER_POST-cn-0pp1czt****` (about 30 chars); 64 leaves room for new formats. */
  casterIdMaxChars: 64,
  /** 2048 is the common practical URL ceiling (browsers, CDNs); `auth_key` query strings stay far below it. */
  callbackUrlMaxChars: 2048,
  /** RFC 1035's limit for a hostname in text form. */
  domainNameMaxChars: 253,
  sideOutputUrlMaxChars: 2048,
  /** `yyyy-MM-ddTHH:mm:ssZ` is exactly 20 characters. */
  startTimeChars: 20,
  /** -1 loops forever, 0 plays once. */
  repeatNumMin: -1,
  /** Our choice: the API publishes no maximum, and 10000 repeats of even one short episode outlasts any schedule. */
  repeatNumMax: 10_000,
  itemsMinCount: 1,
  /** Our choice: the API publishes no maximum. 100 items of at most 2048-char URLs keep the POST form body well under 1 MB. */
  itemsMaxCount: 100,
  itemNameMaxChars: 128,
  vodUrlMaxChars: 2048,
  /** The API's own limit for ClientToken. */
  clientTokenMaxChars: 64,
  /** Slot names are ours: long enough for `trigger-name:variant`, short enough for a table column. */
  slotMaxChars: 64,
  /**
   * Work bounds rather than format rules (a plan has 8 known properties, an item 2): an object above them is
   * rejected with a single error, so hostile input with millions of keys cannot make the validator allocate
   * millions of error objects. Below them, unknown properties are reported by name.
   */
  planMaxProperties: 16,
  itemMaxProperties: 8,
} as const;

/** The shape of {@link PLAN_LIMITS}. */
export type PlanLimits = typeof PLAN_LIMITS;
