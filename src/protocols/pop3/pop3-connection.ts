// The POP3 wire: a socket (plain or TLS, upgraded in place by STLS), a receive buffer, and one reader
// at a time — a status line or a streamed multi-line body. Every socket event ends in a classified
// CheckFailure, so a command in flight always settles, whatever the server does.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { CheckFailure, classifySocketError, protocolFailure } from '../check-failure.js';
import { ConnectionEnd } from '../connection-end.js';
import { verifyPinnedCertificate } from '../certificate.js';
import { DotUnstuffer } from './dot-unstuffer.js';
import { parseStatusLine, parseAuthLine, Pop3ProtocolError, type Pop3Status } from './pop3-status.js';

/** Longest status line accepted; RFC 2449 allows 512 octets, real servers stay far below this. */
const MAX_STATUS_LINE = 8192;

type Reader =
  | { kind: 'line'; resolve: (line: Buffer) => void; reject: (error: Error) => void }
  | {
    kind: 'body'; decoder: DotUnstuffer; sink: (chunk: Buffer) => void; resolve: () => void; reject: (error: Error) => void;
    /** Bytes this body may bring at most; one more and the connection ends as `protocol`. */
    ceiling: number; received: number;
  };

/** Ceilings for multi-line answers: a capability list is small; a header (TOP n 0) is at most a
 * megabyte in practice; a UIDL or LIST listing of a very large mailbox stays under 64 MB. */
export const POP3_LIMITS = { capabilities: 64 * 1024, header: 1024 * 1024, listing: 64 * 1024 * 1024 } as const;

export class Pop3Connection {
  private socket: Socket | TLSSocket;
  private readonly raw: Socket;
  private received: Buffer = Buffer.alloc(0);
  private reader: Reader | undefined;
  private pendingHandshake: ((error: Error) => void) | undefined;
  private readonly end = new ConnectionEnd(
    () => { this.socket.destroy(); this.raw.destroy(); },
    (failure) => {
      const reader = this.reader;
      this.reader = undefined;
      reader?.reject(failure);
      this.pendingHandshake?.(failure);
    },
  );

  private constructor(raw: Socket) {
    this.raw = raw;
    this.socket = raw;
    this.attach(raw);
  }

  /** Set once the greeting arrived: a drop after this is the server's doing, not the network's. */
  get greeted(): boolean { return this.end.greeted; }
  set greeted(value: boolean) { this.end.greeted = value; }

  private get failure(): CheckFailure | undefined { return this.end.failure; }

  /** Starts connecting; failures (refused, unreachable, timeout) surface on the first read. */
  static open(host: string, port: number): Pop3Connection {
    const raw = netConnect({ host, port });
    raw.setNoDelay(true);
    return new Pop3Connection(raw);
  }

  /** Bytes on the wire in both directions (TLS records included), for cost measurements. */
  get bytesOnWire(): { read: number; written: number } {
    return { read: this.raw.bytesRead, written: this.raw.bytesWritten };
  }

  get isSecure(): boolean { return this.socket !== this.raw; }

  /** Wraps the socket in TLS (implicit TLS right after connect, or after STLS's +OK). */
  async startTls(options: ConnectionOptions, pin?: { fingerprint: string; host: string; port: number }): Promise<void> {
    if (this.received.length > 0) {
      // Bytes after +OK and before the handshake were injected by someone in the middle.
      throw this.fail(new CheckFailure('tls', 'the server sent data before the TLS handshake'));
    }
    if (this.failure) throw this.failure;
    // The TLS socket reads the raw one from now on; the raw socket's error/close handlers stay, so a
    // drop during the handshake still ends in a classified failure.
    this.raw.off('data', this.onData);
    const secure = tlsConnect({ ...options, socket: this.raw });
    this.socket = secure;
    await new Promise<void>((resolve, reject) => {
      this.pendingHandshake = reject;
      secure.once('error', (error) => reject(this.fail(classifySocketError(error, false))));
      secure.once('secureConnect', resolve);
    }).finally(() => { this.pendingHandshake = undefined; });
    if (pin) {
      try {
        verifyPinnedCertificate(secure, pin.fingerprint, pin.host, pin.port);
      } catch (error) {
        throw this.fail(error as CheckFailure);
      }
    }
    this.attach(secure);
  }

