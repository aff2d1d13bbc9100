// A message the new server refuses (here: over its size limit) is recorded and reported with the
// reason; the rest are copied; the run ends `failing` with exit 6, and a later run tries it again.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { runCli } from '../support/cli-process.js';
import { readMailbox } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

describe('migration with a message the target refuses', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast', maxMailSize: '1M' });
  const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-refused-'));

  beforeAll(async () => {
    dovecot.setUser('old', 'pw');
    dovecot.setUser('new', 'pw');
    dovecot.setUser('new-from-imap', 'pw');
    dovecot.deliver('old', 'From: a@example.com\r\nSubject: small one\r\n\r\nhello\r\n');
    dovecot.deliver('old', Buffer.concat([Buffer.from('From: b@example.com\r\nSubject: too big\r\n\r\n'), Buffer.alloc(2_000_000, 'A'), Buffer.from('\r\n')]));
    dovecot.deliver('old', 'From: c@example.com\r\nSubject: small two\r\n\r\nhello again\r\n');
    await dovecot.start();
  });
  afterAll(() => dovecot.dispose());

  it('copies the rest, reports the refused one with its reason, exits 6, and retries it next time', async () => {
    const args = ['migrate', '--from', `pop3s://old@127.0.0.1:${dovecot.ports.pop3s}`, '--to', `imaps://new@127.0.0.1:${dovecot.ports.imaps}`,
      '--ca', dovecot.caFile, '--state', stateDir];
    const json = await runCli([...args, '--json'], { env: { MAILBEACON_PASSWORD: 'pw' } });
    expect(json.status).toBe(6);
    expect(json.events.at(-1)).toEqual({ event: 'migrated', copied: 2, skipped: 0, alreadyThere: 0, flagsUpdated: 0, failed: 1, vanished: 0, unstableIdentities: 0, state: 'failing' });
    expect(await readMailbox(dovecot.ports.imaps, 'new', 'pw', dovecot.caFile)).toHaveLength(2);
    const state = new ConfSettingsStore(stateDir).accountState(`imaps://new@127.0.0.1:${dovecot.ports.imaps}`).migration;
    expect(state).toMatchObject({ status: 'failing', copied: 2, failed: 1, reason: '1 message(s) could not be copied' });

    const human = await runCli(args, { env: { MAILBEACON_PASSWORD: 'pw' } });
    expect(human.status).toBe(6);
    expect(human.stdout).toMatch(/copied 0, already there 2, failed 1/);
    expect(human.stdout).toMatch(/not copied: INBOX pop3:\S+ \(2000\d+ bytes\): /);
  });

  it('from IMAP: the refused one is listed again on the next run (its folder is otherwise read from where the last run ended)', async () => {
    const args = ['migrate', '--from', `imaps://old@127.0.0.1:${dovecot.ports.imaps}`, '--to', `imaps://new-from-imap@127.0.0.1:${dovecot.ports.imaps}`,
      '--ca', dovecot.caFile, '--state', stateDir, '--json'];
    const first = await runCli(args, { env: { MAILBEACON_PASSWORD: 'pw' } });
    expect(first.status).toBe(6);
    expect(first.events.at(-1)).toMatchObject({ copied: 2, failed: 1, state: 'failing' });
    const again = await runCli(args, { env: { MAILBEACON_PASSWORD: 'pw' } });
    expect(again.status).toBe(6);
    expect(again.events.at(-1)).toMatchObject({ copied: 0, skipped: 2, failed: 1, state: 'failing' });
  });
});
