// The one IPC contract between the window and the app: every channel with its request and response
// schema (validated at runtime in main before a handler runs), every push event, and the named
// functions the preload exposes. Nothing here touches Electron, so the same contract drives the
// test bridge used by the browser tests.
import { z } from 'zod';
import { FAILURE_REASONS } from '../protocols/failure-reasons.js';
import { WindowSettingsSchema } from '../settings/app-settings.js';
import { AUTH_KINDS, DISCOVERY_SOURCES } from '../discovery/discovery-types.js';

// The window sees and changes only its part of the settings (see WindowSettingsSchema).
export { LanguageSchema, WindowSettingsSchema as SettingsSchema, type WindowSettings as AppSettings } from '../settings/app-settings.js';

export const TrayStateSchema = z.enum(['ok', 'error', 'needs-password', 'paused']);
export const FailureReasonSchema = z.enum(FAILURE_REASONS);
export const ProtocolSchema = z.enum(['imap', 'pop3']);
export const SecuritySchema = z.enum(['tls', 'starttls', 'plaintext']);

const webLink = z.string().max(2048).refine((value) => value === '' || /^(https?:\/\/|mailto:)/i.test(value), {
  message: 'must start with http://, https:// or mailto:',
});
const hostName = z.string().trim().min(1).max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, 'a host name or an IP address');

export const AccountInputSchema = z.object({
  user: z.string().trim().min(1).max(320),
  protocol: ProtocolSchema,
  host: hostName,
  port: z.number().int().min(1).max(65535),
  security: SecuritySchema,
  /** Plaintext must be chosen twice: the security setting and this explicit acknowledgement. */
  plaintextRiskAccepted: z.boolean(),
  intervalMinutes: z.number().min(1).max(24 * 60),
  webmailUrl: webLink,
  password: z.string().min(1).max(1024),
}).refine((input) => input.security !== 'plaintext' || input.plaintextRiskAccepted, {
  message: 'plaintext needs the "I understand the risk" confirmation', path: ['plaintextRiskAccepted'],
});

export const DiscoveredServerSchema = z.object({
  protocol: ProtocolSchema, security: SecuritySchema, host: z.string(), port: z.number(), user: z.string(), auth: z.enum(AUTH_KINDS),
});

export const DiscoveryResultSchema = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true), source: z.enum(DISCOVERY_SOURCES), trusted: z.boolean(), provider: z.string().nullable(), from: z.string(),
    hint: z.object({ en: z.string(), 'zh-CN': z.string() }).nullable(), incoming: z.array(DiscoveredServerSchema),
    /** An OAuth2 sign-in is known for this address ("Sign in with …"). */
    signIn: z.boolean(),
  }),
  /** Nothing found: the manual form, prefilled with the most likely server. */
  z.object({ found: z.literal(false), bestGuess: DiscoveredServerSchema }),
]);

export const ProbeResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), reason: FailureReasonSchema, message: z.string() }),
]);

export const FailureSchema = z.object({ reason: FailureReasonSchema, message: z.string(), temporary: z.boolean() });

export const AccountViewSchema = z.object({
  url: z.string(),
  user: z.string(),
  protocol: ProtocolSchema,
  host: z.string(),
  port: z.number(),
  security: SecuritySchema,
  intervalMinutes: z.number(),
  webmailUrl: z.string(),
  state: TrayStateSchema,
  messages: z.number().nullable(),
  unread: z.number().nullable(),
  lastCheckAt: z.number().nullable(),
  nextCheckAt: z.number().nullable(),
  consecutiveFailures: z.number(),
  lastFailure: FailureSchema.nullable(),
  paused: z.boolean(),
  /** How it logs in: a saved password, or an OAuth2 grant ("Sign in again" when it lapses). */
  auth: z.enum(['password', 'oauth2']),
});

export const CertificateSchema = z.object({
  host: z.string(), port: z.number(), subject: z.string(), issuer: z.string(),
  validFrom: z.string(), validTo: z.string(), fingerprint256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
});


export const TestResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), messages: z.number(), unread: z.number().nullable() }),
  z.object({ ok: z.literal(false), reason: FailureReasonSchema, message: z.string(), certificate: CertificateSchema.optional() }),
]);

export const PendingSchema = z.object({
  credentials: z.array(z.object({ url: z.string(), message: z.string() })),
  certificates: z.array(CertificateSchema.extend({ url: z.string() })),
});

