// Every failed attempt is exactly one of these. The login control counts only `rejected` and
// `closed-by-server`; `network` and `timeout` never count as login failures; `tls` waits for the user.
import type { CertificateInfo } from './certificate.js';

export type FailureReason = 'rejected' | 'closed-by-server' | 'network' | 'timeout' | 'tls';

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

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'ENETUNREACH', 'EHOSTUNREACH',
  'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL', 'EPIPE', 'ECONNABORTED',
]);

export function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && NETWORK_ERROR_CODES.has(code);
}

/** A socket-level error turned into a failure, given how far the conversation got. */
export function classifySocketError(error: unknown, greeted: boolean): CheckFailure {
  const code = (error as { code?: string })?.code ?? 'unknown';
  if (isTlsError(error)) return new CheckFailure('tls', `TLS failure: ${code}`, { untrustedCertificate: isCertificateError(error) });
  if (!greeted) return new CheckFailure('network', `cannot reach the server (${code})`);
  return new CheckFailure('closed-by-server', `the server closed the connection (${code})`);
}
