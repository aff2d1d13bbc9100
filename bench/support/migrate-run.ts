// One `mailbeacon migrate` as a child process (the black box users run), timed and with its peak
// resident memory sampled from /proc while it runs.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnAsInstalled } from '../../test/support/cli-process.js';
import type { PrivateDovecot } from '../../test/support/private-dovecot.js';
import { samplePeakUntil } from './process-sampler.js';

export interface MigrateFigures { seconds: number; peakRssBytes: number; copied: number; failed: number; liveHeapBytes?: number }

const LIVE_HEAP_PROBE = fileURLToPath(new URL('./live-heap-probe.js', import.meta.url));

export interface MigrateRunOptions {
  /** Adds live-heap-probe.ts to the child (its forced collections change its timing and memory:
   * such a run measures what is kept, not speed or peak). */
  probeLiveHeap?: boolean;
  /** The old mailbox's protocol (default POP3). */
  source?: 'pop3s' | 'imaps';
  /** A state directory of an earlier run (an incremental run); default a fresh one. */
  state?: string;
}

export async function timedMigrate(dovecot: PrivateDovecot, from: { user: string; password: string }, to: { user: string; password: string }, options: MigrateRunOptions = {}): Promise<MigrateFigures & { state: string }> {
  const probeLiveHeap = options.probeLiveHeap ?? false;
  const state = options.state ?? mkdtempSync(join(tmpdir(), 'mailbeacon-bench-state-'));
  const sourcePort = options.source === 'imaps' ? dovecot.ports.imaps : dovecot.ports.pop3s;
  const args = ['migrate', '--from', `${options.source ?? 'pop3s'}://${from.user}@127.0.0.1:${sourcePort}`, '--to', `imaps://${to.user}@127.0.0.1:${dovecot.ports.imaps}`,
    '--ca', dovecot.caFile, '--from-password-env', 'BENCH_FROM', '--to-password-env', 'BENCH_TO', '--state', state, '--json'];
  const started = process.hrtime.bigint();
  const heapFile = join(state, 'live-heap');
  const probe = probeLiveHeap ? { NODE_OPTIONS: `--expose-gc --import=${pathToFileURL(LIVE_HEAP_PROBE).href}`, BENCH_LIVE_HEAP_FILE: heapFile } : {};
  // Run as an installed `mailbeacon` runs (its launcher's first line applies).
  const child = spawnAsInstalled(args, { ...process.env, BENCH_FROM: from.password, BENCH_TO: to.password, ...probe });
  child.stdin.end();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => { stdout += data.toString(); });
  child.stderr.on('data', (data: Buffer) => { stderr += data.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const peak = await samplePeakUntil(child.pid!, exited);
  const status = await exited;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const outcome = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>).find((event) => event.event === 'migrated');
  if (status !== 0 || !outcome) throw new Error(`mailbeacon migrate failed (${status}): ${stdout.slice(-2000)}${stderr.slice(-2000)}`);
  return {
    state, seconds, peakRssBytes: peak?.peakRssBytes ?? 0, copied: Number(outcome.copied), failed: Number(outcome.failed),
    ...(probeLiveHeap ? { liveHeapBytes: Number(readFileSync(heapFile, 'utf8')) } : {}),
  };
}
