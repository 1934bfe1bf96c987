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
  /** `yyyy-MM-ddTHH:mm:ss+08:00` is 25 characters; the `Z` form the API takes is 20. */
  startTimeMaxChars: 25,
  /** -1 loops forever, 0 plays once. */
  repeatNumMin: -1,
  /** Our choice: the API publishes no maximum, and 10000 repeats of even one short episode outlasts any schedule. */
  repeatNumMax: 10_000,
  itemsMinCount: 1,
  /** Our choice: the API publishes no maximum. The byte bound below, not this count, keeps the request under 1 MiB. */
  itemsMaxCount: 100,
  itemNameMaxChars: 128,
  vodUrlMaxChars: 2048,
  /** The API's own limit for ClientToken. */
  clientTokenMaxChars: 64,
  /**
   * The most the plan may add to the AddCasterEpisodeGroup form body, counted exactly as sent: each
   * `name=value&` with the value percent-encoded (one character of 4-byte UTF-8 becomes 12). Character limits
   * alone do not bound it: 100 items of 4-byte characters at their limits encode to about 2.6 MB. The Live
   * endpoint (and the emulator) refuse bodies over 1 MiB (1,048,576 bytes); the rest of the body is at most
   * 32 KiB: the common parameters and signature (under 4 KiB with a long STS token) and the studio's
   * CallbackUrl, DomainName and SideOutputUrl when they come from DescribeCasterConfig (2 x 2048 characters,
   * at most 3 bytes each once encoded, plus 253), with room to spare. So 1 MiB - 32 KiB.
   * `tests/unit/plan/encoded-size.test.ts` builds the worst case and signs it.
   */
  planFormMaxBytes: 1_048_576 - 32_768,
  /** Form bytes reserved in the body for what the plan does not give; see planFormMaxBytes. */
  formHeadroomBytes: 32_768,
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
