// The new mailbox: folders created as needed, APPEND with flags and INTERNALDATE, and a search that
// recognises a message whose earlier APPEND may have landed before a crash.
import { CheckFailure } from '../protocols/check-failure.js';
import { ImapSession } from '../protocols/imap/imap-session.js';
import { StreamingAppendSession } from '../protocols/imap/streaming-append.js';
import type { OpenSessionOptions } from '../protocols/mail-session.js';
import { hasAttribute } from '../protocols/imap/mailbox-attributes.js';
import type { FolderInfo } from './folder-mapping.js';
import { noProgressMs } from './migration-types.js';
import { headerHash } from './message-facts.js';

export interface CopyProbe {
  /** The trace header the copy would carry (`X-UIDL`), if the design adds one. */
  trace?: { name: string; value: string } | undefined;
  messageId?: string | undefined;
  size: number;
  headerHash: string;
}

export class AppendRefused extends Error {
  override readonly name = 'AppendRefused';
}

/** From this size on a message goes out on a second connection that streams it (see
 * streaming-append.ts): imapflow would hold ~4 copies of it at once. Below, imapflow's pipelined
 * session is quicker and the copies are small. */
export const STREAMED_APPEND_BYTES = 1024 * 1024;

/** RFC 5530 codes that mean "not now" rather than "not this message". Narrower than the login's
 * list (classify-imap-error.ts): to an APPEND, OVERQUOTA and LIMIT are about this message. */
const TRANSIENT_CODES = new Set(['UNAVAILABLE', 'INUSE']);

export class ImapTarget {
  folders: FolderInfo[] = [];
  delimiter = '/';
  private readonly known = new Set<string>();
  private streaming: StreamingAppendSession | undefined;

  private constructor(private readonly session: ImapSession, private readonly options: OpenSessionOptions) {}

  static async open(options: OpenSessionOptions): Promise<ImapTarget> {
    const session = await ImapSession.open(options);
    session.setNoProgressTimeout(noProgressMs(options.deadlineMs));
    const target = new ImapTarget(session, options);
    const folders = await session.bounded(target.client.list(), 'the folder list');
    target.folders = folders.map((folder) => ({ path: folder.path, delimiter: folder.delimiter, specialUse: folder.specialUse }));
    target.delimiter = folders.find((folder) => folder.delimiter)?.delimiter ?? '/';
    // Only a folder that can hold messages counts as there: a parent listed as \Noselect (left by
    // a run killed after creating its child) must still be created.
    for (const folder of folders) {
      if (!hasAttribute(folder.flags, '\\Noselect') && !hasAttribute(folder.flags, '\\NonExistent')) target.known.add(folder.path);
    }
    return target;
  }

  private get client(): ImapSession['client'] { return this.session.client; }

  /** RFC 7889 APPENDLIMIT, when the server announces one. */
  get appendLimit(): number | undefined {
    const value = this.client.capabilities.get('APPENDLIMIT');
    return typeof value === 'number' ? value : undefined;
  }

  /** Creates the folder, and first each parent that is missing or cannot hold messages. */
  async ensureFolder(path: string): Promise<void> {
    if (this.known.has(path)) return;
    const parts = path.split(this.delimiter);
    for (let depth = 1; depth <= parts.length; depth += 1) {
      const folder = parts.slice(0, depth).join(this.delimiter);
      if (this.known.has(folder)) continue;
      try {
        await this.client.mailboxCreate(folder);
      } catch (error) {
        const refusal = error as { serverResponseCode?: string; responseStatus?: string; responseText?: string };
        if (refusal.serverResponseCode?.toUpperCase() === 'ALREADYEXISTS') { this.known.add(folder); continue; }
        const ended = this.sessionEnded();
        if (ended) throw ended;
        if (refusal.responseStatus === 'NO' || refusal.responseStatus === 'BAD') {
          // The server will not have this folder: every message for it is refused, the rest go on.
          throw new AppendRefused(`the new mailbox would not create the folder ${folder}: ${refusal.responseText ?? 'refused'}`);
        }
        throw this.session.failure(error);
      }
      this.known.add(folder);
    }
  }

