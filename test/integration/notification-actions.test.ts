// "Mark as read" on a new-mail notification, through the app core against a real Dovecot: the
// flag is set on exactly the messages the notification announced (a group's on all of its own),
// nothing else changes, and no extra login happens while the account's IDLE session is open.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppCore, AppCoreError, type AppNotification } from '../../src/app/app-core.js';
import type { PlannedNotification } from '../../src/app/notification-planner.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import type { SecretStore } from '../../src/secrets/secret-store.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { eventually } from '../support/eventually.js';
import { message } from '../support/messages.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

class MemoryKeychain implements SecretStore {
  readonly entries = new Map<string, string>();
  async getPassword(url: string): Promise<string | undefined> { return this.entries.get(url); }
  async setPassword(url: string, password: string): Promise<void> { this.entries.set(url, password); }
  async deletePassword(url: string): Promise<boolean> { return this.entries.delete(url); }
}

/** Every INBOX message's subject and flags, read on a connection of the test's own. */
async function inboxFlags(dovecot: PrivateDovecot, user: string, password: string): Promise<Map<string, string[]>> {
  const client = new ImapFlow({
    host: '127.0.0.1', port: dovecot.ports.imaps, secure: true, auth: { user, pass: password }, logger: false,
    tls: { ca: readFileSync(dovecot.caFile, 'utf8') },
  });
  client.on('error', () => undefined);
  await client.connect();
  const out = new Map<string, string[]>();
  try {
    await client.mailboxOpen('INBOX', { readOnly: true });
    for await (const found of client.fetch('1:*', { envelope: true, flags: true })) {
      out.set(found.envelope?.subject ?? '', [...(found.flags ?? [])].filter((flag) => flag !== '\\Recent').sort());
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return out;
}

describe('notification actions through the app core (real Dovecot)', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const user = 'reader';
  const password = 'reader-password';
  beforeAll(async () => {
    dovecot.setUser(user, password);
    dovecot.deliver(user, message({ subject: 'old unread' }));
    dovecot.deliver(user, message({ subject: 'old flagged' }), { seen: true });
    await dovecot.start();
  });
  afterAll(() => dovecot.dispose());

  /** Successful logins of this user so far, from Dovecot's own log. */
  const logins = (): number => readFileSync(dovecot.logFile, 'utf8').split('\n')
    .filter((line) => /imap-login: (?:Info: )?Login: user=</.test(line) && line.includes(`user=<${user}>`)).length;

  /** The app core with the account saved (its CA, its password in a keychain of this test's),
   * started; the notifications it raises are collected. */
  async function startCore(): Promise<{ core: AppCore; url: string; notifications: AppNotification[] }> {
    const notifications: AppNotification[] = [];
    const keychain = new MemoryKeychain();
    const registry = new SecretRegistry();
    const store = new ConfSettingsStore(mkdtempSync(join(tmpdir(), 'mailbeacon-mark-')));
    const url = `imaps://${user}@127.0.0.1:${dovecot.ports.imaps}`;
    store.saveAccount({ url, ca: readFileSync(dovecot.caFile, 'utf8'), intervalSeconds: 3600 });
    await keychain.setPassword(url, password);
    const core = new AppCore({
      store, secrets: keychain, logger: createLogger({ secrets: registry, minLevel: 'error', write: () => undefined }), registerSecret: (s) => registry.add(s),
      notify: (notification) => { notifications.push(notification); }, push: () => undefined, onTray: () => undefined,
      now: Date.now, random: Math.random,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
    });
    core.start();
    return { core, url, notifications };
  }

  it('"Mark as read" sets \\Seen on exactly the announced messages, over the open IDLE session', async () => {
    const { core, url, notifications } = await startCore();
    try {
      // The first look is the baseline (not announced); then the session idles.
      await eventually(() => core.listAccounts()[0]?.messages === 2);
      expect(core.canMarkAsRead(url)).toBe(true);
      const before = await inboxFlags(dovecot, user, password);
      const loginsBefore = logins();

      dovecot.deliver(user, message({ subject: 'news one' }));
      dovecot.deliver(user, message({ subject: 'news two' }));
      await eventually(() => notifications.filter((n) => n.kind === 'message').length === 2, 10_000);
      const [first, second] = notifications as PlannedNotification[];
      expect(first).toMatchObject({ kind: 'message', subject: 'news one' });
      expect(await core.markAsRead(first!)).toBe(1);
      const after = await inboxFlags(dovecot, user, password);
      // Dovecot logs each login through its log process: once this test's own login shows, any
      // login before it does too. The pushed mail and the mark both went over the IDLE session.
      await eventually(() => logins() >= loginsBefore + 1);
      expect(logins()).toBe(loginsBefore + 1);
      expect(after.get('news one')).toEqual(['\\Seen']);
      expect(after.get('news two')).toEqual([]);
      for (const [subject, flags] of before) expect(after.get(subject)).toEqual(flags);
      // The check that carried the mark reports the unread count after it.
      await eventually(() => core.listAccounts()[0]?.unread === 2);
      expect(second).toMatchObject({ subject: 'news two' });

      // A burst is one grouped notification; its button marks the whole group and nothing else.
      for (let i = 1; i <= 5; i += 1) dovecot.deliver(user, message({ subject: `burst ${i}` }));
      await eventually(() => notifications.some((n) => n.kind === 'group'), 10_000);
      const group = notifications.find((n): n is Extract<PlannedNotification, { kind: 'group' }> => n.kind === 'group')!;
      expect(group.count).toBe(5);
      const loginsBeforeGroup = logins();
      expect(await core.markAsRead(group)).toBe(5);
      const final = await inboxFlags(dovecot, user, password);
      await eventually(() => logins() >= loginsBeforeGroup + 1);
      expect(logins()).toBe(loginsBeforeGroup + 1);
      for (let i = 1; i <= 5; i += 1) expect(final.get(`burst ${i}`)).toEqual(['\\Seen']);
      expect(final.get('news two')).toEqual([]);
      for (const [subject, flags] of before) expect(final.get(subject)).toEqual(flags);
      await eventually(() => core.listAccounts()[0]?.unread === 2);

      // Ids of another UIDVALIDITY (a reset mailbox) name nothing here: nothing is marked.
      expect(await core.markAsRead({ kind: 'message', accountUrl: url, messageId: '1:1', from: '', subject: '' })).toBe(0);
      expect((await inboxFlags(dovecot, user, password)).get('old unread')).toEqual([]);
      // An account that is not set up is refused in our words.
      await expect(core.markAsRead({ ...first!, accountUrl: 'imaps://nobody@127.0.0.1:1' })).rejects.toThrow(AppCoreError);
    } finally {
      await core.stop();
    }
  });

  it('with no session open, the mark waits for the next check the lockout guard allows, then one login carries it', async () => {
    const { core, url } = await startCore();
    try {
      await eventually(() => core.listAccounts()[0]?.lastCheckAt !== null);
      const target = [...(await inboxFlags(dovecot, user, password))].find(([subject]) => subject === 'news two');
      expect(target?.[1]).toEqual([]);
      // Find its UID the way a notification would carry it.
      const client = new ImapFlow({
        host: '127.0.0.1', port: dovecot.ports.imaps, secure: true, auth: { user, pass: password }, logger: false,
        tls: { ca: readFileSync(dovecot.caFile, 'utf8') },
      });
      client.on('error', () => undefined);
      await client.connect();
      const box = await client.mailboxOpen('INBOX', { readOnly: true });
      const uids = await client.search({ header: { subject: 'news two' } }, { uid: true });
      await client.logout();
      // Drop the idling session from the server's side: the next check logs in again.
      await dovecot.stop();
      await dovecot.start();
      const loginsBefore = logins();
      const marked = await core.markAsRead({ kind: 'message', accountUrl: url, messageId: `${box.uidValidity}:${(uids as number[])[0]}`, from: '', subject: 'news two' });
      expect(marked).toBe(1);
      expect((await inboxFlags(dovecot, user, password)).get('news two')).toEqual(['\\Seen']);
      // One login for the check that carried the mark, one for this test's look.
      await eventually(() => logins() >= loginsBefore + 2);
      expect(logins()).toBe(loginsBefore + 2);
    } finally {
      await core.stop();
    }
  });
});
