import type { FailureReason } from '../../protocols/check-failure.js';
import { realTimers } from '../../protocols/deadline.js';
import { accountContext, initialPassword, type CommonArgs, type Environment } from '../account-context.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { intervalFor, wireAccount } from './run-account.js';

/** `mailbeacon check URL`: one attempt; exit 0 / 3 rejected or closed / 4 network or timeout / 5 TLS. */
export async function checkCommand(args: CommonArgs & { json: boolean }, environment: Environment, write: (line: string) => void): Promise<number> {
  const context = accountContext(args, environment);
  const password = { current: await initialPassword(args, context, environment) };
  if (args.passwordStdin) environment.input().close();
  let failure: { reason: FailureReason; message: string } | undefined;
  const { watcher, runner } = wireAccount({
    context, password, intervalMs: intervalFor(context, undefined), json: args.json, write,
    timers: realTimers, idle: false,
    onEvent: (event) => { if (event.event === 'login-failed') failure = event; },
  });
  await watcher.runOnce();
  await runner.close();
  if (!failure) return EXIT.ok;
  environment.writeError(`mailbeacon: ${context.url}: ${failure.message}`);
  return exitCodeFor(failure.reason);
}
