import { describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../shared/src/errors';
import { createGcraPacer } from '../../../shared/src/pacing/gcra-pacer';
import { DEFAULT_SAFETY_MARGIN, emissionIntervalMs, LIVE_API_LIMITS_PER_SECOND } from '../../../shared/src/pacing/pacer';

const NO_DEADLINE = Number.POSITIVE_INFINITY;

/**
 * Virtual time: sleeps wait for the test to advance the clock, and wake in the order of their wake-up times.
 * Nothing here depends on the real clock.
 */
function virtualClock(startMs = 0) {
  let nowMs = startMs;
  const sleepers: Array<{ wakeAtMs: number; wake: () => void }> = [];
  const sleeps: number[] = [];
  return {
    now: () => nowMs,
    sleeps,
    sleep: (durationMs: number) =>
      new Promise<void>((resolve) => {
        sleeps.push(durationMs);
        sleepers.push({ wakeAtMs: nowMs + durationMs, wake: resolve });
      }),
    /** Moves the clock to `targetMs`, waking each due sleeper in order and letting it run before the next. */
    async advanceTo(targetMs: number) {
      // Let callers admitted without sleeping observe the current time first.
      await new Promise((resolve) => setImmediate(resolve));
      for (;;) {
        sleepers.sort((a, b) => a.wakeAtMs - b.wakeAtMs);
        const next = sleepers[0];
        if (!next || next.wakeAtMs > targetMs) break;
        sleepers.shift();
        nowMs = next.wakeAtMs;
        next.wake();
        await new Promise((resolve) => setImmediate(resolve));
      }
      nowMs = targetMs;
    },
  };
}

describe('emissionIntervalMs', () => {
  it('spaces 4 requests per second with the 0.9 safety margin 278 ms apart', () => {
    // Prepare
    const limit = 4;

    // Act
    const interval = emissionIntervalMs(limit, 0.9);

    // Assess
    expect(interval).toBe(278);
    expect(DEFAULT_SAFETY_MARGIN).toBe(0.9);
    expect(emissionIntervalMs(limit)).toBe(278);
  });

  it('knows the documented limits of the actions it paces', () => {
    // Prepare
    const limits = LIVE_API_LIMITS_PER_SECOND;

    // Act
    const addLimit = limits['AddCasterEpisodeGroup'];

    // Assess
    expect(addLimit).toBe(4);
    expect(limits['DescribeCasterConfig']).toBe(15);
  });
});

describe('createGcraPacer', () => {
  it('lets requests a second apart through without waiting, and spaces a burst 278 ms apart (4/s, margin 0.9)', async () => {
    // Prepare
    const clock = virtualClock(10_000);
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 4 }, safetyMargin: 0.9, now: clock.now, sleep: clock.sleep });
    const admittedAtMs: number[] = [];

    // Act
    for (let index = 0; index < 4; index += 1) {
      const admitted = pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE).then(() => admittedAtMs.push(clock.now()));
      await clock.advanceTo(clock.now() + 1_000);
      await admitted;
    }
    const burst: number[] = [];
    const start = clock.now();
    const burstDone = Promise.all(
      [0, 1, 2, 3].map(() => pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE).then(() => burst.push(clock.now() - start))),
    );
    await clock.advanceTo(start + 2_000);
    await burstDone;

    // Assess
    expect(admittedAtMs).toEqual([10_000, 11_000, 12_000, 13_000]);
    expect(burst).toEqual([0, 278, 556, 834]);
  });

  it('queues concurrent callers in the order they asked', async () => {
    // Prepare
    const clock = virtualClock();
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 4 }, now: clock.now, sleep: clock.sleep });
    const order: Array<{ caller: number; atMs: number }> = [];

    // Act
    const callers = [1, 2, 3, 4, 5].map((caller) =>
      pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE).then(() => order.push({ caller, atMs: clock.now() })),
    );
    await clock.advanceTo(5_000);
    await Promise.all(callers);

    // Assess
    expect(order).toEqual([
      { caller: 1, atMs: 0 },
      { caller: 2, atMs: 278 },
      { caller: 3, atMs: 556 },
      { caller: 4, atMs: 834 },
      { caller: 5, atMs: 1112 },
    ]);
    expect(clock.sleeps).toEqual([278, 556, 834, 1112]);
  });

  it('rejects a caller whose slot would come after its deadline with ThrottledError carrying retryAfterMs', async () => {
    // Prepare
    const clock = virtualClock();
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 4 }, now: clock.now, sleep: clock.sleep });
    await pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);

    // Act
    const error = await pacer.acquire('AddCasterEpisodeGroup', 100).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ code: 'Throttled', retryAfterMs: 278 });
    expect(clock.sleeps).toEqual([]);
  });

  it('does not spend a slot on a rejected caller: the next caller gets the slot it would have had', async () => {
    // Prepare
    const clock = virtualClock();
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 4 }, now: clock.now, sleep: clock.sleep });
    await pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);
    await pacer.acquire('AddCasterEpisodeGroup', 100).catch(() => undefined);

    // Act
    const admitted = pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);
    await clock.advanceTo(1_000);
    await admitted;

    // Assess
    expect(clock.sleeps).toEqual([278]);
  });

  it('admits a caller whose slot falls exactly on its deadline', async () => {
    // Prepare
    const clock = virtualClock();
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 4 }, now: clock.now, sleep: clock.sleep });
    await pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);

    // Act
    const admitted = pacer.acquire('AddCasterEpisodeGroup', 278);
    await clock.advanceTo(278);
    await admitted;

    // Assess
    expect(clock.sleeps).toEqual([278]);
  });

  it('lets actions without a limit through at once, without sleeping', async () => {
    // Prepare
    const clock = virtualClock();
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 4 }, now: clock.now, sleep: clock.sleep });

    // Act
    for (let index = 0; index < 50; index += 1) await pacer.acquire('DescribeCasterProgram', 0);

    // Assess
    expect(clock.sleeps).toEqual([]);
  });

  it('paces each action on its own schedule', async () => {
    // Prepare
    const clock = virtualClock();
    const pacer = createGcraPacer({ now: clock.now, sleep: clock.sleep });

    // Act
    await pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);
    await pacer.acquire('DescribeCasterConfig', NO_DEADLINE);
    await pacer.acquire('DeleteCasterEpisodeGroup', NO_DEADLINE);

    // Assess
    expect(clock.sleeps).toEqual([]);
  });

  it('does not bank unused time: after a long pause a burst is still spaced', async () => {
    // Prepare
    const clock = virtualClock();
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 4 }, now: clock.now, sleep: clock.sleep });
    await pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);
    await clock.advanceTo(60_000);

    // Act
    const burst = Promise.all([pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE), pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE)]);
    await clock.advanceTo(61_000);
    await burst;

    // Assess
    expect(clock.sleeps).toEqual([278]);
  });

  it('hands out no slot before a time it was told to hold until, and remembers the last slot it gave', async () => {
    // Prepare: slots this process took from Redis are still due until 1,000 ms.
    const clock = virtualClock();
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 2 }, now: clock.now, sleep: clock.sleep });
    pacer.holdUntil('AddCasterEpisodeGroup', 1_000);

    // Act
    const first = pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);
    const second = pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);
    await clock.advanceTo(3_000);
    await Promise.all([first, second]);

    // Assess: the first waits for the hold, the second one interval (556 ms at 2/s) after it.
    expect(clock.sleeps).toEqual([1_000, 1_000 + emissionIntervalMs(2)]);
    expect(pacer.lastSlotMs('AddCasterEpisodeGroup')).toBe(1_000 + emissionIntervalMs(2));
    expect(pacer.intervalMs('AddCasterEpisodeGroup')).toBe(emissionIntervalMs(2));
  });

  it('ignores a hold that is already behind its schedule, and actions it does not pace', async () => {
    // Prepare
    const clock = virtualClock();
    const pacer = createGcraPacer({ limitsPerSecond: { AddCasterEpisodeGroup: 4 }, now: clock.now, sleep: clock.sleep });
    await pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);

    // Act
    pacer.holdUntil('AddCasterEpisodeGroup', 100);
    pacer.holdUntil('ListPlaylist', 10_000);
    const next = pacer.acquire('AddCasterEpisodeGroup', NO_DEADLINE);
    await pacer.acquire('ListPlaylist', NO_DEADLINE);
    await clock.advanceTo(1_000);
    await next;

    // Assess
    expect(clock.sleeps).toEqual([278]);
  });
});
