// Every user-facing string of the app, in English and Simplified Chinese, for i18next. Shared by the
// window (renderer/) and the shell (tray menu, notifications in main/).
export const SUPPORTED_LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

/** The OS locale (`zh`, `zh-CN`, `zh-Hans-CN`, `en-GB`, …) mapped onto a language we have. */
export function pickLanguage(setting: 'system' | Language, systemLocale: string): Language {
  if (setting !== 'system') return setting;
  return /^zh\b/i.test(systemLocale) && !/^zh-(TW|HK|MO|Hant)/i.test(systemLocale) ? 'zh-CN' : 'en';
}

const en = {
  app: { title: 'Mailbeacon' },
  state: { ok: 'OK', error: 'Problem', 'needs-password': 'Needs password', paused: 'Paused', 'needs-sign-in': 'Needs sign-in' },
  reason: {
    rejected: 'The server refused the password',
    'closed-by-server': 'The server closed the connection',
    network: 'No network — will retry',
    timeout: 'The server did not answer in time — will retry',
    tls: 'The server’s certificate could not be verified',
    'not-found': 'The server name does not exist — check the host name',
    'credentials-missing': 'No saved password for this account — enter it',
    'sign-in-needed': 'The sign-in expired or was revoked — sign in again',
    protocol: 'The server sent something Mailbeacon cannot accept — will retry later',
    internal: 'Internal error in Mailbeacon — see the log reference',
  },
  accounts: {
    heading: 'Accounts', empty: 'No accounts yet. Add one to start checking mail.', add: 'Add account',
    unread: 'Unread', messages: 'Messages', lastCheck: 'Last check', nextCheck: 'Next check', failures: 'Failed logins in a row',
    never: 'never', notScheduled: 'not scheduled', checkNow: 'Check now', pause: 'Pause', resume: 'Resume',
    edit: 'Edit', remove: 'Remove', confirmRemove: 'Remove {{user}}? Its saved password is deleted from the keychain.',
    inMinutes: 'in {{count}} min', inSeconds: 'in {{count}} s', ago: '{{time}}',
    enterPassword: 'Enter password', signInAgain: 'Sign in again',
    deferred: 'To keep the account from being locked, the next login is at {{time}} ({{count}} failed in a row).',
    tryAnyway: 'Try now anyway', tryAnywayRisk: 'Another refused login brings a lockout closer.',
  },
  discover: {
    address: 'Email address', continue: 'Continue', manual: 'Set up manually', looking: 'Looking up the settings for {{domain}}…',
    foundBy: 'Settings found in {{source}}', provider: 'Provider: {{name}}',
    source: {
      builtin: 'Mailbeacon’s list of providers', autoconfig: 'your domain’s published settings', ispdb: 'the shared settings database',
      srv: 'your domain’s DNS records', mx: 'your domain’s mail host (DNS)', guess: 'a guess, checked without your password',
    },
    server: '{{protocol}} · {{host}}:{{port}} · {{security}}',
    untrusted: 'This server was found over DNS, an unencrypted connection or by guessing ({{from}}), which someone on your network could fake. Use it only if it is your provider’s server.',
    use: 'Use this server', useUnverified: 'Yes, this is my provider’s server',
    signIn: 'Sign in with {{provider}}', signInWaiting: 'Finish signing in in your browser…',
    checkingServer: 'Checking that {{host}} answers…',
    oauth2Only: 'This provider only accepts “Sign in with {{provider}}” (OAuth2), which this version of Mailbeacon cannot do yet.',
    notFound: 'No settings were found for {{domain}}. Enter your provider’s server below (we filled in the most likely one).',
    probeFailed: '{{host}} did not answer as a mail server should: {{reason}}. Check the server below, or try again later.',
    needAddress: 'Enter your email address (name@example.com).', needPassword: 'Enter the password.',
    auth: {
      password: 'Log in with your password', 'app-password': 'Log in with an app password', 'authorization-code': 'Log in with the authorization code (授权码)', oauth2: 'Sign in with OAuth2',
    },
  },
  form: {
    addTitle: 'Add account', editTitle: 'Edit account', user: 'Address or user name', password: 'Password',
    protocol: 'Protocol', host: 'Server', port: 'Port', security: 'Security',
    securityTls: 'TLS', securityStarttls: 'STARTTLS', securityPlaintext: 'None (plaintext)',
    plaintextRisk: 'I understand the risk: my password and mail travel unencrypted',
    interval: 'Check every (minutes)', webmail: 'Mail client or webmail link (optional)',
    test: 'Test connection', testing: 'Testing…', testOk: 'Connected: {{count}} messages', save: 'Save', cancel: 'Cancel',
    invalid: 'Please correct the highlighted fields.',
    errors: {
      user: 'Address or user name: enter it.', password: 'Password: enter it.', host: 'Server: enter its name, e.g. imap.example.com.',
      port: 'Port: a number from 1 to 65535.', intervalMinutes: 'Check every: a number of minutes from 1 to 1440.',
      webmailUrl: 'Link: it must start with https://, http:// or mailto:.', plaintextRiskAccepted: 'Security: confirm that you understand the plaintext risk, or choose TLS.',
      protocol: 'Protocol: choose IMAP or POP3.', security: 'Security: choose one.',
    },
  },
  credentials: {
    title: 'Password needed for {{user}}',
    explain: 'The server no longer accepts the saved password. Mailbeacon keeps checking at a growing interval so your account is not locked; enter the current password to continue.',
    newPassword: 'Current password', submit: 'Save and check now', checking: 'Checking…', success: 'Signed in. Checking resumes at the normal interval.',
    successTitle: 'Signed in as {{user}}', ok: 'OK', serverSaid: 'The server said: ',
    cancel: 'Not now',
    signInTitle: 'Sign in again for {{user}}',
    signInExplain: 'The provider no longer accepts Mailbeacon’s access (it expired, or was revoked, or the password changed). Nothing is sent to the server until you sign in again in your browser.',
    signInWaiting: 'Finish signing in in your browser…',
  },
  certificate: {
    title: 'Untrusted certificate for {{host}}:{{port}}',
    explain: 'The server presented a certificate that could not be verified. Trust it only if you know this server uses it.',
    subject: 'Subject', issuer: 'Issuer', validity: 'Valid', fingerprint: 'SHA-256 fingerprint',
    trust: 'Trust this certificate', cancel: 'Cancel',
  },
  settings: {
    heading: 'Settings', defaultInterval: 'Default check interval (minutes)', quietHours: 'Quiet hours (no notifications)',
    quietEnabled: 'Mute notifications during these hours', from: 'From', to: 'To', startAtLogin: 'Start Mailbeacon when I log in', notifications: 'Show notifications for new mail',
    language: 'Language', languageSystem: 'Same as the system', save: 'Save settings', saved: 'Saved.',
    errorInterval: 'Default check interval: a number of minutes from 1 to 1440.',
    errorQuietSame: 'Quiet hours: “From” and “To” must be different times.',
    errorQuietTime: 'Quiet hours: times are written HH:MM.',
  },
  migration: {
    open: 'Migrate old mailbox…', title: 'Migrate an old mailbox into {{user}}',
    explain: 'Copies every message of your old mailbox into this account, byte for byte. You can pause it; it resumes where it stopped, and nothing is copied twice.',
    fromPolicy: 'Your organisation named the old server.',
    user: 'User name on the old server (blank: the same as this account)', password: 'Password on the old server (blank: the one typed before, or this account’s if the old server is its own or your organisation’s)',
    plan: 'Check what would be copied', planning: 'Looking at the old mailbox…',
    summary: '{{toCopy}} of {{messages}} messages to copy ({{size}}); {{done}} already copied.',
    start: 'Start', pause: 'Pause', resume: 'Resume', paused: 'Paused — resume any time.', running: 'Copying…',
    progress: '{{done}} of {{total}} messages · {{bytes}} of {{totalBytes}}', rate: '{{rate}} messages/s · about {{eta}} left', folder: 'Folder: {{folder}}',
    report: 'Finished: {{copied}} copied, {{skipped}} already there, {{failed}} not copied.', failures: 'Not copied',
    retire: 'Stop re-syncing the old mailbox', retired: 'The old mailbox is retired: no more re-syncs.', close: 'Close',
    resyncNote: 'Mail still sent to the old address is copied at each later check until you retire the old mailbox.',
    progressLabel: 'Migration progress',
  },
  tray: {
    checkNow: 'Check now', enterPassword: 'Enter password for {{user}}…', signInAgain: 'Sign in again for {{user}}…', pauseAll: 'Pause all', resumeAll: 'Resume all', pauseOne: 'Pause {{user}}', resumeOne: 'Resume {{user}}',
    open: 'Open Mailbeacon', quit: 'Quit', tooltipLine: '{{user}}: {{state}}, {{next}}', unread: '{{count}} unread',
  },
  notify: {
    group: '{{count}} new messages', groupBody: 'From {{senders}}', noSubject: '(no subject)', noSender: '(unknown sender)',
    credentialsTitle: 'Password needed', credentialsBody: '{{user}}: the saved password is no longer accepted.',
  },
};

