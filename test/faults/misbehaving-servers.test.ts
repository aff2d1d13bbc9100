// The fault suite: loopback servers that speak just enough POP3/IMAP to misbehave. Every case must
// end in the right failure classification within the deadline: no crash, no hang, no unhandled
// rejection (vitest fails the run on one).
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import type { FailureReason } from '../../src/protocols/check-failure.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { AppendRefused, ImapTarget, STREAMED_APPEND_BYTES } from '../../src/migration/imap-target.js';
import { StreamingAppendSession } from '../../src/protocols/imap/streaming-append.js';
import { Pop3Client, Pop3Refusal } from '../../src/protocols/pop3/pop3-client.js';
import { CheckRunner } from '../../src/watch/check-runner.js';
import { startScriptedServer } from '../support/scripted-server.js';

const DEADLINE_MS = 1_500;
const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });

type Handlers = Parameters<typeof startScriptedServer>[0];

/** One attempt against a scripted server; resolves with the failure reason or 'ok', and how long it took. */
async function attempt(protocol: 'pop3' | 'imap', handlers: Handlers): Promise<{ outcome: FailureReason | 'ok'; ms: number }> {
  const server = await startScriptedServer(handlers);
  const started = Date.now();
  try {
    const runner = new CheckRunner({
      endpoint: parseAccountUrl(`${protocol}://user@127.0.0.1:${server.port}?plaintext=1`),
      logger, deadlineMs: DEADLINE_MS, getPassword: async () => 'pw', loadState: () => undefined, saveState: () => undefined,
    });
    const result = await runner.attempt();
    await runner.close();
    return { outcome: result.ok ? 'ok' : result.failure.reason, ms: Date.now() - started };
  } finally {
    await server.close();
  }
}

const pop3Greeting = (socket: Socket) => socket.write('+OK ready\r\n');
const pop3Normal = (socket: Socket, line: string): void => {
  if (line === 'CAPA') socket.write('+OK\r\nUSER\r\nUIDL\r\n.\r\n');
  else if (line.startsWith('USER') || line.startsWith('PASS')) socket.write('+OK\r\n');
  else if (line === 'STAT') socket.write('+OK 1 120\r\n');
  else if (line.startsWith('UIDL')) socket.write('+OK\r\n1 abc\r\n.\r\n');
  else if (line.startsWith('TOP')) socket.write('+OK\r\nSubject: hi\r\n\r\n.\r\n');
  else if (line === 'QUIT') socket.end('+OK bye\r\n');
};

