// The IMAP operations a migration needs, in our words, so imapflow stays inside protocols/: folders
// with their attributes read case-insensitively, a folder's messages, one message's bytes under a
// ceiling, CREATE and APPEND with the server's refusals told apart from a session that ended, and
// the search that recognises a copy. Every step is bounded (the session's deadline, or for long
// transfers its no-progress timeout) and every failure comes back classified.
import { CheckFailure } from '../check-failure.js';
import type { OpenSessionOptions } from '../mail-session.js';
import { CompactUidSet } from './compact-uid-set.js';
import { ImapSession } from './imap-session.js';
import { hasAttribute } from './mailbox-attributes.js';

export interface FolderListing { path: string; delimiter: string; specialUse?: string | undefined; selectable: boolean }
export interface MessageListing { uid: number; size: number; flags: string[]; internalDate?: Date }
export interface AppendResult { uid?: number; uidValidity?: string }

/** The server answered NO/BAD to this command and carried on: a verdict on this folder or message. */
export class ImapRefusal extends Error {
  override readonly name = 'ImapRefusal';
}

/** RFC 5530 codes that mean "not now" rather than "not this message". Narrower than the login's
 * list (classify-imap-error.ts): to an APPEND, OVERQUOTA and LIMIT are about this message. */
const TRANSIENT_CODES = new Set(['UNAVAILABLE', 'INUSE']);

export function isTransientAppendCode(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_CODES.has(code.toUpperCase());
}

interface ServerAnswer { responseStatus?: string; serverResponseCode?: string; responseText?: string; message?: string }

export class ImapMailboxes {
  private selected: string | undefined;

  private constructor(private readonly session: ImapSession) {}

  /** Logs in; after that no step may sit silent for longer than `noProgressMs`. */
  static async open(options: OpenSessionOptions, noProgressMs: number): Promise<ImapMailboxes> {
    const session = await ImapSession.open(options);
    session.setNoProgressTimeout(noProgressMs);
    return new ImapMailboxes(session);
  }

  private get client(): ImapSession['client'] { return this.session.client; }

  /** RFC 7889 APPENDLIMIT, when the server announces one. */
  get appendLimit(): number | undefined {
    const value = this.client.capabilities.get('APPENDLIMIT');
    return typeof value === 'number' ? value : undefined;
  }

  async folders(): Promise<FolderListing[]> {
    const listed = await this.session.bounded(this.client.list(), 'the folder list');
    return listed.map((folder) => ({
      path: folder.path, delimiter: folder.delimiter, specialUse: folder.specialUse,
      // IMAP attributes are case-insensitive: servers send \Noselect, \NoSelect, \NOSELECT.
      selectable: !hasAttribute(folder.flags, '\\Noselect') && !hasAttribute(folder.flags, '\\NonExistent'),
    }));
  }

