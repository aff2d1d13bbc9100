// An account's history through the CLI against a private Dovecot: `check` records each attempt
// (a refused login with the server's words, counted; a good check), `mailbeacon log` prints it in
// words and as JSON, and neither the history file nor the output holds the password; `diagnose`
// gathers it all for support, without a secret.
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { filesUnder } from '../support/files.js';

const PASSWORD = 'right horse 电池 staple';

describe('an account\'s history', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-history-'));
  beforeAll(async () => {
    dovecot.setUser('hilda', PASSWORD);
    dovecot.deliver('hilda', 'From: a@b.test\r\nSubject: hello\r\n\r\nbody\r\n');
    await dovecot.start();
  });
  afterAll(() => dovecot.dispose());

  it('check records each attempt; `log` says what happened and why it waits; no password anywhere', async () => {
    const url = `imaps://hilda@127.0.0.1:${dovecot.ports.imaps}`;
    const check = (password: string, extra: string[] = []) => runCli(['check', url, '--ca', dovecot.caFile, '--state', stateDir, '--password-stdin', ...extra], { stdin: `${password}\n` });
    expect((await check('wrong-password-xyz')).status).toBe(3);
    expect((await check(PASSWORD, ['--force'])).status).toBe(0);

    const json = await runCli(['log', url, '--state', stateDir, '--json']);
    expect(json.status, json.stderr).toBe(0);
    const entries = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toEqual([
      expect.objectContaining({ account: url, outcome: 'login-failed', reason: 'rejected', failedLoginCounted: true, consecutiveFailures: 1, serverSaid: expect.stringMatching(/Authentication failed/) }),
      expect.objectContaining({ account: url, outcome: 'credentials-needed' }),
      expect.objectContaining({ account: url, outcome: 'checked', messages: 1 }),
    ]);
    expect(Number(entries[0]!.nextCheckMs)).toBeGreaterThanOrEqual(2 * 600_000);

    const human = await runCli(['log', url, '--state', stateDir]);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/ {2}the server refused the password \(.*Authentication failed.*\); 1 failed login in a row — next try at \d\d:\d\d to avoid a lockout\n/);
    expect(human.stdout).toMatch(/ {2}checked: 1 message, 1 unseen, 1 new\n/);
    expect(human.stdout).toMatch(/\(3 attempts; the last \d+ s ago\)\n$/);

    for (const file of filesUnder(stateDir)) expect(readFileSync(file, 'utf8'), file).not.toContain('wrong-password-xyz');
    expect(json.stdout + human.stdout).not.toContain('wrong-password-xyz');
  });

  it('an account with no attempts yet, and nonsense, get our words', async () => {
    const none = await runCli(['log', 'imaps://nobody@127.0.0.1:993', '--state', stateDir]);
    expect(none.status).toBe(0);
    expect(none.stdout).toBe('imaps://nobody@127.0.0.1:993: no attempts recorded yet\n');
    const bad = await runCli(['log', 'ftp://x', '--state', stateDir]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^mailbeacon: /);
    const extra = await runCli(['log', 'imaps://a@b.test', '--password-stdin']);
    expect(extra.status).toBe(2);
    expect(extra.stderr).toMatch(/--password-stdin does not apply to "log"/);
  });
});

describe('mailbeacon diagnose', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-diagnose-'));
  beforeAll(async () => {
    dovecot.setUser('dora', PASSWORD);
    await dovecot.start();
  });
  afterAll(() => dovecot.dispose());

  it('one file with what support needs (versions, OS, settings, each account\'s state and history, the log\'s last lines) and no secret', async () => {
    const url = `imaps://dora@127.0.0.1:${dovecot.ports.imaps}`;
    const added = await runCli(['accounts', 'add', url, '--ca', dovecot.caFile, '--state', stateDir, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(added.status, added.stderr).toBe(0);
    expect((await runCli(['check', url, '--state', stateDir])).status).toBe(0);
    // With the log at info, the refused login's lines go to stderr and to the state dir's recent log.
    const refused = await runCli(['check', url, '--state', stateDir, '--password-stdin', '--force'], { stdin: 'a-wrong-one-4711\n', env: { MAILBEACON_LOG: 'info' } });
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/"level":"(?:info|warn)"/);

    const out = join(stateDir, 'diagnostics.json');
    const saved = await runCli(['diagnose', '--state', stateDir, '--out', out]);
    expect(saved.status, saved.stderr).toBe(0);
    expect(saved.stdout).toBe(`diagnostics written to ${out}\n`);
    expect(statSync(out).mode & 0o077).toBe(0);
    const text = readFileSync(out, 'utf8');
    const report = JSON.parse(text) as { mailbeacon: string; node: string; os: { platform: string }; settings: object; accounts: Array<Record<string, unknown>>; logTail: string[] };
    // The log's last lines, as the log wrote them (already redacted), owner-only on disk.
    const logged = refused.stderr.split('\n').filter((line) => line.startsWith('{'));
    expect(logged.length).toBeGreaterThan(0);
    expect(report.logTail.slice(-logged.length)).toEqual(logged);
    expect(statSync(join(stateDir, 'logs', 'mailbeacon.log')).mode & 0o077).toBe(0);
    expect(report).toMatchObject({ mailbeacon: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.version, os: { platform: process.platform } });
    expect(report.settings).toMatchObject({ defaultIntervalMinutes: 10 });
    expect(report.accounts).toEqual([expect.objectContaining({
      url, signIn: { kind: 'password' }, extraCa: true,
      state: expect.objectContaining({ loginControl: expect.objectContaining({ consecutiveFailures: 1, lastFailure: 'rejected' }) }),
      history: [
        expect.objectContaining({ outcome: 'checked' }), // the login `accounts add` tried before saving
        expect.objectContaining({ outcome: 'checked' }),
        expect.objectContaining({ outcome: 'login-failed', reason: 'rejected', failedLoginCounted: true }),
        expect.objectContaining({ outcome: 'credentials-needed' }),
      ],
    })]);
    // Neither password, in any spelling a protocol would use.
    for (const secret of [PASSWORD, 'a-wrong-one-4711']) {
      for (const form of [secret, Buffer.from(secret).toString('base64'), Buffer.from(`\0dora\0${secret}`).toString('base64')]) expect(text).not.toContain(form);
    }
    // To stdout, the same document.
    const printed = await runCli(['diagnose', '--state', stateDir]);
    expect(JSON.parse(printed.stdout)).toMatchObject({ accounts: [expect.objectContaining({ url })] });

    // A place that cannot be written: our words, exit 2, nothing half-written.
    const unwritable = await runCli(['diagnose', '--state', stateDir, '--out', stateDir]);
    expect(unwritable.status).toBe(2);
    expect(unwritable.stderr).toBe(`mailbeacon: cannot write ${stateDir}: EISDIR\n`);

    // Removing the account forgets what it did too.
    const historyFile = join(stateDir, 'history', readdirSync(join(stateDir, 'history'))[0]!);
    expect((await runCli(['accounts', 'remove', url, '--state', stateDir])).status).toBe(0);
    expect(existsSync(historyFile)).toBe(false);
    expect((await runCli(['log', url, '--state', stateDir])).stdout).toBe(`${url}: no attempts recorded yet\n`);
  });
});
