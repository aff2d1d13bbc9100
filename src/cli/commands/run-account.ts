// The pieces `check` and `watch` share: a CheckRunner and an AccountWatcher wired to the account's
// persisted state, printing each event.
import { DEFAULT_INTERVAL_MS } from '../../login-control/login-control.js';
import type { Timers } from '../../protocols/deadline.js';
import { AccountWatcher } from '../../watch/account-watcher.js';
import { CheckRunner } from '../../watch/check-runner.js';
import type { WatchEvent } from '../../watch/watch-events.js';
import type { AccountContext } from '../account-context.js';
import { humanLines, jsonLine } from '../output.js';

export interface RunAccountOptions {
  context: AccountContext;
  password: { current: string };
  /** Where each attempt gets its password; default `password.current`. */
  readPassword?: () => Promise<string>;
  intervalMs?: number | undefined;
  json: boolean;
  write: (line: string) => void;
  timers: Timers;
  idle: boolean;
  onEvent?: (event: WatchEvent) => void;
}

export function intervalFor(context: AccountContext, intervalSeconds: number | undefined): number {
  const seconds = intervalSeconds ?? context.saved?.intervalSeconds;
  return seconds !== undefined ? seconds * 1000 : DEFAULT_INTERVAL_MS;
}

export function wireAccount(options: RunAccountOptions): { watcher: AccountWatcher; runner: CheckRunner } {
  const { context } = options;
  const print = (event: WatchEvent): void => {
    if (options.json) options.write(jsonLine(context.url, event));
    else for (const line of humanLines(context.url, event)) options.write(line);
    options.onEvent?.(event);
  };
  const runner = new CheckRunner({
    endpoint: context.endpoint,
    ca: context.ca,
    logger: context.logger,
    ...(context.deadlineMs ? { deadlineMs: context.deadlineMs } : {}),
    getPassword: options.readPassword ?? (async () => options.password.current),
    loadState: () => context.store.accountState(context.url).detection,
    saveState: (detection) => context.store.updateAccountState(context.url, { detection }),
    ...(options.idle ? { onPushed: (report) => watcher.pushed(report) } : {}),
  });
  // `watcher` is only called back after it exists: IDLE starts after the first check.
  const watcher: AccountWatcher = new AccountWatcher({
    intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
    memory: context.store.accountState(context.url).loginControl,
    now: Date.now,
    random: Math.random,
    timers: options.timers,
    attempt: () => runner.attempt(),
    onEvent: print,
    onMemory: (loginControl) => context.store.updateAccountState(context.url, { loginControl }),
  });
  return { watcher, runner };
}