  /**
   * A folder's messages that are new or changed since an earlier listing: UIDs from `since.uidNext`
   * on, messages whose flags changed after `since.modseq` (RFC 7162 CONDSTORE), and the UIDs in
   * `also` — each with its UID, size, flags and INTERNALDATE. `complete` is true when this is the
   * whole folder instead (no earlier listing — an empty `since.uidValidity` —, the UIDVALIDITY
   * changed, or the server keeps no mod-sequences).
   * `uidNext` and `modseq` are the folder's as it was opened: the next listing starts there.
   */
  async messagesSince(path: string, since: { uidValidity: string; uidNext: number; modseq?: string | undefined }, also: number[], each: (message: MessageListing, uidValidity: string) => void): Promise<{
    uidValidity: string; uidNext: number | undefined; modseq: string | undefined; complete: boolean;
  }> {
    try {
      const mailbox = await this.session.bounded(this.client.mailboxOpen(path, { readOnly: true }), `opening ${path}`);
      this.selected = path;
      const uidValidity = String(mailbox.uidValidity);
      const uidNext = typeof mailbox.uidNext === 'number' && mailbox.uidNext > 0 ? mailbox.uidNext : undefined;
      const modseq = mailbox.highestModseq !== undefined && !mailbox.noModseq ? String(mailbox.highestModseq) : undefined;
      const incremental = uidValidity === since.uidValidity && uidNext !== undefined && modseq !== undefined && since.modseq !== undefined;
      // Each message handed out once, whatever the server repeats; never gathered in a list.
      const handedOut = new CompactUidSet();
      const collect = async (range: string, options: { uid: true; changedSince?: bigint }, keep: (uid: number) => boolean = () => true): Promise<void> => {
        for await (const message of this.client.fetch(range, { uid: true, size: true, flags: true, internalDate: true }, options)) {
          if (!Number.isSafeInteger(message.uid) || message.uid < 1 || !keep(message.uid) || !handedOut.add(message.uid)) continue;
          each({
            uid: message.uid, size: message.size ?? 0,
            flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent'),
            ...(message.internalDate ? { internalDate: new Date(message.internalDate) } : {}),
          }, uidValidity);
        }
      };
      if (!incremental) {
        if (mailbox.exists > 0) await collect('1:*', { uid: true });
        return { uidValidity, uidNext, modseq, complete: true };
      }
      if (mailbox.exists > 0) {
        // Changed ones first, then new ones: UIDs in ascending order, as CompactUidSet keeps them best.
        if (since.uidNext > 1 && modseq !== since.modseq) {
          await collect(`1:${since.uidNext - 1}`, { uid: true, changedSince: BigInt(since.modseq!) });
        }
        // "n:*" always includes the highest UID, even one below n: only UIDs from n on are new.
        if (uidNext > since.uidNext) await collect(`${since.uidNext}:*`, { uid: true }, (uid) => uid >= since.uidNext);
        const missing = also.filter((uid) => !handedOut.has(uid));
        if (missing.length > 0) await collect(uidSet(missing), { uid: true });
      }
      return { uidValidity, uidNext, modseq, complete: false };
    } catch (error) {
      throw this.session.failure(error);
    }
  }

  /** One message's bytes, or undefined when it is no longer there. More than `ceiling` bytes ends
   * the session as a `protocol` failure. */
  async messageSource(path: string, uid: number, ceiling: number): Promise<Buffer | undefined> {
    await this.examine(path);
    try {
      const fetched = await this.session.withLiteralCeiling(ceiling, () =>
        this.session.bounded(this.client.fetchOne(String(uid), { source: true }, { uid: true }), 'a message'));
      return fetched && fetched.source ? fetched.source : undefined;
    } catch (error) {
      this.selected = undefined;
      throw error;
    }
  }

  /** Several messages' bytes in one UID FETCH (one round trip for a batch instead of one per
   * message), as a map from UID; a UID the server no longer has is simply absent. Each literal is
   * held under `ceiling` (more ends the session as a `protocol` failure), and the batch is the
   * caller's to keep small. */
  async messageSources(path: string, uids: number[], ceiling: number): Promise<Map<number, Buffer>> {
    const found = new Map<number, Buffer>();
    if (uids.length === 0) return found;
    await this.examine(path);
    try {
      await this.session.withLiteralCeiling(ceiling, () => this.session.bounded((async () => {
        for await (const message of this.client.fetch(uidSet(uids), { uid: true, source: true }, { uid: true })) {
          if (message.source) found.set(message.uid, message.source);
        }
      })(), 'a batch of messages'));
      return found;
    } catch (error) {
      this.selected = undefined;
      throw error;
    }
  }

  /** EXAMINE (read-only) `path` unless it is the folder already open for reading. */
  private async examine(path: string): Promise<void> {
    if (this.selected === path) return;
    this.selected = undefined;
    await this.session.bounded(this.client.mailboxOpen(path, { readOnly: true }), `opening ${path}`);
    this.selected = path;
  }

  /** CREATE; "already there" is success. ImapRefusal when the server will not have the folder. */
  async create(path: string): Promise<void> {
    try {
      await this.client.mailboxCreate(path);
    } catch (error) {
      const answer = error as ServerAnswer;
      if (answer.serverResponseCode?.toUpperCase() === 'ALREADYEXISTS') return;
      throw this.refusalOr(error, `the new mailbox would not create the folder ${path}: ${answer.responseText ?? 'refused'}`);
    }
  }

  async uidValidity(path: string): Promise<string> {
    const status = await this.session.bounded(this.client.status(path, { uidValidity: true }), `the status of ${path}`);
    return String(status ? status.uidValidity : '');
  }

