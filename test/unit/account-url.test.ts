import { describe, expect, it } from 'vitest';
import { AccountUrlError, formatAccountUrl, parseAccountUrl } from '../../src/account/account-url.js';

describe('account URLs', () => {
  it.each([
    ['imaps://me%40example.com@imap.example.com', { protocol: 'imap', security: 'tls', port: 993, user: 'me@example.com', host: 'imap.example.com' }],
    ['imap://u@h', { protocol: 'imap', security: 'starttls', port: 143 }],
    ['pop3s://u@h:1995', { protocol: 'pop3', security: 'tls', port: 1995 }],
    ['pop3://u@h', { protocol: 'pop3', security: 'starttls', port: 110 }],
    ['pop3://u@h?plaintext=1', { protocol: 'pop3', security: 'plaintext', port: 110 }],
    ['imaps://u@[::1]:993', { host: '::1' }],
  ])('%s', (url, expected) => {
    expect(parseAccountUrl(url)).toMatchObject(expected);
  });

  it('formats a canonical URL that parses back to the same account', () => {
    for (const url of ['imaps://me%40example.com@imap.example.com', 'pop3://u@h?plaintext=1', 'imap://u@[::1]:1143']) {
      const canonical = formatAccountUrl(parseAccountUrl(url));
      expect(parseAccountUrl(canonical)).toEqual(parseAccountUrl(url));
    }
    expect(formatAccountUrl(parseAccountUrl('imaps://me%40example.com@imap.example.com'))).toBe('imaps://me%40example.com@imap.example.com:993');
  });

  it.each([
    ['ftp://u@h', /unknown scheme/],
    ['imaps://u:pw@h', /must not contain a password/],
    ['imaps://h', /no user name/],
    ['imaps://u@h?plaintext=1', /contradicts/],
    ['imap://u@h?plaintext=yes', /accepts only 1/],
    ['imap://u@h?tls=0', /unknown URL option/],
    ['not a url', /not an account URL/],
  ])('rejects %s clearly', (url, message) => {
    expect(() => parseAccountUrl(url)).toThrow(AccountUrlError);
    expect(() => parseAccountUrl(url)).toThrow(message);
    try { parseAccountUrl(url); } catch (error) { expect((error as Error).message).not.toContain('pw@'); }
  });
});
