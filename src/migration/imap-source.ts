// The old mailbox over IMAP: every selectable folder, each message with its flags and INTERNALDATE.
import type { ImapFlow } from 'imapflow';
import { ImapSession } from '../protocols/imap/imap-session.js';
import type { OpenSessionOptions } from '../protocols/mail-session.js';
import type { FolderInfo } from './folder-mapping.js';
import type { SourceMessage } from './migration-types.js';
import type { SourceSession } from './migration-engine.js';

export class ImapSource implements SourceSession {
  readonly kind = 'imap';
  folders: FolderInfo[] = [];
  private selected: string | undefined;

  private constructor(private readonly session: ImapSession) {}

  static async open(options: OpenSessionOptions): Promise<ImapSource> {
    return new ImapSource(await ImapSession.open(options));
  }

  private get client(): ImapFlow { return this.session.client; }

  async list(): Promise<SourceMessage[]> {
    const folders = await this.client.list();
    this.folders = folders
      .filter((folder) => !folder.flags.has('\\Noselect') && !folder.flags.has('\\NonExistent'))
      .map((folder) => ({ path: folder.path, delimiter: folder.delimiter, specialUse: folder.specialUse }));
    const messages: SourceMessage[] = [];
    for (const folder of this.folders) {
      const mailbox = await this.client.mailboxOpen(folder.path, { readOnly: true });
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

  async read(message: SourceMessage, prefix: Buffer): Promise<Buffer> {
    if (this.selected !== message.folder) {
      await this.client.mailboxOpen(message.folder, { readOnly: true });
      this.selected = message.folder;
    }
    const fetched = await this.client.fetchOne(String(message.uid), { source: true }, { uid: true });
    if (!fetched || !fetched.source) throw new Error(`message ${message.key} is no longer on the server`);
    return prefix.length === 0 ? fetched.source : Buffer.concat([prefix, fetched.source]);
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
