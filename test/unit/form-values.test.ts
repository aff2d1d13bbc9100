import { describe, expect, it } from 'vitest';
import { byteSize, withProtocol, withSecurity } from '../../renderer/src/form-values.js';

describe('form values', () => {
  it('a well-known port follows the protocol and security; a typed one stays', () => {
    const draft = { protocol: 'pop3' as const, security: 'tls' as const, port: '995' };
    expect(withProtocol(draft, 'imap').port).toBe('993');
    expect(withSecurity(withProtocol(draft, 'imap'), 'starttls').port).toBe('143');
    expect(withProtocol({ ...draft, port: '10995' }, 'imap').port).toBe('10995');
  });

  it('sizes read as a person would say them', () => {
    expect(byteSize(0)).toBe('0 B');
    expect(byteSize(2_400)).toBe('2 kB');
    expect(byteSize(45_000)).toBe('45 kB');
    expect(byteSize(3_400_000)).toBe('3.4 MB');
    expect(byteSize(89_000_000)).toBe('89 MB');
  });
});
