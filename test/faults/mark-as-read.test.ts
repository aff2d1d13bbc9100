// "Mark as read" against a scripted IMAP server that misbehaves at the STORE: a refusal answers the
// request (and the check goes on), a connection closed at the STORE leaves the request for the next
// session, a server that never answers is cut off by the deadline — and only the UIDs asked for
// are ever named.
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { CheckFailure } from '../../src/protocols/check-failure.js';
import { CheckRunner } from '../../src/watch/check-runner.js';
import { startHostileImap } from '../support/hostile-servers.js';

const DEADLINE_MS = 1_500;
const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });
const messages = [1, 2, 3].map((n) => ({ bytes: Buffer.from(`Subject: m${n}\r\n\r\nbody ${n}\r\n`) }));

/** What the STORE meets on each connection (1-based), and every STORE the server saw. */
async function serverWith(atStore: (tag: string, socket: Socket, connection: number) => void) {
  const stores: string[] = [];
  const server = await startHostileImap({
    folders: [{ path: 'INBOX', attributes: '', messages }],
    hook: (tag, command, rest, socket, connection) => {
      if (command === 'SELECT') {
        // Read-write (the scripted server's default answer is READ-ONLY, which is EXAMINE's).
        socket.write(`* ${messages.length} EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n* FLAGS (\\Seen \\Flagged)\r\n`
          + `* OK [PERMANENTFLAGS (\\Seen \\Flagged)] ok\r\n${tag} OK [READ-WRITE] done\r\n`);
        return true;
      }
      if (command !== 'STORE') return false;
      stores.push(rest);
      atStore(tag, socket, connection);
      return true;
    },
  });
  const runner = new CheckRunner({
    endpoint: parseAccountUrl(`imap://user@127.0.0.1:${server.port}?plaintext=1`),
    logger, deadlineMs: DEADLINE_MS, getPassword: async () => 'pw', loadState: () => undefined, saveState: () => undefined,
  });
  return { server, runner, stores };
}

describe('"Mark as read" against a misbehaving server', () => {
  it('a refused STORE answers the request in our words; the check it rode on still succeeds', async () => {
    const { server, runner, stores } = await serverWith((tag, socket) => socket.write(`${tag} NO [CANNOT] this mailbox cannot be changed\r\n`));
    try {
      const marked = runner.markSeen(['7:2']);
      marked.catch(() => undefined);
      const result = await runner.attempt();
      expect(result.ok).toBe(true);
      await expect(marked).rejects.toMatchObject({ reason: 'protocol', message: 'the server refused to mark the messages as read' });
      expect(stores).toEqual(['2 +FLAGS (\\Seen)']);
    } finally {
      await runner.close();
      await server.close();
    }
  });

  it('a connection closed at the STORE leaves the request for the next session, which marks exactly those messages', async () => {
    const { server, runner, stores } = await serverWith((tag, socket, connection) => {
      if (connection === 1) socket.destroy();
      else socket.write(`${tag} OK store done\r\n`);
    });
    try {
      // Ids of another UIDVALIDITY are never sent: after a reset their UIDs name other messages.
      const marked = runner.markSeen(['7:3', '7:1', '8:2']);
      const first = await runner.attempt();
      expect(first.ok).toBe(false);
      const second = await runner.attempt();
      expect(second.ok).toBe(true);
      await expect(marked).resolves.toBe(2);
      expect(stores).toEqual(['1,3 +FLAGS (\\Seen)', '1,3 +FLAGS (\\Seen)']);
    } finally {
      await runner.close();
      await server.close();
    }
  });

  it('a server that never answers the STORE is cut off by the deadline; stopping the account answers the request', async () => {
    const { server, runner, stores } = await serverWith(() => undefined);
    try {
      const marked = runner.markSeen(['7:1']);
      marked.catch(() => undefined);
      const started = Date.now();
      const result = await runner.attempt();
      expect(result.ok ? 'ok' : result.failure.reason).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
      expect(stores).toHaveLength(1);
      await runner.close();
      await expect(marked).rejects.toBeInstanceOf(CheckFailure);
      await expect(runner.markSeen(['7:1'])).rejects.toMatchObject({ message: 'the account was stopped before the messages could be marked as read' });
    } finally {
      await server.close();
    }
  });
});
