import { accountContext, initialPassword, type CommonArgs, type Environment } from '../account-context.js';
import { promptHidden } from '../line-input.js';
import { EXIT } from '../exit-codes.js';
import { intervalFor, wireAccount } from './run-account.js';
import { liveTimers, watchLoop } from './watch-loop.js';

/**
 * `mailbeacon watch URL`: the login control until interrupted. When the saved password stops
 * working, the next stdin line (with --password-stdin) or a terminal prompt supplies the new one,
 * which replaces the saved one. A certificate problem ends the watch (exit 5): it needs a decision.
 */
export async function watchCommand(
  args: CommonArgs & { json: boolean; intervalSeconds?: number | undefined },
  environment: Environment,
  write: (line: string) => void,
): Promise<number> {
  const context = accountContext(args, environment);
  const password = { current: await initialPassword(args, context, environment) };
  const loop = watchLoop();

  const askForNewPassword = async (): Promise<void> => {
    let next: string | undefined;
    if (args.passwordStdin) next = await environment.input().next();
    else if (process.stdin.isTTY) next = await promptHidden(`New password for ${context.url}: `);
    if (!next) return; // Nothing to try: keep polling at the growing interval.
    context.registry.add(next);
    password.current = next;
    if (context.saved) {
      await environment.secrets.setPassword(context.url, next).catch((error: Error) =>
        environment.writeError(`mailbeacon: the new password works for now but was not saved: ${error.message}`));
    }
    watcher.credentialsReplaced();
  };

  const { watcher, runner } = wireAccount({
    context, password, intervalMs: intervalFor(context, args.intervalSeconds), json: args.json, write,
    timers: liveTimers, idle: true,
    onEvent: (event) => {
      if (event.event === 'credentials-needed') void askForNewPassword();
      if (event.event === 'login-failed' && event.reason === 'tls') {
        environment.writeError(`mailbeacon: ${context.url}: ${event.message} (give the server's CA with --ca)`);
        loop.finish(EXIT.tls);
      }
    },
  });
  return loop.run([{ watcher, runner }]);
}
