import { describe, expect, it } from 'vitest';
import { createCasterConfigCache } from '../../../shared/src/live/caster-config-cache';
import type { CasterConfig } from '../../../shared/src/live/operations';

const TTL_MS = 60_000;
const GRACE_MS = 600_000;

function config(casterId: string, version = 1): CasterConfig {
  return { CasterId: casterId, CallbackUrl: `http://cb/${casterId}/v${version}`, DomainName: 'example.com' };
}

/** A fetch that counts its calls and answers from a queue of results (the last one repeats). */
function fetcher(...results: Array<CasterConfig | Error>) {
  let calls = 0;
  const fetch = async (): Promise<CasterConfig> => {
    const result = results[Math.min(calls, results.length - 1)]!;
    calls += 1;
    if (result instanceof Error) throw result;
    return result;
  };
  return { fetch, calls: () => calls };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function setup() {
  let nowMs = 1_000_000;
  const cache = createCasterConfigCache({ ttlMs: TTL_MS, staleGraceMs: GRACE_MS, now: () => nowMs });
  return { cache, advance: (ms: number) => (nowMs += ms) };
}

describe('createCasterConfigCache', () => {
  it('serves a fetched configuration from the cache until its TTL ends, then fetches again', async () => {
    // Prepare
    const { cache, advance } = setup();
    const source = fetcher(config('c1', 1), config('c1', 2));

    // Act
    const first = await cache.get('cn-shanghai', 'c1', source.fetch);
    advance(TTL_MS - 1);
    const second = await cache.get('cn-shanghai', 'c1', source.fetch);
    advance(1);
    const third = await cache.get('cn-shanghai', 'c1', source.fetch);

    // Assess
    expect(first).toEqual({ config: config('c1', 1), source: 'fetched' });
    expect(second).toEqual({ config: config('c1', 1), source: 'cached' });
    expect(third).toEqual({ config: config('c1', 2), source: 'fetched' });
    expect(source.calls()).toBe(2);
  });

  it('lets concurrent callers for one studio share a single fetch', async () => {
    // Prepare
    const { cache } = setup();
    const pending = deferred<CasterConfig>();
    let calls = 0;
    const fetch = () => {
      calls += 1;
      return pending.promise;
    };

    // Act
    const lookups = [cache.get('cn-shanghai', 'c1', fetch), cache.get('cn-shanghai', 'c1', fetch), cache.get('cn-shanghai', 'c1', fetch)];
    pending.resolve(config('c1'));
    const results = await Promise.all(lookups);

    // Assess
    expect(calls).toBe(1);
    expect(results.map((result) => result.config)).toEqual([config('c1'), config('c1'), config('c1')]);
  });

  it('shares a failing fetch too, and every concurrent caller sees the failure', async () => {
    // Prepare
    const { cache } = setup();
    const pending = deferred<CasterConfig>();
    let calls = 0;
    const fetch = () => {
      calls += 1;
      return pending.promise;
    };

    // Act
    const lookups = [cache.get('r', 'c1', fetch), cache.get('r', 'c1', fetch)];
    pending.reject(new Error('boom'));
    const results = await Promise.allSettled(lookups);

    // Assess
    expect(calls).toBe(1);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });

  it('never caches a failure: the next get fetches again', async () => {
    // Prepare
    const { cache } = setup();
    const source = fetcher(new Error('ServiceUnavailable'), config('c1'));

    // Act
    const failed = await cache.get('r', 'c1', source.fetch).catch((error: unknown) => error);
    const retried = await cache.get('r', 'c1', source.fetch);

    // Assess
    expect(failed).toEqual(new Error('ServiceUnavailable'));
    expect(retried).toEqual({ config: config('c1'), source: 'fetched' });
    expect(source.calls()).toBe(2);
  });

  it('serves the last good configuration, marked stale with the refresh error, when a refresh fails within the grace period', async () => {
    // Prepare
    const { cache, advance } = setup();
    const refreshError = new Error('Throttling');
    const source = fetcher(config('c1'), refreshError);
    await cache.get('r', 'c1', source.fetch);
    advance(TTL_MS + GRACE_MS);

    // Act
    const lookup = await cache.get('r', 'c1', source.fetch);

    // Assess
    expect(lookup).toEqual({ config: config('c1'), source: 'stale', refreshError });
    expect(source.calls()).toBe(2);
  });

  it('keeps trying to refresh while serving stale, and uses the new value once a refresh succeeds', async () => {
    // Prepare
    const { cache, advance } = setup();
    const source = fetcher(config('c1', 1), new Error('down'), config('c1', 2));
    await cache.get('r', 'c1', source.fetch);
    advance(TTL_MS);
    await cache.get('r', 'c1', source.fetch);

    // Act
    const recovered = await cache.get('r', 'c1', source.fetch);

    // Assess
    expect(recovered).toEqual({ config: config('c1', 2), source: 'fetched' });
    expect(source.calls()).toBe(3);
  });

  it('stops serving the stale value once the grace period is over and reports the refresh error', async () => {
    // Prepare
    const { cache, advance } = setup();
    const source = fetcher(config('c1'), new Error('still down'));
    await cache.get('r', 'c1', source.fetch);
    advance(TTL_MS + GRACE_MS + 1);

    // Act
    const outcome = cache.get('r', 'c1', source.fetch);

    // Assess
    await expect(outcome).rejects.toThrow('still down');
  });

  it('keeps studios separate by region and by caster', async () => {
    // Prepare
    const { cache } = setup();
    let calls = 0;
    const fetchFor = (casterId: string, regionTag: string) => async () => {
      calls += 1;
      return { ...config(casterId), DomainName: `${regionTag}.example.com` };
    };

    // Act
    const a = await cache.get('cn-shanghai', 'c1', fetchFor('c1', 'sh'));
    const b = await cache.get('cn-beijing', 'c1', fetchFor('c1', 'bj'));
    const c = await cache.get('cn-shanghai', 'c2', fetchFor('c2', 'sh'));
    const again = await cache.get('cn-beijing', 'c1', fetchFor('c1', 'never'));

    // Assess
    expect(calls).toBe(3);
    expect([a.config.DomainName, b.config.DomainName, c.config.CasterId]).toEqual(['sh.example.com', 'bj.example.com', 'c2']);
    expect(again).toEqual({ config: b.config, source: 'cached' });
  });

  it('does not confuse keys whose parts run together ("a" + "bc" vs "ab" + "c")', async () => {
    // Prepare
    const { cache } = setup();
    await cache.get('a', 'bc', async () => config('first'));

    // Act
    const other = await cache.get('ab', 'c', async () => config('second'));

    // Assess
    expect(other).toEqual({ config: config('second'), source: 'fetched' });
  });

  it('forgets everything on clear()', async () => {
    // Prepare
    const { cache } = setup();
    const source = fetcher(config('c1', 1), config('c1', 2));
    await cache.get('r', 'c1', source.fetch);

    // Act
    cache.clear();
    const lookup = await cache.get('r', 'c1', source.fetch);

    // Assess
    expect(lookup).toEqual({ config: config('c1', 2), source: 'fetched' });
  });
});
