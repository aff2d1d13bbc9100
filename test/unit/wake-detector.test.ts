import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { detectWakeFromSleep } from '../../src/watch/wake-detector.js';

describe('wake-from-sleep detection', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(0); });
  afterEach(() => { vi.useRealTimers(); });

  it('fires when the wall clock jumps far past a tick, not on ordinary ticks', async () => {
    let wakes = 0;
    const stop = detectWakeFromSleep({
      now: () => Date.now(), onWake: () => { wakes += 1; }, tickMs: 1_000,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(wakes).toBe(0);
    vi.setSystemTime(Date.now() + 60 * 60 * 1000); // the laptop slept for an hour
    await vi.advanceTimersByTimeAsync(1_000);
    expect(wakes).toBe(1);
    stop();
  });
});
