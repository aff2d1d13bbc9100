// A signed-in IMAP conversation on our own wire, for the two hot paths we own instead of imapflow:
// the streaming APPEND (a message's literal written in bounded pieces) and the large-message read
// (a message's literal read straight into one buffer). It speaks what those need and nothing more:
// greeting, CAPABILITY, STARTTLS, login (AUTHENTICATE PLAIN, XOAUTH2/OAUTHBEARER or LOGIN), ID,
// one command at a time, LOGOUT.
import iconv from 'iconv-lite';
import { verifyPinnedCertificate } from '../certificate.js';
import { CheckFailure, protocolFailure } from '../check-failure.js';
import { oauthErrorAcknowledgement, oauthInitialResponse, pickOAuthMechanism } from '../sasl-oauth.js';
import type { OpenSessionOptions } from '../mail-session.js';
import { tlsOptions } from '../tls-options.js';
import { CLIENT_INFO } from './imap-session.js';
import { ImapWire } from './imap-wire.js';

/** Bytes handed to the socket at a time; the next piece waits for it to drain. */
const PIECE_BYTES = 256 * 1024;
const GOODBYE_MS = 2_000;

/** A NO or BAD to a command, shaped like imapflow's errors so callers classify both alike. */
export class ImapCommandRefused extends Error {
  override readonly name = 'ImapCommandRefused';
  constructor(readonly responseStatus: 'NO' | 'BAD', readonly responseText: string, readonly serverResponseCode: string | undefined) {
    super(`the server said ${responseStatus}: ${responseText}`);
  }
}

export interface Tagged { status: 'OK' | 'NO' | 'BAD'; code: string | undefined; codeArgs: string[]; text: string }

export type Part = string | { literal: Buffer };

export class ImapConversation {
  private capabilities = new Set<string>();
  private nextTagNumber = 1;
  private loggedIn = false;

  private constructor(readonly wire: ImapWire, private readonly greeting: string) {}

  /**
   * Connects and signs in. With `accessTokens` (an OAuth2 account whose connection opens long
   * after the first), with a current token, renewed once if the server refuses it. `connecting`:
   * a connection made beforehand (see `connect`), used for the first attempt.
   */
  static async open(options: OpenSessionOptions, connecting?: Promise<ImapConversation>): Promise<ImapConversation> {
    const connection = connecting ?? ImapConversation.connect(options);
    const tokens = options.accessTokens;
    if (!tokens) return (await connection).signIn(options);
    try {
      return await (await connection).signIn({ ...options, accessToken: await tokens(false) });
    } catch (error) {
      if (!(error instanceof CheckFailure) || error.reason !== 'rejected') throw error;
      return (await ImapConversation.connect(options)).signIn({ ...options, accessToken: await tokens(true) });
    }
  }

  /**
   * Connects, reads the greeting and upgrades to TLS, without signing in: a connection can be made
   * while another one's login is still in question (no second login is ever tried before the
   * first is accepted), and its sign-in is then one round trip or two instead of a handshake.
   */
  static async connect(options: OpenSessionOptions): Promise<ImapConversation> {
    const { endpoint, deadlineMs } = options;
    const tls = tlsOptions(endpoint.host, options.ca, options.pinnedFingerprint);
    const wire = ImapWire.open(endpoint.host, endpoint.port, deadlineMs, endpoint.security === 'tls' ? tls : undefined);
    try {
      const greeting = await wire.readLine();
      if (/^\* BYE\b/i.test(greeting)) throw new CheckFailure('network', `the server refused the connection: ${greeting.slice(6, 200)}`);
      if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw new CheckFailure('network', 'the server did not greet as an IMAP server');
      wire.greeted = true;
      const session = new ImapConversation(wire, greeting);
      session.learnCapabilities(greeting);
      if (endpoint.security === 'tls' && options.pinnedFingerprint) session.checkPin(options);
      if (endpoint.security === 'starttls') {
        if (session.capabilities.size === 0) await session.command(['CAPABILITY']);
        if (!session.capabilities.has('STARTTLS')) throw new CheckFailure('tls', 'the server does not offer STARTTLS');
        const answer = await session.command(['STARTTLS']);
        if (answer.status !== 'OK') throw new CheckFailure('tls', `the server refused STARTTLS: ${answer.text}`);
        await wire.startTls(tls, deadlineMs);
        if (options.pinnedFingerprint) session.checkPin(options);
        // RFC 3501 §6.2.1: capabilities learned before TLS are forgotten.
        session.capabilities.clear();
      }
      return session;
    } catch (error) {
      throw ImapConversation.failed(wire, error);
    }
  }

