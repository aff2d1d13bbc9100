// `npm run demo`: a newcomer's first minute with Mailbeacon. A private Dovecot with a demo account,
// `mailbeacon watch` against it, new mail every few seconds, then the server password changes: the
// interval grows, you are asked once, you type the new password, and the interval resets.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOVECOT_INSTALL_HINT, dovecotInstalled, PrivateDovecot } from '../test/support/private-dovecot.js';

const CLI = fileURLToPath(new URL('../../bin/mailbeacon.js', import.meta.url));
const FIRST_PASSWORD = 'demo-password-1';
const NEW_PASSWORD = 'demo-password-2';
const SECONDS = Number(process.env.DEMO_SECONDS ?? 60);

const say = (text: string): void => { process.stdout.write(`\x1b[36m[demo] ${text}\x1b[0m\n`); };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const senders = [
  ['Ada Lovelace <ada@example.com>', 'Notes on the Analytical Engine'],
  ['=?UTF-8?B?5byg5LiJ?= <zhang.san@example.cn>', '=?UTF-8?B?5ZGo5LqU5byA5Lya?= (Friday meeting)'],
  ['Grace Hopper <grace@example.com>', 'Found a moth in the relay'],
  ['=?ISO-2022-JP?B?GyRCRURDZhsoQg==?= <tanaka@example.jp>', 'Re: schedule'],
];

async function main(): Promise<number> {
  if (!dovecotInstalled()) {
    process.stderr.write(`${DOVECOT_INSTALL_HINT}\n`);
    return 1;
  }
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  dovecot.setUser('demo', FIRST_PASSWORD);
  await dovecot.start();
  const url = `imaps://demo@127.0.0.1:${dovecot.ports.imaps}`;
  const interactive = Boolean(process.stdin.isTTY);
  say(`private Dovecot on 127.0.0.1 (IMAPS port ${dovecot.ports.imaps}); watching ${url} every 2 s`);
  const args = ['watch', url, '--interval', '2', '--backoff-base', '2', '--ca', dovecot.caFile, '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-demo-'))];
  const child = spawn(process.execPath, [CLI, ...(interactive ? args : [...args, '--password-stdin'])], {
    env: { ...process.env, MAILBEACON_PASSWORD: FIRST_PASSWORD },
    stdio: [interactive ? 'inherit' : 'pipe', 'pipe', 'inherit'],
  });
  if (!interactive) child.stdin?.write(`${FIRST_PASSWORD}\n`);
  child.stdout?.on('data', (data: Buffer) => {
    process.stdout.write(data);
    if (!interactive && data.toString().includes('password is not accepted')) {
      say(`(no terminal: typing "${NEW_PASSWORD}" for you in 12 s)`);
      setTimeout(() => child.stdin?.write(`${NEW_PASSWORD}\n`), 12_000);
    }
  });
  let stopping = false;
  const stop = (): void => { stopping = true; };
  process.once('SIGINT', stop);

  const started = Date.now();
  let delivered = 0;
  let passwordChanged = false;
  while (!stopping && Date.now() - started < SECONDS * 1000 && child.exitCode === null) {
    await sleep(4_000);
    const [from, subject] = senders[delivered % senders.length]!;
    dovecot.deliver('demo', `From: ${from}\r\nTo: demo@example.com\r\nSubject: ${subject}\r\nDate: ${new Date().toUTCString()}\r\n\r\nHello from the demo.\r\n`);
    delivered += 1;
    say(`delivered message ${delivered}`);
    if (!passwordChanged && Date.now() - started > 10_000) {
      passwordChanged = true;
      dovecot.setUser('demo', NEW_PASSWORD);
      await dovecot.stop(); // a provider ends the sessions of a changed password
      await dovecot.start();
      say(`the server password is now "${NEW_PASSWORD}": watch the interval grow, then type it at the prompt`);
    }
  }
  say('stopping');
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('close', resolve));
  await dovecot.dispose();
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  process.exit(1);
});
