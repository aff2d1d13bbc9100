import { detectPop3Changes } from '../../detection/pop3-detection.js';
import { CheckFailure } from '../check-failure.js';
import type { DetectionState, MailboxReport, MailSession, OpenSessionOptions } from '../mail-session.js';
import { Pop3Client } from './pop3-client.js';

export class Pop3Session implements MailSession {
  private constructor(readonly client: Pop3Client) {}

  static async open(options: OpenSessionOptions): Promise<Pop3Session> {
    const client = await Pop3Client.connect({
      host: options.endpoint.host,
      port: options.endpoint.port,
      security: options.endpoint.security,
      ca: options.ca,
      pinnedFingerprint: options.pinnedFingerprint,
      deadlineMs: options.deadlineMs,
    });
    try {
      if (options.accessToken) await client.loginWithToken(options.endpoint.user, options.accessToken);
      else await client.login(options.endpoint.user, options.password);
    } catch (error) {
      client.close();
      throw error;
    }
    return new Pop3Session(client);
  }

  get loginDelaySeconds(): number | undefined { return this.client.loginDelaySeconds; }
  get bytesOnWire(): { read: number; written: number } { return this.client.bytesOnWire; }

  async check(previous: DetectionState | undefined): Promise<MailboxReport> {
    try {
      return await detectPop3Changes(this.client, previous?.protocol === 'pop3' ? previous : undefined);
    } catch (error) {
      this.client.close();
      if (error instanceof CheckFailure) {
        throw new CheckFailure(error.reason === 'rejected' ? 'closed-by-server' : error.reason, error.message, { afterLogin: true });
      }
      throw new CheckFailure('closed-by-server', `the server failed a command after login: ${(error as Error).message}`, { afterLogin: true });
    }
  }

  readonly canIdle = false;

  async close(): Promise<void> {
    await this.client.quit();
  }

  abort(): void {
    this.client.close();
  }
}
