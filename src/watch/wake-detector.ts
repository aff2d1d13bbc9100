// Plain Node has no "resumed from sleep" event (Electron's powerMonitor does, in main/). A coarse
// tick that notices the wall clock jumping far past the tick length tells the same story.
import type { Timers } from '../protocols/deadline.js';

export function detectWakeFromSleep(options: {
  now: () => number;
  timers: Timers;
  onWake: () => void;
  tickMs?: number;
}): () => void {
  const tickMs = options.tickMs ?? 30_000;
  let last = options.now();
  let handle: unknown;
  const tick = (): void => {
    const now = options.now();
    if (now - last > tickMs * 3) options.onWake();
    last = now;
    handle = options.timers.setTimeout(tick, tickMs);
  };
  handle = options.timers.setTimeout(tick, tickMs);
  return () => options.timers.clearTimeout(handle);
}
