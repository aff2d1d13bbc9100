// An IMAP connection that only APPENDs, streaming each message's literal from its buffer in bounded
// pieces. imapflow builds the whole APPEND command as one buffer and then adds its CRLF with another
// concatenation, and TLS holds what it has not sent yet: a 50 MB message cost ~4× its size at peak
// (docs/BENCHMARKS.md, P6), where imapsync needs 2×. It is also the migration's fast path: every
// message goes through it, in batches — LITERAL+ (RFC 7888) so nothing waits for a go-ahead, and
// MULTIAPPEND (RFC 3502) so a batch of one folder is one command and one transaction on the server
// (imapflow offers neither). Folders, the duplicate search and flag updates stay on imapflow. It
// speaks what an APPEND needs and nothing more: greeting, CAPABILITY, STARTTLS, login (AUTHENTICATE
// PLAIN, XOAUTH2/OAUTHBEARER or LOGIN), ID, APPEND, LOGOUT.
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

type Part = string | { literal: Buffer };

export class StreamingAppendSession {
  private capabilities = new Set<string>();
  private nextTag = 1;
  private loggedIn = false;

  private constructor(private readonly wire: ImapWire) {}

  static async open(options: OpenSessionOptions): Promise<StreamingAppendSession> {
    const { endpoint, deadlineMs } = options;
    const tls = tlsOptions(endpoint.host, options.ca, options.pinnedFingerprint);
    const wire = ImapWire.open(endpoint.host, endpoint.port, deadlineMs, endpoint.security === 'tls' ? tls : undefined);
    const session = new StreamingAppendSession(wire);
    try {
      const greeting = await wire.readLine();
      if (/^\* BYE\b/i.test(greeting)) throw new CheckFailure('network', `the server refused the connection: ${greeting.slice(6, 200)}`);
      if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) throw new CheckFailure('network', 'the server did not greet as an IMAP server');
      wire.greeted = true;
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
      if (!/^\* PREAUTH\b/i.test(greeting)) {
        if (options.accessToken) await session.loginWithToken(options.endpoint.user, options.accessToken);
        else await session.login(options.endpoint.user, options.password);
      }
      if (session.capabilities.has('ID')) await session.command(['ID (', quoted('name'), ' ', quoted(CLIENT_INFO.name), ' ', quoted('vendor'), ' ', quoted(CLIENT_INFO.vendor), ')']);
      return session;
    } catch (error) {
      const failure = error instanceof CheckFailure ? error : new CheckFailure('closed-by-server', (error as Error).message);
      wire.fail(failure);
      throw failure;
    }
  }

  /** APPENDs `content` to `path`; the UID and UIDVALIDITY when the server says them (UIDPLUS). */
  async append(path: string, content: Buffer, flags: string[], date: Date | undefined): Promise<{ uid?: number; uidValidity?: string }> {
    const answer = await this.command(appendParts({ path, content, flags, date }));
    if (answer.status !== 'OK') throw new ImapCommandRefused(answer.status, answer.text, answer.code);
    return appendedUid(answer);
  }

  /** Several APPENDs can be in flight at once: the server takes literals without a go-ahead. */
  get canPipeline(): boolean { return this.capabilities.has('LITERAL+'); }

  /**
   * A batch of messages sent back to back (RFC 7888 LITERAL+: no round trip per message): one
   * MULTIAPPEND per run of messages for one folder where the server offers it, else one APPEND
   * each. Every message's answer is reported to `onAnswer` once, as the server's tagged response
   * arrives. A dropped connection throws (the messages not yet answered have no outcome); a
   * refusal is that message's answer only.
   */
  async appendMany(items: AppendItem[], onAnswer: (index: number, answer: AppendAnswer) => void): Promise<void> {
    if (!this.canPipeline) {
      for (const [index, item] of items.entries()) {
        try {
          onAnswer(index, { ok: true, ...(await this.append(item.path, item.content, item.flags, item.date)) });
        } catch (error) {
          if (!(error instanceof ImapCommandRefused)) throw error;
          onAnswer(index, { ok: false, refused: error });
        }
      }
      return;
    }
    if (!this.capabilities.has('MULTIAPPEND')) {
      await this.pipelined(items.map((item, index) => ({ parts: appendParts(item), indexes: [index] })), (indexes, tagged) => onAnswer(indexes[0]!, answerOf(tagged)));
      return;
    }
    // RFC 3502 MULTIAPPEND: the messages of one folder in one command, stored by the server in one
    // transaction (Dovecot: ~3x faster than one APPEND each). All or none: a refused command says
    // nothing about which message it minded, so that folder's messages go again one by one, each
    // getting its own answer.
    const commands: Array<{ parts: Part[]; indexes: number[] }> = [];
    for (const [index, item] of items.entries()) {
      const last = commands.at(-1);
      if (last && items[last.indexes[0]!]!.path === item.path) {
        last.parts.push(...messageParts(item));
        last.indexes.push(index);
      } else {
        commands.push({ parts: ['APPEND ', mailboxName(item.path), ...messageParts(item)], indexes: [index] });
      }
    }
    const again: number[] = [];
    await this.pipelined(commands, (indexes, tagged) => {
      if (tagged.status !== 'OK' && indexes.length > 1) { again.push(...indexes); return; }
      if (tagged.status !== 'OK') { onAnswer(indexes[0]!, answerOf(tagged)); return; }
      const uids = appendedUids(tagged, indexes.length);
      for (const [position, index] of indexes.entries()) {
        onAnswer(index, { ok: true, ...(uids ? { uid: uids.uids[position]!, uidValidity: uids.uidValidity } : {}) });
      }
    });
    if (again.length > 0) {
      await this.pipelined(again.map((index) => ({ parts: appendParts(items[index]!), indexes: [index] })), (indexes, tagged) => onAnswer(indexes[0]!, answerOf(tagged)));
    }
  }

  /**
   * Commands sent back to back, their literals without waiting (LITERAL+), each tagged answer
   * handed to `onTagged` as it arrives. A dropped connection throws; the commands it did not
   * answer have no outcome.
   */
  private async pipelined(commands: Array<{ parts: Part[]; indexes: number[] }>, onTagged: (indexes: number[], tagged: Tagged) => void): Promise<void> {
    const tags = new Map<string, number[]>();
    for (const { parts, indexes } of commands) {
      const tag = `M${this.nextTag++}`;
      tags.set(tag, indexes);
      let pending = `${tag} `;
      for (const part of parts) {
        if (typeof part === 'string') { pending += part; continue; }
        await this.wire.write(`${pending}{${part.literal.length}+}\r\n`);
        for (let offset = 0; offset < part.literal.length; offset += PIECE_BYTES) {
          await this.wire.write(part.literal.subarray(offset, Math.min(offset + PIECE_BYTES, part.literal.length)));
        }
        pending = '';
      }
      await this.wire.write(`${pending}\r\n`);
    }
    while (tags.size > 0) {
      const line = await this.wire.readLine();
      if (line.startsWith('* ')) { this.untagged(line); continue; }
      if (line.startsWith('+')) throw this.wire.fail(new CheckFailure('closed-by-server', 'the server asked for a go-ahead it had said it does not need (LITERAL+)', { afterLogin: true }));
      const space = line.indexOf(' ');
      const indexes = space > 0 ? tags.get(line.slice(0, space)) : undefined;
      if (indexes === undefined) continue;
      tags.delete(line.slice(0, space));
      const tagged = parseTagged(line.slice(space + 1));
      if (!tagged) throw this.wire.fail(new CheckFailure('closed-by-server', `malformed answer: ${line.slice(0, 80)}`, { afterLogin: true }));
      onTagged(indexes, tagged);
    }
  }

  async close(): Promise<void> {
    if (this.loggedIn) {
      this.loggedIn = false;
      const bye = this.command(['LOGOUT']).catch(() => undefined);
      await Promise.race([bye, new Promise((resolve) => setTimeout(resolve, GOODBYE_MS).unref())]);
    }
    this.wire.close();
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

  /**
   * Sends one command and reads up to its tagged answer. Literals go out as LITERAL+ when the
   * server allows (RFC 7888), otherwise after its "+" go-ahead; `continuation` answers one "+"
   * (AUTHENTICATE without SASL-IR). Untagged CAPABILITY is learned; an untagged BYE ends the session.
   */
  private async command(parts: Part[], sensitive = false, continuation?: string | string[]): Promise<Tagged> {
    const answers = continuation === undefined ? [] : Array.isArray(continuation) ? [...continuation] : [continuation];
    const tag = `M${this.nextTag++}`;
    const nonSync = this.capabilities.has('LITERAL+');
    let pending = `${tag} `;
    for (const part of parts) {
      if (typeof part === 'string') { pending += part; continue; }
      const size = part.literal.length;
      await this.wire.write(`${pending}{${size}${nonSync ? '+' : ''}}\r\n`);
      if (!nonSync) await this.expectGoAhead(tag);
      for (let offset = 0; offset < size; offset += PIECE_BYTES) {
        await this.wire.write(part.literal.subarray(offset, Math.min(offset + PIECE_BYTES, size)));
      }
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

  private untagged(line: string): void {
    if (/^\* BYE\b/i.test(line)) {
      throw this.wire.fail(new CheckFailure('closed-by-server', `the server ended the session: ${line.slice(6, 200)}`, { afterLogin: this.loggedIn }));
    }
    this.learnCapabilities(line);
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

function parseTagged(rest: string): Tagged | undefined {
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

function quoted(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

export interface AppendItem { path: string; content: Buffer; flags: string[]; date: Date | undefined }
export type AppendAnswer = { ok: true; uid?: number; uidValidity?: string } | { ok: false; refused: ImapCommandRefused };

function appendParts(item: AppendItem): Part[] {
  return ['APPEND ', mailboxName(item.path), ...messageParts(item)];
}

/** One message of an APPEND: its flags, its date and its bytes (repeated for MULTIAPPEND). */
function messageParts(item: AppendItem): Part[] {
  const flagList = item.flags.filter(isSettableFlag);
  return [flagList.length ? ` (${flagList.join(' ')})` : '',
    item.date && !Number.isNaN(item.date.getTime()) ? ` ${quoted(internalDate(item.date))}` : '', ' ', { literal: item.content }];
}

function refusalOf(tagged: Tagged): ImapCommandRefused {
  return new ImapCommandRefused(tagged.status === 'OK' ? 'NO' : tagged.status, tagged.text, tagged.code);
}

/** RFC 4315 APPENDUID after a MULTIAPPEND: a UID set (`7:9` or `7,9,12`) in the order of the
 * messages sent; undefined unless it names exactly `count` UIDs. */
export function appendedUids(answer: Pick<Tagged, 'code' | 'codeArgs'>, count: number): { uidValidity: string; uids: number[] } | undefined {
  if (answer.code !== 'APPENDUID') return undefined;
  const [uidValidity, set] = answer.codeArgs;
  if (!uidValidity || !/^\d{1,10}$/.test(uidValidity) || !set) return undefined;
  const uids: number[] = [];
  for (const range of set.split(',')) {
    const match = /^(\d{1,10})(?::(\d{1,10}))?$/.exec(range);
    if (!match) return undefined;
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    // RFC 4315 lets a range run either way; more UIDs than messages is no answer for these.
    const step = to >= from ? 1 : -1;
    for (let uid = from; ; uid += step) {
      uids.push(uid);
      if (uids.length > count) return undefined;
      if (uid === to) break;
    }
  }
  return uids.length === count ? { uidValidity, uids } : undefined;
}

function appendedUid(answer: Tagged): { uid?: number; uidValidity?: string } {
  const appended = appendedUids(answer, 1);
  return appended ? { uid: appended.uids[0]!, uidValidity: appended.uidValidity } : {};
}

/** One APPEND's answer: stored (with its UID when told), or refused. */
function answerOf(tagged: Tagged): AppendAnswer {
  return tagged.status === 'OK' ? { ok: true, ...appendedUid(tagged) } : { ok: false, refused: refusalOf(tagged) };
}

/** RFC 3501 §5.1.3: mailbox names in modified UTF-7 (we never ENABLE UTF8=ACCEPT here). */
function mailboxName(path: string): string {
  const encoded = /^[\x20-\x25\x27-\x7e]*$/.test(path) ? path : iconv.encode(path, 'utf-7-imap').toString('latin1');
  return quoted(encoded);
}

const SYSTEM_FLAGS = new Set(['\\SEEN', '\\ANSWERED', '\\FLAGGED', '\\DELETED', '\\DRAFT']);

/** System flags other than \Recent, and keywords that are atoms (RFC 3501 flag-keyword). */
function isSettableFlag(flag: string): boolean {
  if (flag.startsWith('\\')) return SYSTEM_FLAGS.has(flag.toUpperCase());
  return /^[^\s(){%*"\\\]\x00-\x1f\x7f-\uffff]+$/.test(flag);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3501 date-time, in UTC: "dd-Mon-yyyy hh:mm:ss +0000". */
function internalDate(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${day}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()} ${date.toISOString().slice(11, 19)} +0000`;
}
