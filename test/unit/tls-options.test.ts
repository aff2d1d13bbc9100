import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { tlsOptions } from '../../src/protocols/tls-options.js';

// Any two real certificates serve as "extra CAs" for identity checks; verification itself is
// exercised against Dovecot with its test CA in test/integration.
const [CA_ONE, CA_TWO] = [rootCertificates[0]!, rootCertificates[1]!];

describe('tlsOptions', () => {
  it('verifies by default, TLS 1.2 at least, no SNI for an IP address', () => {
    const options = tlsOptions('127.0.0.1');
    expect(options.rejectUnauthorized).toBe(true);
    expect(options.minVersion).toBe('TLSv1.2');
    expect(options.servername).toBeUndefined();
    expect(options.secureContext).toBeUndefined();
    expect(tlsOptions('imap.example.com').servername).toBe('imap.example.com');
  });

  it('builds one secure context per extra CA and shares it between connections', () => {
    const a = tlsOptions('127.0.0.1', CA_ONE).secureContext;
    const b = tlsOptions('localhost', CA_ONE).secureContext;
    const c = tlsOptions('127.0.0.1', CA_TWO).secureContext;
    expect(a).toBeDefined();
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('a pinned certificate turns chain verification off (the fingerprint is checked instead)', () => {
    expect(tlsOptions('127.0.0.1', undefined, 'AB:CD').rejectUnauthorized).toBe(false);
  });
});