type Strings = typeof en;

const zhCN: Strings = {
  app: { title: 'Mailbeacon 邮件提醒' },
  state: { ok: '正常', error: '出现问题', 'needs-password': '需要密码', paused: '已暂停', 'needs-sign-in': '需要重新登录' },
  reason: {
    rejected: '服务器拒绝了密码',
    'closed-by-server': '服务器关闭了连接',
    network: '网络不可用——稍后重试',
    timeout: '服务器未及时响应——稍后重试',
    tls: '无法验证服务器证书',
    'not-found': '服务器名称不存在——请检查主机名',
    'credentials-missing': '此账户没有已保存的密码——请输入',
    'sign-in-needed': '登录授权已过期或被撤销——请重新登录',
    protocol: '服务器发送了 Mailbeacon 无法接受的内容——稍后重试',
    internal: 'Mailbeacon 内部错误——请查看日志编号',
  },
  accounts: {
    heading: '账户', empty: '还没有账户。添加一个账户即可开始检查邮件。', add: '添加账户',
    unread: '未读', messages: '邮件数', lastCheck: '上次检查', nextCheck: '下次检查', failures: '连续登录失败次数',
    never: '从未', notScheduled: '未安排', checkNow: '立即检查', pause: '暂停', resume: '恢复',
    edit: '编辑', remove: '删除', confirmRemove: '删除 {{user}}？其保存的密码将从钥匙串中删除。',
    inMinutes: '{{count}} 分钟后', inSeconds: '{{count}} 秒后', ago: '{{time}}',
    enterPassword: '输入密码', signInAgain: '重新登录',
    deferred: '为避免账户被锁定，下次登录时间为 {{time}}（已连续失败 {{count}} 次）。',
    tryAnyway: '仍然立即尝试', tryAnywayRisk: '再次登录失败会使账户更接近被锁定。',
  },
  discover: {
    address: '邮箱地址', continue: '继续', manual: '手动设置', looking: '正在查找 {{domain}} 的服务器设置…',
    foundBy: '已从{{source}}找到设置', provider: '服务商：{{name}}',
    source: {
      builtin: 'Mailbeacon 内置的服务商列表', autoconfig: '您的域名发布的设置', ispdb: '公共设置数据库',
      srv: '您的域名的 DNS 记录', mx: '您的域名的邮件主机（DNS）', guess: '推测（已在不发送密码的情况下验证）',
    },
    server: '{{protocol}} · {{host}}:{{port}} · {{security}}',
    untrusted: '此服务器是通过 DNS、未加密的连接或推测找到的（{{from}}），网络中的他人可能伪造。请仅在确认这是您的服务商的服务器时使用。',
    use: '使用此服务器', useUnverified: '是的，这是我的服务商的服务器',
    signIn: '使用 {{provider}} 登录', signInWaiting: '请在浏览器中完成登录…',
    checkingServer: '正在确认 {{host}} 是否响应…',
    oauth2Only: '该服务商只接受“使用 {{provider}} 登录”（OAuth2），当前版本的 Mailbeacon 暂不支持。',
    notFound: '未找到 {{domain}} 的设置。请在下方填写服务商的服务器（已填入最可能的服务器）。',
    probeFailed: '{{host}} 没有像邮件服务器那样响应：{{reason}}。请检查下方的服务器，或稍后再试。',
    needAddress: '请输入邮箱地址（例如 name@example.com）。', needPassword: '请输入密码。',
    auth: {
      password: '使用邮箱密码登录', 'app-password': '使用应用专用密码登录', 'authorization-code': '使用授权码登录', oauth2: '使用 OAuth2 登录',
    },
  },
  form: {
    addTitle: '添加账户', editTitle: '编辑账户', user: '邮箱地址或用户名', password: '密码',
    protocol: '协议', host: '服务器', port: '端口', security: '安全',
    securityTls: 'TLS', securityStarttls: 'STARTTLS', securityPlaintext: '无（明文）',
    plaintextRisk: '我了解风险：密码和邮件将以未加密方式传输',
    interval: '检查间隔（分钟）', webmail: '邮件客户端或网页邮箱链接（可选）',
    test: '测试连接', testing: '正在测试…', testOk: '已连接：{{count}} 封邮件', save: '保存', cancel: '取消',
    invalid: '请更正标出的字段。',
    errors: {
      user: '邮箱地址或用户名：请填写。', password: '密码：请填写。', host: '服务器：请填写服务器名称，例如 imap.example.com。',
      port: '端口：请输入 1 到 65535 之间的数字。', intervalMinutes: '检查间隔：请输入 1 到 1440 之间的分钟数。',
      webmailUrl: '链接：必须以 https://、http:// 或 mailto: 开头。', plaintextRiskAccepted: '安全：请确认您了解明文传输的风险，或选择 TLS。',
      protocol: '协议：请选择 IMAP 或 POP3。', security: '安全：请选择一项。',
    },
  },
  credentials: {
    title: '{{user}} 需要密码',
    explain: '服务器不再接受已保存的密码。为避免账户被锁定，Mailbeacon 会以逐渐延长的间隔继续检查；请输入当前密码以继续。',
    newPassword: '当前密码', submit: '保存并立即检查', checking: '正在检查…', success: '登录成功。将按正常间隔继续检查。',
    successTitle: '已登录 {{user}}', ok: '确定', serverSaid: '服务器返回：',
    cancel: '暂不',
    signInTitle: '为 {{user}} 重新登录',
    signInExplain: '服务商不再接受 Mailbeacon 的访问授权（已过期、被撤销或密码已更改）。在您于浏览器中重新登录之前，不会向服务器发送任何内容。',
    signInWaiting: '请在浏览器中完成登录…',
  },
  certificate: {
    title: '{{host}}:{{port}} 的证书不受信任',
    explain: '服务器提供的证书无法验证。只有在您确认该服务器使用此证书时才信任它。',
    subject: '使用者', issuer: '颁发者', validity: '有效期', fingerprint: 'SHA-256 指纹',
    trust: '信任此证书', cancel: '取消',
  },
  settings: {
    heading: '设置', defaultInterval: '默认检查间隔（分钟）', quietHours: '免打扰时段（不显示通知）',
    quietEnabled: '在此时段内不显示通知', from: '从', to: '到', startAtLogin: '登录时启动 Mailbeacon', notifications: '新邮件时显示通知',
    language: '语言', languageSystem: '跟随系统', save: '保存设置', saved: '已保存。',
    errorInterval: '默认检查间隔：请输入 1 到 1440 之间的分钟数。',
    errorQuietSame: '免打扰时段：“从”和“到”必须是不同的时间。',
    errorQuietTime: '免打扰时段：时间格式为 HH:MM。',
  },
  migration: {
    open: '迁移旧邮箱…', title: '将旧邮箱迁移到 {{user}}',
    explain: '将旧邮箱中的每封邮件原样复制到此账户。可以随时暂停，恢复后从中断处继续，不会重复复制。',
    fromPolicy: '旧服务器由您的组织指定。',
    user: '旧服务器上的用户名（留空：与此账户相同）', password: '旧服务器上的密码（留空：使用之前输入的密码；若旧服务器是本账户或贵组织指定的服务器，则使用本账户的密码）',
    plan: '查看将要复制的内容', planning: '正在查看旧邮箱…',
    summary: '共 {{messages}} 封邮件，需复制 {{toCopy}} 封（{{size}}）；已复制 {{done}} 封。',
    start: '开始', pause: '暂停', resume: '继续', paused: '已暂停——可随时继续。', running: '正在复制…',
    progress: '{{done}} / {{total}} 封邮件 · {{bytes}} / {{totalBytes}}', rate: '每秒 {{rate}} 封 · 约剩 {{eta}}', folder: '文件夹：{{folder}}',
    report: '完成：已复制 {{copied}} 封，已存在 {{skipped}} 封，未能复制 {{failed}} 封。', failures: '未能复制',
    retire: '停止同步旧邮箱', retired: '旧邮箱已停用：不再同步。', close: '关闭',
    resyncNote: '在您停用旧邮箱之前，每次检查时都会复制仍发送到旧地址的邮件。',
    progressLabel: '迁移进度',
  },
  tray: {
    checkNow: '立即检查', enterPassword: '输入 {{user}} 的密码…', signInAgain: '为 {{user}} 重新登录…', pauseAll: '全部暂停', resumeAll: '全部恢复', pauseOne: '暂停 {{user}}', resumeOne: '恢复 {{user}}',
    open: '打开 Mailbeacon', quit: '退出', tooltipLine: '{{user}}：{{state}}，{{next}}', unread: '{{count}} 封未读',
  },
  notify: {
    group: '{{count}} 封新邮件', groupBody: '来自 {{senders}}', noSubject: '（无主题）', noSender: '（未知发件人）',
    credentialsTitle: '需要密码', credentialsBody: '{{user}}：已保存的密码不再被接受。',
  },
};

export const resources = { en: { translation: en }, 'zh-CN': { translation: zhCN } } as const;
