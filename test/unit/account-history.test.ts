// An account's history file: capped, redacted, private, and readable after a torn write.
import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../src/log/redacting-logger.js';
import { AccountHistory, HISTORY_LIMIT, historyPath } from '../../src/watch/account-history.js';
import type { WatchEvent } from '../../src/watch/watch-events.js';
import { historyLine } from '../../src/cli/commands/log.js';
import { serverWords } from '../../src/protocols/server-words.js';

const checked = (messages: number): WatchEvent => ({ event: 'checked', messages, unseen: 1, new: [], consecutiveFailures: 0, nextCheckMs: 600_000, state: 'ok' });
const refused = (message: string, consecutiveFailures = 1): WatchEvent => ({
  event: 'login-failed', reason: 'rejected', temporary: false, message, afterLogin: false, consecutiveFailures, nextCheckMs: 20 * 60_000, state: 'error',
});

function history(secrets = new SecretRegistry(), start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
  const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-history-'));
  let now = start;
  const file = historyPath(dir, 'imaps://ann@mail.example:993');
  return { file, history: new AccountHistory(file, (text) => secrets.redact(text), () => (now += 1000)) };
}

describe('account history', () => {
  it(`keeps the last ${HISTORY_LIMIT} attempts, oldest first, and the file stays small`, () => {
    const { file, history: kept } = history();
    for (let n = 0; n < 3 * HISTORY_LIMIT + 17; n += 1) kept.record(checked(n));
    const entries = kept.entries();
    expect(entries).toHaveLength(HISTORY_LIMIT);
    expect(entries[0]).toMatchObject({ outcome: 'checked', messages: 2 * HISTORY_LIMIT + 17 });
    expect(entries.at(-1)).toMatchObject({ outcome: 'checked', messages: 3 * HISTORY_LIMIT + 16 });
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeLessThan(2 * HISTORY_LIMIT);
    // Readable by its owner only (it names servers and times).
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('a new process appending to an old file still caps it', () => {
    const { file, history: first } = history();
    for (let n = 0; n < HISTORY_LIMIT + 50; n += 1) first.record(checked(n));
    const second = new AccountHistory(file, (text) => text);
    for (let n = 0; n < HISTORY_LIMIT; n += 1) second.record(checked(1000 + n));
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeLessThan(2 * HISTORY_LIMIT);
    expect(second.entries().at(-1)).toMatchObject({ messages: 1000 + HISTORY_LIMIT - 1 });
  });

  it('a refused login: the server\'s words with every known secret redacted, counted, the wait kept', () => {
    const secrets = new SecretRegistry();
    secrets.add('hunter2-secret');
    const { file, history: kept } = history(secrets);
    kept.record(refused(`[AUTHENTICATIONFAILED] bad password hunter2-secret (b64 ${Buffer.from('hunter2-secret').toString('base64')})`, 3));
    kept.record({ event: 'login-failed', reason: 'network', temporary: true, message: 'connect ECONNREFUSED', afterLogin: false, consecutiveFailures: 3, nextCheckMs: 30_000, state: 'error' });
    kept.record({ event: 'login-failed', reason: 'closed-by-server', temporary: true, message: 'closed after SELECT', afterLogin: true, consecutiveFailures: 0, nextCheckMs: 30_000, state: 'error' });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain(Buffer.from('hunter2-secret').toString('base64'));
    const [rejected, network, closedAfterLogin] = kept.entries();
    expect(rejected).toMatchObject({ outcome: 'login-failed', reason: 'rejected', failedLoginCounted: true, consecutiveFailures: 3, nextCheckMs: 20 * 60_000 });
    expect(rejected).toMatchObject({ serverSaid: expect.stringContaining('[redacted]') });
    expect(network).toMatchObject({ reason: 'network', failedLoginCounted: false });
    expect(closedAfterLogin).toMatchObject({ reason: 'closed-by-server', failedLoginCounted: false });
  });

  it('a torn last line (killed mid-write) and foreign lines are skipped', () => {
    const { file, history: kept } = history();
    kept.record(checked(1));
    appendFileSync(file, '{"at":"2026-11-23T12:00:09.000Z","outcome":"che');
    appendFileSync(file, '\nnot json\n[1,2]\n');
    kept.record(checked(2));
    expect(kept.entries().map((entry) => entry.outcome === 'checked' && entry.messages)).toEqual([1, 2]);
  });

  it('reads as a person would say it: the reason once, the server\'s words, the backoff explained, the next try as a time', () => {
    const { history: kept } = history(new SecretRegistry(), new Date(2026, 10, 23, 14, 0, 0).getTime());
    kept.record(refused('the server refused the login: [AUTHENTICATIONFAILED] Authentication failed.', 3));
    kept.record({ event: 'login-failed', reason: 'timeout', temporary: true, message: 'no answer in 45 s', afterLogin: false, consecutiveFailures: 0, nextCheckMs: 30_000, state: 'error' });
    kept.record(checked(1));
    const [first, second, third] = kept.entries().map(historyLine);
    expect(first).toBe('2026-11-23 14:00:01  the server refused the password ([AUTHENTICATIONFAILED] Authentication failed.); 3 failed logins in a row — next try at 14:20 to avoid a lockout');
    expect(second).toBe('2026-11-23 14:00:02  the server did not answer in time (temporarily) (no answer in 45 s); not counted as a failed login — next try 30 s later');
    expect(third).toBe('2026-11-23 14:00:03  checked: 1 message, 1 unseen, 0 new');
  });

  it('the server\'s words are what follows our lead-in; none when it gave none', () => {
    expect(serverWords('the server refused the login: [AUTH] go away')).toBe('[AUTH] go away');
    expect(serverWords('the server refused the login: no reason given')).toBe('');
    expect(serverWords('the server refused the login')).toBe('');
    expect(serverWords('[AUTHENTICATIONFAILED] nope')).toBe('[AUTHENTICATIONFAILED] nope');
  });
});
