// The adversarial suite: hostile scripted POP3/IMAP servers, each case run through the real CLI
// (`check`, `watch`, `migrate` as child processes) and held to the promises: the failure keeps its
// class and exit code, nothing waits past its deadline, the child's resident memory stays under a
// ceiling however much the server sends, and a migration's target holds exactly the bytes the
// source served — no more, no fewer, nothing invented. Bounded: every server stops with its test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, WatchProcess, type CliResult } from '../support/cli-process.js';
import { sequenceSet, startHostileImap, startHostilePop3, type ImapScript, type MailboxMessage, type Pop3Script } from '../support/hostile-servers.js';
import { readMailbox, sha256 } from '../support/mailbox-reader.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import type { ScriptedServer } from '../support/scripted-server.js';
import { FaultProxy, type Fault } from '../support/fault-proxy.js';
import { seeded } from '../support/seeded-random.js';

const DEADLINE_MS = 2_000;
/** A CLI run holds well under this; a server that could make it buffer what it sends would pass it within a second on loopback. */
const RSS_CEILING = 160 * 2 ** 20;
const ENV = { MAILBEACON_DEADLINE_MS: String(DEADLINE_MS), MAILBEACON_PASSWORD: 'pw' };

/** Writes `chunk` for as long as the client reads (or up to `limit` bytes): a body, a line or a literal that never ends. */
function streamForever(socket: Socket, chunk: Buffer, limit = 4 * 2 ** 30): void {
  let sent = 0;
  const pump = (): void => {
    while (!socket.destroyed && sent < limit) {
      sent += chunk.length;
      if (!socket.write(chunk)) { socket.once('drain', pump); return; }
    }
  };
  socket.on('error', () => undefined);
  pump();
}

const mail = (i: number, extra = ''): Buffer => Buffer.from(
  `From: s${i}@old.example\r\nSubject: message ${i}\r\nMessage-ID: <m${i}@old.example>\r\nDate: Sun, 1 Nov 2026 10:00:00 +0000\r\n${extra}\r\n`
  + `.leading dot line ${i}\r\nbody ${'x'.repeat(200 + i)}\r\n\u00e9\u00e8 8-bit\r\n`, 'latin1');
const MAILBOX: MailboxMessage[] = [1, 2, 3].map((i) => ({ bytes: mail(i) }));
const servers: ScriptedServer[] = [];

async function pop3(script: Partial<Pop3Script>): Promise<ScriptedServer> {
  const server = await startHostilePop3({ messages: MAILBOX, ...script });
  servers.push(server);
  return server;
}
async function imap(script: Partial<ImapScript>): Promise<ScriptedServer> {
  const server = await startHostileImap({ folders: [{ path: 'INBOX', attributes: '\\HasNoChildren', messages: MAILBOX.map((m) => ({ bytes: m.bytes })) }], ...script });
  servers.push(server);
  return server;
}

function expectBounded(result: CliResult, seconds: number): void {
  expect(result.ms, `took ${result.ms} ms`).toBeLessThan(seconds * 1000);
  expect(result.peakRssBytes, `peak RSS ${(result.peakRssBytes / 2 ** 20).toFixed(0)} MB`).toBeLessThan(RSS_CEILING);
  expect(result.stderr).not.toMatch(/internal error|at \S+ \(|EPIPE/);
}

async function check(url: string): Promise<CliResult & { reason?: unknown }> {
  const result = await runCli(['check', url, '--json', '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-adv-'))], { env: ENV, timeoutMs: 30_000 });
  return { ...result, reason: result.events.find((e) => e.event === 'login-failed')?.reason };
}

afterAll(async () => { await Promise.all(servers.map((server) => server.close())); });

/** name, script, class, exit code of `check`, and whether it fails before the login was accepted
 * (then `migrate` from it fails the same way at once; after the login it reconnects instead). */
type Case<S> = [string, Partial<S>, string, number, 'before-login' | 'after-login'];

