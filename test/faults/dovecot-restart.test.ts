// Real Dovecot killed and restarted in the middle of a check and of a migration: the next attempt
// succeeds, nothing is lost or duplicated, and no login failure is counted.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { runMigrationFor } from '../../src/migration/migration-run.js';
import { DEFAULT_MIGRATION_OPTIONS } from '../../src/migration/migration-types.js';
import type { DetectionState } from '../../src/protocols/mail-session.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';
import { AccountWatcher } from '../../src/watch/account-watcher.js';
import { CheckRunner } from '../../src/watch/check-runner.js';
import type { WatchEvent } from '../../src/watch/watch-events.js';
import { eventually } from '../support/eventually.js';
import { readMailbox } from '../support/mailbox-reader.js';
import { message } from '../support/messages.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });

describe('Dovecot killed and restarted', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });

  beforeAll(async () => {
    dovecot.setUser('watched', 'pw');
    dovecot.setUser('old', 'pw');
    dovecot.setUser('new', 'pw');
    for (let i = 0; i < 20_000; i += 1) dovecot.deliver('watched', `Subject: ${i}\r\n\r\nx\r\n`);
    for (let i = 0; i < 600; i += 1) dovecot.deliver('old', message({ subject: `old ${i}`, body: 'y'.repeat(2000) }));
    await dovecot.start();
  }, 120_000);
  afterAll(() => dovecot.dispose());

  it('mid-check: the attempt fails without counting a login failure, and the next one succeeds', async () => {
    let state: DetectionState | undefined;
    const events: WatchEvent[] = [];
    const runner = new CheckRunner({
      endpoint: parseAccountUrl(`pop3s://watched@127.0.0.1:${dovecot.ports.pop3s}`), ca: readFileSync(dovecot.caFile, 'utf8'),
      logger, deadlineMs: 20_000, getPassword: async () => 'pw', loadState: () => state, saveState: (next) => { state = next; },
    });
    const watcher = new AccountWatcher({
      intervalMs: 1_000, now: Date.now, random: () => 0,
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      attempt: () => runner.attempt(), onEvent: (event) => events.push(event),
    });
    watcher.start();
    // The first check lists 20,000 UIDLs: kill the server while it does.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await dovecot.stop();
    const failed = await eventually(() => events.find((e) => e.event === 'login-failed'), 20_000);
    await dovecot.start();
    const checked = await eventually(() => events.find((e) => e.event === 'checked'), 30_000);
    watcher.stop();
    await runner.close();
    expect(failed).toMatchObject({ consecutiveFailures: 0 });
    expect(['closed-by-server', 'network', 'timeout']).toContain((failed as { reason: string }).reason);
    expect(checked).toMatchObject({ messages: 20_000, consecutiveFailures: 0 });
  }, 90_000);

  it('mid-migration: the engine reconnects with backoff and finishes with exactly the source', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-restart-'));
    let killed = false;
    const ca = readFileSync(dovecot.caFile, 'utf8');
    const outcome = await runMigrationFor({
      from: { endpoint: parseAccountUrl(`pop3s://old@127.0.0.1:${dovecot.ports.pop3s}`), password: 'pw', ca },
      to: { endpoint: parseAccountUrl(`imaps://new@127.0.0.1:${dovecot.ports.imaps}`), password: 'pw', ca },
      stateDir, store: new ConfSettingsStore(stateDir), logger, options: DEFAULT_MIGRATION_OPTIONS,
      onProgress: (progress) => {
        if (!killed && progress.done >= 100) {
          killed = true;
          void dovecot.stop().then(() => setTimeout(() => { void dovecot.start(); }, 1_500));
        }
      },
    });
    // On failure, say why (a bare { kind: 'failed' } diff hides the reason).
    if (outcome.kind === 'failed') expect.fail(`migration failed: ${outcome.failure.reason}: ${outcome.failure.message}`);
    expect(killed).toBe(true);
    expect(outcome).toMatchObject({ kind: 'finished', state: 'complete', failed: 0 });
    expect(await readMailbox(dovecot.ports.imaps, 'new', 'pw', dovecot.caFile)).toHaveLength(600);
  }, 120_000);
});
