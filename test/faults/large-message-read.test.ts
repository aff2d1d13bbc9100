// Our own FETCH of a large message (LargeMessageReader): the literal goes from the socket into one
// buffer. Against a scripted server: chunking at every byte, other case and bare LF, responses
// nobody asked for, a body for another UID, a literal that lies about its size (larger than the
// ceiling, shorter than it says), a stall, a BYE, a refusal, a vanished message.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { ImapCommandRefused } from '../../src/protocols/imap/imap-conversation.js';
import { LargeMessageReader } from '../../src/protocols/imap/large-message-read.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';

const NO_PROGRESS_MS = 1_500;
const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });

/** A message whose body holds what would end the read early if it were parsed as lines. */
const MESSAGE = Buffer.concat([
  Buffer.from('Subject: large\r\n\r\n* BYE not really\r\nM3 OK not really\r\n) UID 9)\r\n{5}\r\n'),
  Buffer.alloc(300_000, 0x78), Buffer.from('\r\n\x00\xff end\r\n', 'latin1'),
]);

const servers: ScriptedServer[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((server) => server.close())); });

/** A server with LOGIN and EXAMINE; `fetch` answers each UID FETCH (tag, uid, socket, nth fetch). */
async function server(fetch: (tag: string, uid: number, socket: Socket, nth: number) => void, capability = 'IMAP4rev1'): Promise<ScriptedServer> {
  let fetches = 0;
  const started = await startScriptedServer({
    onConnect: (socket) => socket.write(`* OK [CAPABILITY ${capability}] ready\r\n`),
    onLine: (socket, line) => {
      const [tag = '', command = '', ...rest] = line.split(' ');
      if (/^UID$/i.test(command) && /^FETCH$/i.test(rest[0] ?? '')) {
        expect(rest.slice(2).join(' ')).toBe('(BODY.PEEK[])');
        fetches += 1;
        fetch(tag, Number(rest[1]), socket, fetches);
      } else if (/^LOGIN$/i.test(command)) socket.write(`${tag} OK [CAPABILITY ${capability}] in\r\n`);
      else if (/^EXAMINE$/i.test(command)) socket.write(rest[0] === '"Gone"' ? `${tag} NO [NONEXISTENT] no such folder\r\n` : `* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n${tag} OK [READ-ONLY] done\r\n`);
      else if (/^LOGOUT$/i.test(command)) socket.end(`* BYE\r\n${tag} OK\r\n`);
      else if (tag) socket.write(`${tag} OK done\r\n`);
    },
  });
  servers.push(started);
  return started;
}

const open = (port: number): Promise<LargeMessageReader> => LargeMessageReader.open({
  endpoint: parseAccountUrl(`imap://user@127.0.0.1:${port}?plaintext=1`), password: 'pw', deadlineMs: NO_PROGRESS_MS, logger,
}, NO_PROGRESS_MS);

