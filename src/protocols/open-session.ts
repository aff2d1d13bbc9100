import type { MailSession, OpenSessionOptions } from './mail-session.js';
import { ImapSession } from './imap/imap-session.js';
import { Pop3Session } from './pop3/pop3-session.js';

/** Connects, secures and logs in; throws a classified CheckFailure on any failure. */
export function openSession(options: OpenSessionOptions): Promise<MailSession> {
  return options.endpoint.protocol === 'imap' ? ImapSession.open(options) : Pop3Session.open(options);
}
