// fetchmail, the peer users run for "poll my mailbox and deliver it locally": a run-control file in
// a private FETCHMAILHOME (its pid and id files land there too), TLS verified against the test CA.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fetchmailInstalled(): boolean {
  return existsSync('/usr/bin/fetchmail');
}

export interface FetchmailPoll {
  protocol: 'imap' | 'pop3';
  port: number;
  user: string;
  password: string;
  caFile: string;
  /** Deliver through this command (`%T` etc. are fetchmail's); default: fetchmail's SMTP (unused here). */
  mda?: string;
}

function fetchmailHome(poll: FetchmailPoll): string {
  const home = mkdtempSync(join(tmpdir(), 'mailbeacon-fetchmail-'));
  const quote = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  // `localhost` because fetchmail checks the certificate's DNS names, not its IP address.
  const rc = [
    'set no syslog',
    `poll localhost protocol ${poll.protocol} port ${poll.port}`,
    `  user ${quote(poll.user)} there with password ${quote(poll.password)}`,
    `  ssl sslcertck sslcertfile ${quote(poll.caFile)}`,
    '  keep fetchall',
    ...(poll.mda ? [`  mda ${quote(poll.mda)}`] : []),
    '',
  ].join('\n');
  writeFileSync(join(home, 'fetchmailrc'), rc, { mode: 0o600 });
  return home;
}

/** Starts fetchmail (daemon mode when `daemonSeconds` is given), output into `log`. */
function startFetchmail(home: string, options: { daemonSeconds?: number; log: (text: string) => void }): ChildProcess {
  const args = ['-f', join(home, 'fetchmailrc'), '--nosyslog', '--nodetach'];
  if (options.daemonSeconds) args.push('-d', String(options.daemonSeconds));
  const child = spawn('fetchmail', args, { env: { ...process.env, FETCHMAILHOME: home, HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (data: Buffer) => options.log(data.toString()));
  child.stderr!.on('data', (data: Buffer) => options.log(data.toString()));
  return child;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('close', (code) => resolve(code)));
}

/**
 * Runs fetchmail on `poll`: one poll, or in daemon mode every `daemonSeconds` until `forMs` has
 * passed. Its home (run-control file with the password, pid and id files) is removed afterwards.
 */
export async function runFetchmail(poll: FetchmailPoll, options: { daemonSeconds?: number; forMs?: number } = {}): Promise<{ code: number | null; output: string }> {
  const home = fetchmailHome(poll);
  let output = '';
  try {
    const child = startFetchmail(home, { ...(options.daemonSeconds ? { daemonSeconds: options.daemonSeconds } : {}), log: (text) => { output += text; } });
    if (options.forMs) {
      await new Promise((resolve) => setTimeout(resolve, options.forMs));
      child.kill('SIGTERM');
    }
    return { code: await exitOf(child), output };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
