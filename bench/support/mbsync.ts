// mbsync (isync), the fastest IMAP → IMAP copier users pick: one channel pulling every folder of the
// old account into the new one, arrival dates kept, TLS verified against the test CA. Its sync
// state lives in a directory of its own, so a second run is an incremental one, as in real use.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function mbsyncInstalled(): boolean {
  return existsSync('/usr/bin/mbsync');
}

export interface MbsyncSide { port: number; user: string; password: string }

/** A private configuration (and state directory) for copying `far` into `near`; returns its home. */
export function mbsyncHome(caFile: string, far: MbsyncSide, near: MbsyncSide): string {
  const home = mkdtempSync(join(tmpdir(), 'mailbeacon-mbsync-'));
  const quote = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const account = (name: string, side: MbsyncSide): string[] => [
    // `localhost`: mbsync checks the certificate's DNS names.
    `IMAPAccount ${name}`, 'Host localhost', `Port ${side.port}`, `User ${quote(side.user)}`, `Pass ${quote(side.password)}`,
    'SSLType IMAPS', `CertificateFile ${quote(caFile)}`, '',
    `IMAPStore ${name}-store`, `Account ${name}`, '',
  ];
  const rc = [
    ...account('far', far), ...account('near', near),
    'Channel copy', 'Far :far-store:', 'Near :near-store:', 'Patterns *', 'Create Near', 'Sync Pull',
    'CopyArrivalDate yes', `SyncState ${quote(`${join(home, 'state')}/`)}`, '',
  ].join('\n');
  writeFileSync(join(home, 'mbsyncrc'), rc, { mode: 0o600 });
  return home;
}

/** One `mbsync copy`: its pid (to sample its memory) and its end, which rejects with its output
 * when it fails. */
export function runMbsync(home: string): { pid: number | undefined; done: Promise<void> } {
  const child = spawn('/usr/bin/mbsync', ['-q', '-c', join(home, 'mbsyncrc'), 'copy'], { env: { ...process.env, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (data: Buffer) => { output += data.toString(); });
  child.stderr.on('data', (data: Buffer) => { output += data.toString(); });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`mbsync exited ${code}: ${output.slice(-2000)}`))));
  });
  return { pid: child.pid, done };
}