describe('POP3 misbehaviour', () => {
  it.each<[string, FailureReason | 'ok', Handlers]>([
    ['a well-behaved server (control)', 'ok', { onConnect: pop3Greeting, onLine: pop3Normal }],
    ['accepts and never greets', 'timeout', {}],
    ['closes at once, before greeting', 'network', { onConnect: (socket) => socket.destroy() }],
    ['closes right after the greeting', 'closed-by-server', { onConnect: (socket) => { socket.end('+OK hi\r\n'); } }],
    ['closes after PASS', 'closed-by-server', { onConnect: pop3Greeting, onLine: (socket, line) => (line.startsWith('PASS') ? socket.destroy() : pop3Normal(socket, line)) }],
    ['greets and never answers', 'timeout', { onConnect: pop3Greeting }],
    ['an overlong status line', 'protocol', { onConnect: pop3Greeting, onLine: (socket) => socket.write('+OK '.padEnd(100_000, 'x')) }],
    ['NUL bytes in a status line', 'closed-by-server', { onConnect: pop3Greeting, onLine: (socket) => socket.write('+\0K\0\r\n') }],
    ['a malformed greeting', 'network', { onConnect: (socket) => socket.write('HELLO THERE\r\n') }],
    ['a malformed status line after the greeting', 'closed-by-server', { onConnect: pop3Greeting, onLine: (socket) => socket.write('MAYBE\r\n') }],
    ['an unsolicited -ERR [SYS/TEMP], then a close', 'closed-by-server', {
      onConnect: pop3Greeting,
      onLine: (socket, line) => { if (line === 'CAPA') { socket.write('-ERR [SYS/TEMP] shutting down\r\n'); socket.destroy(); } },
    }],
    ['-ERR [SYS/TEMP] to PASS', 'rejected', { onConnect: pop3Greeting, onLine: (socket, line) => (line.startsWith('PASS') ? socket.write('-ERR [SYS/TEMP] try later\r\n') : pop3Normal(socket, line)) }],
    ['closes in the middle of a multi-line answer', 'closed-by-server', { onConnect: pop3Greeting, onLine: (socket, line) => (line.startsWith('UIDL') ? socket.end('+OK\r\n1 ab') : pop3Normal(socket, line)) }],
    ['stalls in the middle of a multi-line answer', 'timeout', { onConnect: pop3Greeting, onLine: (socket, line) => (line.startsWith('UIDL') ? socket.write('+OK\r\n1 ab') : pop3Normal(socket, line)) }],
  ])('%s → %s', async (_name, expected, handlers) => {
    const { outcome, ms } = await attempt('pop3', handlers);
    expect(outcome).toBe(expected);
    expect(ms).toBeLessThan(DEADLINE_MS + 2_000);
  });

  it('RETR closed or stalled mid-message ends classified, and a terminator split at every byte position is found', async () => {
    const message = 'Subject: split\r\n\r\n..dot\r\nbody\r\n';
    const wire = `+OK\r\n${message.replace(/\r\n\.\./g, '\r\n..')}.\r\n`;
    for (let cut = 1; cut < wire.length; cut += 1) {
      const server = await startScriptedServer({
        onConnect: pop3Greeting,
        onLine: (socket, line) => {
          if (line.startsWith('RETR')) {
            socket.write(wire.slice(0, cut));
            setTimeout(() => socket.write(wire.slice(cut)), 5);
          } else pop3Normal(socket, line);
        },
      });
      const client = await Pop3Client.connect({ host: '127.0.0.1', port: server.port, security: 'plaintext', deadlineMs: DEADLINE_MS });
      await client.login('u', 'p');
      const parts: Buffer[] = [];
      await client.retr(1, (chunk) => parts.push(chunk), 1 << 20);
      expect(Buffer.concat(parts).toString()).toBe('Subject: split\r\n\r\n.dot\r\nbody\r\n');
      client.close();
      await server.close();
    }
    for (const misbehave of ['close', 'stall'] as const) {
      const server = await startScriptedServer({
        onConnect: pop3Greeting,
        onLine: (socket, line) => {
          if (!line.startsWith('RETR')) { pop3Normal(socket, line); return; }
          socket.write('+OK\r\nSubject: half\r\n\r\nfirst half');
          if (misbehave === 'close') socket.destroy();
        },
      });
      const client = await Pop3Client.connect({ host: '127.0.0.1', port: server.port, security: 'plaintext', deadlineMs: DEADLINE_MS });
      await client.login('u', 'p');
      const error = await client.retr(1, () => undefined, 1 << 20).catch((e: unknown) => e);
      expect((error as CheckFailure).reason).toBe(misbehave === 'close' ? 'closed-by-server' : 'timeout');
      client.close();
      await server.close();
    }
  });

  it('UIDL and LIST listings cut at every byte, in CRLF and bare LF lines, give every entry once', async () => {
    const uidl = '+OK\r\n1 first\r\n2 second\n3 \u00e9-latin1\r\n.\r\n';
    const list = '+OK\r\n1 120\n2 3400\r\n3 56\r\n.\r\n';
    for (let cut = 1; cut < Math.max(uidl.length, list.length); cut += 1) {
      const server = await startScriptedServer({
        onConnect: pop3Greeting,
        onLine: (socket, line) => {
          const wire = line === 'UIDL' ? uidl : line === 'LIST' ? list : undefined;
          if (!wire) { pop3Normal(socket, line); return; }
          socket.write(Buffer.from(wire.slice(0, cut), 'latin1'));
          setTimeout(() => socket.write(Buffer.from(wire.slice(cut), 'latin1')), 2);
        },
      });
      const client = await Pop3Client.connect({ host: '127.0.0.1', port: server.port, security: 'plaintext', deadlineMs: DEADLINE_MS });
      await client.login('u', 'p');
      expect(await client.uidlAll()).toEqual([{ number: 1, uid: 'first' }, { number: 2, uid: 'second' }, { number: 3, uid: '\u00e9-latin1' }]);
      expect(await client.listAll()).toEqual([{ number: 1, size: 120 }, { number: 2, size: 3400 }, { number: 3, size: 56 }]);
      client.close();
      await server.close();
    }
  });

  it('a listing line longer than any UIDL, even one sent without end for a while, is refused and the session stays in step', async () => {
    for (const command of ['UIDL', 'LIST'] as const) {
      const server = await startScriptedServer({
        onConnect: pop3Greeting,
        onLine: (socket, line) => {
          if (line !== command) { pop3Normal(socket, line); return; }
          socket.write('+OK\r\n1 a\r\n2 ');
          // 1 MB of one line in 64 kB packets, then its end and a good line after it.
          let sent = 0;
          const more = (): void => {
            if (sent === 16) { socket.write('\r\n3 c\r\n.\r\n'); return; }
            sent += 1;
            socket.write('x'.repeat(64 * 1024));
            setImmediate(more);
          };
          more();
        },
      });
      const client = await Pop3Client.connect({ host: '127.0.0.1', port: server.port, security: 'plaintext', deadlineMs: DEADLINE_MS });
      await client.login('u', 'p');
      const seen: string[] = [];
      const error = await (command === 'UIDL' ? client.uidlEach((entry) => seen.push(entry.uid)) : client.listEach((entry) => seen.push(String(entry.number)))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Pop3Refusal);
      expect((error as Error).message).toBe(`POP3: a ${command} listing line longer than 4096 bytes`);
      // The lines around it were read as lines; the overlong one was never handed over.
      expect(seen).toEqual(command === 'UIDL' ? ['a', 'c'] : ['1', '3']);
      // The whole answer was read: the next command gets its own answer.
      expect(await client.stat()).toMatchObject({ count: 1 });
      client.close();
      await server.close();
    }
  });

  // Dovecot answers a command in flight with "-ERR Server shutting down." and hangs up when it is
  // stopped: that is the session ending (retry later), unlike a -ERR on a connection that stays open
  // (the command itself was refused, e.g. a message deleted by another client).
  it.each([
    ['-ERR then a close', 'closed-by-server', (socket: Socket) => socket.end('-ERR Server shutting down.\r\n')],
    ['-ERR [SYS/TEMP], connection kept', 'closed-by-server', (socket: Socket) => socket.write('-ERR [SYS/TEMP] busy\r\n')],
    ['-ERR, connection kept', 'refused', (socket: Socket) => socket.write('-ERR no such message\r\n')],
  ] as const)('RETR answered with %s → %s', async (_name, expected, answer) => {
    const server = await startScriptedServer({
      onConnect: pop3Greeting,
      onLine: (socket, line) => (line.startsWith('RETR') ? answer(socket) : pop3Normal(socket, line)),
    });
    const client = await Pop3Client.connect({ host: '127.0.0.1', port: server.port, security: 'plaintext', deadlineMs: DEADLINE_MS });
    await client.login('u', 'p');
    const error = await client.retr(1, () => undefined, 1 << 20).catch((e: unknown) => e);
    if (expected === 'refused') {
      // A refusal of this command only: `protocol`, not a failed login nor a lost session.
      expect(error).toBeInstanceOf(Pop3Refusal);
      expect(error).toMatchObject({ reason: 'protocol', afterLogin: false });
      expect((error as Error).message).toBe('POP3: RETR failed: no such message');
      // The session is still usable after a refused command.
      expect(await client.stat()).toMatchObject({ count: 1 });
    } else {
      expect(error).toBeInstanceOf(CheckFailure);
      expect(error).toMatchObject({ reason: expected, afterLogin: true });
    }
    client.close();
    await server.close();
  });
});

