// The CLI's "system browser" (RFC 8252 §4.1): the sign-in page's address is always printed, and
// opened with the desktop's opener when there is a desktop. MAILBEACON_NO_BROWSER=1 only prints
// (a remote shell, a script, or the tests, whose Chromium stands in for the user's browser).
import { spawn } from 'node:child_process';
import type { Environment } from './account-context.js';

export function browserOpener(environment: Environment, issuer: string): (url: string) => Promise<void> {
  return async (url) => {
    environment.writeError(`mailbeacon: sign in at ${issuer} in your browser: ${url}`);
    const env = environment.env;
    if (env.MAILBEACON_NO_BROWSER === '1') return;
    const command = process.platform === 'darwin' ? ['open', url]
      : process.platform === 'win32' ? ['rundll32', 'url.dll,FileProtocolHandler', url]
        : env.DISPLAY || env.WAYLAND_DISPLAY ? ['xdg-open', url] : undefined;
    if (!command) return;
    try {
      const child = spawn(command[0]!, command.slice(1), { detached: true, stdio: 'ignore' });
      child.on('error', () => undefined);
      child.unref();
    } catch {
      // The printed address is enough.
    }
  };
}
