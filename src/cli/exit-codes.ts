// The CLI's exit codes, one per failure class (README lists them with what the user is told).
// 3 means a refused login and nothing else: a drop after a good login is the network's kind (4).
import type { FailureReason } from '../protocols/check-failure.js';

export const EXIT = {
  ok: 0, usage: 2, login: 3, network: 4, tls: 5, someFailed: 6, deferred: 7, notDiscovered: 8,
  notFound: 9, credentialsMissing: 10, protocol: 11, internal: 70,
} as const;

export function exitCodeFor(reason: FailureReason, afterLogin = false): number {
  switch (reason) {
    case 'rejected': return EXIT.login;
    case 'closed-by-server': return afterLogin ? EXIT.network : EXIT.login;
    case 'network':
    case 'timeout': return EXIT.network;
    case 'tls': return EXIT.tls;
    case 'not-found': return EXIT.notFound;
    case 'credentials-missing': return EXIT.credentialsMissing;
    case 'protocol': return EXIT.protocol;
    case 'internal': return EXIT.internal;
  }
}
