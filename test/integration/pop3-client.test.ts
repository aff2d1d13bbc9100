import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { Pop3Client } from '../../src/protocols/pop3/pop3-client.js';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { Pop3Source } from '../../src/migration/pop3-source.js';
import type { SourceMessage } from '../../src/migration/migration-types.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { closedPort, startClosesAfterPassServer, startScriptedServer } from '../support/scripted-server.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** Bytes a real mailbox holds that a careless client mangles. */
function trickyMessages(): Buffer[] {
  const eightBit = Buffer.concat([
    Buffer.from('From: =?UTF-8?B?5byg5LiJ?= <zhang@example.com>\r\nSubject: 8bit\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
    Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x0d, 0x0a]), // "你好" in GBK: not valid UTF-8
    Buffer.from('caf\xe9 latin-1 \xff\xfe\r\n', 'latin1'),
  ]);
  const dots = Buffer.from('From: a@example.com\r\nSubject: dots\r\n\r\n.\r\n..\r\n.leading dot\r\n...three\r\nend\r\n. \r\n.\r\n');
  // Every byte value but NUL, in CRLF-terminated lines (a bare CR or LF is not mail: servers
  // normalise it), including lines that start with "." right after a line break.
  const lines: Buffer[] = [];
  for (let line = 0; line < 900; line += 1) {
    const bytes = Buffer.alloc(73);
    for (let i = 0; i < bytes.length; i += 1) {
      let value = ((line * 73 + i) * 131) % 256;
      if (value === 0 || value === 10 || value === 13) value = 0x2e; // "." as often as we can
      bytes[i] = value;
    }
    lines.push(bytes, Buffer.from('\r\n'));
  }
  const binary = Buffer.concat(lines);
  const binaryMessage = Buffer.concat([Buffer.from('From: b@example.com\r\nSubject: binary\r\n\r\n'), binary, Buffer.from('\r\n')]);
  return [eightBit, dots, binaryMessage];
}

describe('POP3 client against a private Dovecot', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'realistic' });
  const messages = trickyMessages();

  beforeAll(async () => {
    dovecot.setUser('alice', 'alice-secret');
    await dovecot.start();
    // Dovecot stores what it is given; messages delivered with CRLF are served as is.
    for (const message of messages) dovecot.deliver('alice', message);
  });
  afterAll(() => dovecot.dispose());

  const connect = (security: 'tls' | 'starttls' | 'plaintext', ca = readFileSync(dovecot.caFile, 'utf8')) =>
    Pop3Client.connect({
      host: '127.0.0.1',
      port: security === 'tls' ? dovecot.ports.pop3s : dovecot.ports.pop3,
      security, ca, deadlineMs: 20_000,
    });

  it.each(['tls', 'starttls'] as const)('RETR is byte-exact over %s (8-bit, dot-leading lines, binary)', async (security) => {
    const client = await connect(security);
    await client.login('alice', 'alice-secret');
    expect((await client.stat()).count).toBe(messages.length);
    for (const [index, original] of messages.entries()) {
      const parts: Buffer[] = [];
      const bytes = await client.retr(index + 1, (chunk) => parts.push(chunk), 64 << 20);
      const received = Buffer.concat(parts);
      expect(bytes).toBe(original.length);
      expect(sha256(received)).toBe(sha256(original));
    }
    await client.quit();
  });

  it('reads CAPA after STLS, including RESP-CODES and AUTH-RESP-CODE', async () => {
    const client = await connect('starttls');
    expect(client.capabilityList.has('RESP-CODES')).toBe(true);
    expect(client.capabilityList.has('AUTH-RESP-CODE')).toBe(true);
    expect(client.capabilityList.has('STLS')).toBe(false); // already secured
    client.close();
  });

  it('UIDL n, the full UIDL list, LIST and TOP n 0 agree with each other', async () => {
    const client = await connect('tls');
    await client.login('alice', 'alice-secret');
    const all = await client.uidlAll();
    expect(all.map((entry) => entry.number)).toEqual([1, 2, 3]);
    expect(await client.uidlOf(3)).toBe(all[2]!.uid);
    expect(await client.uidlOf(99)).toBeUndefined();
    const sizes = await client.listAll();
    expect(sizes.map((entry) => entry.size)).toEqual(messages.map((message) => message.length));
    const header = await client.top(2, 0);
    expect(header.toString()).toBe('From: a@example.com\r\nSubject: dots\r\n\r\n');
    await client.quit();
  });

  it('as a migration source, collects the reserve a large message outgrows, and only for a large one', async () => {
    // 21 MB: past MessageBuffer's 16 MB up-front reserve, so its buffer moves once to the full size.
    const large = Buffer.concat([Buffer.from('Subject: large\r\n\r\n'), Buffer.from('line of text\r\n'.repeat(1_500_000))]);
    await dovecot.changeUser('bulky', 'bulky-secret');
    dovecot.deliver('bulky', messages[0]!);
    dovecot.deliver('bulky', large);
    let collections = 0;
    const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });
    const source = await Pop3Source.open({
      endpoint: parseAccountUrl(`pop3s://bulky@127.0.0.1:${dovecot.ports.pop3s}`), password: 'bulky-secret',
      ca: readFileSync(dovecot.caFile, 'utf8'), deadlineMs: 20_000, logger,
    }, () => { collections += 1; });
    const listed: SourceMessage[] = [];
    await source.list((message) => listed.push(message));
    expect(sha256(await source.read(listed[0]!, Buffer.alloc(0)))).toBe(sha256(messages[0]!));
    expect(collections).toBe(0);
    expect(sha256(await source.read(listed[1]!, Buffer.alloc(0)))).toBe(sha256(large));
    expect(collections).toBe(1);
    await source.close();
  });

  it('a wrong password is a permanent rejection with the server\'s [AUTH] code', async () => {
    const client = await connect('tls');
    const error = await client.login('alice', 'wrong').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFailure);
    expect((error as CheckFailure).reason).toBe('rejected');
    expect((error as CheckFailure).temporary).toBe(false);
    expect((error as CheckFailure).serverCode).toBe('AUTH');
    expect((error as CheckFailure).message).not.toContain('wrong');
    client.close();
  });

  it('a certificate from an unknown CA is a TLS failure, on both TLS kinds', async () => {
    for (const security of ['tls', 'starttls'] as const) {
      const error = await connect(security, readFileSync(dovecot.otherCaFile, 'utf8')).catch((e: unknown) => e);
      expect((error as CheckFailure).reason).toBe('tls');
    }
  });

  it('a port with nothing listening is a network failure', async () => {
    const port = await closedPort();
    const error = await Pop3Client.connect({ host: '127.0.0.1', port, security: 'tls', deadlineMs: 5_000 }).catch((e: unknown) => e);
    expect((error as CheckFailure).reason).toBe('network');
  });
});

