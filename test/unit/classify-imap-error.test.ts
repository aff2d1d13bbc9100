// imapflow's error objects (shapes as documented in its errors.d.ts and seen against Dovecot) mapped
// onto our failure kinds. The live cases are covered against Dovecot in test/integration.
import { describe, expect, it } from 'vitest';
import { classifyImapError } from '../../src/protocols/imap/classify-imap-error.js';

describe('IMAP failure classification', () => {
  it.each([
    [{ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', responseText: 'Authentication failed.' }, 'rejected', false],
    [{ authenticationFailed: true, serverResponseCode: 'UNAVAILABLE', responseText: 'Try later' }, 'rejected', true],
    [{ authenticationFailed: true, serverResponseCode: 'INUSE', responseText: 'Mailbox in use' }, 'rejected', true],
    [{ authenticationFailed: true, responseText: 'Temporary authentication failure. [host:2026-11-22]' }, 'rejected', true],
    [{ code: 'ECONNREFUSED' }, 'network', false],
    [{ code: 'ENOTFOUND' }, 'not-found', false],
    [{ code: 'NoConnection' }, 'network', false],
    [{ code: 'ECONNRESET' }, 'network', false],
    [{ code: 'CONNECT_TIMEOUT' }, 'timeout', false],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'tls', false],
    [{ tlsFailed: true, message: 'Server does not support STARTTLS' }, 'tls', false],
  ])('%j before the greeting → %s', (error, reason, temporary) => {
    const failure = classifyImapError(error);
    expect(failure.reason).toBe(reason);
    expect(failure.temporary).toBe(temporary);
    expect(failure.afterLogin).toBe(false);
  });

  it.each([
    [{ code: 'NoConnection' }, { greeted: true }, 'closed-by-server', false],
    [{ code: 'ECONNRESET' }, { greeted: true }, 'closed-by-server', false],
    // The server said OK to LOGIN and dropped during ID/NAMESPACE/ENABLE: not a failed login.
    [{ code: 'NoConnection' }, { greeted: true, afterLogin: true }, 'closed-by-server', true],
    [{ code: 'EConnectionClosed' }, { greeted: true, afterLogin: true }, 'closed-by-server', true],
    // imapflow's parser refused an oversized line or literal (its 'error' event, then a closed socket).
    [{ code: 'NoConnection' }, { greeted: true, streamError: { code: 'LineTooLarge', message: 'Line length 70000 exceeds' } }, 'protocol', false],
    [{ code: 'LiteralTooLarge', message: 'Literal size 900000000 exceeds' }, { greeted: true, afterLogin: true }, 'protocol', true],
    [{ message: 'something nobody expected' }, { greeted: true }, 'internal', false],
    [{ responseStatus: 'BAD', responseText: 'Unknown command' }, { greeted: true }, 'protocol', false],
  ])('%j with %j → %s', (error, context, reason, afterLogin) => {
    const failure = classifyImapError(error, context);
    expect(failure.reason).toBe(reason);
    expect(failure.afterLogin).toBe(afterLogin);
  });

  it('163\'s "Unsafe Login" on SELECT after a good login is not a rejection', () => {
    const failure = classifyImapError({ responseStatus: 'NO', responseText: 'SELECT Unsafe Login. Please contact kefu@188.com for help' }, { afterLogin: true });
    expect(failure.reason).toBe('closed-by-server');
    expect(failure.afterLogin).toBe(true);
  });
});

describe('which TLS failures are about the certificate', () => {
  it('a chain or name that does not verify is; a server without STARTTLS is not', () => {
    expect(classifyImapError({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }).untrustedCertificate).toBe(true);
    expect(classifyImapError({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }).untrustedCertificate).toBe(true);
    expect(classifyImapError({ tlsFailed: true, message: 'Server does not support STARTTLS' }).untrustedCertificate).toBe(false);
    expect(classifyImapError({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }).untrustedCertificate).toBe(false);
  });
});
