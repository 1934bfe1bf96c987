/** One episode of a carousel: its display name and the VOD file to play. */
export interface PlanItem {
  readonly ItemName: string;
  readonly VodUrl: string;
}

/**
 * A carousel plan: the JSON shape of AddCasterEpisodeGroupContent's `Content`, plus `CasterId` and `ClientToken`.
 * `CallbackUrl`, `DomainName` and `SideOutputUrl` fall back to the studio's DescribeCasterConfig values.
 */
export interface Plan {
  readonly CasterId?: string;
  readonly CallbackUrl?: string;
  readonly DomainName?: string;
  readonly SideOutputUrl?: string;
  /** UTC, exactly `yyyy-MM-ddTHH:mm:ssZ` once validated (an input offset such as `+08:00` is normalised to `Z`). */
  readonly StartTime: string;
  /** 0 plays once, -1 loops forever, N > 0 repeats N more times. */
  readonly RepeatNum: number;
  readonly Items: readonly PlanItem[];
  readonly ClientToken?: string;
}

/** Validation messages per field path (`StartTime`, `Items[2].VodUrl`, `(root)`), each naming the rule broken. */
export type FieldErrors = Record<string, string[]>;

/** Something about a valid plan a person should know (a URL signature that expires while a group loops). */
export interface PlanWarning {
  /** The field path, e.g. `Items[0].VodUrl`. */
  readonly field: string;
  /** Names the rule and times; never the value. */
  readonly message: string;
}

/** The outcome of validating untrusted input as a plan. */
export type PlanValidation =
  | { readonly ok: true; readonly plan: Plan; readonly warnings: readonly PlanWarning[] }
  | {
      readonly ok: false;
      readonly fieldErrors: FieldErrors;
      readonly warnings: readonly PlanWarning[];
      /** True when the only thing wrong is that StartTime has passed (a retried trigger that came too late). */
      readonly onlyStartTimeInPast: boolean;
    };

/** The rules of validation that depend on the deployment and the clock. */
export interface PlanRules {
  /** How many seconds in the past a StartTime may lie (START_TIME_GRACE_S, default 60). */
  readonly startTimeGraceS: number;
  /** The streaming domain's URL-signing validity in seconds (AUTH_KEY_VALIDITY_S); unknown when undefined. */
  readonly authKeyValidityS: number | undefined;
}

/** Options of validatePlan: the deployment's rules and the clock, both injectable. */
export interface PlanValidationOptions extends Partial<PlanRules> {
  /** Now, in epoch ms; Date.now() by default. */
  readonly nowMs?: number;
}
