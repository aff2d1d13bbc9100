// Built-in provider knowledge: reviewed like code, one entry per provider, each tested
// (test/unit/builtin-providers.test.ts) and listed in README's table. Incoming servers are listed
// best first; implicit TLS everywhere (RFC 8314). `auth` is what the provider accepts from a mail
// client, the one Mailbeacon uses first: Microsoft accepts only OAuth2; Gmail, Yahoo, AOL, iCloud,
// Yandex and Fastmail an app password; QQ, 163, 126, yeah.net, 139 and 189 an authorization code
// (授权码) generated in the web settings after IMAP/POP3 is switched on there.
// `mx` lists the suffixes of MX host names that mean "this domain's mail is hosted here": how a
// company domain on Google Workspace, Microsoft 365, Tencent Exmail or NetEase is recognised.
import type { AuthKind, Hint } from './discovery-types.js';

export interface ProviderServer { protocol: 'imap' | 'pop3'; host: string; port: number }

export interface Provider {
  id: string;
  name: string;
  /** Mail domains served by this provider (addresses ending in "@" + one of them). */
  domains: string[];
  /** MX host name suffixes of domains hosted here (a company domain on this provider). */
  mx: string[];
  incoming: ProviderServer[];
  auth: AuthKind;
  hint: Hint;
  /** Protocol quirks the client must honour; Mailbeacon sends the IMAP ID command to every server. */
  quirks: Array<'imap-id'>;
}

const imap = (host: string): ProviderServer => ({ protocol: 'imap', host, port: 993 });
const pop3 = (host: string): ProviderServer => ({ protocol: 'pop3', host, port: 995 });

