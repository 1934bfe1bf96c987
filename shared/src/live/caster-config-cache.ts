import type { CasterConfig } from './operations';

export interface CasterConfigCacheOptions {
  /** How long a fetched configuration is served without asking again. */
  readonly ttlMs?: number;
  /** How long past its TTL a configuration is still served when a refresh fails. */
  readonly staleGraceMs?: number;
  readonly now?: () => number;
}

/** Caches DescribeCasterConfig per studio and region. */
export interface CasterConfigCache {
  /** Returns the cached configuration or fetches it; concurrent callers for one key share one fetch. */
  get(regionId: string, casterId: string, fetch: () => Promise<CasterConfig>): Promise<CasterConfigLookup>;
  clear(): void;
}

/** A configuration and where it came from, for the logs. */
export interface CasterConfigLookup {
  readonly config: CasterConfig;
  readonly source: 'fetched' | 'cached' | 'stale';
  /** The refresh error when a stale value was served instead. */
  readonly refreshError?: unknown;
}

interface Entry {
  readonly config: CasterConfig;
  readonly fetchedAtMs: number;
}

/** Creates a TTL cache that never caches failures and rides out a failed refresh with the last good value. */
export function createCasterConfigCache(options: CasterConfigCacheOptions = {}): CasterConfigCache {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const staleGraceMs = options.staleGraceMs ?? 60 * 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<CasterConfigLookup>>();

  async function refresh(key: string, fetch: () => Promise<CasterConfig>): Promise<CasterConfigLookup> {
    const previous = entries.get(key);
    try {
      const config = await fetch();
      entries.set(key, { config, fetchedAtMs: now() });
      return { config, source: 'fetched' };
    } catch (error) {
      if (previous && now() - previous.fetchedAtMs <= ttlMs + staleGraceMs) {
        return { config: previous.config, source: 'stale', refreshError: error };
      }
      throw error;
    }
  }

  return {
    get(regionId, casterId, fetch) {
      const key = `${regionId}\u0000${casterId}`;
      const entry = entries.get(key);
      if (entry && now() - entry.fetchedAtMs < ttlMs) return Promise.resolve({ config: entry.config, source: 'cached' });
      const pending = inFlight.get(key);
      if (pending) return pending;
      const started = refresh(key, fetch).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
    clear() {
      entries.clear();
    },
  };
}
