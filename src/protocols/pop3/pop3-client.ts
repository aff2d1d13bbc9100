// A small POP3 client (RFC 1939, CAPA/RESP-CODES/LOGIN-DELAY from RFC 2449, STLS from RFC 2595,
// SASL PLAIN from RFC 5034, AUTH-RESP-CODE from RFC 3206). Owned rather than taken from the
// registry: see README, "Why we own the POP3 client".
import type { Security } from '../../account/account-url.js';
import { CheckFailure, protocolFailure } from '../check-failure.js';
import { Deadline, realTimers, type Timers } from '../deadline.js';
import { tlsOptions } from '../tls-options.js';
import { oauthErrorAcknowledgement, oauthInitialResponse, pickOAuthMechanism } from '../sasl-oauth.js';
import { Pop3Connection, POP3_LIMITS } from './pop3-connection.js';
import { isTemporaryCode, type Pop3Status } from './pop3-status.js';

/** The server answered a command with -ERR (and carried on), or answered what we cannot read:
 * a `protocol` failure of that command, not of the login. */
export class Pop3Refusal extends CheckFailure {
  constructor(message: string) {
    super('protocol', message);
  }
}

export interface Pop3ConnectOptions {
  host: string;
  port: number;
  security: Security;
  /** Extra CA certificate (PEM) trusted for this account, added to the public roots. */
  ca?: string | undefined;
  /** SHA-256 fingerprint the user trusted for this host:port, checked instead of the chain. */
  pinnedFingerprint?: string | undefined;
  /** One deadline for connect + greeting + TLS + login; cleared by `finishAttempt()`. */
  deadlineMs: number;
  timers?: Timers;
}

function pinOf(options: Pop3ConnectOptions): { fingerprint: string; host: string; port: number } | undefined {
  return options.pinnedFingerprint ? { fingerprint: options.pinnedFingerprint, host: options.host, port: options.port } : undefined;
}

const GOODBYE_MS = 2_000;
/** How long a `-ERR` waits to see whether the server hangs up after it (it writes the line, then closes). */
const SESSION_END_GRACE_MS = 300;

export interface UidlEntry { number: number; uid: string }

export class Pop3Client {
  private capabilities = new Map<string, string[]>();
  private deadline: Deadline | undefined;

  private constructor(private readonly connection: Pop3Connection) {}

  static async connect(options: Pop3ConnectOptions): Promise<Pop3Client> {
    let connection: Pop3Connection | undefined;
    let timedOut = false;
    const deadline = new Deadline(options.deadlineMs, () => {
      timedOut = true;
      connection?.fail(new CheckFailure('timeout', `no answer within ${Math.round(options.deadlineMs / 1000)} s`));
    }, options.timers ?? realTimers);
    try {
      connection = Pop3Connection.open(options.host, options.port);
      const client = new Pop3Client(connection);
      client.deadline = deadline;
      if (options.security === 'tls') await connection.startTls(tlsOptions(options.host, options.ca, options.pinnedFingerprint), pinOf(options));
      const greeting = await connection.readStatus();
      connection.greeted = true;
      if (!greeting.ok) {
        throw connection.fail(new CheckFailure('rejected', `the server refused service: ${greeting.text}`, {
          temporary: true, ...(greeting.code ? { serverCode: greeting.code } : {}),
        }));
      }
      await client.readCapabilities();
      if (options.security === 'starttls') await client.startTls(options);
      return client;
    } catch (error) {
      deadline.clear();
      connection?.close();
      throw timedOut ? new CheckFailure('timeout', `no answer within ${Math.round(options.deadlineMs / 1000)} s`) : error;
    }
  }

  /** Capability name → arguments, from the latest CAPA (empty when the server has no CAPA). */
  get capabilityList(): ReadonlyMap<string, string[]> { return this.capabilities; }

  /** RFC 2449 LOGIN-DELAY: the least number of seconds the server wants between logins. */
  get loginDelaySeconds(): number | undefined {
    const value = Number(this.capabilities.get('LOGIN-DELAY')?.[0]);
    return Number.isFinite(value) && value > 0 ? value : undefined;
  }

  get bytesOnWire(): { read: number; written: number } { return this.connection.bytesOnWire; }

