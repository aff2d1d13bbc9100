// "Start Mailbeacon when I log in" on Linux, where Electron has no login-item API: the freedesktop
// Desktop Application Autostart spec — a .desktop file in $XDG_CONFIG_HOME/autostart (by default
// ~/.config/autostart), written when the setting is on and removed when it is off.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function autostartFile(env: NodeJS.ProcessEnv, home: string): string {
  const configHome = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(configHome, 'autostart', 'mailbeacon.desktop');
}

/** An Exec= argument as the Desktop Entry spec quotes it. */
function execArgument(path: string): string {
  return /[\s"'\\$`]/.test(path) ? `"${path.replace(/(["`$\\])/g, '\\$1')}"` : path;
}

export function applyXdgAutostart(enabled: boolean, options: { env: NodeJS.ProcessEnv; home: string; executable: string }): void {
  const file = autostartFile(options.env, options.home);
  if (!enabled) {
    if (existsSync(file)) rmSync(file);
    return;
  }
  mkdirSync(join(file, '..'), { recursive: true });
  // An AppImage runs from a mounted copy that changes each start: its own path is what stays.
  const executable = options.env.APPIMAGE || options.executable;
  writeFileSync(file, [
    '[Desktop Entry]', 'Type=Application', 'Name=Mailbeacon', 'Comment=Mail checker',
    `Exec=${execArgument(executable)}`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', '',
  ].join('\n'), { mode: 0o644 });
}
