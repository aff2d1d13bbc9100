// How a connection ends, decided once, for our hand-written protocol wires (POP3, the streaming
// IMAP APPEND). The first failure is the connection's failure: the close or error that follows it
// is the same event seen again. Our own close is no failure of the server's, but whoever waits, or
// asks later, is refused at once instead of being left on a dead socket.
import { CheckFailure } from './check-failure.js';

export class ConnectionEnd {
  failure: CheckFailure | undefined;
  /** Set once the greeting arrived: a drop after this is the server's doing, not the network's. */
  greeted = false;
  /** Set once the login was accepted: a drop after this is no refused login (exit codes, the guard). */
  afterLogin = false;
  private onPurpose = false;

  constructor(private readonly teardown: () => void, private readonly refuseWaiting: (failure: CheckFailure) => void) {}

  /** Records the first failure, tears the socket down and refuses whoever is waiting. */
  fail(failure: CheckFailure): CheckFailure {
    if (this.failure) return this.failure;
    this.failure = failure;
    this.onPurpose = true;
    this.teardown();
    this.refuseWaiting(failure);
    return failure;
  }

  /** We end the conversation. */
  close(): void {
    this.onPurpose = true;
    this.teardown();
    this.fail(new CheckFailure(this.greeted ? 'closed-by-server' : 'network', 'the connection was closed', { afterLogin: this.afterLogin }));
  }

  /** The socket closed or ended: news only when we did not close it ourselves. */
  socketClosed(): void {
    if (this.onPurpose) return;
    this.fail(this.greeted
      ? new CheckFailure('closed-by-server', 'the server closed the connection', { afterLogin: this.afterLogin })
      : new CheckFailure('network', 'the connection closed before the server greeted'));
  }
}
