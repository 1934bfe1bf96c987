/** One API request as `/_emulator/requests` shows it. Holds no secret: see redact.ts. */
export interface RequestLogEntry {
  /** ISO 8601 arrival time by the emulator's clock. */
  readonly Time: string;
  readonly Method: string;
  readonly Path: string;
  readonly Action: string | null;
  readonly AccessKeyId: string | null;
  readonly SignatureAlgorithm: 'v1' | 'acs3' | null;
  readonly ClientToken: string | null;
  /**
   * `ok` or the error Code answered; `reset` when the connection was dropped before the request was handled.
   * For a lost answer (Fault `lost`), the `ok` or error Code that was decided but never sent.
   */
  readonly Verdict: string;
  /** Null when no answer was sent (reset, lost). */
  readonly HttpStatus: number | null;
  /** Wall-clock time from arrival to answer, injected latency included. */
  readonly LatencyMs: number;
  /** Null for a reset; for a lost answer, the RequestId of the answer that was never sent. */
  readonly RequestId: string | null;
  /** The injected fault, if any (`throttle`, `error500`, `error503`, `reset`, `lost`). */
  readonly Fault: string | null;
  /** Injected extra delay in ms (0 when none). */
  readonly InjectedLatencyMs: number;
  /** Business and common parameters, redacted. */
  readonly Params: Readonly<Record<string, string>>;
}

/** A fixed-size ring buffer of the most recent requests: bounded memory however long the emulator runs. */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];
  private readonly capacity: number;
  /** Once full, the slot of the oldest entry: the next one overwritten. */
  private oldest = 0;

  constructor(capacity = 500) {
    this.capacity = Math.max(0, Math.ceil(capacity));
  }

  /** Appends an entry, overwriting the oldest beyond capacity. */
  record(entry: RequestLogEntry): void {
    if (this.entries.length < this.capacity) {
      this.entries.push(entry);
    } else if (this.capacity > 0) {
      this.entries[this.oldest] = entry;
      this.oldest = (this.oldest + 1) % this.capacity;
    }
  }

  /** The kept entries, oldest first. */
  list(): readonly RequestLogEntry[] {
    return this.entries.slice(this.oldest).concat(this.entries.slice(0, this.oldest));
  }
}
