import type { FailureReason } from '../protocols/check-failure.js';

export const EXIT = { ok: 0, usage: 2, login: 3, network: 4, tls: 5 } as const;

export function exitCodeFor(reason: FailureReason): number {
  switch (reason) {
    case 'rejected':
    case 'closed-by-server': return EXIT.login;
    case 'network':
    case 'timeout': return EXIT.network;
    case 'tls': return EXIT.tls;
  }
}
