// Every failed attempt is exactly one of these, from the moment it is seen to the moment the user
// reads it. The login control counts only `rejected` and `closed-by-server` before the login
// succeeded; `network` and `timeout` never count and retry soon; `tls` waits for the user;
// `not-found` (the name does not exist) is told to the user and retried only at the interval;
// `credentials-missing` asks for a password without spending a login; `protocol` is a server that
// sent what we cannot accept; `internal` is our own bug, said plainly, never dressed as "network".
import { randomBytes } from 'node:crypto';
import type { CertificateInfo } from './certificate.js';

import type { FailureReason } from './failure-reasons.js';

export { FAILURE_REASONS, type FailureReason } from './failure-reasons.js';

export interface CheckFailureDetails {
  /** Only for `rejected`: the server said the refusal is temporary (try later, not a bad password). */
  temporary?: boolean;
  /** The server's machine-readable response code, e.g. `AUTH`, `SYS/TEMP`, `AUTHENTICATIONFAILED`. */
  serverCode?: string;
  /** POP3 `LOGIN-DELAY` seconds announced by the server, when known. */
  loginDelaySeconds?: number;
  /** The login itself succeeded; what failed came later (163's "Unsafe Login" on SELECT, a drop
   * mid-check). The credentials are good, so this never counts as a login failure. */
  afterLogin?: boolean;
  /** For `tls`: the certificate the server presented, for the user to judge. */
  certificate?: CertificateInfo;
  /** For `tls`: the certificate itself could not be verified (as opposed to, say, no STARTTLS). */
  untrustedCertificate?: boolean;
}

export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
  readonly temporary: boolean;
  readonly serverCode: string | undefined;
  readonly loginDelaySeconds: number | undefined;
  readonly afterLogin: boolean;
  readonly certificate: CertificateInfo | undefined;
  readonly untrustedCertificate: boolean;

  /** `message` must never contain a secret: it is shown and logged as is. */
  constructor(readonly reason: FailureReason, message: string, details: CheckFailureDetails = {}) {
    super(message);
    this.temporary = reason === 'rejected' && details.temporary === true;
    this.serverCode = details.serverCode;
    this.loginDelaySeconds = details.loginDelaySeconds;
    this.afterLogin = details.afterLogin === true;
    this.certificate = details.certificate;
    this.untrustedCertificate = reason === 'tls' && (details.untrustedCertificate === true || details.certificate !== undefined);
  }
}

const TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT', 'EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** The chain or the name did not verify: a person may decide to trust this certificate. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isCertificateError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && CERTIFICATE_CODES.has(code);
}

export function isTlsError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return TLS_ERROR_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

/** The name does not exist: a configuration error the user must see, not a network hiccup. */
export function isNameNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === 'ENOTFOUND' || code === 'EAI_NONAME';
}

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENETUNREACH', 'EHOSTUNREACH',
  'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'EPIPE', 'ECONNABORTED',
]);

export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && NETWORK_ERROR_CODES.has(code);
}

/** A socket-level error turned into a failure, given how far the conversation got. */
export function classifySocketError(error: unknown, greeted: boolean, afterLogin = false): CheckFailure {
  const code = (error as { code?: string })?.code ?? 'unknown';
  if (isTlsError(error)) return new CheckFailure('tls', `TLS failure: ${code}`, { untrustedCertificate: isCertificateError(error) });
  if (isNameNotFound(error)) return notFound(error);
  if (!greeted) return new CheckFailure('network', `cannot reach the server (${code})`);
  return new CheckFailure('closed-by-server', `the server closed the connection (${code})`, { afterLogin });
}

export function notFound(error: unknown): CheckFailure {
  const host = (error as { hostname?: unknown })?.hostname;
  return new CheckFailure('not-found', `the server name ${typeof host === 'string' ? `"${host.slice(0, 253)}" ` : ''}does not exist (check the host name)`);
}

/**
 * Anything we did not expect is our bug: it keeps that class, the details go to the log under a
 * short reference, and the user reads the reference, not a guess.
 */
export function internalFailure(error: unknown, log: (entry: Record<string, unknown>) => void): CheckFailure {
  if (error instanceof CheckFailure) return error;
  const reference = randomBytes(4).toString('hex');
  log({ msg: 'internal error', reference, error: (error as Error)?.name ?? typeof error, detail: String((error as Error)?.message ?? error).slice(0, 500) });
  return new CheckFailure('internal', `internal error (log reference ${reference})`);
}

/** The server sent something we cannot accept (too long, too large, malformed). */
export function protocolFailure(what: string, afterLogin = false): CheckFailure {
  return new CheckFailure('protocol', `the server sent something we cannot accept: ${what}`, { afterLogin });
}
