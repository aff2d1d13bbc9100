// The built-in provider list, entry by entry: what each provider's servers, authentication and
// hint must be (written out here, not derived from the data), and how addresses and MX hosts map.
import { describe, expect, it } from 'vitest';
import { BUILTIN_PROVIDERS } from '../../src/discovery/builtin-providers.js';
import { builtinDiscovery, providerForDomain, providerForMx } from '../../src/discovery/builtin-source.js';

type Expected = { domain: string; imap: string; pop3: string | null; auth: string; en: RegExp; zh: RegExp; mx?: string; quirks?: string[] };

const EXPECTED: Record<string, Expected> = {
  gmail: { domain: 'gmail.com', imap: 'imap.gmail.com', pop3: 'pop.gmail.com', auth: 'app-password', en: /app password/, zh: /应用专用密码/, mx: 'alt1.aspmx.l.google.com' },
  microsoft: { domain: 'hotmail.com', imap: 'outlook.office365.com', pop3: 'outlook.office365.com', auth: 'oauth2', en: /Sign in with Microsoft/, zh: /OAuth2/, mx: 'corp-com.mail.protection.outlook.com' },
  yahoo: { domain: 'yahoo.com', imap: 'imap.mail.yahoo.com', pop3: 'pop.mail.yahoo.com', auth: 'app-password', en: /app password/, zh: /应用密码/, mx: 'mta5.am0.yahoodns.net' },
  aol: { domain: 'aol.com', imap: 'imap.aol.com', pop3: 'pop.aol.com', auth: 'app-password', en: /app password/, zh: /应用密码/ },
  icloud: { domain: 'me.com', imap: 'imap.mail.me.com', pop3: null, auth: 'app-password', en: /app-specific password/, zh: /App 专用密码/, mx: 'mx01.mail.icloud.com' },
  gmx: { domain: 'gmx.de', imap: 'imap.gmx.net', pop3: 'pop.gmx.net', auth: 'password', en: /POP3 and IMAP access/, zh: /IMAP 访问/ },
  'gmx-com': { domain: 'gmx.com', imap: 'imap.gmx.com', pop3: 'pop.gmx.com', auth: 'password', en: /POP3 and IMAP access/, zh: /IMAP 访问/ },
  yandex: { domain: 'yandex.ru', imap: 'imap.yandex.com', pop3: 'pop.yandex.com', auth: 'app-password', en: /app password/, zh: /应用密码/, mx: 'mx.yandex.net' },
  zoho: { domain: 'zoho.com', imap: 'imap.zoho.com', pop3: 'pop.zoho.com', auth: 'password', en: /IMAP \(or POP\) access/, zh: /IMAP/, mx: 'mx.zoho.com' },
  fastmail: { domain: 'fastmail.com', imap: 'imap.fastmail.com', pop3: 'pop.fastmail.com', auth: 'app-password', en: /app password/, zh: /应用密码/, mx: 'in1-smtp.messagingengine.com' },
  qq: { domain: 'foxmail.com', imap: 'imap.qq.com', pop3: 'pop.qq.com', auth: 'authorization-code', en: /authorization code .*not your QQ password/, zh: /授权码/ },
  exmail: { domain: 'exmail.qq.com', imap: 'imap.exmail.qq.com', pop3: 'pop.exmail.qq.com', auth: 'password', en: /client-specific password/, zh: /客户端专用密码/, mx: 'mxbiz1.qq.com' },
  163: { domain: '163.com', imap: 'imap.163.com', pop3: 'pop.163.com', auth: 'authorization-code', en: /authorization code/, zh: /授权码/, mx: '163mx01.mxmail.netease.com', quirks: ['imap-id'] },
  126: { domain: '126.com', imap: 'imap.126.com', pop3: 'pop.126.com', auth: 'authorization-code', en: /authorization code/, zh: /授权码/, quirks: ['imap-id'] },
  yeah: { domain: 'yeah.net', imap: 'imap.yeah.net', pop3: 'pop.yeah.net', auth: 'authorization-code', en: /authorization code/, zh: /授权码/, quirks: ['imap-id'] },
  'netease-qiye': { domain: 'qiye.163.com', imap: 'imap.qiye.163.com', pop3: 'pop.qiye.163.com', auth: 'password', en: /client authorization password/, zh: /客户端授权密码/, mx: 'qiye163mx01.mxmail.netease.com', quirks: ['imap-id'] },
  sina: { domain: 'sina.com', imap: 'imap.sina.com', pop3: 'pop.sina.com', auth: 'authorization-code', en: /authorization code/, zh: /授权码/ },
  'sina-cn': { domain: 'sina.cn', imap: 'imap.sina.cn', pop3: 'pop.sina.cn', auth: 'authorization-code', en: /authorization code/, zh: /授权码/ },
  sohu: { domain: 'sohu.com', imap: 'imap.sohu.com', pop3: 'pop3.sohu.com', auth: 'password', en: /independent password/, zh: /独立密码/ },
  aliyun: { domain: 'aliyun.com', imap: 'imap.aliyun.com', pop3: 'pop3.aliyun.com', auth: 'password', en: /IMAP\/POP3/, zh: /开启服务/ },
  'aliyun-qiye': { domain: 'qiye.aliyun.com', imap: 'imap.qiye.aliyun.com', pop3: 'pop.qiye.aliyun.com', auth: 'password', en: /administrator/, zh: /管理员/, mx: 'mxw.mxhichina.com' },
  139: { domain: '139.com', imap: 'imap.139.com', pop3: 'pop.139.com', auth: 'authorization-code', en: /authorization code/, zh: /授权码/ },
  189: { domain: '189.cn', imap: 'imap.189.cn', pop3: 'pop.189.cn', auth: 'authorization-code', en: /authorization code/, zh: /授权码/ },
};