const POP3_CASES: Array<Case<Pop3Script>> = [
  ['a greeting that never ends its line', { greeting: (socket) => { streamForever(socket, Buffer.alloc(65536, 0x41)); return true; } }, 'protocol', 11, 'before-login'],
  ['a greeting that never comes', { greeting: () => true }, 'timeout', 4, 'before-login'],
  ['a status line that never ends after the login', { hook: (verb, _a, socket) => { if (verb !== 'STAT') return false; streamForever(socket, Buffer.alloc(65536, 0x41)); return true; } }, 'protocol', 11, 'after-login'],
  ['a header (TOP) that never ends', { hook: (verb, _a, socket) => { if (verb !== 'TOP') return false; socket.write('+OK\r\n'); streamForever(socket, Buffer.from('X-Junk: yes\r\n'.repeat(4096))); return true; } }, 'protocol', 11, 'after-login'],
  ['a reset before any byte', { greeting: (socket) => { socket.resetAndDestroy(); return true; } }, 'network', 4, 'before-login'],
  ['a close after PASS (refusal by hanging up)', { hook: (verb, _a, socket) => { if (verb !== 'PASS') return false; socket.destroy(); return true; } }, 'closed-by-server', 3, 'before-login'],
  ['a close after a good login', { hook: (verb, _a, socket) => { if (verb !== 'STAT') return false; socket.destroy(); return true; } }, 'closed-by-server', 4, 'after-login'],
  ['a stall after a good login', { hook: (verb) => verb === 'STAT' }, 'timeout', 4, 'after-login'],
  ['-ERR to UIDL n after a good login', { hook: (verb, args, socket) => { if (verb !== 'UIDL' || !args[0]) return false; socket.write('-ERR no\r\n'); return true; } }, 'ok-or-protocol', -1, 'after-login'],
  ['a STAT that lies about the count', { hook: (verb, _a, socket) => { if (verb !== 'STAT') return false; socket.write('+OK 99999999 1\r\n'); return true; } }, 'ok', 0, 'after-login'],
  ['a STAT that is not a count', { hook: (verb, _a, socket) => { if (verb !== 'STAT') return false; socket.write('+OK -3 x\r\n'); return true; } }, 'protocol', 11, 'after-login'],
  ['bare LF line ends everywhere', {
    greeting: (socket) => { socket.write('+OK ready\n'); return true; },
    hook: (verb, args, socket) => {
      const body = (text: string): void => { socket.write(`+OK\n${text}.\n`); };
      if (verb === 'CAPA') body('USER\nUIDL\nTOP\n');
      else if (verb === 'STAT') socket.write('+OK 1 40\n');
      else if (verb === 'UIDL' && args[0]) socket.write('+OK 1 u1\n');
      else if (verb === 'UIDL') body('1 u1\n');
      else if (verb === 'TOP') body('Subject: bare\n\n');
      else if (verb === 'QUIT') socket.end('+OK\n');
      else socket.write('+OK\n');
      return true;
    },
  }, 'ok', 0, 'after-login'],
];

describe('hostile POP3 servers through `check`', () => {
  it.each(POP3_CASES)('%s → %s', async (_name, script, reason, code) => {
    const server = await pop3(script);
    const result = await check(`pop3://u@127.0.0.1:${server.port}?plaintext=1`);
    if (reason === 'ok-or-protocol') expect([0, 11]).toContain(result.status);
    else {
      expect(result.reason).toBe(reason === 'ok' ? undefined : reason);
      expect(result.status, result.stderr).toBe(code);
    }
    expectBounded(result, DEADLINE_MS / 1000 + 4);
  });
});