export const BUILTIN_PROVIDERS: readonly Provider[] = [
  {
    id: 'gmail', name: 'Gmail / Google Workspace',
    domains: ['gmail.com', 'googlemail.com'],
    mx: ['aspmx.l.google.com', 'googlemail.com', 'smtp.google.com'],
    incoming: [imap('imap.gmail.com'), pop3('pop.gmail.com')],
    auth: 'app-password',
    hint: {
      en: 'Google refuses your normal password here: create an app password (Google Account → Security → 2-Step Verification → App passwords) and enter it instead.',
      'zh-CN': 'Google 不接受普通密码：请在 Google 账号 → 安全性 → 两步验证 → 应用专用密码 中生成应用专用密码，并在此处填写。',
    },
    quirks: [],
  },
  {
    id: 'microsoft', name: 'Outlook.com / Microsoft 365',
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'outlook.de', 'outlook.fr', 'hotmail.co.uk', 'hotmail.fr', 'live.cn'],
    mx: ['mail.protection.outlook.com', 'olc.protection.outlook.com'],
    incoming: [imap('outlook.office365.com'), pop3('outlook.office365.com')],
    auth: 'oauth2',
    hint: {
      en: 'Microsoft no longer accepts passwords for IMAP or POP3: this account needs "Sign in with Microsoft" (OAuth2).',
      'zh-CN': 'Microsoft 已不再接受以密码登录 IMAP 或 POP3：此账户需要“使用 Microsoft 登录”（OAuth2）。',
    },
    quirks: [],
  },
  {
    id: 'yahoo', name: 'Yahoo Mail',
    domains: ['yahoo.com', 'ymail.com', 'rocketmail.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.com.tw', 'yahoo.com.hk'],
    mx: ['yahoodns.net'],
    incoming: [imap('imap.mail.yahoo.com'), pop3('pop.mail.yahoo.com')],
    auth: 'app-password',
    hint: {
      en: 'Yahoo needs an app password: Account Info → Account security → Generate app password.',
      'zh-CN': 'Yahoo 需要应用密码：账户信息 → 账户安全 → 生成应用密码。',
    },
    quirks: [],
  },
  {
    id: 'aol', name: 'AOL Mail',
    domains: ['aol.com', 'aim.com'],
    mx: [],
    incoming: [imap('imap.aol.com'), pop3('pop.aol.com')],
    auth: 'app-password',
    hint: {
      en: 'AOL needs an app password: Account Info → Account security → Generate app password.',
      'zh-CN': 'AOL 需要应用密码：账户信息 → 账户安全 → 生成应用密码。',
    },
    quirks: [],
  },
  {
    id: 'icloud', name: 'iCloud Mail',
    domains: ['icloud.com', 'me.com', 'mac.com'],
    mx: ['mail.icloud.com'],
    incoming: [imap('imap.mail.me.com')],
    auth: 'app-password',
    hint: {
      en: 'iCloud needs an app-specific password: appleid.apple.com → Sign-In and Security → App-Specific Passwords.',
      'zh-CN': 'iCloud 需要 App 专用密码：在 appleid.apple.com → 登录与安全 → App 专用密码 中生成。',
    },
    quirks: [],
  },
  {
    id: 'gmx', name: 'GMX',
    domains: ['gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch'],
    mx: ['gmx.net'],
    incoming: [imap('imap.gmx.net'), pop3('pop.gmx.net')],
    auth: 'password',
    hint: {
      en: 'Switch on "POP3 and IMAP access" in GMX\'s settings (E-Mail → Settings → POP3 & IMAP) first.',
      'zh-CN': '请先在 GMX 设置中开启“POP3 和 IMAP 访问”（邮件 → 设置 → POP3 & IMAP）。',
    },
    quirks: [],
  },
  {
    id: 'gmx-com', name: 'GMX (international)',
    domains: ['gmx.com', 'gmx.us', 'gmx.co.uk', 'gmx.fr', 'gmx.es'],
    mx: ['gmx.com'],
    incoming: [imap('imap.gmx.com'), pop3('pop.gmx.com')],
    auth: 'password',
    hint: {
      en: 'Switch on "POP3 and IMAP access" in GMX\'s settings (E-Mail → Settings → POP3 & IMAP) first.',
      'zh-CN': '请先在 GMX 设置中开启“POP3 和 IMAP 访问”（邮件 → 设置 → POP3 & IMAP）。',
    },
    quirks: [],
  },
  {
    id: 'yandex', name: 'Yandex Mail',
    domains: ['yandex.ru', 'yandex.com', 'ya.ru', 'yandex.by', 'yandex.kz', 'yandex.ua'],
    mx: ['mx.yandex.net', 'mx.yandex.ru'],
    incoming: [imap('imap.yandex.com'), pop3('pop.yandex.com')],
    auth: 'app-password',
    hint: {
      en: 'Switch on IMAP in Yandex Mail\'s settings (Email clients) and use an app password (Yandex ID → Security → App passwords).',
      'zh-CN': '请在 Yandex 邮箱设置（邮件客户端）中开启 IMAP，并使用应用密码（Yandex ID → 安全 → 应用密码）。',
    },
    quirks: [],
  },
  {
    id: 'zoho', name: 'Zoho Mail',
    domains: ['zoho.com', 'zohomail.com'],
    mx: ['mx.zoho.com', 'mx2.zoho.com', 'mx3.zoho.com'],
    incoming: [imap('imap.zoho.com'), pop3('pop.zoho.com')],
    auth: 'password',
    hint: {
      en: 'Switch on IMAP (or POP) access in Zoho Mail\'s settings (Mail Accounts); with two-factor sign-in use an application-specific password.',
      'zh-CN': '请在 Zoho Mail 设置（邮件账户）中开启 IMAP（或 POP）访问；若启用了双重验证，请使用应用专用密码。',
    },
    quirks: [],
  },
  {
    id: 'fastmail', name: 'Fastmail',
    domains: ['fastmail.com', 'fastmail.fm', 'fastmail.cn', 'fastmail.net', 'fastmail.org', 'messagingengine.com'],
    mx: ['messagingengine.com'],
    incoming: [imap('imap.fastmail.com'), pop3('pop.fastmail.com')],
    auth: 'app-password',
    hint: {
      en: 'Fastmail needs an app password with IMAP (or POP) access: Settings → Privacy & Security → Manage app passwords.',
      'zh-CN': 'Fastmail 需要具有 IMAP（或 POP）权限的应用密码：设置 → 隐私与安全 → 管理应用密码。',
    },
    quirks: [],
  },
  {
    id: 'qq', name: 'QQ Mail / Foxmail',
    domains: ['qq.com', 'foxmail.com', 'vip.qq.com'],
    mx: ['mx1.qq.com', 'mx2.qq.com', 'mx3.qq.com'],
    incoming: [imap('imap.qq.com'), pop3('pop.qq.com')],
    auth: 'authorization-code',
    hint: {
      en: 'Enable IMAP in QQ Mail\'s settings (Settings → Account → POP3/IMAP/SMTP service) and use the authorization code (授权码) it gives you, not your QQ password.',
      'zh-CN': '请在 QQ 邮箱“设置 → 账户 → POP3/IMAP/SMTP 服务”中开启 IMAP，并使用生成的授权码登录，而不是 QQ 密码。',
    },
    quirks: [],
  },
  {
    id: 'exmail', name: 'Tencent Exmail (腾讯企业邮箱)',
    domains: ['exmail.qq.com'],
    mx: ['mxbiz1.qq.com', 'mxbiz2.qq.com'],
    incoming: [imap('imap.exmail.qq.com'), pop3('pop.exmail.qq.com')],
    auth: 'password',
    hint: {
      en: 'Enable IMAP/POP in Exmail\'s settings (Settings → Client settings); if secure login (WeChat) is on, generate a client-specific password and use it here.',
      'zh-CN': '请在企业邮箱“设置 → 客户端设置”中开启 IMAP/POP 服务；若开启了安全登录（微信动态密码），请生成客户端专用密码并在此填写。',
    },
    quirks: [],
  },
  {
    id: '163', name: 'NetEase 163 Mail',
    domains: ['163.com'],
    mx: ['163mx00.mxmail.netease.com', '163mx01.mxmail.netease.com', '163mx02.mxmail.netease.com', '163mx03.mxmail.netease.com'],
    incoming: [imap('imap.163.com'), pop3('pop.163.com')],
    auth: 'authorization-code',
    hint: {
      en: 'Switch on IMAP/SMTP in 163 Mail\'s settings (Settings → POP3/SMTP/IMAP) and use the authorization code it gives you, not your 163 password.',
      'zh-CN': '请在 163 邮箱“设置 → POP3/SMTP/IMAP”中开启 IMAP/SMTP 服务，并使用生成的授权码登录，而不是邮箱密码。',
    },
    quirks: ['imap-id'],
  },
  {
    id: '126', name: 'NetEase 126 Mail',
    domains: ['126.com'],
    mx: ['126mx00.mxmail.netease.com', '126mx01.mxmail.netease.com', '126mx02.mxmail.netease.com'],
    incoming: [imap('imap.126.com'), pop3('pop.126.com')],
    auth: 'authorization-code',
    hint: {
      en: 'Switch on IMAP/SMTP in 126 Mail\'s settings (Settings → POP3/SMTP/IMAP) and use the authorization code it gives you, not your 126 password.',
      'zh-CN': '请在 126 邮箱“设置 → POP3/SMTP/IMAP”中开启 IMAP/SMTP 服务，并使用生成的授权码登录，而不是邮箱密码。',
    },
    quirks: ['imap-id'],
  },
  {
    id: 'yeah', name: 'NetEase yeah.net',
    domains: ['yeah.net'],
    mx: ['yeahmx00.mxmail.netease.com', 'yeahmx01.mxmail.netease.com'],
    incoming: [imap('imap.yeah.net'), pop3('pop.yeah.net')],
    auth: 'authorization-code',
    hint: {
      en: 'Switch on IMAP/SMTP in yeah.net\'s settings (Settings → POP3/SMTP/IMAP) and use the authorization code it gives you, not your password.',
      'zh-CN': '请在 yeah.net 邮箱“设置 → POP3/SMTP/IMAP”中开启 IMAP/SMTP 服务，并使用生成的授权码登录，而不是邮箱密码。',
    },
    quirks: ['imap-id'],
  },
  {
    id: 'netease-qiye', name: 'NetEase Enterprise Mail (网易企业邮箱)',
    domains: ['qiye.163.com'],
    mx: ['qiye.163.com', 'qiye163mx01.mxmail.netease.com', 'qiye163mx02.mxmail.netease.com'],
    incoming: [imap('imap.qiye.163.com'), pop3('pop.qiye.163.com')],
    auth: 'password',
    hint: {
      en: 'Your administrator may require a client authorization password: create one in the web mail (Settings → Client authorization password) if your password is refused.',
      'zh-CN': '管理员可能要求使用客户端授权密码：若密码被拒绝，请在网页邮箱“设置 → 客户端授权密码”中生成并使用。',
    },
    quirks: ['imap-id'],
  },
  {
    id: 'sina', name: 'Sina Mail',
    domains: ['sina.com', 'vip.sina.com'],
    mx: ['sina.com'],
    incoming: [imap('imap.sina.com'), pop3('pop.sina.com')],
    auth: 'authorization-code',
    hint: {
      en: 'Switch on IMAP/POP in Sina Mail\'s settings (Settings → Client POP/IMAP/SMTP) and use the client authorization code it gives you.',
      'zh-CN': '请在新浪邮箱“设置 → 客户端 POP/IMAP/SMTP”中开启服务，并使用生成的客户端授权码登录。',
    },
    quirks: [],
  },
  {
    id: 'sina-cn', name: 'Sina Mail (sina.cn)',
    domains: ['sina.cn'],
    mx: ['sina.cn'],
    incoming: [imap('imap.sina.cn'), pop3('pop.sina.cn')],
    auth: 'authorization-code',
    hint: {
      en: 'Switch on IMAP/POP in Sina Mail\'s settings (Settings → Client POP/IMAP/SMTP) and use the client authorization code it gives you.',
      'zh-CN': '请在新浪邮箱“设置 → 客户端 POP/IMAP/SMTP”中开启服务，并使用生成的客户端授权码登录。',
    },
    quirks: [],
  },
  {
    id: 'sohu', name: 'Sohu Mail',
    domains: ['sohu.com'],
    mx: ['mx.sohu.com', 'sohumx.h.a.sohu.com'],
    incoming: [imap('imap.sohu.com'), pop3('pop3.sohu.com')],
    auth: 'password',
    hint: {
      en: 'Switch on POP3/SMTP/IMAP in Sohu Mail\'s settings (Options → POP3/SMTP/IMAP) and log in with the independent password set there.',
      'zh-CN': '请在搜狐邮箱“选项 → POP3/SMTP/IMAP”中开启服务，并使用在那里设置的独立密码登录。',
    },
    quirks: [],
  },
  {
    id: 'aliyun', name: 'Aliyun Mail (阿里邮箱 personal)',
    domains: ['aliyun.com'],
    mx: ['mx1.aliyun.com', 'mx2.aliyun.com'],
    incoming: [imap('imap.aliyun.com'), pop3('pop3.aliyun.com')],
    auth: 'password',
    hint: {
      en: 'Switch on IMAP/POP3 in Aliyun Mail\'s settings (Settings → POP3/SMTP and IMAP/SMTP) first.',
      'zh-CN': '请先在阿里邮箱“设置 → POP3/SMTP 和 IMAP/SMTP”中开启服务。',
    },
    quirks: [],
  },
  {
    id: 'aliyun-qiye', name: 'Aliyun Enterprise Mail (阿里企业邮箱)',
    domains: ['qiye.aliyun.com'],
    mx: ['mxhichina.com'],
    incoming: [imap('imap.qiye.aliyun.com'), pop3('pop.qiye.aliyun.com')],
    auth: 'password',
    hint: {
      en: 'Your administrator must allow IMAP/POP for your mailbox; if three-party client security is on, generate a client password in the web mail.',
      'zh-CN': '需要管理员为您的邮箱开启 IMAP/POP；若启用了三方客户端安全密码，请在网页邮箱中生成并使用该密码。',
    },
    quirks: [],
  },
  {
    id: '139', name: 'China Mobile 139 Mail',
    domains: ['139.com'],
    mx: ['mx1.mail.139.com', 'mx2.mail.139.com'],
    incoming: [imap('imap.139.com'), pop3('pop.139.com')],
    auth: 'authorization-code',
    hint: {
      en: 'Switch on POP3/SMTP/IMAP in 139 Mail\'s settings (Settings → Client settings) and use the authorization code it gives you.',
      'zh-CN': '请在 139 邮箱“设置 → 客户端设置”中开启 POP3/SMTP/IMAP 服务，并使用生成的授权码登录。',
    },
    quirks: [],
  },
  {
    id: '189', name: 'China Telecom 189 Mail',
    domains: ['189.cn'],
    mx: ['mta-189.21cn.com'],
    incoming: [imap('imap.189.cn'), pop3('pop.189.cn')],
    auth: 'authorization-code',
    hint: {
      en: 'Switch on POP3/IMAP in 189 Mail\'s settings and use the client authorization code it gives you.',
      'zh-CN': '请在 189 邮箱设置中开启 POP3/IMAP 服务，并使用生成的客户端授权码登录。',
    },
    quirks: [],
  },
];
