import type { MessageSummary } from '../detection/message-summary.js';
import type { CertificateInfo } from '../protocols/certificate.js';
import type { FailureReason } from '../protocols/check-failure.js';
import type { TrayState } from '../login-control/login-control.js';

/** What a watcher reports; the CLI prints these as JSON lines, the app turns them into UI. */
export type WatchEvent =
  | {
    event: 'checked'; messages: number; unseen: number | null; new: MessageSummary[];
    consecutiveFailures: number; nextCheckMs: number | null; state: TrayState;
  }
  | {
    event: 'login-failed'; reason: FailureReason; temporary: boolean; message: string;
    /** The login had succeeded; what failed came after it. */
    afterLogin: boolean;
    consecutiveFailures: number; nextCheckMs: number | null; state: TrayState;
    /** For `tls`: what the server presented, for the certificate dialog. */
    certificate?: CertificateInfo | undefined;
  }
  | { event: 'credentials-needed'; message: string };
