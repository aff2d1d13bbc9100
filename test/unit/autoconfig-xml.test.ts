// Thunderbird's config-v1.1.xml as hostile input: placeholders filled, plain text never offered,
// unusable or malformed entries dropped, DTDs refused, the count capped.
import { describe, expect, it } from 'vitest';
import { AutoconfigError, fillPlaceholders, parseAutoconfig } from '../../src/discovery/autoconfig-xml.js';
import { bestRecord } from '../../src/discovery/srv-source.js';
import { baseDomainOf } from '../../src/discovery/mx-source.js';
import { parseAddress } from '../../src/discovery/discovery-context.js';

const doc = (servers: string) => `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="x">${servers}</emailProvider></clientConfig>`;
const server = (type: string, host: string, port: string, socket: string, user = '%EMAILADDRESS%', auth = ['password-cleartext']) =>
  `<incomingServer type="${type}"><hostname>${host}</hostname><port>${port}</port><socketType>${socket}</socketType><username>${user}</username>${auth.map((a) => `<authentication>${a}</authentication>`).join('')}</incomingServer>`;

describe('autoconfig documents', () => {
  it('fills the placeholders in host and user name', () => {
    expect(fillPlaceholders('%EMAILLOCALPART%.%EMAILDOMAIN%/%EMAILADDRESS%', 'ann@x.test')).toBe('ann.x.test/ann@x.test');
    const servers = parseAutoconfig(doc(server('imap', 'imap.%EMAILDOMAIN%', '993', 'SSL', '%EMAILLOCALPART%')), 'ann@Example.test');
    expect(servers).toEqual([{ protocol: 'imap', security: 'tls', host: 'imap.example.test', port: 993, user: 'ann', auth: 'password' }]);
  });

  it('maps socket types and authentication; drops plaintext, unknown auth and bad hosts or ports', () => {
    const servers = parseAutoconfig(doc([
      server('pop3', 'pop.x.test', '110', 'STARTTLS', undefined, ['NTLM', 'password-encrypted']),
      server('imap', 'imap.x.test', '143', 'plain'),
      server('imap', 'imap.x.test', '993', 'SSL', undefined, ['GSSAPI']),
      server('imap', 'imap.x.test/../evil', '993', 'SSL'),
      server('imap', 'imap.x.test', '99999', 'SSL'),
      server('smtp', 'smtp.x.test', '465', 'SSL'),
      server('imap', 'oauth.x.test', '993', 'SSL', undefined, ['OAuth2', 'password-cleartext']),
      server('imap', 'imap.x.test', '993', 'SSL', 'a\nb'),
    ].join('')), 'a@x.test');
    expect(servers).toEqual([
      { protocol: 'pop3', security: 'starttls', host: 'pop.x.test', port: 110, user: 'a@x.test', auth: 'password' },
      { protocol: 'imap', security: 'tls', host: 'oauth.x.test', port: 993, user: 'a@x.test', auth: 'oauth2' },
    ]);
  });

  it('refuses DTDs and entity definitions (no expansion bombs) and malformed XML', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>${doc(server('imap', 'imap.x.test', '993', 'SSL', '&b;'))}`;
    expect(() => parseAutoconfig(bomb, 'a@x.test')).toThrow(AutoconfigError);
    expect(() => parseAutoconfig('<clientConfig><emailProvider>', 'a@x.test')).toThrow(/not well-formed/);
    expect(() => parseAutoconfig('<html><body>404</body></html>', 'a@x.test')).toThrow(/no <clientConfig>/);
  });

  it('takes at most ten servers', () => {
    const many = Array.from({ length: 50 }, (_, index) => server('imap', `imap${index}.x.test`, '993', 'SSL')).join('');
    expect(parseAutoconfig(doc(many), 'a@x.test')).toHaveLength(10);
  });
});

describe('SRV, MX and addresses', () => {
  it('SRV: lowest priority, then highest weight; "." and port 0 are not offered', () => {
    expect(bestRecord([
      { name: 'b.test', port: 993, priority: 10, weight: 5 }, { name: 'a.test', port: 993, priority: 5, weight: 1 },
      { name: 'c.test', port: 993, priority: 5, weight: 9 },
    ])?.name).toBe('c.test');
    expect(bestRecord([{ name: '.', port: 0, priority: 0, weight: 0 }])).toBeUndefined();
    expect(bestRecord([{ name: '', port: 0, priority: 0, weight: 0 }])).toBeUndefined();
  });

  it('an MX host\'s base domain, with two-level country suffixes', () => {
    expect(baseDomainOf('mx1.mailhost.test.')).toBe('mailhost.test');
    expect(baseDomainOf('mx.corp.com.cn')).toBe('corp.com.cn');
    expect(baseDomainOf('smtp.corp.co.uk')).toBe('corp.co.uk');
  });

  it('addresses: the domain lower-cased; nonsense refused in our words', () => {
    expect(parseAddress(' Ann@Example.TEST ')).toEqual({ address: 'Ann@example.test', domain: 'example.test' });
    expect(() => parseAddress('ann')).toThrow(/not an email address/);
    expect(() => parseAddress('ann@localhost')).toThrow(/not a mail domain/);
    expect(() => parseAddress('ann@exa mple.test')).toThrow(/no spaces/);
    expect(() => parseAddress('ann@x_y.test')).toThrow(/not a mail domain/);
  });
});