const imapGreeting = (socket: Socket) => socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE] ready\r\n');
function imapNormal(socket: Socket, line: string): void {
  const [tag, command] = line.split(' ');
  switch (command?.toUpperCase()) {
    case 'CAPABILITY': socket.write(`* CAPABILITY IMAP4rev1 AUTH=PLAIN IDLE\r\n${tag} OK done\r\n`); break;
    case 'LOGIN': case 'AUTHENTICATE': socket.write(`${tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in\r\n`); break;
    case 'ID': socket.write(`* ID NIL\r\n${tag} OK\r\n`); break;
    case 'STATUS': socket.write(`* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 7 UNSEEN 0)\r\n${tag} OK\r\n`); break;
    case 'LOGOUT': socket.end(`* BYE\r\n${tag} OK\r\n`); break;
    default: socket.write(`${tag} OK\r\n`);
  }
}

describe('IMAP misbehaviour', () => {
  it.each<[string, FailureReason | 'ok', Handlers]>([
    ['a well-behaved server (control)', 'ok', { onConnect: imapGreeting, onLine: imapNormal }],
    ['accepts and never greets', 'timeout', {}],
    ['closes at once, before greeting', 'network', { onConnect: (socket) => socket.destroy() }],
    ['closes after LOGIN', 'closed-by-server', { onConnect: imapGreeting, onLine: (socket, line) => (/ (LOGIN|AUTHENTICATE) /i.test(line) ? socket.destroy() : imapNormal(socket, line)) }],
    ['refuses the login', 'rejected', { onConnect: imapGreeting, onLine: (socket, line) => (/ (LOGIN|AUTHENTICATE) /i.test(line) ? socket.write(`${line.split(' ')[0]} NO [AUTHENTICATIONFAILED] no\r\n`) : imapNormal(socket, line)) }],
    ['says UNAVAILABLE to the login', 'rejected', { onConnect: imapGreeting, onLine: (socket, line) => (/ (LOGIN|AUTHENTICATE) /i.test(line) ? socket.write(`${line.split(' ')[0]} NO [UNAVAILABLE] later\r\n`) : imapNormal(socket, line)) }],
    ['sends an unsolicited BYE after the greeting', 'closed-by-server', { onConnect: (socket) => { imapGreeting(socket); socket.end('* BYE going away\r\n'); } }],
    ['greets and never answers', 'timeout', { onConnect: imapGreeting }],
    ['fails STATUS after a good login ("Unsafe Login")', 'closed-by-server', { onConnect: imapGreeting, onLine: (socket, line) => (/ STATUS /i.test(line) ? socket.write(`${line.split(' ')[0]} NO Unsafe Login\r\n`) : imapNormal(socket, line)) }],
  ])('%s → %s', async (_name, expected, handlers) => {
    const { outcome, ms } = await attempt('imap', handlers);
    expect(outcome).toBe(expected);
    expect(ms).toBeLessThan(DEADLINE_MS + 2_000);
  });
});