  /** Every message's UID, size and header bytes: how a copy made without a journal is recognised. */
  async headersOf(path: string): Promise<{ uidValidity: string; messages: Array<{ uid: number; size: number; headers: Buffer }> }> {
    // Selected read-write, as for a search: Dovecot drops the flags of a message APPENDed to the
    // mailbox this session has EXAMINEd (read-only), and the copies go to this very folder next.
    const lock = await this.session.bounded(this.client.getMailboxLock(path), `opening ${path}`);
    this.selected = undefined;
    try {
      const mailbox = this.client.mailbox;
      const messages: Array<{ uid: number; size: number; headers: Buffer }> = [];
      if (mailbox && mailbox.exists > 0) {
        for await (const message of this.client.fetch('1:*', { uid: true, size: true, headers: true })) {
          if (message.headers) messages.push({ uid: message.uid, size: message.size ?? 0, headers: message.headers });
        }
      }
      return { uidValidity: String(mailbox ? mailbox.uidValidity : ''), messages };
    } catch (error) {
      throw this.session.failure(error);
    } finally {
      lock.release();
    }
  }

  /** UID STORE +FLAGS / -FLAGS on these messages (flags the server does not keep are dropped by it). */
  async updateFlags(path: string, uids: number[], add: string[], remove: string[]): Promise<void> {
    if (uids.length === 0) return;
    const lock = await this.client.getMailboxLock(path);
    this.selected = undefined;
    try {
      const range = uids.join(',');
      if (add.length > 0) await this.session.bounded(this.client.messageFlagsAdd(range, add, { uid: true }), `setting flags in ${path}`);
      if (remove.length > 0) await this.session.bounded(this.client.messageFlagsRemove(range, remove, { uid: true }), `clearing flags in ${path}`);
    } catch (error) {
      throw this.session.failure(error);
    } finally {
      lock.release();
    }
  }

  /** UIDs, sizes and header bytes of the messages in `path` matching a header (or of a size). */
  async search(path: string, query: { header: Record<string, string> } | { size: number }): Promise<Array<{ uid: number; size: number; headers: Buffer }>> {
    return this.session.bounded(this.searchNow(path, query), `a search in ${path}`);
  }

  async close(): Promise<void> {
    await this.session.close();
  }

  private async searchNow(path: string, query: { header: Record<string, string> } | { size: number }): Promise<Array<{ uid: number; size: number; headers: Buffer }>> {
    const lock = await this.client.getMailboxLock(path);
    this.selected = undefined;
    try {
      const criteria = 'header' in query ? { header: query.header } : { larger: query.size - 1, smaller: query.size + 1 };
      const uids = await this.client.search(criteria, { uid: true });
      if (!uids || uids.length === 0) return [];
      const found: Array<{ uid: number; size: number; headers: Buffer }> = [];
      for await (const message of this.client.fetch(uids.join(','), { uid: true, size: true, headers: true }, { uid: true })) {
        if (message.headers) found.push({ uid: message.uid, size: message.size ?? 0, headers: message.headers });
      }
      return found;
    } finally {
      lock.release();
    }
  }

  /** A server going down answers the command in flight with BYE (and sometimes NO): that is the
   * session ending, to be retried after a reconnect, not a verdict on this folder or message. */
  private refusalOr(error: unknown, refusal: string): Error {
    const ended = this.ended();
    if (ended) return ended;
    const answer = error as ServerAnswer;
    if (answer.responseStatus === 'NO' || answer.responseStatus === 'BAD' || answer.serverResponseCode === 'APPENDLIMIT') return new ImapRefusal(refusal);
    return this.session.failure(error);
  }

  private ended(): CheckFailure | undefined {
    return this.session.usable ? undefined : new CheckFailure('closed-by-server', 'the server ended the session', { afterLogin: true });
  }
}

/** UIDs as a compact IMAP sequence set: runs become ranges (`3:7,9`). */
export function uidSet(uids: number[]): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let start = 0; start < sorted.length;) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end += 1;
    parts.push(end === start ? String(sorted[start]) : `${sorted[start]}:${sorted[end]}`);
    start = end + 1;
  }
  return parts.join(',');
}
