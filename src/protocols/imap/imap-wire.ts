// The IMAP wire for our one hand-written IMAP conversation (the streaming APPEND): a socket, plain
// or TLS, upgraded in place by STARTTLS; response lines read one at a time (a literal inside a
// response is read and kept as part of its line); writes that wait for the socket to drain, so a
// large message goes out in bounded pieces. Every socket event ends in a classified CheckFailure.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { CheckFailure, classifySocketError, protocolFailure } from '../check-failure.js';
import { ConnectionEnd } from '../connection-end.js';

/** Longest response line accepted (with its literals): APPEND and login answers are short. */
const MAX_RESPONSE_LINE = 64 * 1024;

export class ImapWire {
  private socket: Socket | TLSSocket;
  private received: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private readonly end = new ConnectionEnd(() => this.socket.destroy(), (failure) => {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(failure);
  });

  private constructor(socket: Socket | TLSSocket, idleTimeoutMs: number) {
    this.socket = socket;
    this.attach(socket, idleTimeoutMs);
  }

  /** Set once the greeting arrived: a drop after this is the server's doing, not the network's. */
  get greeted(): boolean { return this.end.greeted; }
  set greeted(value: boolean) { this.end.greeted = value; }

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
    this.attach(secure, idleTimeoutMs);
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', (error) => reject(this.fail(classifySocketError(error, this.greeted))));
      secure.once('close', () => reject(this.failure ?? new CheckFailure('closed-by-server', 'the connection closed during the TLS handshake')));
    });
  }

  /** The next response line, without its CRLF; a literal `{n}` inside it is read into the line. */
  readLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      if (this.failure) { reject(this.failure); return; }
      this.waiting = { resolve, reject };
      this.pump();
    });
  }

  /** Writes and resolves once the socket can take more: memory held is one piece, not the message. */
  async write(data: Buffer | string): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.socket.write(data)) return;
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
  }

  close(): void {
    this.end.close();
  }

  /** Records the first failure, tears the socket down and rejects whoever is waiting. */
  fail(failure: CheckFailure): CheckFailure {
    return this.end.fail(failure);
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
      if (!literal) {
        const line = this.received.toString('latin1', 0, end);
        this.received = this.received.subarray(lf + 1);
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting.resolve(line);
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

  private attach(socket: Socket, idleTimeoutMs: number): void {
    socket.on('data', (chunk: Buffer) => {
      this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
      this.pump();
    });
    socket.on('error', (error) => this.fail(classifySocketError(error, this.greeted)));
    socket.on('close', () => this.end.socketClosed());
    socket.setTimeout(idleTimeoutMs, () => this.fail(new CheckFailure('timeout', `the server sent nothing for ${Math.round(idleTimeoutMs / 1000)} s`)));
  }
}
