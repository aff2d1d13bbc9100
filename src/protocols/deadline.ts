// One deadline for a whole connection attempt (connect, greeting, TLS, login, mailbox state), not a
// timer per step: a server that trickles one byte every few seconds still ends on time.
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A background check must never be what keeps the process alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class Deadline {
  private handle: unknown;
  private expired = false;

  constructor(ms: number, onExpire: () => void, private readonly timers: Timers = realTimers) {
    this.handle = timers.setTimeout(() => {
      this.expired = true;
      onExpire();
    }, ms);
  }

  get hasExpired(): boolean { return this.expired; }

  clear(): void {
    this.timers.clearTimeout(this.handle);
  }
}
