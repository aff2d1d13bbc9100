// "Test connection" says why in words, in both languages: no TLS library code, the server's own
// words for a refused login without our lead-in.
import { describe, expect, it } from 'vitest';
import { testFailureText } from '../../renderer/src/test-failure-text.js';
import { createTexts } from '../../main/texts.js';

const certificate = { subject: 'CN=mail', issuer: 'CN=ca', validFrom: 'x', validTo: 'y', fingerprint256: 'AA', host: 'mail.example.com', port: 993 };

describe('why a connection test failed, in words', () => {
  it.each(['en', 'zh-CN'] as const)('%s', async (language) => {
    const t = await createTexts(language, 'en-US');
    const untrusted = testFailureText({ ok: false, reason: 'tls', message: 'TLS failure: UNABLE_TO_VERIFY_LEAF_SIGNATURE', certificate } as never, t);
    expect(untrusted).toBe(t('form.tlsUntrusted'));
    const otherTls = testFailureText({ ok: false, reason: 'tls', message: 'TLS failure: ERR_SSL_WRONG_VERSION_NUMBER' }, t);
    expect(otherTls).toBe(t('reason.tls'));
    for (const text of [untrusted, otherTls]) expect(text).not.toMatch(/TLS failure|[A-Z]{3,}_[A-Z_]{3,}/);
    const refused = testFailureText({ ok: false, reason: 'rejected', message: 'the server refused the login: [AUTHENTICATIONFAILED] Authentication failed.' }, t);
    expect(refused).toBe(`${t('reason.rejected')} — [AUTHENTICATIONFAILED] Authentication failed.`);
  });
});
