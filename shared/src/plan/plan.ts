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
  /** UTC, exactly `yyyy-MM-ddTHH:mm:ssZ`. */
  readonly StartTime: string;
  /** 0 plays once, -1 loops forever, N > 0 repeats N more times. */
  readonly RepeatNum: number;
  readonly Items: readonly PlanItem[];
  readonly ClientToken?: string;
  /** A place in the studio's schedule holding one group at a time (see the ledger); never sent to the API. */
  readonly Slot?: string;
}

/** Validation messages per field path (`StartTime`, `Items[2].VodUrl`, `(root)`), each naming the rule broken. */
export type FieldErrors = Record<string, string[]>;

/** The outcome of validating untrusted input as a plan. */
export type PlanValidation = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly fieldErrors: FieldErrors };