  /** Fails the connection as `timeout` after this long without any byte from the server. */
  setIdleTimeout(ms: number): void {
    this.raw.setTimeout(ms, () => this.fail(new CheckFailure('timeout', `the server sent nothing for ${Math.round(ms / 1000)} s`)));
  }

  send(line: string): void {
    if (this.failure) throw this.failure;
    this.socket.write(`${line}\r\n`);
  }

  async readStatus(): Promise<Pop3Status> {
    const line = await new Promise<Buffer>((resolve, reject) => this.setReader({ kind: 'line', resolve, reject }));
    try {
      return parseStatusLine(line);
    } catch (error) {
      throw this.fail(new CheckFailure(this.greeted ? 'closed-by-server' : 'network', (error as Error).message));
    }
  }

  /** A status line, or a SASL challenge ("+ <base64>") while authenticating. */
  async readAuthReply(): Promise<Pop3Status | { challenge: string }> {
    const line = await new Promise<Buffer>((resolve, reject) => this.setReader({ kind: 'line', resolve, reject }));
    try {
      return parseAuthLine(line);
    } catch (error) {
      throw this.fail(new CheckFailure(this.greeted ? 'closed-by-server' : 'network', (error as Error).message));
    }
  }

  /** Streams a multi-line body, dot-unstuffed, into `sink` until the terminator; more than
   * `ceiling` bytes (a terminator that never comes, a body far over its announced size) ends the
   * connection as a `protocol` failure before they reach memory. */
  readBody(sink: (chunk: Buffer) => void, ceiling: number): Promise<void> {
    return new Promise((resolve, reject) =>
      this.setReader({ kind: 'body', decoder: new DotUnstuffer(), sink, resolve, reject, ceiling, received: 0 }));
  }

  async readBodyAsBuffer(ceiling: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    await this.readBody((chunk) => parts.push(chunk), ceiling);
    return Buffer.concat(parts);
  }

  /** True when the connection fails (typically: the server closes it) within `ms`. A `-ERR` that is
   * followed by a close is the server ending the session (Dovecot's "Server shutting down."), not a
   * refusal of the command, and must be retried like any other drop. */
  async failsWithin(ms: number): Promise<boolean> {
    if (this.failure) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => { this.socket.off('close', onGone); this.socket.off('end', onGone); resolve(this.failure !== undefined); }, ms);
      const onGone = (): void => { clearTimeout(timer); resolve(true); };
      this.socket.once('close', onGone);
      this.socket.once('end', onGone);
    });
  }

  /** Ends the conversation without treating the close as a server failure; anything still waiting,
   * or asked for later, is refused at once instead of waiting on a dead socket. */
  close(): void {
    this.end.close();
  }

  /** Records the first failure, tears the socket down and rejects whoever is waiting. */
  fail(failure: CheckFailure): CheckFailure {
    return this.end.fail(failure);
  }

  private setReader(reader: Reader): void {
    if (this.failure) { reader.reject(this.failure); return; }
    if (this.reader) { reader.reject(new Pop3ProtocolError('a POP3 read is already in progress')); return; }
    this.reader = reader;
    this.pump();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    this.pump();
  };

  private readonly onError = (error: Error): void => {
    this.fail(classifySocketError(error, this.greeted));
  };

  private readonly onClose = (): void => this.end.socketClosed();

  private pump(): void {
    while (this.reader && this.received.length > 0) {
      const reader = this.reader;
      if (reader.kind === 'line') {
        const end = this.received.indexOf(0x0a);
        if (end === -1) {
          if (this.received.length > MAX_STATUS_LINE) {
            this.fail(protocolFailure(`a status line over ${MAX_STATUS_LINE} bytes`));
          }
          return;
        }
        const line = this.received.subarray(0, end + 1);
        this.received = this.received.subarray(end + 1);
        this.reader = undefined;
        reader.resolve(line);
      } else {
        const { chunks, done, rest } = reader.decoder.push(this.received);
        this.received = rest;
        for (const chunk of chunks) reader.received += chunk.length;
        if (reader.received > reader.ceiling || this.received.length > reader.ceiling) {
          this.fail(protocolFailure(`an answer longer than ${reader.ceiling} bytes`));
          return;
        }
        for (const chunk of chunks) reader.sink(chunk);
        if (!done) return;
        this.reader = undefined;
        reader.resolve();
      }
    }
  }

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
    socket.on('end', this.onClose);
  }
}
