import { accountContext, initialPassword, type CommonArgs, type Environment } from '../account-context.js';
import { muteTerminal, promptHidden } from '../line-input.js';
import { EXIT } from '../exit-codes.js';
import { intervalFor, presentAccount } from './run-account.js';
import { liveTimers, watchLoop } from './watch-loop.js';

/**
 * `mailbeacon watch URL`: the login control until interrupted. When the password stops working, the
 * next stdin line (with --password-stdin) or a hidden terminal prompt supplies the new one, which
 * replaces the saved one and is tried at once. Only one question is ever open; an empty answer is
 * asked again at the next refused login. A certificate problem ends the watch (exit 5).
 */
export async function watchCommand(
  args: CommonArgs & { json: boolean; intervalSeconds?: number | undefined; backoffBaseMs?: number | undefined },
  environment: Environment,
  write: (line: string) => void,
): Promise<number> {
  const context = accountContext(args, environment);
  const password = { current: await initialPassword(args, context, environment) };
  const loop = watchLoop();
  // An OAuth2 account is answered by signing in again (`mailbeacon reauth URL`), not by a typed line.
  const canAsk = !context.saved?.oauth && (args.passwordStdin || process.stdin.isTTY === true);
  const terminal = args.passwordStdin ? undefined : muteTerminal();
  let asking = false;
  /** A password typed since the last good check: its first success is confirmed in words. */
  let typedPassword = false;
  let askAgain = false;

  const askForNewPassword = async (): Promise<void> => {
    if (asking || !canAsk) return;
    asking = true;
    askAgain = false;
    try {
      const next = args.passwordStdin ? await environment.input().next() : await promptHidden(`New password for ${context.url}: `);
      terminal?.resume();
      if (next === undefined) return; // stdin ended: nothing more can be asked; keep backing off
      if (next === '') { askAgain = true; return; }
      context.registry.add(next);
      password.current = next;
      typedPassword = true;
      if (context.saved) {
        await environment.secrets.setPassword(context.url, next).catch((error: Error) =>
          environment.writeError(`mailbeacon: the new password works for now but was not saved: ${error.message}`));
      }
      runtime.credentialsReplaced();
    } finally {
      asking = false;
    }
  };

  const runtime = presentAccount({
    context, environment, readPassword: async () => password.current, intervalMs: intervalFor(context, args.intervalSeconds),
    backoffBaseMs: args.backoffBaseMs, json: args.json, write, timers: liveTimers, idle: true,
    human: {
      credentialsHint: canAsk
        ? `the password is not accepted. ${args.passwordStdin ? 'Send the new one as the next stdin line' : 'Type the new one at the prompt'}: it replaces ${context.saved ? 'the saved one' : 'this one'} and is tried at once.`
        : `the password is not accepted and this watch cannot ask for another (no terminal, no --password-stdin): stop it and start it with the right one.`,
    },
    onEvent: (event) => {
      if (event.event === 'checked' && typedPassword) {
        typedPassword = false;
        if (!args.json) write(`${context.url}: the new password works${context.saved ? ' (saved in the OS keychain)' : ''}`);
      }
      if (event.event === 'credentials-needed') void askForNewPassword();
      if (event.event === 'login-failed') {
        if (askAgain && event.reason === 'rejected' && !event.temporary) void askForNewPassword();
        if (event.reason === 'tls') {
          environment.writeError(`mailbeacon: ${context.url}: ${event.message} (trust it with "mailbeacon trust ${context.url}", or give the server's CA with --ca)`);
          loop.finish(EXIT.tls);
        }
      }
    },
  });
  try {
    return await loop.run([runtime]);
  } finally {
    terminal?.restore();
  }
}
