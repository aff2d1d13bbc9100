// The IMAP wire for our hand-written IMAP conversations (the streaming APPEND, the large-message
// read): a socket, plain or TLS, upgraded in place by STARTTLS; response lines read one at a time (a
// small literal inside a response is read and kept as part of its line; a large one can be read
// straight from the socket into the caller's buffer, so a large message arrives held once); writes
// that wait for the socket to drain, so a large message goes out in bounded pieces. Every socket
// event ends in a classified CheckFailure.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { CheckFailure, classifySocketError, protocolFailure } from '../check-failure.js';
import { ConnectionEnd } from '../connection-end.js';
import type { MessageBuffer } from '../message-buffer.js';

/** Longest response line accepted (with its literals): APPEND and login answers are short. */
const MAX_RESPONSE_LINE = 64 * 1024;

export class ImapWire {
  private socket: Socket | TLSSocket;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (line: LinePart) => void; reject: (error: Error) => void; inlineAtMost: number } | undefined;
  /** A literal being read into the caller's buffer: socket data goes there, not into `received`. */
  private sink: { into: MessageBuffer; remaining: number; resolve: () => void; reject: (error: Error) => void } | undefined;
  /** Writes waiting for the socket to drain, and a TLS handshake under way. */
  private busy = 0;
  private readonly end = new ConnectionEnd(() => this.socket.destroy(), (failure) => {
    const waiting = this.waiting;
    const sink = this.sink;
    this.waiting = undefined;
    this.sink = undefined;
    waiting?.reject(failure);
    sink?.reject(failure);
  });

  private constructor(socket: Socket | TLSSocket, private idleTimeoutMs: number) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Set once the greeting arrived: a drop after this is the server's doing, not the network's. */
  get greeted(): boolean { return this.end.greeted; }
  set greeted(value: boolean) { this.end.greeted = value; }

  /** Set once the login was accepted: what ends the connection after it says so. */
  set afterLogin(value: boolean) { this.end.afterLogin = value; }

  private get failure(): CheckFailure | undefined { return this.end.failure; }

  /** Connects (implicit TLS when `tls` is given); failures surface on the first read. */
  static open(host: string, port: number, idleTimeoutMs: number, tls?: ConnectionOptions): ImapWire {
    const socket = tls ? tlsConnect({ ...tls, host, port }) : netConnect({ host, port });
    socket.setNoDelay(true);
    return new ImapWire(socket, idleTimeoutMs);
  }

  get tlsSocket(): TLSSocket | undefined {
    return 'getPeerCertificate' in this.socket ? this.socket : undefined;
  }

  /** STARTTLS after the server's OK: the TLS socket reads the plain one from now on. */
  async startTls(options: ConnectionOptions, idleTimeoutMs: number): Promise<void> {
    if (this.received.length > 0) throw this.fail(new CheckFailure('tls', 'the server sent data before the TLS handshake'));
    if (this.failure) throw this.failure;
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.setTimeout(0);
    const secure = tlsConnect({ ...options, socket: plain });
    this.socket = secure;
    this.idleTimeoutMs = idleTimeoutMs;
    this.attach(secure);
    this.busy += 1;
    this.awaitServer();
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => { this.busy -= 1; resolve(); });
      secure.once('error', (error) => reject(this.fail(classifySocketError(error, this.greeted, this.end.afterLogin))));
      secure.once('close', () => reject(this.failure ?? new CheckFailure('closed-by-server', 'the connection closed during the TLS handshake')));
    });
  }

  /** The next response line, without its CRLF; a literal `{n}` inside it is read into the line. */
  async readLine(): Promise<string> {
    return (await this.readLineOrLiteral(Infinity)).text;
  }

  /**
   * The next response line as readLine reads it, except that a literal of more than `inlineAtMost`
   * bytes ends the part returned: `text` is the line before its `{n}`, `literal` is n, and the
   * literal's bytes are the caller's to take with readLiteral before reading on.
   */
  readLineOrLiteral(inlineAtMost: number): Promise<LinePart> {
    return new Promise((resolve, reject) => {
      if (this.failure) { reject(this.failure); return; }
      this.waiting = { resolve, reject, inlineAtMost };
      this.awaitServer();
      this.pump();
    });
  }

  /** The next `length` bytes into `into`, copied from the socket's chunks as they arrive (never
   * gathered first); more than `into` may take fails the connection as a protocol failure. */
  readLiteral(into: MessageBuffer, length: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) { reject(this.failure); return; }
      this.sink = { into, remaining: length, resolve, reject };
      this.awaitServer();
      const held = this.received;
      this.received = Buffer.alloc(0);
      this.feedSink(held);
    });
  }

  /** Writes and resolves once the socket can take more: memory held is one piece, not the message. */
  async write(data: Buffer | string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.socket.write(data)) return;
    this.busy += 1;
    this.awaitServer();
    try {
      await new Promise<void>((resolve, reject) => {
        const settle = (): void => {
          this.socket.off('drain', settle);
          this.socket.off('close', settle);
          if (this.failure) reject(this.failure);
          else resolve();
        };
        this.socket.once('drain', settle);
        this.socket.once('close', settle);
      });
    } finally {
      this.busy -= 1;
    }
  }

  /** The silence deadline counts from now: we wait for the server (an answer, a drain). */
  private awaitServer(): void {
    this.socket.setTimeout(this.idleTimeoutMs);
  }

  close(): void {
    this.end.close();
  }

  /** Records the first failure, tears the socket down and rejects whoever is waiting. */
  fail(failure: CheckFailure): CheckFailure {
    return this.end.fail(failure);
  }

  /** Socket data while a literal is read: its bytes to the sink, what follows back to `received`. */
  private feedSink(chunk: Buffer): void {
    const sink = this.sink!;
    const taken = Math.min(sink.remaining, chunk.length);
    if (!sink.into.append(chunk.subarray(0, taken))) {
      this.fail(protocolFailure('a literal larger than its message may be'));
      return;
    }
    sink.remaining -= taken;
    if (sink.remaining > 0) return;
    this.sink = undefined;
    const rest = chunk.subarray(taken);
    this.received = this.received.length === 0 ? rest : Buffer.concat([this.received, rest]);
    sink.resolve();
  }

  private pump(): void {
    if (!this.waiting) return;
    let searchFrom = 0;
    for (;;) {
      // A line ends at LF; the CR before it is optional: some servers end lines (the tagged OK of
      // AUTHENTICATE, say) with a bare LF, which is unambiguous and costs nothing to accept.
      const lf = this.received.indexOf(0x0a, searchFrom);
      if (lf === -1) break;
      const end = lf > searchFrom && this.received[lf - 1] === 0x0d ? lf - 1 : lf;
      const literal = /\{(\d{1,9})\+?\}$/.exec(this.received.toString('latin1', searchFrom, end));
      if (!literal || Number(literal[1]) > this.waiting.inlineAtMost) {
        // A literal left to the caller is not part of the text: the line up to its `{n}`.
        const text = this.received.toString('latin1', 0, literal ? searchFrom + literal.index : end);
        this.received = this.received.subarray(lf + 1);
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting.resolve(literal ? { text, literal: Number(literal[1]) } : { text });
        return;
      }
      // The literal's bytes and the rest of the line follow: wait for all of it.
      const literalEnd = lf + 1 + Number(literal[1]);
      if (this.received.length < literalEnd) break;
      searchFrom = literalEnd;
      if (literalEnd > MAX_RESPONSE_LINE) break;
    }
    if (this.received.length > MAX_RESPONSE_LINE) {
      this.fail(protocolFailure(`a response line over ${MAX_RESPONSE_LINE} bytes`));
    }
  }

  private attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      if (this.sink) this.feedSink(chunk);
      else this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
      this.pump();
    });
    socket.on('error', (error) => this.fail(classifySocketError(error, this.greeted, this.end.afterLogin)));
    socket.on('close', () => this.end.socketClosed());
    // Silence ends the connection only while we wait for the server: a connection kept for later
    // (the large-message read between large messages, the APPEND connection signed in early) may
    // sit idle as long as the server keeps it.
    socket.setTimeout(this.idleTimeoutMs);
    socket.on('timeout', () => {
      if (!this.waiting && !this.sink && this.busy === 0) return;
      this.fail(new CheckFailure('timeout', `the server sent nothing for ${Math.round(this.idleTimeoutMs / 1000)} s`, { afterLogin: this.end.afterLogin }));
    });
  }
}

/** A response line, or its part up to a literal left for the caller (see readLineOrLiteral). */
export interface LinePart { text: string; literal?: number }