  /** Logs in (unless the server greeted with PREAUTH) and says who we are (ID). */
  private async signIn(options: OpenSessionOptions): Promise<ImapConversation> {
    try {
      if (!/^\* PREAUTH\b/i.test(this.greeting)) {
        if (options.accessToken) await this.loginWithToken(options.endpoint.user, options.accessToken);
        else await this.login(options.endpoint.user, options.password);
      }
      if (this.capabilities.has('ID')) await this.command(['ID (', quoted('name'), ' ', quoted(CLIENT_INFO.name), ' ', quoted('vendor'), ' ', quoted(CLIENT_INFO.vendor), ')']);
      return this;
    } catch (error) {
      throw ImapConversation.failed(this.wire, error);
    }
  }

  /** Whatever ended an opening ends its connection, as a CheckFailure. */
  private static failed(wire: ImapWire, error: unknown): CheckFailure {
    const failure = error instanceof CheckFailure ? error : new CheckFailure('closed-by-server', (error as Error).message);
    wire.fail(failure);
    return failure;
  }

  has(capability: string): boolean { return this.capabilities.has(capability); }

  /** A fresh tag for a command written by the caller. */
  tag(): string { return `M${this.nextTagNumber++}`; }

  async close(): Promise<void> {
    if (this.loggedIn) {
      this.loggedIn = false;
      const bye = this.command(['LOGOUT']).catch(() => undefined);
      await Promise.race([bye, new Promise((resolve) => setTimeout(resolve, GOODBYE_MS).unref())]);
    }
    this.wire.close();
  }

  /**
   * Sends one command and reads up to its tagged answer. Literals go out as LITERAL+ when the
   * server allows (RFC 7888), otherwise after its "+" go-ahead; `continuation` answers one "+"
   * (AUTHENTICATE without SASL-IR). Untagged CAPABILITY is learned; an untagged BYE ends the session.
   */
  async command(parts: Part[], sensitive = false, continuation?: string | string[]): Promise<Tagged> {
    const answers = continuation === undefined ? [] : Array.isArray(continuation) ? [...continuation] : [continuation];
    const tag = this.tag();
    const nonSync = this.capabilities.has('LITERAL+');
    let pending = `${tag} `;
    for (const part of parts) {
      if (typeof part === 'string') { pending += part; continue; }
      const size = part.literal.length;
      await this.wire.write(`${pending}{${size}${nonSync ? '+' : ''}}\r\n`);
      if (!nonSync) await this.expectGoAhead(tag);
      await this.writeLiteral(part.literal);
      pending = '';
    }
    await this.wire.write(`${pending}\r\n`);
    for (;;) {
      const line = await this.wire.readLine();
      if (line.startsWith('+')) {
        const answer = answers.shift();
        if (answer === undefined) throw this.wire.fail(new CheckFailure('closed-by-server', 'the server asked for data no command needs'));
        await this.wire.write(`${answer}\r\n`);
        continue;
      }
      if (line.startsWith('* ')) { this.untagged(line); continue; }
      if (!line.startsWith(`${tag} `)) continue; // another tag cannot be ours: one command at a time
      const tagged = parseTagged(line.slice(tag.length + 1));
      if (!tagged) throw this.wire.fail(new CheckFailure('closed-by-server', sensitive ? 'malformed answer to the login' : `malformed answer: ${line.slice(0, 80)}`));
      if (tagged.code === 'CAPABILITY') this.capabilities = new Set(tagged.codeArgs.map((c) => c.toUpperCase()));
      return tagged;
    }
  }

  /** A literal's bytes in bounded pieces, each waiting for the socket to drain. */
  async writeLiteral(literal: Buffer): Promise<void> {
    for (let offset = 0; offset < literal.length; offset += PIECE_BYTES) {
      await this.wire.write(literal.subarray(offset, Math.min(offset + PIECE_BYTES, literal.length)));
    }
  }

  /** An untagged response: BYE ends the session (thrown), CAPABILITY is learned, the rest ignored. */
  untagged(line: string): void {
    if (/^\* BYE\b/i.test(line)) {
      throw this.wire.fail(new CheckFailure('closed-by-server', `the server ended the session: ${line.slice(6, 200)}`, { afterLogin: this.loggedIn }));
    }
    this.learnCapabilities(line);
  }

