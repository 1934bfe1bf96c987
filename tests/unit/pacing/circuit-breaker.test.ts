import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from '../../../shared/src/pacing/circuit-breaker';

function manualClock(startMs = 1_000) {
  let nowMs = startMs;
  return { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
}

describe('the circuit breaker in front of Redis', () => {
  it('lets every caller through while nothing has failed', () => {
    // Prepare
    const breaker = createCircuitBreaker({ openMs: 5_000 });
    // Act / Assess
    expect([breaker.tryAcquire(), breaker.tryAcquire(), breaker.tryAcquire()]).toEqual([true, true, true]);
    expect(breaker.state).toBe('closed');
  });

  it('turns every caller away for the open period after one failure', () => {
    // Prepare
    const clock = manualClock();
    const breaker = createCircuitBreaker({ openMs: 5_000, now: clock.now });
    breaker.tryAcquire();
    // Act
    breaker.failed();
    clock.advance(4_999);
    // Assess
    expect(breaker.tryAcquire()).toBe(false);
    expect(breaker.state).toBe('open');
  });

  it('lets exactly one probe through after the open period, and closes when it succeeds', () => {
    // Prepare
    const clock = manualClock();
    const breaker = createCircuitBreaker({ openMs: 5_000, now: clock.now });
    breaker.failed();
    clock.advance(5_000);
    // Act
    const probe = breaker.tryAcquire();
    const others = [breaker.tryAcquire(), breaker.tryAcquire()];
    breaker.succeeded();
    // Assess
    expect(probe).toBe(true);
    expect(others).toEqual([false, false]);
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('closed');
  });

  it('stays open another full period when the probe fails', () => {
    // Prepare
    const clock = manualClock();
    const breaker = createCircuitBreaker({ openMs: 5_000, now: clock.now });
    breaker.failed();
    clock.advance(5_000);
    breaker.tryAcquire();
    // Act
    breaker.failed();
    clock.advance(4_000);
    // Assess
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1_000);
    expect(breaker.tryAcquire()).toBe(true);
  });
});