/** Writes `data` a few bytes at a time, so every boundary falls somewhere awkward. */
async function trickle(socket: Socket, data: Buffer, sizes = [1, 2, 3, 7, 4096, 65_536]): Promise<void> {
  let offset = 0;
  for (let i = 0; offset < data.length; i += 1) {
    const size = sizes[i % sizes.length]!;
    socket.write(data.subarray(offset, offset + size));
    offset += size;
    if (i % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('LargeMessageReader', () => {
  it('reads the literal byte for byte whatever the chunking, the case, the line ends and the responses around it', async () => {
    const s = await server((tag, uid, socket) => {
      void trickle(socket, Buffer.concat([
        Buffer.from(`* 3 EXISTS\n* 2 FETCH (FLAGS (\\Seen))\r\n* 1 FETCH (UID 5 BODY[] {5}\r\nhello)\r\n* 2 fetch (body[] {${MESSAGE.length}}\n`),
        MESSAGE, Buffer.from(` uid ${uid} FLAGS ())\n${tag} ok done\n`),
      ]));
    });
    const reader = await open(s.port);
    const read = await reader.read('INBOX', 7, 2 * MESSAGE.length);
    expect(read?.equals(MESSAGE)).toBe(true);
    // The connection goes on: a second read on it.
    expect((await reader.read('INBOX', 7, 2 * MESSAGE.length))?.equals(MESSAGE)).toBe(true);
    await reader.close();
  });

  it('a UID the server no longer has is undefined; a refusal is ImapCommandRefused and the connection goes on', async () => {
    const s = await server((tag, uid, socket) => {
      if (uid === 1) socket.write(`${tag} OK nothing\r\n`);
      else if (uid === 2) socket.write(`${tag} NO [SERVERBUG] cannot\r\n`);
      else socket.write(Buffer.concat([Buffer.from(`* 3 FETCH (UID ${uid} BODY[] {${MESSAGE.length}}\r\n`), MESSAGE, Buffer.from(`)\r\n${tag} OK\r\n`)]));
    });
    const reader = await open(s.port);
    expect(await reader.read('INBOX', 1, 2 * MESSAGE.length)).toBeUndefined();
    await expect(reader.read('INBOX', 2, 2 * MESSAGE.length)).rejects.toBeInstanceOf(ImapCommandRefused);
    await expect(reader.read('Gone', 3, 2 * MESSAGE.length)).rejects.toMatchObject({ responseText: 'no such folder' });
    expect((await reader.read('INBOX', 3, 2 * MESSAGE.length))?.equals(MESSAGE)).toBe(true);
    await reader.close();
  });

  it('a literal over the ceiling fails as protocol at once, before any of it is held', async () => {
    let written = 0;
    const s = await server((_tag, uid, socket) => {
      socket.write(`* 3 FETCH (UID ${uid} BODY[] {900000000}\r\n`);
      const chunk = Buffer.alloc(65_536, 0x41);
      const more = (): void => { while (!socket.destroyed && written < 900_000_000 && socket.write(chunk)) written += chunk.length; };
      socket.on('drain', more);
      more();
    });
    const reader = await open(s.port);
    const error = await reader.read('INBOX', 3, 10 * 1024 * 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFailure);
    expect(error).toMatchObject({ reason: 'protocol', afterLogin: true });
    expect((error as Error).message).toContain(String(10 * 1024 * 1024));
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('a literal that ends short (the server closes inside it) is a closed connection, never a shorter message', async () => {
    const s = await server((_tag, uid, socket) => {
      socket.end(Buffer.concat([Buffer.from(`* 3 FETCH (UID ${uid} BODY[] {${MESSAGE.length}}\r\n`), MESSAGE.subarray(0, 200_000)]));
    });
    const reader = await open(s.port);
    await expect(reader.read('INBOX', 3, 2 * MESSAGE.length)).rejects.toMatchObject({ reason: 'closed-by-server', afterLogin: true });
  });

  it('a stall inside the literal ends by the no-progress time; a BYE in place of the answer ends as closed-by-server', async () => {
    const s = await server((tag, uid, socket, nth) => {
      if (nth === 1) socket.write(Buffer.concat([Buffer.from(`* 3 FETCH (UID ${uid} BODY[] {${MESSAGE.length}}\r\n`), MESSAGE.subarray(0, 1000)]));
      else socket.write('* BYE shutting down\r\n');
      void tag;
    });
    const started = Date.now();
    const stalled = await open(s.port);
    await expect(stalled.read('INBOX', 3, 2 * MESSAGE.length)).rejects.toMatchObject({ reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(NO_PROGRESS_MS + 2_000);
    const byed = await open(s.port);
    await expect(byed.read('INBOX', 3, 2 * MESSAGE.length)).rejects.toMatchObject({ reason: 'closed-by-server', afterLogin: true });
  });

  it('a connection kept idle longer than the no-progress time is still there for the next read (silence counts only while we wait)', async () => {
    const s = await server((tag, uid, socket) => {
      socket.write(Buffer.concat([Buffer.from(`* 3 FETCH (UID ${uid} BODY[] {${MESSAGE.length}}\r\n`), MESSAGE, Buffer.from(`)\r\n${tag} OK\r\n`)]));
    });
    const reader = await open(s.port);
    expect((await reader.read('INBOX', 3, 2 * MESSAGE.length))?.equals(MESSAGE)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, NO_PROGRESS_MS + 700));
    expect((await reader.read('INBOX', 3, 2 * MESSAGE.length))?.equals(MESSAGE)).toBe(true);
    await reader.close();
  });

  it('a connection the server logged out while idle fails the next read at once, as closed-by-server after the login', async () => {
    const s = await server((tag, uid, socket) => {
      socket.end(Buffer.concat([Buffer.from(`* 3 FETCH (UID ${uid} BODY[] {${MESSAGE.length}}\r\n`), MESSAGE, Buffer.from(`)\r\n${tag} OK\r\n* BYE Autologout\r\n`)]));
    });
    const reader = await open(s.port);
    expect((await reader.read('INBOX', 3, 2 * MESSAGE.length))?.equals(MESSAGE)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await expect(reader.read('INBOX', 3, 2 * MESSAGE.length)).rejects.toMatchObject({ reason: 'closed-by-server', afterLogin: true });
    expect(Date.now() - started).toBeLessThan(500);
    await reader.close();
  });

  it('a large literal nobody asked for (an unsolicited response) fails as protocol instead of being held', async () => {
    const s = await server((_tag, _uid, socket) => { socket.write(`* 3 FETCH (UID 9 BODY[HEADER] {5000000}\r\n${'h'.repeat(70_000)}`); });
    const reader = await open(s.port);
    await expect(reader.read('INBOX', 3, 2 * MESSAGE.length)).rejects.toMatchObject({ reason: 'protocol' });
  });
});
