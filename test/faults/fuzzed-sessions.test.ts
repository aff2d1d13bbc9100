// Fuzzing: real Dovecot sessions (POP3 and IMAP) are recorded, then replayed with random mutations
// (flipped, dropped, duplicated and inserted bytes, truncation, stray terminators). Every attempt
// must settle within the deadline with a classified outcome. The seed is printed; replay one with
// FUZZ_SEED=<n>.
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAccountUrl } from '../../src/account/account-url.js';
import { createLogger, SecretRegistry } from '../../src/log/redacting-logger.js';
import { CheckRunner } from '../../src/watch/check-runner.js';
import { PrivateDovecot } from '../support/private-dovecot.js';
import { message } from '../support/messages.js';
import { seeded } from '../support/seeded-random.js';

const DEADLINE_MS = 400;
const OUTCOMES = new Set(['ok', 'rejected', 'closed-by-server', 'network', 'timeout', 'tls', 'protocol']);
const logger = createLogger({ secrets: new SecretRegistry(), minLevel: 'error', write: () => undefined });

interface Transcript { greeting: Buffer; answers: Buffer[] }

/** Proxies one session to Dovecot, recording what the server sent before and after each client line. */
async function record(port: number, run: (proxyPort: number) => Promise<void>): Promise<Transcript> {
  const transcript: Transcript = { greeting: Buffer.alloc(0), answers: [] };
  const server: Server = createServer((client: Socket) => {
    const upstream = connect(port, '127.0.0.1');
    let current = -1;
    client.on('data', (data: Buffer) => {
      for (const byte of data) if (byte === 0x0a) { current += 1; transcript.answers[current] = Buffer.alloc(0); }
      upstream.write(data);
    });
    upstream.on('data', (data: Buffer) => {
      if (current < 0) transcript.greeting = Buffer.concat([transcript.greeting, data]);
      else transcript.answers[current] = Buffer.concat([transcript.answers[current]!, data]);
      client.write(data);
    });
    const end = (): void => { client.destroy(); upstream.destroy(); };
    client.on('close', end); upstream.on('close', end);
    client.on('error', end); upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await run(typeof address === 'object' && address ? address.port : 0);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return transcript;
}

function mutate(data: Buffer, random: () => number): Buffer {
  const bytes = [...data];
  const edits = 1 + Math.floor(random() * 4);
  for (let i = 0; i < edits && bytes.length > 0; i += 1) {
    const at = Math.floor(random() * bytes.length);
    switch (Math.floor(random() * 7)) {
      case 0: bytes[at] = Math.floor(random() * 256); break;
      case 1: bytes.splice(at, 1 + Math.floor(random() * 8)); break;
      case 2: bytes.splice(at, 0, ...bytes.slice(at, at + 1 + Math.floor(random() * 16))); break;
      case 3: bytes.splice(at, 0, ...Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 256))); break;
      case 4: bytes.length = at; break;
      case 5: bytes.splice(at, 0, ...Buffer.from('\r\n.\r\n')); break;
      default: bytes.splice(at, 0, 0); break;
    }
  }
  return Buffer.from(bytes);
}

