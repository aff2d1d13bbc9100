// An account's recent attempts, for the person (the window's details, `mailbeacon log`) and for
// support (the diagnostics export): when, what came of it, the failure's class, the server's own
// words, the wait the lockout guard chose and whether a failed login was spent. One JSON line per
// attempt in `history/<hash of the URL>.jsonl` in the state dir, the last HISTORY_LIMIT kept.
// Nothing secret is written: the server's words pass the same redaction as the log, and nothing
// else here comes from the user.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FailureReason } from '../protocols/check-failure.js';
import type { WatchEvent } from './watch-events.js';

export const HISTORY_LIMIT = 200;
/** The longest server text kept per entry: enough to read, too little to be a dump. */
const MAX_SAID = 500;

export type HistoryEntry =
  | { at: string; outcome: 'checked'; messages: number; unseen: number | null; newMessages: number; nextCheckMs: number | null }
  | {
    at: string; outcome: 'login-failed'; reason: FailureReason; temporary: boolean; afterLogin: boolean;
    /** The login control counted it: a refused login or a close by the server before login. */
    failedLoginCounted: boolean; consecutiveFailures: number; nextCheckMs: number | null; serverSaid: string;
  }
  | { at: string; outcome: 'credentials-needed' };

/** The failures that spend one of the provider's allowed failed logins (see login-control.ts). */
const COUNTED: ReadonlySet<FailureReason> = new Set(['rejected', 'closed-by-server']);

export function historyPath(stateDir: string, url: string): string {
  return join(stateDir, 'history', `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.jsonl`);
}

export class AccountHistory {
  /** Lines in the file as far as this process knows; it is rewritten to the last HISTORY_LIMIT
   * once it holds twice that, so appends stay cheap and the file stays small. */
  private lines: number | undefined;

  constructor(
    readonly path: string,
    private readonly redact: (text: string) => string,
    private readonly now: () => number = Date.now,
  ) {}

  record(event: WatchEvent): void {
    const at = new Date(this.now()).toISOString();
    let entry: HistoryEntry;
    if (event.event === 'checked') {
      entry = { at, outcome: 'checked', messages: event.messages, unseen: event.unseen, newMessages: event.new.length, nextCheckMs: event.nextCheckMs };
    } else if (event.event === 'login-failed') {
      entry = {
        at, outcome: 'login-failed', reason: event.reason, temporary: event.temporary, afterLogin: event.afterLogin,
        failedLoginCounted: COUNTED.has(event.reason) && !event.afterLogin, consecutiveFailures: event.consecutiveFailures,
        nextCheckMs: event.nextCheckMs, serverSaid: this.redact(event.message).slice(0, MAX_SAID),
      };
    } else {
      entry = { at, outcome: 'credentials-needed' };
    }
    try {
      if (this.lines === undefined) {
        // Once per process: the folder, and how long the file already is.
        mkdirSync(join(this.path, '..'), { recursive: true });
        this.lines = existsSync(this.path) ? this.readLines().length : 0;
      }
      appendFileSync(this.path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
      this.lines += 1;
      if (this.lines >= 2 * HISTORY_LIMIT) this.compact();
    } catch {
      // The history is a convenience: a full disk or a read-only state dir must not stop checks.
    }
  }

  /** The last HISTORY_LIMIT entries, oldest first; a torn or foreign line is skipped. */
  entries(): HistoryEntry[] {
    if (!existsSync(this.path)) return [];
    const entries: HistoryEntry[] = [];
    for (const line of this.readLines()) {
      try {
        const parsed = JSON.parse(line) as HistoryEntry;
        if (parsed && typeof parsed.at === 'string' && typeof parsed.outcome === 'string') entries.push(parsed);
      } catch { /* a torn last line (killed mid-write) */ }
    }
    return entries.slice(-HISTORY_LIMIT);
  }

  /** The account is gone: so is what it did. */
  forget(): void {
    rmSync(this.path, { force: true });
    this.lines = 0;
  }

  private readLines(): string[] {
    return readFileSync(this.path, 'utf8').split('\n').filter((line) => line.length > 0);
  }

  private compact(): void {
    const kept = this.readLines().slice(-HISTORY_LIMIT);
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${kept.join('\n')}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
    this.lines = kept.length;
  }
}