  /** One login attempt: SASL PLAIN when offered, else USER/PASS. Never a cascade of mechanisms. */
  async login(user: string, password: string): Promise<void> {
    const sasl = this.capabilities.get('SASL') ?? [];
    let status: Pop3Status;
    if (sasl.some((mechanism) => mechanism.toUpperCase() === 'PLAIN')) {
      // RFC 5034 initial response: the whole attempt is one command and one answer.
      status = await this.command(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64')}`);
    } else {
      status = await this.command(`USER ${user}`);
      if (!status.ok) throw this.loginRefused(status);
      status = await this.command(`PASS ${password}`);
    }
    if (!status.ok) throw this.loginRefused(status);
  }

  /**
   * One OAuth2 login: SASL OAUTHBEARER (RFC 7628) when offered, else XOAUTH2 (Google's and
   * Microsoft's). A refused token comes back as a base64 JSON challenge the client must answer
   * (RFC 7628 §3.2.3: a single ^A; XOAUTH2: an empty line) before the server's -ERR.
   */
  async loginWithToken(user: string, accessToken: string): Promise<void> {
    const mechanism = pickOAuthMechanism(this.capabilities.get('SASL') ?? []);
    if (!mechanism) throw protocolFailure('the server offers no OAuth2 sign-in (SASL OAUTHBEARER or XOAUTH2)');
    const response = oauthInitialResponse(mechanism, user, accessToken);
    // RFC 5034 §4: a command line with its initial response stays within 255 octets; a token is
    // longer, so it goes after the server's empty challenge instead.
    let reply: Pop3Status | { challenge: string };
    if (`AUTH ${mechanism} ${response}`.length <= 255) {
      this.connection.send(`AUTH ${mechanism} ${response}`);
      reply = await this.connection.readAuthReply();
    } else {
      this.connection.send(`AUTH ${mechanism}`);
      reply = await this.connection.readAuthReply();
      if ('challenge' in reply) {
        this.connection.send(response);
        reply = await this.connection.readAuthReply();
      }
    }
    if ('challenge' in reply) {
      // The token was refused: the challenge says why; the exchange must be ended before -ERR.
      this.connection.send(oauthErrorAcknowledgement(mechanism));
      reply = await this.connection.readStatus();
    }
    if (!reply.ok) throw this.loginRefused(reply);
  }

  /** The login part of the attempt is over: later commands are not bound by its deadline, only by
   * `idleTimeoutMs` of silence (a long migration must not hang on a stalled server). */
  finishAttempt(idleTimeoutMs: number): void {
    this.deadline?.clear();
    this.connection.setIdleTimeout(idleTimeoutMs);
  }

  async stat(): Promise<{ count: number; size: number }> {
    const status = await this.expectOk('STAT');
    const [count, size] = status.text.split(' ').map(Number);
    if (!Number.isInteger(count) || !Number.isInteger(size)) throw this.protocolError(`bad STAT answer "${status.text}"`);
    return { count: count!, size: size! };
  }

  /** `UIDL n`: one message's unique id, or undefined when the server has no such message. */
  async uidlOf(messageNumber: number): Promise<string | undefined> {
    const status = await this.command(`UIDL ${messageNumber}`);
    if (!status.ok) return undefined;
    const [, uid] = status.text.split(' ');
    if (!uid) throw this.protocolError(`bad UIDL answer "${status.text}"`);
    return uid;
  }

  async uidlAll(): Promise<UidlEntry[]> {
    const entries: UidlEntry[] = [];
    await this.uidlEach((entry) => entries.push(entry));
    return entries;
  }

  /** `UIDL`, each line handed to `each` as it arrives: a listing of 100,000 messages is never one
   * string in memory. */
  async uidlEach(each: (entry: UidlEntry) => void): Promise<void> {
    await this.expectOk('UIDL');
    let bad = false;
    const overlong = await readListing(this.connection, (line) => {
      const [number, uid] = line.split(' ');
      if (!number || !uid) bad = true;
      else if (!bad) each({ number: Number(number), uid });
    });
    if (overlong) throw this.protocolError(`a UIDL listing line longer than ${MAX_LISTING_LINE} bytes`);
    // Said once the whole answer is read, so the connection is still in step for the caller.
    if (bad) throw this.protocolError('bad UIDL listing line');
  }

  async listAll(): Promise<Array<{ number: number; size: number }>> {
    const entries: Array<{ number: number; size: number }> = [];
    await this.listEach((entry) => entries.push(entry));
    return entries;
  }

  /** `LIST`, each line handed to `each` as it arrives. */
  async listEach(each: (entry: { number: number; size: number }) => void): Promise<void> {
    await this.expectOk('LIST');
    const overlong = await readListing(this.connection, (line) => {
      const [number, size] = line.split(' ').map(Number);
      each({ number: number!, size: size! });
    });
    if (overlong) throw this.protocolError(`a LIST listing line longer than ${MAX_LISTING_LINE} bytes`);
  }

  /** The header of a message (`TOP n 0`), byte for byte. */
  async top(messageNumber: number, bodyLines = 0): Promise<Buffer> {
    await this.expectOk(`TOP ${messageNumber} ${bodyLines}`);
    return this.connection.readBodyAsBuffer(POP3_LIMITS.header);
  }

  /** Streams a whole message, byte for byte, into `sink`; resolves with the byte count. More than
   * `ceiling` bytes ends the connection as a `protocol` failure. */
  async retr(messageNumber: number, sink: (chunk: Buffer) => void, ceiling: number): Promise<number> {
    await this.expectOk(`RETR ${messageNumber}`);
    let bytes = 0;
    await this.connection.readBody((chunk) => { bytes += chunk.length; sink(chunk); }, ceiling);
    return bytes;
  }

  async quit(): Promise<void> {
    this.deadline?.clear();
    // A server that never answers QUIT must not hold the caller: the goodbye gets two seconds.
    this.connection.setIdleTimeout(GOODBYE_MS);
    try {
      this.connection.send('QUIT');
      await this.connection.readStatus();
    } catch {
      // The mailbox state is already read; a failed goodbye changes nothing for the caller.
    } finally {
      this.connection.close();
    }
  }

  close(): void {
    this.deadline?.clear();
    this.connection.close();
  }

  private async readCapabilities(): Promise<void> {
    const status = await this.command('CAPA');
    this.capabilities = new Map();
    if (!status.ok) return; // An RFC 1939-only server: no CAPA, no extensions.
    const body = (await this.connection.readBodyAsBuffer(POP3_LIMITS.capabilities)).toString('latin1');
    for (const line of body.split('\r\n')) {
      const [name, ...args] = line.trim().split(/\s+/);
      if (name) this.capabilities.set(name.toUpperCase(), args);
    }
  }

  private async startTls(options: Pop3ConnectOptions): Promise<void> {
    if (!this.capabilities.has('STLS')) {
      throw this.connection.fail(new CheckFailure('tls', 'the server does not offer STLS, and plaintext was not allowed for this account'));
    }
    const status = await this.command('STLS');
    if (!status.ok) throw this.connection.fail(new CheckFailure('tls', `the server refused STLS: ${status.text}`));
    await this.connection.startTls(tlsOptions(options.host, options.ca, options.pinnedFingerprint), pinOf(options));
    // RFC 2595 §4: capabilities learned before TLS must be forgotten and asked again.
    await this.readCapabilities();
  }

  private async command(line: string): Promise<Pop3Status> {
    this.connection.send(line);
    return this.connection.readStatus();
  }

  private async expectOk(line: string): Promise<Pop3Status> {
    const status = await this.command(line);
    if (status.ok) return status;
    const what = `${line.split(' ')[0]} failed: ${status.text}`;
    // A refusal followed by a hang-up, or one the server marks temporary (RFC 3206 SYS/TEMP), says
    // nothing about the command: the session ended, and the caller may reconnect and retry.
    if (isTemporaryCode(status.code) || await this.connection.failsWithin(SESSION_END_GRACE_MS)) {
      const ended = new CheckFailure('closed-by-server', `POP3: ${what}`, { afterLogin: true });
      this.connection.fail(ended); // no-op when the close already failed it; the server's words are better
      throw ended;
    }
    throw this.protocolError(what);
  }

  private loginRefused(status: Pop3Status): CheckFailure {
    const loginDelaySeconds = this.loginDelaySeconds;
    return new CheckFailure('rejected', `the server refused the login: ${status.text || 'no reason given'}`, {
      temporary: isTemporaryCode(status.code),
      ...(status.code ? { serverCode: status.code } : {}),
      ...(loginDelaySeconds ? { loginDelaySeconds } : {}),
    });
  }

  private protocolError(message: string): CheckFailure {
    return new Pop3Refusal(`POP3: ${message}`);
  }
}

/** Reads a listing's body, handing over each non-empty line (CRLF- or bare LF-ended) as latin1
 * text as it arrives; a line cut between two chunks is joined first. Each line is decoded from the
 * chunk on its own, never the chunk as one string split into an array: a line at a time of
 * garbage, which dies young (a chunk's string and array of lines could outlive the young-generation
 * collections that ran while its lines were handled; ~1 MB off a 100,000-message listing's peak).
 * A line longer than MAX_LISTING_LINE is skipped and reported once the answer is read (true), so
 * the session stays in step and a line without an end is never gathered without bound. */
async function readListing(connection: Pop3Connection, each: (line: string) => void): Promise<boolean> {
  let carry: Buffer | undefined;
  let overlong = false;
  let skipping = false;
  const take = (bytes: Buffer, start: number, end: number): void => {
    if (skipping) { skipping = false; return; }
    const stop = end > start && bytes[end - 1] === CR ? end - 1 : end;
    if (stop - start > MAX_LISTING_LINE) overlong = true;
    else if (stop > start) each(bytes.toString('latin1', start, stop));
  };
  await connection.readBody((chunk) => {
    const bytes = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = undefined;
    let start = 0;
    for (let end = bytes.indexOf(LF, start); end !== -1; end = bytes.indexOf(LF, start)) {
      take(bytes, start, end);
      start = end + 1;
    }
    if (bytes.length - start > MAX_LISTING_LINE) {
      // The rest of this line is dropped as it arrives.
      overlong = true;
      skipping = true;
    } else if (start < bytes.length && !skipping) {
      // A copy: the rest of the line, not the whole chunk, waits for the next one.
      carry = Buffer.from(bytes.subarray(start));
    }
  }, POP3_LIMITS.listing);
  if (carry) take(carry, 0, carry.length);
  return overlong;
}

/** RFC 2449 §4 bounds a response line at 512 octets; a generous multiple of that, for servers
 * that stretch it. */
const MAX_LISTING_LINE = 4096;
const CR = 0x0d;
const LF = 0x0a;