describe('POP3 client against scripted misbehaviour', () => {
  it('a server that closes the socket after PASS is closed-by-server', async () => {
    const server = await startClosesAfterPassServer();
    const client = await Pop3Client.connect({ host: '127.0.0.1', port: server.port, security: 'plaintext', deadlineMs: 5_000 });
    const error = await client.login('bob', 'pw').catch((e: unknown) => e);
    expect((error as CheckFailure).reason).toBe('closed-by-server');
    await server.close();
  });

  it('a server that greets and then never answers runs into the single deadline', async () => {
    const server = await startScriptedServer({ onConnect: (socket) => socket.write('+OK ready\r\n') });
    const started = Date.now();
    const error = await Pop3Client.connect({ host: '127.0.0.1', port: server.port, security: 'plaintext', deadlineMs: 300 }).catch((e: unknown) => e);
    expect((error as CheckFailure).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    await server.close();
  });

  it('[SYS/TEMP], [IN-USE] and [LOGIN-DELAY] are temporary rejections; LOGIN-DELAY is read from CAPA', async () => {
    for (const code of ['SYS/TEMP', 'IN-USE', 'LOGIN-DELAY']) {
      const server = await startScriptedServer({
        onConnect: (socket) => socket.write('+OK ready\r\n'),
        onLine: (socket, line) => {
          if (line === 'CAPA') socket.write('+OK\r\nUSER\r\nRESP-CODES\r\nLOGIN-DELAY 900\r\n.\r\n');
          else if (line.startsWith('USER')) socket.write('+OK\r\n');
          else if (line.startsWith('PASS')) socket.write(`-ERR [${code}] not now\r\n`);
        },
      });
      const client = await Pop3Client.connect({ host: '127.0.0.1', port: server.port, security: 'plaintext', deadlineMs: 5_000 });
      expect(client.loginDelaySeconds).toBe(900);
      const error = (await client.login('bob', 'pw').catch((e: unknown) => e)) as CheckFailure;
      expect([error.reason, error.temporary, error.serverCode]).toEqual(['rejected', true, code]);
      client.close();
      await server.close();
    }
  });
});
