// Does a mail server answer here, over a connection whose certificate verifies for this name? A
// probe connects, completes TLS (implicit, or STARTTLS/STLS where that is the security asked for),
// reads the greeting and the capabilities, and leaves. It never sends a user name or password:
// discovery uses it to guess hosts, and adding an account uses it before the password goes out.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Protocol, Security } from '../../account/account-url.js';
import { CheckFailure, classifySocketError, protocolFailure } from '../check-failure.js';
import { Deadline, realTimers, type Timers } from '../deadline.js';
import { tlsOptions } from '../tls-options.js';
import type { LookupFunction } from './name-resolver.js';

export interface ProbeTarget { protocol: Protocol; security: Security; host: string; port: number }

export interface ProbeOptions {
  lookup: LookupFunction;
  ca?: string | undefined;
  deadlineMs: number;
  timers?: Timers;
}

export type ProbeResult = { ok: true; capabilities: string[] } | { ok: false; failure: CheckFailure };

/** A greeting or capability line longer than this is not a mail server we want to talk to. */
const MAX_LINE = 8 * 1024;
/** All capability lines together. */
const MAX_CAPABILITIES = 64 * 1024;

/** Lines from a socket, each bounded; CRLF or a bare LF ends a line. */
class LineReader {
  private buffer = '';
  private waiting: ((line: string) => void) | undefined;
  private failed: ((error: Error) => void) | undefined;
  private error: Error | undefined;
  private socket: Socket | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer += chunk.toString('latin1');
    this.deliver();
  };
  private readonly onEnd = (): void => this.fail(new CheckFailure('closed-by-server', 'the server closed the connection during the probe'));
  private readonly onError = (error: Error): void => this.fail(error);

  attach(socket: Socket): void {
    this.detach();
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
  }

  detach(): void {
    this.socket?.off('data', this.onData);
    this.socket?.off('end', this.onEnd);
    this.socket?.off('error', this.onError);
    this.socket = undefined;
  }

  next(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.error) { reject(this.error); return; }
      this.waiting = resolve;
      this.failed = reject;
      this.deliver();
    });
  }

  fail(error: Error): void {
    this.error ??= error;
    const reject = this.failed;
    this.waiting = undefined;
    this.failed = undefined;
    reject?.(this.error);
  }

  private deliver(): void {
    if (!this.waiting) return;
    const end = this.buffer.indexOf('\n');
    if (end === -1) {
      if (this.buffer.length > MAX_LINE) this.fail(protocolFailure(`a line longer than ${MAX_LINE} bytes during the probe`));
      return;
    }
    const line = this.buffer.slice(0, end).replace(/\r$/, '');
    this.buffer = this.buffer.slice(end + 1);
    if (line.length > MAX_LINE) { this.fail(protocolFailure(`a line longer than ${MAX_LINE} bytes during the probe`)); return; }
    const resolve = this.waiting;
    this.waiting = undefined;
    this.failed = undefined;
    resolve(line);
  }
}

interface Dialect {
  greetingOk(line: string): boolean;
  startTls: { command: string; ok(line: string): boolean };
  /** Sends the capability request and collects the answer. */
  capabilities(send: (line: string) => void, reader: LineReader): Promise<string[]>;
  quit: string;
}

const IMAP: Dialect = {
  greetingOk: (line) => /^\* (OK|PREAUTH)\b/i.test(line),
  startTls: { command: 'p1 STARTTLS', ok: (line) => /^p1 OK\b/i.test(line) },
  async capabilities(send, reader) {
    send('p2 CAPABILITY');
    const found: string[] = [];
    let total = 0;
    for (;;) {
      const line = await reader.next();
      total += line.length;
      if (total > MAX_CAPABILITIES) throw protocolFailure('capabilities larger than 64 kB');
      const capability = /^\* CAPABILITY (.*)$/i.exec(line);
      if (capability) found.push(...capability[1]!.split(' ').filter(Boolean).map((word) => word.toUpperCase()));
      if (/^p2 OK\b/i.test(line)) return found;
      if (/^p2 (NO|BAD)\b/i.test(line)) return found;
    }
  },
  quit: 'p3 LOGOUT',
};

const POP3: Dialect = {
  greetingOk: (line) => /^\+OK\b/i.test(line),
  startTls: { command: 'STLS', ok: (line) => /^\+OK\b/i.test(line) },
  async capabilities(send, reader) {
    send('CAPA');
    const first = await reader.next();
    // CAPA is optional (RFC 2449): a server without it still answers USER/PASS.
    if (!/^\+OK\b/i.test(first)) return [];
    const found: string[] = [];
    let total = 0;
    for (;;) {
      const line = await reader.next();
      if (line === '.') return found;
      total += line.length;
      if (total > MAX_CAPABILITIES) throw protocolFailure('capabilities larger than 64 kB');
      found.push(line.toUpperCase());
    }
  },
  quit: 'QUIT',
};

export async function probeServer(target: ProbeTarget, options: ProbeOptions): Promise<ProbeResult> {
  const dialect = target.protocol === 'imap' ? IMAP : POP3;
  const reader = new LineReader();
  let socket: Socket | undefined;
  let greeted = false;
  let expire: (error: Error) => void = () => undefined;
  const expired = new Promise<never>((_, reject) => { expire = reject; });
  expired.catch(() => undefined);
  const deadline = new Deadline(options.deadlineMs, () => {
    const failure = new CheckFailure('timeout', `no answer from ${target.host}:${target.port} within ${options.deadlineMs} ms`);
    reader.fail(failure);
    expire(failure);
  }, options.timers ?? realTimers);
  const send = (line: string): void => { socket?.write(`${line}\r\n`); };
  /** The TLS handshake, verified for the target's name, over a new connection or the plain one. */
  const secure = (plain?: Socket): Promise<TLSSocket> => {
    const tls = tlsConnect({
      ...tlsOptions(target.host, options.ca),
      ...(plain ? { socket: plain } : { port: target.port, lookup: options.lookup }),
    });
    socket = tls;
    reader.attach(tls);
    const handshake = new Promise<TLSSocket>((resolve, reject) => {
      tls.once('secureConnect', () => resolve(tls));
      tls.once('error', reject);
      tls.once('close', () => reject(new CheckFailure('closed-by-server', 'the server closed the connection during the TLS handshake')));
    });
    return Promise.race([handshake, expired]);
  };
  try {
    if (target.security === 'tls') {
      await secure();
    } else {
      socket = netConnect({ host: target.host, port: target.port, lookup: options.lookup });
      reader.attach(socket);
    }
    const greeting = await reader.next();
    greeted = true;
    if (!dialect.greetingOk(greeting)) return { ok: false, failure: protocolFailure(`an unexpected greeting "${greeting.slice(0, 80)}"`) };
    if (target.security === 'starttls') {
      send(dialect.startTls.command);
      const answer = await reader.next();
      if (!dialect.startTls.ok(answer)) {
        return { ok: false, failure: new CheckFailure('tls', `${target.host} does not offer ${target.protocol === 'imap' ? 'STARTTLS' : 'STLS'}`) };
      }
      reader.detach();
      await secure(socket);
    }
    const capabilities = await dialect.capabilities(send, reader);
    send(dialect.quit);
    return { ok: true, capabilities };
  } catch (error) {
    if (error instanceof CheckFailure) return { ok: false, failure: error };
    return { ok: false, failure: classifySocketError(error, greeted) };
  } finally {
    deadline.clear();
    reader.detach();
    socket?.destroy();
  }
}
