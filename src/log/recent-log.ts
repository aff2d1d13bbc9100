// The log's last lines on disk, for the diagnostics export: the app logs to stderr, which nobody
// keeps, and support asks "what did it say just before?". Each line the redacting logger writes is
// appended to `logs/mailbeacon.log` in the state dir (owner-only); past MAX_BYTES the file becomes
// `mailbeacon.log.1` and a new one starts, so at most twice that is ever kept. Lines arrive here
// already redacted: this sink sees only what stderr sees. A log that cannot be written (a full or
// read-only disk) never stops the app: writing is switched off for the process.
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const RECENT_LOG_MAX_BYTES = 256 * 1024;
/** How many lines the diagnostics take. */
export const RECENT_LOG_TAIL = 200;
/** A single line longer than this is cut: one runaway entry must not push out all the others. */
const MAX_LINE = 4 * 1024;

export function recentLogPath(stateDir: string): string {
  return join(stateDir, 'logs', 'mailbeacon.log');
}

export class RecentLog {
  private size: number | undefined;
  private broken = false;

  constructor(readonly path: string, private readonly maxBytes = RECENT_LOG_MAX_BYTES) {}

  append(line: string): void {
    if (this.broken) return;
    const text = `${line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line}\n`;
    try {
      if (this.size === undefined) {
        mkdirSync(join(this.path, '..'), { recursive: true, mode: 0o700 });
        this.size = existsSync(this.path) ? statSync(this.path).size : 0;
      }
      if (this.size + Buffer.byteLength(text) > this.maxBytes && this.size > 0) {
        renameSync(this.path, `${this.path}.1`);
        this.size = 0;
      }
      const created = this.size === 0;
      appendFileSync(this.path, text, { mode: 0o600 });
      if (created) chmodSync(this.path, 0o600);
      this.size += Buffer.byteLength(text);
    } catch {
      this.broken = true;
    }
  }

  /** The last `count` lines, oldest first (across the rotation). */
  tail(count = RECENT_LOG_TAIL): string[] {
    const read = (path: string): string[] => {
      try {
        return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '');
      } catch {
        return [];
      }
    };
    const current = read(this.path);
    const lines = current.length >= count ? current : [...read(`${this.path}.1`), ...current];
    return lines.slice(-count);
  }
}