  async uidValidity(path: string): Promise<string> {
    const status = await this.session.bounded(this.client.status(path, { uidValidity: true }), `the status of ${path}`);
    return String(status ? status.uidValidity : '');
  }

  /** Resolves after the server's tagged OK; AppendRefused when the server says NO to this message. */
  async append(path: string, content: Buffer, flags: string[], date: Date | undefined): Promise<{ uid?: number; uidValidity?: string }> {
    try {
      if (content.length >= STREAMED_APPEND_BYTES) return await this.appendStreamed(path, content, flags, date);
      const result = await this.client.append(path, content, flags, date);
      if (!result) throw this.sessionEnded() ?? new AppendRefused('the server did not accept the message');
      return {
        ...(result.uid !== undefined ? { uid: result.uid } : {}),
        ...(result.uidValidity !== undefined ? { uidValidity: String(result.uidValidity) } : {}),
      };
    } catch (error) {
      const failure = error as { responseStatus?: string; serverResponseCode?: string; responseText?: string; message?: string };
      if (error instanceof CheckFailure) throw error;
      // A server going down answers the APPEND in flight with BYE (and sometimes NO): that is the
      // session ending, to be retried after a reconnect, not a verdict on this message.
      const ended = this.sessionEnded();
      if (ended) throw ended;
      if (failure.serverResponseCode && TRANSIENT_CODES.has(failure.serverResponseCode.toUpperCase())) {
        throw new CheckFailure('closed-by-server', `the server cannot take the message now: ${failure.responseText ?? failure.serverResponseCode}`, { afterLogin: true });
      }
      if (failure.responseStatus === 'NO' || failure.responseStatus === 'BAD' || failure.serverResponseCode === 'APPENDLIMIT') {
        throw new AppendRefused(failure.responseText || failure.message || 'refused');
      }
      throw this.session.failure(error);
    }
  }

  /** The second connection opens at the first large message and stays for the next; a failure
   * drops it, so the retry after a reconnect starts a fresh one. */
  private async appendStreamed(path: string, content: Buffer, flags: string[], date: Date | undefined): Promise<{ uid?: number; uidValidity?: string }> {
    this.streaming ??= await StreamingAppendSession.open(this.options);
    try {
      return await this.streaming.append(path, content, flags, date);
    } catch (error) {
      if (error instanceof CheckFailure) {
        const dead = this.streaming;
        this.streaming = undefined;
        await dead.close();
      }
      throw error;
    }
  }

  /** The server said BYE (imapflow moves to LOGOUT) or the socket is gone. */
  private sessionEnded(): CheckFailure | undefined {
    return this.session.usable ? undefined
      : new CheckFailure('closed-by-server', 'the server ended the session during APPEND', { afterLogin: true });
  }

  /** UIDs in `path` holding this very message (same size and header, and trace or Message-ID). */
  async findCopies(path: string, probe: CopyProbe): Promise<number[]> {
    if (!this.known.has(path)) return [];
    return this.session.bounded(this.searchCopies(path, probe), `a search in ${path}`);
  }

  private async searchCopies(path: string, probe: CopyProbe): Promise<number[]> {
    const lock = await this.client.getMailboxLock(path);
    try {
      const query = probe.trace ? { header: { [probe.trace.name]: probe.trace.value } }
        : probe.messageId ? { header: { 'message-id': probe.messageId } }
          : { larger: probe.size - 1, smaller: probe.size + 1 };
      const uids = await this.client.search(query, { uid: true });
      if (!uids || uids.length === 0) return [];
      const matches: number[] = [];
      for await (const message of this.client.fetch(uids.join(','), { uid: true, size: true, headers: true }, { uid: true })) {
        if (message.size === probe.size && message.headers && headerHash(message.headers) === probe.headerHash) matches.push(message.uid);
      }
      return matches;
    } finally {
      lock.release();
    }
  }

  async close(): Promise<void> {
    const streaming = this.streaming;
    this.streaming = undefined;
    await Promise.all([this.session.close(), streaming?.close()]);
  }
}
