// The CLI contract of `mailbeacon check` against a private Dovecot: every protocol and TLS kind,
// new-mail detection across runs, JSON lines, exit codes, and nothing secret under --state.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder } from '../support/files.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { runCli } from '../support/cli-process.js';
import { message } from '../support/messages.js';

const PASSWORD = 'correct horse 电池 staple';

describe('mailbeacon check against a private Dovecot', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-state-'));
  let urls: Record<string, string>;

  beforeAll(async () => {
    for (const user of ['imaps-user', 'imap-user', 'pop3s-user', 'pop3-user']) dovecot.setUser(user, PASSWORD);
    await dovecot.start();
    const p = dovecot.ports;
    urls = {
      imaps: `imaps://imaps-user@127.0.0.1:${p.imaps}`,
      imap: `imap://imap-user@127.0.0.1:${p.imap}`,
      pop3s: `pop3s://pop3s-user@127.0.0.1:${p.pop3s}`,
      pop3: `pop3://pop3-user@127.0.0.1:${p.pop3}`,
    };
  });
  afterAll(() => dovecot.dispose());

  const check = (url: string, extra: string[] = []) =>
    runCli(['check', url, '--ca', dovecot.caFile, '--state', stateDir, '--json', '--password-stdin', ...extra], { stdin: `${PASSWORD}\n` });

  it.each(['imaps', 'imap', 'pop3s', 'pop3'])('%s: detects new mail across runs, with decoded sender and subject', async (kind) => {
    const url = urls[kind]!;
    const user = `${kind}-user`;
    dovecot.deliver(user, message({ subject: 'already there' }), { seen: true });

    const first = await check(url);
    expect(first.status, first.stderr).toBe(0);
    expect(first.events).toHaveLength(1);
    expect(first.events[0]).toMatchObject({ event: 'checked', account: url, messages: 1, consecutiveFailures: 0 });
    expect(first.events[0]!.unseen).toBe(kind.startsWith('imap') ? 0 : null);
    expect((first.events[0]!.new as unknown[]).length).toBe(1); // nothing was seen before in this --state

    const second = await check(url);
    expect(second.events[0]).toMatchObject({ event: 'checked', messages: 1, new: [] });

    // ISO-2022-JP: the built CLI loads encoding-japanese only when such a word comes
    // (scripts/deferred-imports.mjs); this is where it must still come out right.
    dovecot.deliver(user, message({
      from: '=?GB2312?B?1cXI/Q==?= <zhang@example.cn>', subject: '=?UTF-8?B?5paw6YKu5Lu2?= (new mail) =?ISO-2022-JP?B?GyRCMnE1RCROJCpDTiRpJDsbKEI=?=',
      date: 'Sun, 22 Nov 2026 08:30:00 +0800',
    }));
    const third = await check(url);
    expect(third.status).toBe(0);
    const event = third.events[0]!;
    expect(event).toMatchObject({ event: 'checked', messages: 2, consecutiveFailures: 0 });
    expect(event.new).toEqual([{ from: '张三 <zhang@example.cn>', subject: '新邮件 (new mail) 会議のお知らせ', date: '2026-11-22T00:30:00.000Z' }]);
    expect(event.unseen).toBe(kind.startsWith('imap') ? 1 : null);
    expect(event.nextCheckMs).toBeGreaterThanOrEqual(600_000);
    expect(event.nextCheckMs).toBeLessThanOrEqual(660_000);
  });

  it('the password reaches no file under --state, and no output', async () => {
    const result = await check(urls.imaps!);
    expect(result.stdout + result.stderr).not.toContain(PASSWORD);
    const files = filesUnder(stateDir);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const content = readFileSync(file);
      expect(content.includes(Buffer.from(PASSWORD)), file).toBe(false);
      expect(content.includes(Buffer.from(Buffer.from(PASSWORD).toString('base64'))), file).toBe(false);
    }
  });

  it('MAILBEACON_PASSWORD is used when stdin is not', async () => {
    const result = await runCli(['check', urls.pop3s!, '--ca', dovecot.caFile, '--state', stateDir, '--json'], { env: { MAILBEACON_PASSWORD: PASSWORD } });
    expect(result.status, result.stderr).toBe(0);
  });

  it('human output without --json', async () => {
    const result = await runCli(['check', urls.imaps!, '--ca', dovecot.caFile, '--state', stateDir, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^imaps:\/\/imaps-user@127\.0\.0\.1:\d+: 2 messages, 1 unseen, 0 new\n$/);
  });

  it('plaintext is refused unless the URL opts in, and then works', async () => {
    const url = `imap://imap-user@127.0.0.1:${dovecot.ports.imap}?plaintext=1`;
    const result = await runCli(['check', url, '--state', stateDir, '--json', '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(result.status, result.stderr).toBe(0);
    expect(result.events[0]!.account).toBe(url);
  });

  it.each([
    [['check', 'http://x@example.com'], /unknown scheme/],
    [['check', 'imaps://user:secret@127.0.0.1:1'], /must not contain a password/],
    [['check', 'imaps://127.0.0.1:1'], /no user name/],
    [['check'], /exactly one account URL/],
    [['watch', 'imaps://u@127.0.0.1:1', '--interval', '0'], /--interval/],
    [['check', 'imaps://u@127.0.0.1:1', '--frobnicate'], /unknown option --frobnicate \(see "mailbeacon --help"\)/],
    [['check', 'imaps://u@127.0.0.1:1', '--ca', '/nonexistent.pem'], /cannot read the CA file/],
    [['frobnicate'], /unknown command/],
    [['check', 'imaps://u@127.0.0.1:1', '--password-stdin'], /stdin had no password/],
  ])('usage error %j exits 2 with a clear message', async (args, pattern) => {
    const result = await runCli([...args, '--state', stateDir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toContain('secret');
    expect(result.stderr.trim().split('\n')[0]).toMatch(/^mailbeacon: /);
  });
});
