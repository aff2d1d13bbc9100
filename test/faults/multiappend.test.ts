// The migration's APPENDs in batches: one MULTIAPPEND (RFC 3502) per folder where the server offers
// it, one APPEND each where it does not, and what a refusal of a whole MULTIAPPEND means (it is all
// or none: every message of it goes again alone and gets its own answer). The server here parses
// the commands byte for byte, literals included, so it sees exactly what a real server would.
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { appendedUids, StreamingAppendSession, type AppendAnswer, type AppendItem } from '../../src/protocols/imap/streaming-append.js';

const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });

/** One APPEND as the server received it: the folder and each message's bytes. */
interface ReceivedAppend { tag: string; folder: string; messages: Buffer[] }

interface AppendServer { port: number; received: ReceivedAppend[]; close(): Promise<void> }

/** An IMAP server with LITERAL+ (and MULTIAPPEND when asked) that answers each APPEND as `answer` says. */
async function appendServer(options: { multiappend: boolean; answer: (append: ReceivedAppend, socket: Socket) => void }): Promise<AppendServer> {
  const capability = `IMAP4rev1 LITERAL+ UIDPLUS${options.multiappend ? ' MULTIAPPEND' : ''}`;
  const received: ReceivedAppend[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write(`* OK [CAPABILITY ${capability}] ready\r\n`);
    let buffer = Buffer.alloc(0);
    let literal = 0;
    let current: ReceivedAppend | undefined;
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (literal > 0) {
          if (buffer.length < literal) return;
          current!.messages.push(buffer.subarray(0, literal));
          buffer = buffer.subarray(literal);
          literal = 0;
          continue;
        }
        const end = buffer.indexOf('\r\n');
        if (end === -1) return;
        const line = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 2);
        const marker = /\{(\d+)\+\}$/.exec(line);
        if (!current) {
          const [tag = '', command = ''] = line.split(' ');
          if (/^APPEND$/i.test(command)) {
            current = { tag, folder: /^\S+ APPEND "([^"]*)"/i.exec(line)?.[1] ?? '', messages: [] };
          } else if (/^LOGIN$/i.test(command)) socket.write(`${tag} OK [CAPABILITY ${capability}] in\r\n`);
          else if (/^LOGOUT$/i.test(command)) socket.end(`* BYE\r\n${tag} OK\r\n`);
          else if (tag) socket.write(`${tag} OK done\r\n`);
        }
        if (current && marker) { literal = Number(marker[1]); continue; }
        if (current) {
          received.push(current);
          options.answer(current, socket);
          current = undefined;
        }
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0, received,
    close: () => new Promise<void>((resolve) => { for (const socket of sockets) socket.destroy(); server.close(() => resolve()); }),
  };
}

const message = (name: string): Buffer => Buffer.from(`Subject: ${name}\r\n\r\nbody of ${name}\r\n`);
const item = (name: string, path = 'INBOX'): AppendItem => ({ path, content: message(name), flags: ['\\Seen'], date: new Date('2026-01-02T03:04:05Z') });

async function appendAll(port: number, items: AppendItem[]): Promise<Array<AppendAnswer | undefined>> {
  const session = await StreamingAppendSession.open({ endpoint: parseAccountUrl(`imap://user@127.0.0.1:${port}?plaintext=1`), password: 'pw', deadlineMs: 2_000, logger });
  const answers: Array<AppendAnswer | undefined> = items.map(() => undefined);
  try {
    await session.appendMany(items, (index, answer) => {
      expect(answers[index], `answered twice: ${index}`).toBeUndefined();
      answers[index] = answer;
    });
  } finally {
    await session.close();
  }
  return answers;
}