const bye = (socket: Socket): void => { socket.end('* BYE going away\r\n'); };
const IMAP_CASES: Array<Case<ImapScript>> = [
  ['a greeting that never ends its line', { greeting: (socket) => { socket.write('* OK '); streamForever(socket, Buffer.alloc(65536, 0x41)); return true; } }, 'protocol', 11, 'before-login'],
  ['a greeting that never comes', { greeting: () => true }, 'timeout', 4, 'before-login'],
  ['a reset before any byte', { greeting: (socket) => { socket.resetAndDestroy(); return true; } }, 'network', 4, 'before-login'],
  ['a BYE as the answer to LOGIN', { hook: (_t, command, _r, socket) => { if (command !== 'LOGIN') return false; bye(socket); return true; } }, 'closed-by-server', 3, 'before-login'],
  ['a drop right after the OK to LOGIN', { hook: (tag, command, _r, socket) => { if (command !== 'LOGIN') return false; socket.end(`${tag} OK logged in\r\n`); return true; } }, 'closed-by-server', 4, 'after-login'],
  ['a BYE at STATUS', { hook: (_t, command, _r, socket) => { if (command !== 'STATUS') return false; bye(socket); return true; } }, 'closed-by-server', 4, 'after-login'],
  ['a stall at STATUS', { hook: (_t, command) => command === 'STATUS' }, 'timeout', 4, 'after-login'],
  ['a 900 MB literal in an envelope', {
    hook: (_tag, command, rest, socket) => {
      if (command !== 'FETCH' || !/ENVELOPE/i.test(rest)) return false;
      socket.write('* 1 FETCH (UID 1 ENVELOPE (NIL {900000000}\r\n');
      streamForever(socket, Buffer.alloc(65536, 0x41));
      return true;
    },
  }, 'protocol', 11, 'after-login'],
  ['an untagged line that never ends after the login', {
    hook: (_t, command, _r, socket) => { if (command !== 'STATUS') return false; socket.write('* STATUS INBOX ('); streamForever(socket, Buffer.alloc(65536, 0x31)); return true; },
  }, 'protocol', 11, 'after-login'],
  ['bare LF line ends everywhere', { eol: '\n' }, 'ok', 0, 'after-login'],
];

