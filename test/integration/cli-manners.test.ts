// What a person notices at the command line: the version, "did you mean", options in our words, a
// closed stdout that ends `watch` quietly, and MAILBEACON_LOG honoured by `migrate` too.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.js';
import { CLI, runCli } from '../support/cli-process.js';
import { PrivateDovecot } from '../support/private-dovecot.js';

describe('CLI manners', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  beforeAll(async () => {
    dovecot.setUser('pipe', 'pw');
    dovecot.setUser('old', 'pw');
    dovecot.setUser('new', 'pw');
    dovecot.deliver('old', 'Subject: hi\r\n\r\nbody\r\n');
    await dovecot.start();
  });
  afterAll(() => dovecot.dispose());

  it('--version prints the version, the same as package.json\'s', async () => {
    const result = await runCli(['--version']);
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(`mailbeacon ${VERSION}`);
    expect(VERSION).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });

  it.each([
    [['chekc', 'imaps://u@h'], /unknown command "chekc": did you mean "check"\? \(see "mailbeacon --help"\)/],
    [['wath'], /did you mean "watch"/],
    [['check', 'imaps://u@h', '--interval'], /--interval needs a value|does not apply/],
    [['check', 'imaps://u@h', '--backoff-base', '0'], /--backoff-base takes seconds from 1/],
  ])('%j is answered in our words', async (args, pattern) => {
    const result = await runCli([...args, '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-manners-'))]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).not.toMatch(/TypeError|ERR_PARSE_ARGS|at \S+ \(/);
  });

  it('watch … | head -1: a closed stdout ends the watch quietly', async () => {
    const child = spawn(process.execPath, [CLI, 'watch', `imaps://pipe@127.0.0.1:${dovecot.ports.imaps}`, '--ca', dovecot.caFile, '--interval', '1', '--json',
      '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-manners-'))], { env: { ...process.env, MAILBEACON_PASSWORD: 'pw' } });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => { stderr += data.toString(); });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy(); // the reader is gone, as `head -1` leaves it
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); resolve(null); }, 15_000);
      child.once('exit', (exit) => { clearTimeout(timer); resolve(exit); });
    });
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/EPIPE|Error|at \S+ \(/);
  });

  it('migrate honours MAILBEACON_LOG (and refuses a level it does not know)', async () => {
    const args = ['migrate', '--from', `imaps://old@127.0.0.1:${dovecot.ports.imaps}`, '--to', `imaps://new@127.0.0.1:${dovecot.ports.imaps}`,
      '--ca', dovecot.caFile, '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-manners-')), '--json', '--from-password-env', 'P', '--to-password-env', 'P'];
    const logged = await runCli(args, { env: { P: 'pw', MAILBEACON_LOG: 'debug' } });
    expect(logged.status, logged.stderr).toBe(0);
    expect(logged.stderr.split('\n').filter((line) => line.startsWith('{')).length).toBeGreaterThan(0);
    expect(logged.stderr).not.toContain('"pw"');
    const wrong = await runCli(args, { env: { P: 'pw', MAILBEACON_LOG: 'loud' } });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/MAILBEACON_LOG must be debug, info, warn or error/);
  });
});