// The migration target must tell "the server is going away" (reconnect and retry this message) from
// "the server will not take this message" (record it as failed and go on).
describe('IMAP APPEND answers during a migration', () => {
  it.each(([
    ['BYE, then a close', 'retry', (socket) => socket.end('* BYE Server shutting down.\r\n')],
    ['BYE, then NO', 'retry', (socket, tag) => socket.end(`* BYE Server shutting down.\r\n${tag} NO shutting down\r\n`)],
    ['NO [UNAVAILABLE]', 'retry', (socket, tag) => socket.write(`${tag} NO [UNAVAILABLE] try later\r\n`)],
    ['NO [OVERQUOTA]', 'refused', (socket, tag) => socket.write(`${tag} NO [OVERQUOTA] mailbox full\r\n`)],
  ] as [string, 'retry' | 'refused', (socket: Socket, tag: string) => void][]).flatMap(([name, expected, answer]) => [
    // Every message goes through the streaming APPEND the migration uses (no LITERAL+ here, so one
    // at a time, each waiting for a go-ahead that may never come), small and large alike.
    [`${name}, small message`, expected, answer, 'small'],
    [`${name}, large message`, expected, answer, 'large'],
  ] as const))('%s → %s', async (_name, expected, answer, size) => {
    const server = await startScriptedServer({
      onConnect: imapGreeting,
      onLine: (socket, line) => (/^\S+ APPEND /i.test(line) ? answer(socket, line.split(' ')[0]!) : imapNormal(socket, line)),
    });
    try {
      const target = await ImapTarget.open({
        endpoint: parseAccountUrl(`imap://user@127.0.0.1:${server.port}?plaintext=1`), password: 'pw', deadlineMs: DEADLINE_MS, logger,
      });
      const content = Buffer.from(`Subject: x\r\n\r\n${size === 'large' ? 'y'.repeat(STREAMED_APPEND_BYTES) : 'body'}\r\n`);
      const error = await target.append('INBOX', content, [], undefined).catch((e: unknown) => e);
      await target.close();
      if (expected === 'refused') {
        expect(error).toBeInstanceOf(AppendRefused);
        expect((error as Error).message).toContain('mailbox full');
      } else {
        expect(error).toBeInstanceOf(CheckFailure);
        expect(error).toMatchObject({ reason: 'closed-by-server', afterLogin: true });
      }
    } finally {
      await server.close();
    }
  });
});

