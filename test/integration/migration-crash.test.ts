// Crash safety: a 2,000-message migration killed with SIGKILL at random moments (at least ten times
// while it is copying), resumed each time: in the end the target holds exactly the source's
// messages — none lost, none duplicated (twins and messages without Message-ID included).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli-process.js';
import { readMailbox, sha256 } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { seeded } from '../support/seeded-random.js';

const COUNT = 2000;

function mailboxOf(random: () => number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    if (i % 97 === 1) { out.push(Buffer.from(out[i - 1]!)); continue; } // an identical twin
    const id = i % 13 === 0 ? '' : `Message-ID: <m${i}@old.example>\r\n`; // some have none
    const body = Array.from({ length: 40 + Math.floor(random() * 200) }, () => `line ${random().toString(36).slice(2)}`).join('\r\n');
    out.push(Buffer.from(`From: s${i % 7}@old.example\r\nSubject: message ${i}\r\n${id}Date: Sun, 1 Nov 2026 10:00:00 +0000\r\n\r\n${body}\r\n`));
  }
  return out;
}

describe('migration survives SIGKILL', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const seed = Number(process.env.CRASH_SEED ?? 20261122);
  const random = seeded(seed);
  const messages = mailboxOf(random);

  beforeAll(async () => {
    dovecot.setUser('old', 'old-pw');
    dovecot.setUser('new', 'new-pw');
    for (const message of messages) dovecot.deliver('old', message);
    await dovecot.start();
  }, 60_000);
  afterAll(() => dovecot.dispose());

  it(`is killed at random points at least 10 times and resumes to exactly the source (seed ${seed})`, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'mailbeacon-crash-'));
    const args = ['migrate', '--from', `pop3s://old@127.0.0.1:${dovecot.ports.pop3s}`, '--to', `imaps://new@127.0.0.1:${dovecot.ports.imaps}`,
      '--ca', dovecot.caFile, '--state', stateDir, '--json', '--from-password-env', 'FROM', '--to-password-env', 'TO'];
    const env = { ...process.env, FROM: 'old-pw', TO: 'new-pw' };
    let kills = 0;
    for (let run = 0; run < 60 && kills < 10; run += 1) {
      const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let copying = false;
      // Copying: the first progress event (0 done), printed as the first batch is about to go.
      // Later ones come at most five a second, by when a fast copy has done a few hundred: waiting
      // for one of them left too few runs to kill ten times before the 2,000 were done.
      child.stdout.on('data', (data: Buffer) => { if (data.toString().includes('"event":"progress"')) copying = true; });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      // Wait until it is copying, then a random while (journal writes, APPENDs, both mid-flight:
      // a batch of up to 32 messages is in flight at most moments, so most kills land inside one):
      // mostly within the run's first batches, every third kill deeper in (one batch written while
      // the next is read), still far from finishing the 2,000 in ten runs.
      for (let waited = 0; !copying && child.exitCode === null && waited < 10_000; waited += 5) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, kills % 3 === 2 ? 100 + Math.floor(random() * 200) : 5 + Math.floor(random() * 100)));
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        kills += 1;
      }
      await exited;
    }
    expect(kills).toBeGreaterThanOrEqual(10);

    const last = await runCli(args.slice(), { env: { FROM: 'old-pw', TO: 'new-pw' }, timeoutMs: 120_000 });
    expect(last.status, last.stderr).toBe(0);
    expect(last.events.at(-1)).toMatchObject({ event: 'migrated', failed: 0, state: 'complete' });

    const stored = await readMailbox(dovecot.ports.imaps, 'new', 'new-pw', dovecot.caFile);
    expect(stored).toHaveLength(COUNT);
    expect(stored.map((m) => m.sha256).sort()).toEqual(messages.map(sha256).sort());
    console.log(`crash test: ${kills} kills, final run copied ${String(last.events.at(-1)!.copied)}, found ${String(last.events.at(-1)!.skipped)} already there`);
  }, 240_000);
});