describe('batched APPENDs', () => {
  let server: AppendServer | undefined;
  afterEach(async () => { await server?.close(); server = undefined; });

  it('MULTIAPPEND: one command per run of one folder, the UIDs of the APPENDUID set in order', async () => {
    let next = 100;
    server = await appendServer({
      multiappend: true,
      answer: (append, socket) => {
        const first = next;
        next += append.messages.length;
        socket.write(`${append.tag} OK [APPENDUID 7 ${first}:${next - 1}] stored\r\n`);
      },
    });
    const items = [item('a'), item('b'), item('c', 'Work'), item('d', 'Work'), item('e')];
    const answers = await appendAll(server.port, items);
    expect(server.received.map((append) => [append.folder, append.messages.map((bytes) => bytes.toString())])).toEqual([
      ['INBOX', [message('a').toString(), message('b').toString()]],
      ['Work', [message('c').toString(), message('d').toString()]],
      ['INBOX', [message('e').toString()]],
    ]);
    expect(answers).toEqual([100, 101, 102, 103, 104].map((uid) => ({ ok: true, uid, uidValidity: '7' })));
  });

  it('a refused MULTIAPPEND (all or none): each of its messages again alone, each with its own answer', async () => {
    server = await appendServer({
      multiappend: true,
      answer: (append, socket) => {
        const poisoned = append.messages.some((bytes) => bytes.includes('Subject: bad'));
        socket.write(poisoned ? `${append.tag} NO [OVERQUOTA] too large\r\n` : `${append.tag} OK [APPENDUID 7 ${server!.received.length}] stored\r\n`);
      },
    });
    const answers = await appendAll(server.port, [item('a'), item('bad'), item('c')]);
    expect(server.received.map((append) => append.messages.length)).toEqual([3, 1, 1, 1]);
    expect(answers[0]).toMatchObject({ ok: true, uid: 2 });
    expect(answers[1]).toMatchObject({ ok: false, refused: { responseText: 'too large', serverResponseCode: 'OVERQUOTA' } });
    expect(answers[2]).toMatchObject({ ok: true, uid: 4 });
  });

  it('an APPENDUID that names the wrong number of UIDs: stored, with no UIDs claimed', async () => {
    server = await appendServer({ multiappend: true, answer: (append, socket) => socket.write(`${append.tag} OK [APPENDUID 7 5:9] stored\r\n`) });
    expect(await appendAll(server.port, [item('a'), item('b')])).toEqual([{ ok: true }, { ok: true }]);
  });

  it('no MULTIAPPEND offered: one APPEND per message, all sent before the first answer', async () => {
    // The server answers nothing until all three have arrived: a client waiting for an answer
    // between them would never get one.
    server = await appendServer({
      multiappend: false,
      answer: (_append, socket) => {
        if (server!.received.length < 3) return;
        socket.write(server!.received.map((append, index) => `${append.tag} OK [APPENDUID 3 ${index + 1}] stored\r\n`).join(''));
      },
    });
    const answers = await appendAll(server.port, [item('a'), item('b'), item('c', 'Work')]);
    expect(server.received.map((append) => append.messages.length)).toEqual([1, 1, 1]);
    expect(answers).toEqual([1, 2, 3].map((n) => ({ ok: true, uid: n, uidValidity: '3' })));
  });

  it('a connection dropped after the first of two MULTIAPPENDs: the first answered, the second has no outcome, the caller hears it', async () => {
    server = await appendServer({
      multiappend: true,
      answer: (append, socket) => { if (append.folder === 'INBOX') socket.write(`${append.tag} OK [APPENDUID 7 1:2] stored\r\n`); else socket.destroy(); },
    });
    const session = await StreamingAppendSession.open({ endpoint: parseAccountUrl(`imap://user@127.0.0.1:${server.port}?plaintext=1`), password: 'pw', deadlineMs: 2_000, logger });
    const answered: number[] = [];
    const error = await session.appendMany([item('a'), item('b'), item('c', 'Work')], (index) => answered.push(index)).catch((e: unknown) => e);
    await session.close();
    expect(answered).toEqual([0, 1]);
    expect(error).toBeInstanceOf(CheckFailure);
    expect(error).toMatchObject({ reason: 'closed-by-server' });
  });
});

describe('APPENDUID sets (RFC 4315)', () => {
  const code = (set: string) => ({ code: 'APPENDUID', codeArgs: ['9', set] });
  it.each([
    ['5', 1, [5]], ['5:7', 3, [5, 6, 7]], ['7:5', 3, [7, 6, 5]], ['1,3,5:6', 4, [1, 3, 5, 6]],
  ] as const)('%s for %i messages', (set, count, uids) => {
    expect(appendedUids(code(set), count)).toEqual({ uidValidity: '9', uids });
  });
  it.each([['5:9', 2], ['5', 2], ['x', 1], ['1:4294967295', 3], ['', 1]] as const)('%s for %i messages: none claimed', (set, count) => {
    expect(appendedUids(code(set), count)).toBeUndefined();
  });
  it('no APPENDUID, or a UIDVALIDITY that is no number: none claimed', () => {
    expect(appendedUids({ code: undefined, codeArgs: [] }, 1)).toBeUndefined();
    expect(appendedUids({ code: 'APPENDUID', codeArgs: ['x', '5'] }, 1)).toBeUndefined();
  });
});