  /** AUTHENTICATE OAUTHBEARER (else XOAUTH2) with the access token, as the IMAP session does. */
  private async loginWithToken(user: string, accessToken: string): Promise<void> {
    if (this.capabilities.size === 0) await this.command(['CAPABILITY']);
    const mechanism = pickOAuthMechanism([...this.capabilities].filter((c) => c.startsWith('AUTH=')).map((c) => c.slice(5)));
    if (!mechanism) throw protocolFailure('the server offers no OAuth2 sign-in (AUTH=OAUTHBEARER or AUTH=XOAUTH2)');
    const response = oauthInitialResponse(mechanism, user, accessToken);
    const acknowledgement = oauthErrorAcknowledgement(mechanism);
    const answer = this.capabilities.has('SASL-IR')
      ? await this.command([`AUTHENTICATE ${mechanism} `, response], true, [acknowledgement])
      : await this.command([`AUTHENTICATE ${mechanism}`], true, [response, acknowledgement]);
    await this.loggedInOrRefused(answer);
  }

  private async loggedInOrRefused(answer: Tagged): Promise<void> {
    if (answer.status !== 'OK') {
      throw new CheckFailure('rejected', `the server refused the login: ${answer.text || 'no reason given'}`, answer.code ? { serverCode: answer.code } : {});
    }
    this.loggedIn = true;
    this.wire.afterLogin = true;
    // A server may say its capabilities in the OK, or change them after login: ask when it did not.
    if (answer.code !== 'CAPABILITY') { this.capabilities.clear(); await this.command(['CAPABILITY']); }
  }

  private async login(user: string, password: string): Promise<void> {
    let answer: Tagged;
    if (this.capabilities.size === 0) await this.command(['CAPABILITY']);
    if (this.capabilities.has('AUTH=PLAIN')) {
      const response = Buffer.from(`\0${user}\0${password}`, 'utf8').toString('base64');
      answer = this.capabilities.has('SASL-IR')
        ? await this.command(['AUTHENTICATE PLAIN ', response], true)
        : await this.command(['AUTHENTICATE PLAIN'], true, response);
    } else if (this.capabilities.has('LOGINDISABLED')) {
      throw new CheckFailure('tls', 'the server does not allow a login on this connection');
    } else {
      answer = await this.command(['LOGIN ', astring(user), ' ', astring(password)], true);
    }
    await this.loggedInOrRefused(answer);
  }

  private async expectGoAhead(tag: string): Promise<void> {
    for (;;) {
      const line = await this.wire.readLine();
      if (line.startsWith('+')) return;
      if (line.startsWith('* ')) { this.untagged(line); continue; }
      if (line.startsWith(`${tag} `)) {
        // The server refused before taking the literal (too big, no such mailbox…).
        const tagged = parseTagged(line.slice(tag.length + 1));
        throw tagged && tagged.status !== 'OK' ? new ImapCommandRefused(tagged.status, tagged.text, tagged.code)
          : this.wire.fail(new CheckFailure('closed-by-server', 'the server ended a command before its data'));
      }
    }
  }

  private learnCapabilities(line: string): void {
    const match = /^\* (?:CAPABILITY (.*)|(?:OK|PREAUTH) \[CAPABILITY ([^\]]*)\])/i.exec(line);
    const list = match?.[1] ?? match?.[2];
    if (list) this.capabilities = new Set(list.trim().split(/\s+/).map((c) => c.toUpperCase()));
  }

  private checkPin(options: OpenSessionOptions): void {
    const socket = this.wire.tlsSocket;
    if (!socket) throw new CheckFailure('tls', 'no TLS session to check the trusted certificate against');
    verifyPinnedCertificate(socket, options.pinnedFingerprint!, options.endpoint.host, options.endpoint.port);
  }
}

export function parseTagged(rest: string): Tagged | undefined {
  const match = /^(OK|NO|BAD)(?: \[([^\s\]]+)(?: ([^\]]*))?\])? ?(.*)$/i.exec(rest);
  if (!match) return undefined;
  return {
    status: match[1]!.toUpperCase() as Tagged['status'], code: match[2]?.toUpperCase(),
    codeArgs: match[3] ? match[3].trim().split(/\s+/) : [], text: match[4] ?? '',
  };
}

/** A quoted string; anything that cannot be quoted (CR, LF, NUL, 8-bit) goes as a literal. */
function astring(value: string): Part {
  return /^[\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value) ? quoted(value) : { literal: Buffer.from(value, 'utf8') };
}

export function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/** RFC 3501 §5.1.3: mailbox names in modified UTF-7 (we never ENABLE UTF8=ACCEPT here). */
export function mailboxName(path: string): string {
  const encoded = /^[\x20-\x25\x27-\x7e]*$/.test(path) ? path : iconv.encode(path, 'utf-7-imap').toString('latin1');
  return quoted(encoded);
}
