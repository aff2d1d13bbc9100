// The one list of failure reasons, dependency-free so the window's bundle can take it too: the IPC
// contract, the CLI's exit codes and the window's texts all derive from it (see check-failure.ts).
export const FAILURE_REASONS = [
  'rejected', 'closed-by-server', 'network', 'timeout', 'tls', 'not-found', 'credentials-missing', 'protocol', 'internal',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];
