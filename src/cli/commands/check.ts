// `mailbeacon check URL`: one attempt, bound by the same lockout guard as the app and `watch`
// (people run it from cron and status bars: that is how accounts get locked). Inside the guard's
// window it does not log in: it says when the next login is allowed and exits 7, unless --force.
import type { CheckFailure } from '../../protocols/check-failure.js';
import { realTimers } from '../../protocols/deadline.js';
import { accountContext, credentialsHint, initialPassword, type CommonArgs, type Environment } from '../account-context.js';
import { EXIT, exitCodeFor } from '../exit-codes.js';
import { plural } from '../output.js';
import { intervalFor, presentAccount } from './run-account.js';

export interface CheckArgs extends CommonArgs {
  json: boolean;
  force: boolean;
  backoffBaseMs?: number | undefined;
}

export async function checkCommand(args: CheckArgs, environment: Environment, write: (line: string) => void): Promise<number> {
  const context = accountContext(args, environment);
  const password = await initialPassword(args, context, environment);
  if (args.passwordStdin) environment.input().close();
  let failure: Pick<CheckFailure, 'reason' | 'message' | 'afterLogin'> | undefined;
  const runtime = presentAccount({
    context, environment, readPassword: async () => password, intervalMs: intervalFor(context, undefined), backoffBaseMs: args.backoffBaseMs,
    json: args.json, write, timers: realTimers, idle: false,
    human: { oneShot: true, credentialsHint: credentialsHint(args, context, environment) },
    onEvent: (event) => {
      if (event.event === 'login-failed') failure = { reason: event.reason, message: event.message, afterLogin: event.afterLogin };
    },
  });
  const allowedAt = runtime.loginAllowedAt();
  if (allowedAt !== null && !args.force) {
    const failures = runtime.memory.consecutiveFailures;
    if (args.json) {
      write(JSON.stringify({ event: 'deferred', account: context.url, retryAt: new Date(allowedAt).toISOString(), consecutiveFailures: failures }));
    }
    const minutes = Math.max(1, Math.ceil((allowedAt - Date.now()) / 60_000));
    environment.writeError(`mailbeacon: ${context.url}: not logging in: ${plural(failures, 'login')} in a row failed, and to avoid `
      + `a lockout the next is allowed at ${new Date(allowedAt).toLocaleTimeString()} (in ${plural(minutes, 'minute')}). `
      + `${credentialsHint(args, context, environment)} (--force logs in now and risks a lockout)`);
    await runtime.stop();
    return EXIT.deferred;
  }
  await runtime.runOnce();
  await runtime.stop();
  if (!failure) return EXIT.ok;
  environment.writeError(`mailbeacon: ${context.url}: ${failure.message}`);
  return exitCodeFor(failure.reason, failure.afterLogin);
}
