// imapflow's errors mapped onto our five failure kinds. Authentication failures carry the RFC 5530
// response code; a NO after a good login (163's "Unsafe Login" on SELECT) is not a rejection.
import { CheckFailure, classifySocketError, isCertificateError, isNetworkError, isTlsError } from '../check-failure.js';

interface ImapError {
  code?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseText?: string;
  response?: unknown;
  tlsFailed?: boolean;
  message?: string;
}

/** RFC 5530 codes (and Dovecot's wording) that mean "not now", not "wrong password". */
const TEMPORARY_CODES = new Set(['UNAVAILABLE', 'INUSE', 'LIMIT', 'OVERQUOTA', 'SERVERBUG']);
const CONNECTION_CODES = new Set(['NoConnection', 'EConnectionClosed', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS']);
/** imapflow's codes for a connection closed while connect() was under way: before the greeting
 * that is the network's doing (no login was attempted); after it, the server's. */
const CLOSED_BEFORE_GREETING = new Set(['ClosedAfterConnectText', 'ClosedAfterConnectTLS']);
const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ETIMEDOUT']);

function serverText(error: ImapError): string {
  const text = error.responseText ?? (typeof error.response === 'string' ? error.response : '') ?? '';
  return text.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

export function classifyImapError(raw: unknown, context: { afterLogin?: boolean; greeted?: boolean } = {}): CheckFailure {
  if (raw instanceof CheckFailure) return raw;
  const error = (raw ?? {}) as ImapError;
  const code = error.serverResponseCode?.toUpperCase();
  if (error.authenticationFailed) {
    const text = serverText(error);
    const temporary = (code !== undefined && TEMPORARY_CODES.has(code)) || /temporary/i.test(text);
    return new CheckFailure('rejected', `the server refused the login${text ? `: ${text}` : ''}`, {
      temporary, ...(code ? { serverCode: code } : {}),
    });
  }
  if (error.tlsFailed || isTlsError(error)) {
    return new CheckFailure('tls', `TLS failure: ${error.code ?? error.message ?? 'handshake failed'}`, { untrustedCertificate: isCertificateError(error) });
  }
  if (error.code && TIMEOUT_CODES.has(error.code)) return new CheckFailure('timeout', 'the server did not answer in time');
  // Before the greeting a drop is the network's; imapflow marks those with the raw socket code.
  if (isNetworkError(error) && !context.afterLogin && error.code !== 'ECONNRESET') return classifySocketError(error, false);
  if (error.code && CLOSED_BEFORE_GREETING.has(error.code) && !context.greeted) {
    return new CheckFailure('network', 'the connection closed before the server greeted');
  }
  const afterLogin = context.afterLogin === true;
  if (error.code && (CONNECTION_CODES.has(error.code) || isNetworkError(error))) {
    return new CheckFailure('closed-by-server', 'the server closed the connection', { afterLogin });
  }
  if (afterLogin) {
    // Logged in fine, then a command failed: a server-side condition, never a credentials problem.
    return new CheckFailure('closed-by-server', `the server failed a command after login: ${serverText(error) || error.message || 'unknown'}`, { afterLogin });
  }
  return new CheckFailure('network', `cannot talk to the server: ${error.code ?? error.message ?? 'unknown error'}`);
}