describe('the new mailbox\'s second (streaming) connection', () => {
  it('connects beside the first but never logs in when the first login is refused: one failed login, not two', async () => {
    const logins: string[] = [];
    const closed: number[] = [];
    let connection = 0;
    const server = await startScriptedServer({
      onConnect: (socket) => {
        const id = (connection += 1);
        socket.on('close', () => closed.push(id));
        // The first connection's login is answered late, so the second has connected by then.
        socket.write('* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN SASL-IR] ready\r\n');
      },
      onLine: (socket, line) => {
        if (/ (LOGIN|AUTHENTICATE) /i.test(line)) {
          logins.push(line.split(' ')[0]!);
          setTimeout(() => socket.write(`${line.split(' ')[0]} NO [AUTHENTICATIONFAILED] wrong password\r\n`), 300);
          return;
        }
        imapNormal(socket, line);
      },
    });
    try {
      const error = await ImapTarget.open({
        endpoint: parseAccountUrl(`imap://user@127.0.0.1:${server.port}?plaintext=1`), password: 'wrong', deadlineMs: DEADLINE_MS, logger,
      }, true).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'rejected' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(server.connections).toBe(2);
      expect(logins).toHaveLength(1);
      expect(closed.sort()).toEqual([1, 2]); // the unused connection is not left open
    } finally {
      await server.close();
    }
  });
});

describe('streaming APPEND session against a plain IMAP4rev1 server', () => {
  it('logs in with LOGIN, sending a password that cannot be quoted as a synchronizing literal', async () => {
    const password = 'pässword "with" \\ and spaces';
    const seen: string[] = [];
    let awaitingPassword = false;
    const server = await startScriptedServer({
      onConnect: (socket) => socket.write('* OK [CAPABILITY IMAP4rev1] ready\r\n'),
      onLine: (socket, line) => {
        seen.push(line);
        if (awaitingPassword) { awaitingPassword = false; socket.write(`M1 ${Buffer.from(line, 'latin1').toString('utf8') === password ? 'OK [CAPABILITY IMAP4rev1] in' : 'NO [AUTHENTICATIONFAILED] no'}\r\n`); return; }
        const literal = /^M1 LOGIN "user" \{(\d+)\}$/.exec(line);
        if (literal) { awaitingPassword = Number(literal[1]) === Buffer.byteLength(password); socket.write('+ go ahead\r\n'); return; }
        imapNormal(socket, line);
      },
    });
    try {
      const session = await StreamingAppendSession.open({
        endpoint: parseAccountUrl(`imap://user@127.0.0.1:${server.port}?plaintext=1`), password, deadlineMs: DEADLINE_MS, logger,
      });
      await session.close();
      expect(seen[0]).toMatch(/^M1 LOGIN "user" \{\d+\}$/);
    } finally {
      await server.close();
    }
  });
});