describe('hostile IMAP servers through `check`', () => {
  it.each(IMAP_CASES)('%s → %s', async (_name, script, reason, code) => {
    const server = await imap(script);
    const result = await check(`imap://u@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.reason).toBe(reason === 'ok' ? undefined : reason);
    expect(result.status, result.stderr).toBe(code);
    expectBounded(result, DEADLINE_MS / 1000 + 4);
  });

  it('one deadline for the whole attempt: a slow login and a slow STATUS do not get one each', async () => {
    const slow = DEADLINE_MS * 0.7;
    const server = await imap({
      hook: (tag, command, _r, socket) => {
        if (command === 'LOGIN') { setTimeout(() => socket.write(`${tag} OK [CAPABILITY IMAP4rev1 UIDPLUS IDLE] in\r\n`), slow); return true; }
        if (command === 'STATUS') { setTimeout(() => socket.write(`* STATUS INBOX (MESSAGES 0 UIDNEXT 1 UIDVALIDITY 7 UNSEEN 0)\r\n${tag} OK\r\n`), slow); return true; }
        return false;
      },
    });
    const result = await check(`imap://u@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.reason).toBe('timeout');
    expect(result.status).toBe(4);
  });

  it('a drop after the OK to LOGIN is never counted as a failed login', async () => {
    const server = await imap({ hook: (tag, command, _r, socket) => { if (command !== 'LOGIN') return false; socket.end(`${tag} OK logged in\r\n`); return true; } });
    const result = await check(`imap://u@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.events[0]).toMatchObject({ event: 'login-failed', consecutiveFailures: 0 });
  });
});

/** The same servers through `watch`: the first attempt ends in the same class, on time, bounded. */
describe.each([
  ['POP3', POP3_CASES as Array<Case<Pop3Script | ImapScript>>, 'pop3'],
  ['IMAP', IMAP_CASES as Array<Case<Pop3Script | ImapScript>>, 'imap'],
] as const)('hostile %s servers through `watch`', (_label, cases, protocol) => {
  it.each(cases.filter(([, , reason]) => reason !== 'ok-or-protocol'))('%s → %s', async (_name, script, reason) => {
    const server = protocol === 'pop3' ? await pop3(script as Partial<Pop3Script>) : await imap(script as Partial<ImapScript>);
    const watch = new WatchProcess([`${protocol}://u@127.0.0.1:${server.port}?plaintext=1`, '--json', '--interval', '60', '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-adv-'))], ENV);
    const started = Date.now();
    try {
      const failed = await watch.waitFor((e) => e.event === 'login-failed' || e.event === 'checked', 0, 20_000);
      expect(failed).toMatchObject(reason === 'ok' ? { event: 'checked' } : { event: 'login-failed', reason });
      expect(failed.receivedAt - started).toBeLessThan(DEADLINE_MS + 4_000);
      const { sampleProcess } = await import('../../bench/support/process-sampler.js');
      expect(sampleProcess(watch.child.pid!)?.peakRssBytes ?? 0).toBeLessThan(RSS_CEILING);
    } finally {
      await watch.stop();
    }
    expect(watch.stderr).not.toMatch(/internal error|at \S+ \(/);
  });
});

/** The same servers as the old mailbox of `migrate`: what fails before the login fails the run at
 * once, with the same class and exit code (after the login a migration reconnects instead). */
describe.each([
  ['POP3', POP3_CASES as Array<Case<Pop3Script | ImapScript>>, 'pop3'],
  ['IMAP', IMAP_CASES as Array<Case<Pop3Script | ImapScript>>, 'imap'],
] as const)('hostile %s servers as the source of `migrate`', (_label, cases, protocol) => {
  it.each(cases.filter(([, , , , when]) => when === 'before-login'))('%s → exit %#', async (_name, script, _reason, code) => {
    const server = protocol === 'pop3' ? await pop3(script as Partial<Pop3Script>) : await imap(script as Partial<ImapScript>);
    // The target is never reached: the run ends at the source.
    const result = await runCli(['migrate', '--from', `${protocol}://u@127.0.0.1:${server.port}?plaintext=1`, '--to', 'imaps://new@127.0.0.1:1',
      '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-adv-')), '--json'], { env: ENV, timeoutMs: 30_000 });
    expect(result.status, result.stderr).toBe(code);
    expectBounded(result, DEADLINE_MS / 1000 + 4);
  });
});

describe('hostile servers through `watch`', () => {
  it('IMAP: a server that stalls while IDLE is set up still gets the finished check printed at once', async () => {
    // An empty INBOX: the check needs no EXAMINE, so the only EXAMINE is IDLE's set-up, which stalls.
    const server = await imap({
      folders: [{ path: 'INBOX', attributes: '\\HasNoChildren', messages: [] }],
      hook: (_t, command) => command === 'EXAMINE' || command === 'SELECT',
    });
    // The default 45-second deadline: the check must not wait for IDLE's set-up to end.
    const watch = new WatchProcess([`imap://u@127.0.0.1:${server.port}?plaintext=1`, '--json', '--interval', '60', '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-adv-'))],
      { MAILBEACON_PASSWORD: 'pw' });
    try {
      const started = Date.now();
      const checked = await watch.waitFor((e) => e.event === 'checked', 0, 10_000);
      expect(checked.receivedAt - started).toBeLessThan(5_000);
      expect(checked).toMatchObject({ messages: 0 });
    } finally {
      await watch.stop();
    }
  });

  it('POP3: a header that never ends is a protocol failure within the deadline, memory bounded', async () => {
    const server = await pop3({ hook: (verb, _a, socket) => { if (verb !== 'TOP') return false; socket.write('+OK\r\n'); streamForever(socket, Buffer.from('X-Junk: yes\r\n'.repeat(4096))); return true; } });
    const watch = new WatchProcess([`pop3://u@127.0.0.1:${server.port}?plaintext=1`, '--json', '--interval', '60', '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-adv-'))], ENV);
    try {
      const started = Date.now();
      const failed = await watch.waitFor((e) => e.event === 'login-failed', 0, 15_000);
      expect(failed).toMatchObject({ reason: 'protocol', consecutiveFailures: 0 });
      expect(failed.receivedAt - started).toBeLessThan(DEADLINE_MS + 4_000);
      const { sampleProcess } = await import('../../bench/support/process-sampler.js');
      expect(sampleProcess(watch.child.pid!)?.peakRssBytes ?? 0).toBeLessThan(RSS_CEILING);
    } finally {
      await watch.stop();
    }
  });
});

