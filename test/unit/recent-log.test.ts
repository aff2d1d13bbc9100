import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { RecentLog, recentLogPath } from '../../src/log/recent-log.js';
import { diagnostics } from '../../src/support/diagnostics.js';
import { ConfSettingsStore } from '../../src/settings/conf-settings-store.js';

describe('the recent log (the diagnostics\' last lines)', () => {
  it('keeps the newest lines across one rotation, owner-only, and cuts a runaway line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-recent-'));
    const log = new RecentLog(recentLogPath(dir), 1_000);
    for (let i = 0; i < 100; i += 1) log.append(`line ${i} ${'x'.repeat(40)}`);
    const tail = log.tail(30);
    expect(tail).toHaveLength(30);
    expect(tail.at(-1)).toMatch(/^line 99 /);
    expect(tail[0]).toMatch(/^line 70 /);
    // Never more than twice the cap on disk.
    expect(statSync(recentLogPath(dir)).size).toBeLessThanOrEqual(1_000);
    expect(statSync(`${recentLogPath(dir)}.1`).size).toBeLessThanOrEqual(1_000);
    expect(statSync(recentLogPath(dir)).mode & 0o077).toBe(0);
    const big = new RecentLog(join(dir, 'logs', 'big.log'));
    big.append('y'.repeat(100_000));
    expect(big.tail(1)[0]!.length).toBeLessThan(5_000);
    // A log that cannot be written never throws into the app.
    writeFileSync(join(dir, 'file'), '');
    expect(() => new RecentLog(join(dir, 'file', 'logs', 'x.log')).append('lost')).not.toThrow();
  });

  it('the diagnostics carry the last lines as the log wrote them: redacted', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbeacon-recent-'));
    const secrets = new SecretRegistry();
    secrets.add('hunter2-秘密');
    const log = new RecentLog(recentLogPath(dir));
    const logger = createLogger({ secrets, minLevel: 'info', write: (line) => log.append(line) });
    logger.warn({ msg: 'server said', text: 'NO password hunter2-秘密 refused', password: 'plain' });
    const report = diagnostics(new ConfSettingsStore(dir), { runtime: { shell: 'cli' } }) as { logTail: string[] };
    expect(report.logTail).toHaveLength(1);
    expect(report.logTail[0]).toContain('server said');
    expect(JSON.stringify(report)).not.toContain('hunter2');
    expect(JSON.stringify(report)).not.toContain('plain');
    expect(readFileSync(recentLogPath(dir), 'utf8')).not.toContain('hunter2');
  });
});
