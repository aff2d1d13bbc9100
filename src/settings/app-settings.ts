// The app's own settings: owned by the core (the settings store keeps them), and the IPC contract
// takes its schema from here rather than the other way round.
// zod's functional build (zod/mini) rather than the classic one: every CLI command opens the
// settings, and the classic build costs ~14 ms of each start to load (its methods cannot be left
// out); the checks are the same, and so are the messages once English is set (zod/mini has none).
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

export const LanguageSchema = z.enum(['system', 'en', 'zh-CN']);
const clockTime = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'));

export const SettingsSchema = z.object({
  defaultIntervalMinutes: z.number().check(z.gte(1), z.lte(24 * 60)),
  // A window that starts when it ends is no window: said, not saved and silently ignored.
  quietHours: z.nullable(z.object({ start: clockTime, end: clockTime })
    .check(z.refine((hours) => hours.start !== hours.end, { message: 'quiet hours must start and end at different times', path: ['end'] }))),
  startAtLogin: z.boolean(),
  notifications: z.boolean(),
  language: LanguageSchema,
  /** The central ISPDB discovery asks (Thunderbird's when absent). */
  ispdbUrl: z.optional(z.url({ protocol: /^https?$/ }).check(z.maxLength(2048))),
  /** Where a managed deployment publishes the organisation's migration policy (HTTPS). */
  policyUrl: z.optional(z.url({ protocol: /^https$/ }).check(z.maxLength(2048))),
  /** OAuth2 client IDs an organisation registered, by issuer (see README, "OAuth2 accounts"). */
  oauthClientIds: z.optional(z.record(z.string().check(z.maxLength(2048)), z.string().check(z.minLength(1), z.maxLength(512)))),
});

export type AppSettings = z.output<typeof SettingsSchema>;

/**
 * What the window may read and change. Where discovery, policies and OAuth2 sign-ins go (an ISPDB
 * whose answers are trusted, a policy naming where saved passwords may go, client IDs) is for the
 * settings file and the deployment only: a compromised page must not be able to redirect them.
 */
export const WindowSettingsSchema = z.omit(SettingsSchema, { ispdbUrl: true, policyUrl: true, oauthClientIds: true });
export type WindowSettings = z.output<typeof WindowSettingsSchema>;

/** The window's part of the settings. */
export function windowPart(settings: AppSettings): WindowSettings {
  const { ispdbUrl: _ispdb, policyUrl: _policy, oauthClientIds: _clients, ...shown } = settings;
  return shown;
}
