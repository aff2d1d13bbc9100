// The old mailbox over IMAP: every selectable folder, each message with its flags and INTERNALDATE.
import { ImapSession } from '../protocols/imap/imap-session.js';
import type { OpenSessionOptions } from '../protocols/mail-session.js';
import type { FolderInfo } from './folder-mapping.js';
import { noProgressMs, readCeiling, SourceMessageUnavailable, type SourceMessage } from './migration-types.js';
import { CheckFailure } from '../protocols/check-failure.js';
import { hasAttribute } from '../protocols/imap/mailbox-attributes.js';
import type { SourceSession } from './migration-engine.js';

export class ImapSource implements SourceSession {
  readonly kind = 'imap';
  folders: FolderInfo[] = [];
  private selected: string | undefined;

  private constructor(private readonly session: ImapSession) {}

  static async open(options: OpenSessionOptions): Promise<ImapSource> {
    const session = await ImapSession.open(options);
    session.setNoProgressTimeout(noProgressMs(options.deadlineMs));
    return new ImapSource(session);
  }

  private get client(): ImapSession['client'] { return this.session.client; }

  /** Every message of every selectable folder; failures come back classified (a long listing is
   * bounded by the no-progress timeout rather than one deadline). */
  async list(): Promise<SourceMessage[]> {
    try {
      return await this.listAll();
    } catch (error) {
      throw this.session.failure(error);
    }
  }

  private async listAll(): Promise<SourceMessage[]> {
    const folders = await this.client.list();
    this.folders = folders
      // IMAP attributes are case-insensitive: servers send \Noselect, \NoSelect, \NOSELECT.
      .filter((folder) => !hasAttribute(folder.flags, '\\Noselect') && !hasAttribute(folder.flags, '\\NonExistent'))
      .map((folder) => ({ path: folder.path, delimiter: folder.delimiter, specialUse: folder.specialUse }));
    const messages: SourceMessage[] = [];
    for (const folder of this.folders) {
      const mailbox = await this.session.bounded(this.client.mailboxOpen(folder.path, { readOnly: true }), `opening ${folder.path}`);
      this.selected = folder.path;
      if (mailbox.exists === 0) continue;
      for await (const message of this.client.fetch('1:*', { uid: true, size: true, flags: true, internalDate: true })) {
        messages.push({
          key: `imap:${folder.path}:${String(mailbox.uidValidity)}:${message.uid}`,
          folder: folder.path, uid: message.uid, size: message.size ?? 0,
          flags: [...(message.flags ?? [])].filter((flag) => flag !== '\\Recent'),
          ...(message.internalDate ? { internalDate: new Date(message.internalDate) } : {}),
        });
      }
    }
    return messages;
  }

  folderInfo(path: string): FolderInfo {
    return this.folders.find((folder) => folder.path === path) ?? { path, delimiter: '/' };
  }

  /** The message's bytes, under a ceiling derived from its announced size, within the deadline. */
  async read(message: SourceMessage, prefix: Buffer): Promise<Buffer> {
    if (this.selected !== message.folder) {
      await this.session.bounded(this.client.mailboxOpen(message.folder, { readOnly: true }), `opening ${message.folder}`);
      this.selected = message.folder;
    }
    const ceiling = readCeiling(message.size);
    let fetched;
    try {
      fetched = await this.session.withLiteralCeiling(ceiling, () =>
        this.session.bounded(this.client.fetchOne(String(message.uid), { source: true }, { uid: true }), 'a message'));
    } catch (error) {
      if (error instanceof CheckFailure && error.reason === 'protocol') {
        this.selected = undefined;
        throw new SourceMessageUnavailable('unreadable', `the old server sent more than ${ceiling} bytes for a message it announced as ${message.size}`, true);
      }
      throw error;
    }
    if (!fetched || !fetched.source) throw new SourceMessageUnavailable('vanished', 'no longer on the old server');
    return prefix.length === 0 ? fetched.source : Buffer.concat([prefix, fetched.source]);
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