export const MigrationProgressSchema = z.object({
  done: z.number(), total: z.number(), bytes: z.number(), totalBytes: z.number(),
  rate: z.number(), etaSeconds: z.number().nullable(), folder: z.string(),
});

export const MigrationViewSchema = z.object({
  url: z.string(),
  status: z.enum(['not-started', 'running', 'failing', 'complete']),
  reason: z.string().nullable(),
  /** The old mailbox, once chosen (or given by policy). */
  source: z.string().nullable(),
  /** The old server the organisation's policy names for this account, if any. */
  policySource: z.string().nullable(),
  retired: z.boolean(),
  active: z.boolean(),
  copied: z.number().nullable(),
  skipped: z.number().nullable(),
  failed: z.number().nullable(),
  failures: z.array(z.object({ key: z.string(), folder: z.string(), size: z.number(), reason: z.string() })),
  progress: MigrationProgressSchema.nullable(),
});

/** The old mailbox as the wizard enters it; user and password default to the account's. */
export const MigrationSourceSchema = z.object({
  protocol: ProtocolSchema,
  host: hostName,
  port: z.number().int().min(1).max(65535),
  security: SecuritySchema,
  plaintextRiskAccepted: z.boolean(),
  user: z.string().trim().max(320),
  password: z.string().max(1024),
}).refine((input) => input.security !== 'plaintext' || input.plaintextRiskAccepted, {
  message: 'plaintext needs the "I understand the risk" confirmation', path: ['plaintextRiskAccepted'],
});

export const MigrationPlanSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), messages: z.number(), toCopy: z.number(), alreadyDone: z.number(), bytes: z.number() }),
  z.object({ ok: z.literal(false), reason: FailureReasonSchema, message: z.string(), certificate: CertificateSchema.optional() }),
]);

/** One attempt of an account's history (src/watch/account-history.ts). */
export const HistoryEntrySchema = z.discriminatedUnion('outcome', [
  z.object({ at: z.string(), outcome: z.literal('checked'), messages: z.number(), unseen: z.number().nullable(), newMessages: z.number(), nextCheckMs: z.number().nullable() }),
  z.object({
    at: z.string(), outcome: z.literal('login-failed'), reason: FailureReasonSchema, temporary: z.boolean(), afterLogin: z.boolean(),
    failedLoginCounted: z.boolean(), consecutiveFailures: z.number(), nextCheckMs: z.number().nullable(), serverSaid: z.string(),
  }),
  z.object({ at: z.string(), outcome: z.literal('credentials-needed') }),
]);
export type HistoryEntryView = z.output<typeof HistoryEntrySchema>;

const target = z.object({ url: z.string().min(1) });
const optionalTarget = z.object({ url: z.string().min(1).optional() });
const nothing = z.undefined();