/** Replays a (mutated) transcript: the greeting on connect, one recorded answer per client line. */
async function replay(transcript: Transcript, random: () => number): Promise<{ port: number; close: () => Promise<void>; played: Transcript }> {
  const greeting = random() < 0.3 ? mutate(transcript.greeting, random) : transcript.greeting;
  const answers = transcript.answers.map((answer) => (random() < 0.35 ? mutate(answer, random) : answer));
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let line = 0;
    socket.write(greeting);
    socket.on('data', (data: Buffer) => {
      for (const byte of data) {
        if (byte !== 0x0a) continue;
        const answer = answers[line];
        line += 1;
        if (answer) {
          // Sent in two pieces at a random point: a split anywhere must not matter.
          const cut = Math.floor(random() * (answer.length + 1));
          socket.write(answer.subarray(0, cut));
          setTimeout(() => { if (!socket.destroyed) socket.write(answer.subarray(cut)); }, 1);
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    played: { greeting, answers },
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => new Promise<void>((resolve) => { for (const socket of sockets) socket.destroy(); server.close(() => resolve()); }),
  };
}

/** One attempt; a hang past the deadline is reported as 'hang' instead of stalling the suite. */
async function attempt(url: string): Promise<{ outcome: string; ms: number }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<{ outcome: string; ms: number }>((resolve) => { timer = setTimeout(() => resolve({ outcome: 'hang', ms: Infinity }), DEADLINE_MS + 5_000); });
  try {
    return await Promise.race([attemptOnce(url), hang]);
  } finally {
    clearTimeout(timer);
  }
}

async function attemptOnce(url: string): Promise<{ outcome: string; ms: number }> {
  const started = Date.now();
  const runner = new CheckRunner({
    endpoint: parseAccountUrl(url), logger, deadlineMs: DEADLINE_MS,
    getPassword: async () => 'fuzz-pw', loadState: () => undefined, saveState: () => undefined,
  });
  const result = await runner.attempt();
  await runner.close();
  return { outcome: result.ok ? 'ok' : result.failure.reason, ms: Date.now() - started };
}

describe('fuzzed replays of real Dovecot sessions', () => {
  const dovecot = new PrivateDovecot({ authPenalty: 'fast' });
  const transcripts: Record<'pop3' | 'imap', Transcript> = {} as Record<'pop3' | 'imap', Transcript>;
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);

  beforeAll(async () => {
    dovecot.setUser('fuzz', 'fuzz-pw');
    for (let i = 0; i < 3; i += 1) dovecot.deliver('fuzz', message({ subject: `=?UTF-8?B?${Buffer.from(`主题 ${i}`).toString('base64')}?=` }));
    await dovecot.start();
    for (const protocol of ['pop3', 'imap'] as const) {
      transcripts[protocol] = await record(protocol === 'pop3' ? dovecot.ports.pop3 : dovecot.ports.imap, async (port) => {
        const result = await attempt(`${protocol}://fuzz@127.0.0.1:${port}?plaintext=1`);
        expect(result.outcome).toBe('ok');
      });
    }
  });
  afterAll(() => dovecot.dispose());

  it.each([['pop3', 120], ['imap', 80]] as const)(`%s: %i mutated sessions all settle, classified, within the deadline`, async (protocol, runs) => {
    console.log(`fuzz ${protocol}: seed ${seed} (FUZZ_SEED=${seed} to replay)`);
    const random = seeded(seed + (protocol === 'imap' ? 1 : 0));
    const seen = new Map<string, number>();
    for (let run = 0; run < runs; run += 1) {
      const server = await replay(transcripts[protocol], random);
      try {
        const { outcome, ms } = await attempt(`${protocol}://fuzz@127.0.0.1:${server.port}?plaintext=1`);
        if (!OUTCOMES.has(outcome) || ms >= DEADLINE_MS + 3_000) {
          // Keep the failing session for a closer look.
          mkdirSync('test-results', { recursive: true });
          writeFileSync(`test-results/fuzz-${protocol}-${seed}-${run}.json`, JSON.stringify({
            greeting: server.played.greeting.toString('latin1'), answers: server.played.answers.map((a) => a.toString('latin1')),
          }, null, 1));
        }
        expect(OUTCOMES.has(outcome), `run ${run}: ${outcome}`).toBe(true);
        // One deadline for the attempt, plus the bounded goodbye (QUIT/LOGOUT, two seconds).
        expect(ms, `run ${run} took ${ms} ms`).toBeLessThan(DEADLINE_MS + 2_000 + 1_000);
        seen.set(outcome, (seen.get(outcome) ?? 0) + 1);
      } finally {
        await server.close();
      }
    }
    console.log(`fuzz ${protocol}: outcomes ${JSON.stringify(Object.fromEntries(seen))}`);
  }, 120_000);
});