describe('streaming APPEND session: what the server says while it opens', () => {
  const open = (port: number, security = 'plaintext=1') => StreamingAppendSession.open({
    endpoint: parseAccountUrl(`imap://user@127.0.0.1:${port}?${security}`), password: 'pw', deadlineMs: DEADLINE_MS, logger,
  });

  it('reads a literal inside a response line (an ID answer) and carries on', async () => {
    const server = await startScriptedServer({
      onConnect: (socket) => socket.write('* OK [CAPABILITY IMAP4rev1 ID LITERAL+] ready\r\n'),
      onLine: (socket, line) => {
        const [tag, command] = line.split(' ');
        // The literal holds what would end the session if it were read as lines of its own.
        if (command === 'ID') socket.write(`* ID ("name" {12}\r\na\r\n* BYE x\r\n "x" "y")\r\n${tag} OK done\r\n`);
        else if (command === 'APPEND') socket.write(`${tag} OK [APPENDUID 42 7] stored\r\n`);
        else if (command === 'LOGIN') socket.write(`${tag} OK [CAPABILITY IMAP4rev1 ID LITERAL+] in\r\n`);
        else if (command) imapNormal(socket, line);
      },
    });
    try {
      const session = await open(server.port);
      expect(await session.append('INBOX', Buffer.from('Subject: x\r\n\r\nbody\r\n'), [], undefined)).toEqual({ uid: 7, uidValidity: '42' });
      await session.close();
    } finally {
      await server.close();
    }
  });

  it('accepts lines that end in a bare LF (a tagged OK, the greeting, an untagged answer)', async () => {
    const server = await startScriptedServer({
      onConnect: (socket) => socket.write('* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\n'),
      onLine: (socket, line) => {
        const [tag, command] = line.split(' ');
        if (command === 'LOGIN') socket.write(`${tag} OK [CAPABILITY IMAP4rev1 LITERAL+] in\n`);
        else if (command === 'APPEND') socket.write(`* 1 EXISTS\n${tag} OK [APPENDUID 9 3] stored\n`);
        else if (command === 'LOGOUT') socket.end(`* BYE\n${tag} OK\n`);
        else if (command) socket.write(`${tag} OK\n`);
      },
    });
    try {
      const started = Date.now();
      const session = await open(server.port);
      expect(await session.append('INBOX', Buffer.from('Subject: x\r\n\r\nbody\r\n'), [], undefined)).toEqual({ uid: 3, uidValidity: '9' });
      await session.close();
      // Not a deadline's worth of waiting for a CR that never comes.
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS);
    } finally {
      await server.close();
    }
  });

  it.each<[string, FailureReason, Handlers]>([
    ['a BYE for a greeting', 'network', { onConnect: (socket) => socket.end('* BYE too many connections\r\n') }],
    ['an overlong greeting', 'protocol', { onConnect: (socket) => socket.write(`* OK ${'x'.repeat(100_000)}`) }],
    ['an overlong answer after the greeting', 'protocol', { onConnect: imapGreeting, onLine: (socket) => socket.write(`* OK ${'x'.repeat(100_000)}`) }],
    ['no STARTTLS where it is required', 'tls', { onConnect: imapGreeting, onLine: imapNormal }],
    // Says OK to STARTTLS, then never answers the TLS handshake: the silence deadline holds there too.
    ['an OK to STARTTLS and then silence', 'timeout', {
      onConnect: (socket) => socket.write('* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] ready\r\n'),
      onLine: (socket, line) => { if (/ STARTTLS$/i.test(line)) socket.write(`${line.split(' ')[0]} OK begin TLS\r\n`); },
    }],
    ['a refused login', 'rejected', { onConnect: imapGreeting, onLine: (socket, line) => (/ (LOGIN|AUTHENTICATE) /i.test(line) ? socket.write(`${line.split(' ')[0]} NO [AUTHENTICATIONFAILED] no\r\n`) : imapNormal(socket, line)) }],
  ])('%s → %s', async (name, expected, handlers) => {
    const server = await startScriptedServer(handlers);
    try {
      const started = Date.now();
      const error = await open(server.port, name.includes('STARTTLS') ? '' : 'plaintext=1').catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
      expect(error).toBeInstanceOf(CheckFailure);
      expect((error as CheckFailure).reason).toBe(expected);
      expect((error as Error).message).not.toContain('pw');
    } finally {
      await server.close();
    }
  });
});