describe('hostile sources through `migrate` into a real Dovecot', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  let user = 0;
  beforeAll(async () => { await dovecot.start(); });
  afterAll(() => dovecot.dispose());

  async function migrate(from: string, state = mkdtempSync(join(tmpdir(), 'mailbeacon-adv-'))): Promise<{ result: CliResult; target: string; stored: Awaited<ReturnType<typeof readMailbox>> }> {
    user += 1;
    const target = `new${user}`;
    await dovecot.changeUser(target, 'new-pw');
    const result = await runCli(['migrate', '--from', from, '--to', `imaps://${target}@127.0.0.1:${dovecot.ports.imaps}`, '--ca', dovecot.caFile,
      '--state', state, '--json', '--from-password-env', 'FROM', '--to-password-env', 'TO'],
    { env: { ...ENV, FROM: 'pw', TO: 'new-pw' }, timeoutMs: 90_000 });
    return { result, target, stored: await readMailbox(dovecot.ports.imaps, target, 'new-pw', dovecot.caFile) };
  }
  const hashes = (messages: Buffer[]): string[] => messages.map(sha256).sort();

  it('POP3 duplicate, malformed and missing-looking UIDLs: every message exactly once, and the report says so', async () => {
    const messages: MailboxMessage[] = [
      { bytes: mail(1), uidl: 'same' }, { bytes: mail(2), uidl: 'same' }, { bytes: mail(3), uidl: 'x'.repeat(80) }, { bytes: mail(4), uidl: 'fine' },
    ];
    const server = await pop3({ messages });
    const state = mkdtempSync(join(tmpdir(), 'mailbeacon-adv-'));
    const { result, stored } = await migrate(`pop3://old@127.0.0.1:${server.port}?plaintext=1`, state);
    expect(result.status, result.stderr).toBe(0);
    expect(result.events.at(-1)).toMatchObject({ event: 'migrated', copied: 4, failed: 0, unstableIdentities: 3, state: 'complete' });
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes(messages.map((m) => m.bytes)));
    expectBounded(result, 30);
    // A second run with the same state copies nothing again: the safe identities are stable.
    const again = await runCli(['migrate', '--from', `pop3://old@127.0.0.1:${server.port}?plaintext=1`, '--to', `imaps://new${user}@127.0.0.1:${dovecot.ports.imaps}`,
      '--ca', dovecot.caFile, '--state', state, '--json', '--from-password-env', 'FROM', '--to-password-env', 'TO'],
    { env: { ...ENV, FROM: 'pw', TO: 'new-pw' } });
    expect(again.events.at(-1)).toMatchObject({ event: 'migrated', copied: 0, skipped: 4 });
  });

  it('POP3 LIST sizes that lie (-5, 0, 99999999999): exactly the served bytes, nothing invented', async () => {
    const messages: MailboxMessage[] = [{ bytes: mail(1), listSize: -5 }, { bytes: mail(2), listSize: 0 }, { bytes: mail(3), listSize: 99999999999 }];
    const server = await pop3({ messages });
    const { result, stored } = await migrate(`pop3://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(0);
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes(messages.map((m) => m.bytes)));
    expectBounded(result, 30);
  });

  it('POP3 RETR that never ends: that message is not copied (exit 6), the others are, memory bounded', async () => {
    const server = await pop3({
      hook: (verb, args, socket) => {
        if (verb !== 'RETR' || args[0] !== '2') return false;
        socket.write('+OK\r\n');
        streamForever(socket, Buffer.from('endless body line\r\n'.repeat(4096)));
        return true;
      },
    });
    const { result, stored } = await migrate(`pop3://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(6);
    expect(result.events.at(-1)).toMatchObject({ event: 'migrated', copied: 2, failed: 1, state: 'failing' });
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes([MAILBOX[0]!.bytes, MAILBOX[2]!.bytes]));
    expect(result.stdout).not.toContain('endless');
    expectBounded(result, 40);
  });

  it('POP3 RETR that stalls once: the no-progress deadline reconnects and the run completes exactly', async () => {
    const server = await pop3({ hook: (verb, args, _socket, connection) => verb === 'RETR' && args[0] === '2' && connection === 1 });
    const { result, stored } = await migrate(`pop3://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(0);
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes(MAILBOX.map((m) => m.bytes)));
    expectBounded(result, 30);
  });

  it('POP3 -ERR to one RETR: that message is reported with the server\'s words, the rest copied', async () => {
    const server = await pop3({ hook: (verb, args, socket) => { if (verb !== 'RETR' || args[0] !== '1') return false; socket.write('-ERR message corrupted\r\n'); return true; } });
    const { result, stored } = await migrate(`pop3://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status).toBe(6);
    expect(result.events.at(-1)).toMatchObject({ copied: 2, failed: 1 });
    expect(stored).toHaveLength(2);
  });

  it('IMAP source with a \\NoSelect parent (any case) and a RFC822.SIZE that lies low: all copied exactly', async () => {
    const archive = [mail(10), mail(11)];
    const server = await imap({
      folders: [
        { path: 'INBOX', attributes: '\\HasNoChildren', messages: [{ bytes: mail(1), size: 10 }] },
        { path: 'Work', attributes: '\\NoSelect \\HasChildren', messages: [] },
        { path: 'Work/Archive', attributes: '\\HASNOCHILDREN', messages: archive.map((bytes) => ({ bytes, flags: '\\Seen' })) },
      ],
    });
    const { result, stored } = await migrate(`imap://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(0);
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes([mail(1), ...archive]));
    expectBounded(result, 30);
  });

  it('IMAP source sending a 900 MB literal for one message: that message fails, memory bounded, the rest copied', async () => {
    const server = await imap({
      hook: (tag, command, rest, socket) => {
        // Whether it asks for message 2 alone or in a batch with others.
        if (command !== 'FETCH' || !/BODY/i.test(rest) || !sequenceSet(rest.split(' ')[0] ?? '', 3).includes(2)) return false;
        socket.write('* 2 FETCH (UID 2 BODY[] {900000000}\r\n');
        streamForever(socket, Buffer.alloc(65536, 0x41));
        void tag;
        return true;
      },
    });
    const { result, stored } = await migrate(`imap://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(6);
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes([MAILBOX[0]!.bytes, MAILBOX[2]!.bytes]));
    expectBounded(result, 40);
  });

  it('IMAP source with a 6 MB message (read on a connection of its own, LOGIN only, no LITERAL+): copied exactly, once', async () => {
    const large = Buffer.concat([Buffer.from('From: big@old.example\r\nSubject: large\r\nMessage-ID: <large@old.example>\r\n\r\n'),
      Buffer.from(`${'z'.repeat(998)}\r\n`.repeat(6_000))]);
    const server = await imap({ folders: [{ path: 'INBOX', attributes: '\\HasNoChildren', messages: [{ bytes: MAILBOX[0]!.bytes }, { bytes: large }, { bytes: MAILBOX[1]!.bytes }] }] });
    const { result, stored } = await migrate(`imap://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(0);
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes([MAILBOX[0]!.bytes, large, MAILBOX[1]!.bytes]));
    expectBounded(result, 30);
  });

  it('IMAP source that drops the large message\'s connection halfway through its literal: reconnects, copied exactly, once', async () => {
    const large = Buffer.concat([Buffer.from('From: big@old.example\r\nSubject: large\r\n\r\n'), Buffer.from(`${'q'.repeat(998)}\r\n`.repeat(3_000))]);
    const messages = [{ bytes: MAILBOX[0]!.bytes }, { bytes: large }, { bytes: MAILBOX[1]!.bytes }];
    let dropped = 0;
    const server = await imap({
      folders: [{ path: 'INBOX', attributes: '\\HasNoChildren', messages }],
      hook: (_tag, command, rest, socket) => {
        // Only the large message is asked for alone, with BODY.PEEK[] and nothing else.
        if (command !== 'FETCH' || !/^2 \(BODY\.PEEK\[\]\)$/i.test(rest) || dropped > 0) return false;
        dropped += 1;
        socket.end(Buffer.concat([Buffer.from(`* 2 FETCH (UID 2 BODY[] {${large.length}}\r\n`), large.subarray(0, large.length / 2)]));
        return true;
      },
    });
    const { result, stored } = await migrate(`imap://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(0);
    expect(dropped).toBe(1);
    expect(result.events.at(-1)).toMatchObject({ event: 'migrated', copied: 3, failed: 0 });
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes(messages.map((m) => m.bytes)));
    expectBounded(result, 30);
  });

  it('IMAP source that logs the large-message connection out while it is idle: the next large message signs in again at once, no reconnect of the rest', async () => {
    const large = (n: number): Buffer => Buffer.concat([Buffer.from(`From: big${n}@old.example\r\nSubject: large ${n}\r\n\r\n`), Buffer.from(`${String(n).repeat(998)}\r\n`.repeat(1_500))]);
    const messages = [{ bytes: large(1) }, { bytes: MAILBOX[0]!.bytes }, { bytes: large(2) }];
    let logouts = 0;
    const server = await imap({
      folders: [{ path: 'INBOX', attributes: '\\HasNoChildren', messages }],
      hook: (tag, command, rest, socket) => {
        // The first large message is served, then its connection is logged out (an idle timeout).
        if (command !== 'FETCH' || !/^1 \(BODY\.PEEK\[\]\)$/i.test(rest)) return false;
        logouts += 1;
        socket.end(Buffer.concat([Buffer.from(`* 1 FETCH (UID 1 BODY[] {${messages[0]!.bytes.length}}\r\n`), messages[0]!.bytes, Buffer.from(`)\r\n${tag} OK done\r\n* BYE Autologout; idle for too long\r\n`)]));
        return true;
      },
    });
    const { result, stored } = await migrate(`imap://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(0);
    expect(logouts).toBe(1);
    expect(result.events.at(-1)).toMatchObject({ event: 'migrated', copied: 3, failed: 0 });
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes(messages.map((m) => m.bytes)));
    // The listing's connection and two large-message connections: nothing else was reopened.
    expect(server.connections).toBe(3);
    expectBounded(result, 30);
  });

  it('IMAP source: the first batch, read while the new mailbox signs in, is not read again', async () => {
    const bodyFetches: string[] = [];
    const server = await imap({
      hook: (_tag, command, rest) => {
        if (command === 'FETCH' && /BODY/i.test(rest)) bodyFetches.push(rest);
        return false;
      },
    });
    const { result, stored } = await migrate(`imap://old@127.0.0.1:${server.port}?plaintext=1`);
    expect(result.status, result.stderr).toBe(0);
    expect(stored.map((m) => m.sha256).sort()).toEqual(hashes(MAILBOX.map((m) => m.bytes)));
    expect(bodyFetches).toHaveLength(1); // one batch, one FETCH of its bodies
  });

  it('a dry run over a lying size plans without reading a message or logging in to the target', async () => {
    const server = await pop3({ messages: [{ bytes: mail(1), listSize: -5 }] });
    const result = await runCli(['migrate', '--dry-run', '--from', `pop3://old@127.0.0.1:${server.port}?plaintext=1`, '--to', `imaps://x@127.0.0.1:${dovecot.ports.imaps}`,
      '--ca', dovecot.caFile, '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-adv-')), '--json', '--from-password-env', 'FROM', '--to-password-env', 'TO'],
    { env: { ...ENV, FROM: 'pw', TO: 'x' } });
    expect(result.status, result.stderr).toBe(0);
    expect(result.events.at(-1)).toMatchObject({ event: 'plan', messages: 1, toCopy: 1 });
  });
});

