// What `watch URL` and `watch --all` share: timers that keep the process alive, the wake-from-sleep
// detector, and running until SIGINT/SIGTERM (or a caller's own reason to stop).
import type { Timers } from '../../protocols/deadline.js';
import type { AccountRuntime } from '../../watch/account-runtime.js';
import { detectWakeFromSleep } from '../../watch/wake-detector.js';
import { EXIT } from '../exit-codes.js';

/** The watch loop's own timers keep the process alive (unlike background protocol timers). */
export const liveTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};


export interface WatchLoop {
  /** Ends the loop with this exit code. */
  finish: (code: number) => void;
  /** Starts the watchers (the n-th after n × `staggerMs`) and resolves with the exit code once stopped. */
  run: (accounts: AccountRuntime[], staggerMs?: number) => Promise<number>;
}

export function watchLoop(): WatchLoop {
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => { finish = resolve; });
  const run = async (accounts: AccountRuntime[], staggerMs = 0): Promise<number> => {
    const stopWakeDetector = detectWakeFromSleep({
      now: Date.now, timers: liveTimers, onWake: () => { for (const account of accounts) account.networkRestored(); },
    });
    const onSignal = (): void => finish(EXIT.ok);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Many accounts, often on one server: first checks spread out rather than all in one burst.
    const starts: NodeJS.Timeout[] = [];
    accounts.forEach((account, index) => {
      if (index === 0 || staggerMs === 0) account.start();
      else starts.push(setTimeout(() => account.start(), index * staggerMs));
    });
    const code = await finished;
    for (const start of starts) clearTimeout(start);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    stopWakeDetector();
    await Promise.all(accounts.map((account) => account.stop()));
    return code;
  };
  return { finish: (code) => finish(code), run };
}
