// `watch` on a real terminal (a pseudo-terminal made by util-linux `script`): the password prompt
// hides what is typed, an empty answer is asked again at the next refused login, and nothing typed
// between questions is ever echoed in clear.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI } from '../support/cli-process.js';
import { eventually } from '../support/eventually.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';

describe('watch on a terminal', () => {
  let server: ScriptedServer;
  const passwords: string[] = [];
  beforeAll(async () => {
    server = await startScriptedServer({
      onConnect: (socket) => socket.write('+OK ready\r\n'),
      onLine: (socket, line) => {
        if (line === 'CAPA') socket.write('+OK\r\nUSER\r\n.\r\n');
        else if (line.startsWith('USER')) socket.write('+OK\r\n');
        else if (line.startsWith('PASS')) { passwords.push(line.slice(5)); socket.write('-ERR [AUTH] wrong password\r\n'); }
        else if (line === 'QUIT') socket.end('+OK\r\n');
      },
    });
  });
  afterAll(() => server.close());

  it('hides the answer, asks again after an empty one, and never echoes what is typed in between', async () => {
    const command = `${process.execPath} ${CLI} watch 'pop3://u@127.0.0.1:${server.port}?plaintext=1' --interval 1 --backoff-base 1 --state ${mkdtempSync(join(tmpdir(), 'mailbeacon-tty-'))}`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { ...process.env, MAILBEACON_PASSWORD: 'stale-password', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    child.stdout.on('data', (data: Buffer) => { screen += data.toString('latin1'); });
    const prompts = (): number => screen.split('New password for').length - 1;
    try {
      await eventually(() => prompts() === 1, 20_000);
      child.stdin.write('\r'); // an empty answer: "not now"
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.stdin.write('typed-between-questions'); // no prompt is open: must not appear
      await eventually(() => prompts() === 2, 20_000); // asked again at the next refused login
      child.stdin.write('hidden-answer\r');
      await eventually(() => passwords.includes('hidden-answer'), 20_000);
      expect(screen).not.toContain('typed-between-questions');
      expect(screen).not.toContain('hidden-answer');
      expect(passwords).not.toContain('typed-between-questions');
    } finally {
      child.stdin.write('\x03');
      await new Promise((resolve) => { child.once('exit', resolve); setTimeout(() => { child.kill('SIGKILL'); resolve(undefined); }, 5_000); });
    }
  }, 60_000);
});