describe('a fault-injecting proxy in front of the real Dovecot', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);
  const random = seeded(seed);
  const proxies: FaultProxy[] = [];
  beforeAll(async () => {
    console.log(`fault proxy: seed ${seed} (FAULT_SEED=${seed} to replay)`);
    dovecot.setUser('alice', 'pw');
    dovecot.setUser('old', 'pw');
    dovecot.setUser('new', 'pw');
    for (const message of MAILBOX) dovecot.deliver('alice', message.bytes);
    for (let i = 0; i < 30; i += 1) dovecot.deliver('old', mail(100 + i, `X-Pad: ${'p'.repeat(2000)}\r\n`));
    await dovecot.start();
  });
  afterAll(async () => {
    await Promise.all(proxies.map((proxy) => proxy.stop()));
    await dovecot.dispose();
  });
  async function proxy(port: number, fault: Fault, faultyConnections = Infinity): Promise<FaultProxy> {
    const started = await new FaultProxy(port).start();
    started.fault = fault;
    started.faultyConnections = faultyConnections;
    proxies.push(started);
    return started;
  }

  const faults = (): Array<[string, Fault]> => [
    ['refused', { kind: 'refuse' }],
    ['dropped after 0 bytes', { kind: 'drop-after', bytes: 0 }],
    ['reset after 0 bytes', { kind: 'reset-after', bytes: 0 }],
    ...(['drop-after', 'reset-after', 'stall-after'] as const).map((kind): [string, Fault] => {
      const bytes = Math.floor(random() * 6000);
      return [`${kind} ${bytes} bytes`, { kind, bytes }];
    }),
    ['every chunk delayed 40 ms', { kind: 'delay-chunks', ms: 40 }],
  ];

  it.each(['imaps', 'pop3s'] as const)('%s: every fault ends classified, on time, bounded, never as a refused password or our bug', async (scheme) => {
    for (const [name, fault] of faults()) {
      const faulty = await proxy(scheme === 'imaps' ? dovecot.ports.imaps : dovecot.ports.pop3s, fault);
      const result = await runCli(['check', `${scheme}://alice@127.0.0.1:${faulty.port}`, '--ca', dovecot.caFile, '--json', '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-adv-'))],
        { env: ENV, timeoutMs: 30_000 });
      const event = result.events[0] ?? {};
      const label = `${scheme} ${name}: ${JSON.stringify(event)} ${result.stderr}`;
      const before = fault.kind === 'refuse' || ('bytes' in fault && fault.bytes === 0);
      if (fault.kind === 'delay-chunks' || fault.kind === 'none') {
        expect(result.status, label).toBe(0);
      } else if (before) {
        // Nothing came from the server: the network's doing, never a login spent.
        expect(event, label).toMatchObject({ reason: 'network', consecutiveFailures: 0 });
        expect(result.status, label).toBe(4);
      } else if (result.status !== 0) { // a fault past the end of the conversation changes nothing
        expect(['network', 'timeout', 'closed-by-server', 'tls'], label).toContain(event.reason);
        // Exit 3 (a refused login) only where the server hung up in the middle of the login itself.
        if (result.status === 3) expect(event, label).toMatchObject({ reason: 'closed-by-server', consecutiveFailures: 1 });
        else expect([4, 5], label).toContain(result.status);
      }
      expectBounded(result, DEADLINE_MS / 1000 + 5);
    }
  });

  it.each<[string, Fault, number]>([
    ['dropped mid-transfer twice', { kind: 'drop-after', bytes: 20_000 }, 2],
    ['reset mid-transfer once', { kind: 'reset-after', bytes: 35_000 }, 1],
    ['stalled mid-transfer once', { kind: 'stall-after', bytes: 25_000 }, 1],
    ['slow all the way', { kind: 'delay-chunks', ms: 5 }, Infinity],
  ])('migrate from POP3 behind a proxy that is %s: completes, byte for byte', async (_name, fault, times) => {
    const faulty = await proxy(dovecot.ports.pop3s, fault, times);
    const target = `new${proxies.length}`;
    await dovecot.changeUser(target, 'pw');
    const result = await runCli(['migrate', '--from', `pop3s://old@127.0.0.1:${faulty.port}`, '--to', `imaps://${target}@127.0.0.1:${dovecot.ports.imaps}`,
      '--ca', dovecot.caFile, '--state', mkdtempSync(join(tmpdir(), 'mailbeacon-adv-')), '--json', '--from-password-env', 'P', '--to-password-env', 'P'],
    { env: { ...ENV, P: 'pw' }, timeoutMs: 90_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.events.at(-1)).toMatchObject({ event: 'migrated', copied: 30, failed: 0, state: 'complete' });
    const source = await readMailbox(dovecot.ports.imaps, 'old', 'pw', dovecot.caFile);
    const stored = await readMailbox(dovecot.ports.imaps, target, 'pw', dovecot.caFile);
    expect(stored.map((m) => m.sha256).sort()).toEqual(source.map((m) => m.sha256).sort());
    expectBounded(result, 60);
  });
});