/** channel → request and response schemas. */
export const invokeContract = {
  'accounts:list': { request: nothing, response: z.array(AccountViewSchema) },
  'accounts:add': { request: AccountInputSchema, response: AccountViewSchema },
  'accounts:update': {
    request: z.object({ url: z.string().min(1), intervalMinutes: z.number().min(1).max(24 * 60), webmailUrl: webLink }),
    response: AccountViewSchema,
  },
  'accounts:remove': { request: target, response: nothing },
  'accounts:test': { request: AccountInputSchema, response: TestResultSchema },
  /** Server settings for an address; nothing is sent to any server but DNS and HTTPS questions. */
  'accounts:discover': { request: z.object({ address: z.string().trim().min(3).max(320) }), response: DiscoveryResultSchema },
  /** Does this server answer as a mail server (TLS verified, greeting)? No user name or password is sent. */
  /** Discovery (in main) names where to sign in; the page gives only the address. Resolves when
   * the user finished in the browser and the account is saved. */
  'accounts:sign-in': { request: z.object({ address: z.string().trim().min(3).max(320) }), response: AccountViewSchema },
  'accounts:reauthorize': { request: target, response: nothing },
  'accounts:probe': {
    request: z.object({ protocol: ProtocolSchema, security: SecuritySchema, host: hostName, port: z.number().int().min(1).max(65535) }),
    response: ProbeResultSchema,
  },
  'accounts:check-now': {
    request: z.object({ url: z.string().min(1).optional(), force: z.boolean().optional() }),
    response: z.object({
      /** When the lockout guard allows the next login (epoch ms), if it holds this check back. */
      loginAllowedAt: z.number().nullable(),
      /** The account waits for a password: the question was asked again instead. */
      askedForPassword: z.boolean(),
    }),
  },
  /** The account's recent attempts, newest last (at most 200). */
  'accounts:history': { request: target, response: z.array(HistoryEntrySchema) },
  'accounts:pause': { request: optionalTarget, response: nothing },
  'accounts:resume': { request: optionalTarget, response: nothing },
  'credentials:submit': { request: z.object({ url: z.string().min(1), password: z.string().min(1).max(1024) }), response: nothing },
  'credentials:dismiss': { request: target, response: nothing },
  'credentials:ask': { request: target, response: nothing },
  'certificates:trust': { request: z.object({ url: z.string().min(1), fingerprint256: CertificateSchema.shape.fingerprint256 }), response: nothing },
  'certificates:dismiss': { request: target, response: nothing },
  'pending:get': { request: nothing, response: PendingSchema },
  'settings:get': { request: nothing, response: WindowSettingsSchema },
  'settings:set': { request: WindowSettingsSchema, response: WindowSettingsSchema },
  /** Main asks where (a save dialog) and writes the diagnostics there; null when the user cancelled. */
  'app:save-diagnostics': { request: nothing, response: z.object({ path: z.string().nullable() }) },
  'app:open-link': { request: z.object({ link: webLink.refine((value) => value !== '') }), response: nothing },
  'migration:get': { request: target, response: MigrationViewSchema },
  'migration:plan': { request: z.object({ url: z.string().min(1), source: MigrationSourceSchema }), response: MigrationPlanSchema },
  'migration:start': { request: z.object({ url: z.string().min(1), source: MigrationSourceSchema }), response: MigrationViewSchema },
  'migration:trust-certificate': { request: z.object({ url: z.string().min(1), fingerprint256: CertificateSchema.shape.fingerprint256 }), response: nothing },
  'migration:pause': { request: target, response: nothing },
  'migration:resume': { request: target, response: MigrationViewSchema },
  'migration:retire': { request: target, response: MigrationViewSchema },
} as const;

export const MessageSummarySchema = z.object({ id: z.string(), from: z.string(), subject: z.string(), date: z.string().nullable() });

/** Events main pushes to the window. */
export const pushContract = {
  'account-changed': AccountViewSchema,
  'account-removed': target,
  'new-mail': z.object({ url: z.string(), messages: z.array(MessageSummarySchema) }),
  'credentials-needed': z.object({ url: z.string(), message: z.string() }),
  'certificate-untrusted': CertificateSchema.extend({ url: z.string() }),
  'settings-changed': WindowSettingsSchema,
  'migration-progress': MigrationProgressSchema.extend({ url: z.string() }),
  'migration-changed': MigrationViewSchema,
} as const;

export type InvokeChannel = keyof typeof invokeContract;
export type PushChannel = keyof typeof pushContract;
export type RequestOf<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<(typeof invokeContract)[C]['response']>;
export type PushOf<C extends PushChannel> = z.output<(typeof pushContract)[C]>;

export type AccountInput = z.output<typeof AccountInputSchema>;
export type CheckNowResult = ResponseOf<'accounts:check-now'>;
export type AccountView = z.output<typeof AccountViewSchema>;
export type TestResult = z.output<typeof TestResultSchema>;
export type DiscoveryResult = z.output<typeof DiscoveryResultSchema>;
export type DiscoveredServer = z.output<typeof DiscoveredServerSchema>;
export type Pending = z.output<typeof PendingSchema>;
export type CertificateView = z.output<typeof CertificateSchema>;
export type MigrationView = z.output<typeof MigrationViewSchema>;
export type MigrationSourceInput = z.output<typeof MigrationSourceSchema>;
export type MigrationPlanView = z.output<typeof MigrationPlanSchema>;

export class ContractError extends Error {
  override readonly name = 'ContractError';
}

/** Parses a request that arrived as `unknown`; the error names the channel and fields, not values. */
export function parseRequest<C extends InvokeChannel>(channel: C, raw: unknown): RequestOf<C> {
  const contract = invokeContract[channel];
  if (!contract) throw new ContractError(`unknown channel ${String(channel)}`);
  const result = contract.request.safeParse(raw);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => `${issue.path.join('.') || '(request)'}: ${issue.message}`);
    throw new ContractError(`invalid request for ${channel}: ${fields.join('; ')}`);
  }
  return result.data as RequestOf<C>;
}

export function isInvokeChannel(channel: string): channel is InvokeChannel {
  return Object.hasOwn(invokeContract, channel);
}