describe('built-in providers', () => {
  it('lists exactly the providers this test knows, each once, every domain with one provider', () => {
    expect(BUILTIN_PROVIDERS.map((provider) => provider.id).sort()).toEqual(Object.keys(EXPECTED).sort());
    const domains = BUILTIN_PROVIDERS.flatMap((provider) => provider.domains);
    expect(new Set(domains).size).toBe(domains.length);
  });

  it.each(Object.entries(EXPECTED))('%s: servers, authentication, hint in both languages', (id, expected) => {
    const provider = BUILTIN_PROVIDERS.find((entry) => entry.id === id)!;
    expect(providerForDomain(expected.domain)?.id).toBe(id);
    expect(provider.incoming).toEqual([
      { protocol: 'imap', host: expected.imap, port: 993 },
      ...(expected.pop3 ? [{ protocol: 'pop3', host: expected.pop3, port: 995 }] : []),
    ]);
    expect(provider.auth).toBe(expected.auth);
    expect(provider.hint.en).toMatch(expected.en);
    expect(provider.hint['zh-CN']).toMatch(expected.zh);
    // The English hint is English and the Chinese one Chinese (a stray untranslated hint fails here).
    expect(provider.hint.en.replace(/\(授权码\)|\(腾讯企业邮箱\)/g, '')).not.toMatch(/[\u4e00-\u9fff]/);
    expect(provider.hint['zh-CN']).toMatch(/[\u4e00-\u9fff]{4}/);
    expect(provider.quirks).toEqual(expected.quirks ?? []);
    if (expected.mx) expect(providerForMx(expected.mx)?.id).toBe(id);
    const found = builtinDiscovery(`someone@${expected.domain}`, expected.domain)!;
    expect(found).toMatchObject({ source: 'builtin', trusted: true });
    expect(found.incoming.every((server) => server.security === 'tls' && server.user === `someone@${expected.domain}`)).toBe(true);
  });

  it('an MX host only matches at a label boundary', () => {
    expect(providerForMx('evilqq.com')).toBeUndefined();
    expect(providerForMx('mxbiz1.qq.com.evil.test')).toBeUndefined();
    expect(providerForMx('MXBIZ2.QQ.COM.')?.id).toBe('exmail');
  });
});
