/**
 * Remembers the signature nonces seen per AccessKey for `ttlMs` (twice the widest timestamp window, see
 * signature-windows.ts: by then any request that used the nonce is refused for its timestamp anyway). Kept in
 * memory only: a restarted emulator forgets them, which a real service would not.
 */
export class NonceCache {
  // Insertion-ordered, so expired entries are always at the front.
  private readonly expiresAtMs = new Map<string, number>();

  constructor(private readonly ttlMs: number) {}

  /** Records the nonce and returns true, or returns false when this AccessKey already used it within the window. */
  claim(accessKeyId: string, nonce: string, nowMs: number): boolean {
    this.prune(nowMs);
    const key = `${accessKeyId}\u0000${nonce}`;
    const expiry = this.expiresAtMs.get(key);
    if (expiry !== undefined && expiry > nowMs) return false;
    this.expiresAtMs.delete(key);
    this.expiresAtMs.set(key, nowMs + this.ttlMs);
    return true;
  }

  private prune(nowMs: number): void {
    for (const [key, expiry] of this.expiresAtMs) {
      if (expiry > nowMs) break;
      this.expiresAtMs.delete(key);
    }
  }
}
