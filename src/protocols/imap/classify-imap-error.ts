// imapflow's errors mapped onto our failure classes. Authentication failures carry the RFC 5530
// response code; before the greeting a drop is the network's (as for POP3: no login was tried);
// after the server accepted the login nothing is a failed login (163's "Unsafe Login" on SELECT, a
// drop during ID/NAMESPACE/ENABLE); what imapflow's parser refuses as too large is `protocol`; an
// error we cannot place is `internal`, never a guess.
import { CheckFailure, classifySocketError, isCertificateError, isNameNotFound, isNetworkError, isTlsError, notFound, protocolFailure } from '../check-failure.js';

interface ImapError {
  code?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  responseStatus?: string;
  responseText?: string;
  response?: unknown;
  tlsFailed?: boolean;
  message?: string;
}

export interface ImapErrorContext {
  /** The server's greeting had arrived. */
  greeted?: boolean;
  /** The server had accepted the login. */
  afterLogin?: boolean;
  /** The parser's own error (imapflow reports it as an 'error' event and then a closed connection). */
  streamError?: unknown;
}

/** RFC 5530 codes (and Dovecot's wording) that mean "not now", not "wrong password". */
const TEMPORARY_CODES = new Set(['UNAVAILABLE', 'INUSE', 'LIMIT', 'OVERQUOTA', 'SERVERBUG']);
const CONNECTION_CODES = new Set(['NoConnection', 'EConnectionClosed', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS']);
const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ETIMEDOUT']);
/** imapflow's parser limits (maxLineLength, maxLiteralSize, maxResponseSize). */
const LIMIT_CODES = new Set(['LineTooLarge', 'LiteralTooLarge', 'ResponseTooLarge']);
/** imapflow's words for an answer it could not read: the server's doing, not ours. */
const MALFORMED_CODES = new Set(['UnexpectedTag', 'InvalidResponse', 'ResponseProcessingFailed', 'InvalidTokenValue',
  'InvalidTextValue', 'InvalidStringValue', 'DownloadOverflow', 'DownloadIncomplete']);

function isMalformedAnswer(error: ImapError & { parserError?: unknown }): boolean {
  return error.code !== undefined && (MALFORMED_CODES.has(error.code) || error.code.startsWith('ParserError')) || error.parserError !== undefined;
}

function serverText(error: ImapError): string {
  const text = error.responseText ?? (typeof error.response === 'string' ? error.response : '') ?? '';
  return text.replace(/[\r\n]+/g, ' ').slice(0, 200);
}

export function isLimitError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && LIMIT_CODES.has(code);
}

export function classifyImapError(raw: unknown, context: ImapErrorContext = {}): CheckFailure {
  if (raw instanceof CheckFailure) return raw;
  const error = (raw ?? {}) as ImapError;
  const afterLogin = context.afterLogin === true;
  const limit = isLimitError(error) ? error : isLimitError(context.streamError) ? context.streamError as ImapError : undefined;
  if (limit) return protocolFailure(limit.message?.slice(0, 200) ?? 'a response over our size limit', afterLogin);
  if (error.authenticationFailed && !afterLogin) {
    const code = error.serverResponseCode?.toUpperCase();
    const text = serverText(error);
    const temporary = (code !== undefined && TEMPORARY_CODES.has(code)) || /temporary/i.test(text);
    return new CheckFailure('rejected', `the server refused the login${text ? `: ${text}` : ''}`, {
      temporary, ...(code ? { serverCode: code } : {}),
    });
  }
  if (isMalformedAnswer(error)) return protocolFailure(`an answer that cannot be read (${error.code ?? 'parse error'})`, afterLogin);
  if (error.tlsFailed || isTlsError(error)) {
    return new CheckFailure('tls', `TLS failure: ${error.code ?? error.message ?? 'handshake failed'}`, { untrustedCertificate: isCertificateError(error) });
  }
  if (error.code && TIMEOUT_CODES.has(error.code)) return new CheckFailure('timeout', 'the server did not answer in time', { afterLogin });
  if (isNameNotFound(error)) return notFound(error);
  const dropped = (error.code !== undefined && CONNECTION_CODES.has(error.code)) || isNetworkError(error);
  if (dropped && !afterLogin && !context.greeted) return classifySocketError(error.code && isNetworkError(error) ? error : { code: error.code }, false);
  if (dropped) return new CheckFailure('closed-by-server', 'the server closed the connection', { afterLogin });
  // imapflow sometimes wraps the server's answer (STATUS's NO becomes "NotFound" with the NO inside).
  const answer = error.response !== null && typeof error.response === 'object' ? error.response as ImapError : error;
  if (answer.responseStatus === 'NO' || answer.responseStatus === 'BAD' || error.responseStatus === 'NO' || error.responseStatus === 'BAD' || error.serverResponseCode) {
    // The server answered a command with a refusal: its condition, not a verdict on the password.
    const text = serverText(answer) || serverText(error) || error.message || 'no reason given';
    return afterLogin ? new CheckFailure('closed-by-server', `the server refused a command: ${text}`, { afterLogin })
      : protocolFailure(`a refusal before the login: ${text}`);
  }
  return new CheckFailure('internal', `internal error talking to the server: ${(error.message ?? String(raw)).slice(0, 200)}`, { afterLogin });
}
