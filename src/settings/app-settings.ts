// The app's own settings: owned by the core (the settings store keeps them), and the IPC contract
// takes its schema from here rather than the other way round.
import { z } from 'zod';

export const LanguageSchema = z.enum(['system', 'en', 'zh-CN']);
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const SettingsSchema = z.object({
  defaultIntervalMinutes: z.number().min(1).max(24 * 60),
  // A window that starts when it ends is no window: said, not saved and silently ignored.
  quietHours: z.object({ start: clockTime, end: clockTime })
    .refine((hours) => hours.start !== hours.end, { message: 'quiet hours must start and end at different times', path: ['end'] }).nullable(),
  startAtLogin: z.boolean(),
  notifications: z.boolean(),
  language: LanguageSchema,
  /** The central ISPDB discovery asks (Thunderbird's when absent). */
  ispdbUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  /** Where a managed deployment publishes the organisation's migration policy (HTTPS). */
  policyUrl: z.url({ protocol: /^https$/ }).max(2048).optional(),
  /** OAuth2 client IDs an organisation registered, by issuer (see README, "OAuth2 accounts"). */
  oauthClientIds: z.record(z.string().max(2048), z.string().min(1).max(512)).optional(),
});

export type AppSettings = z.output<typeof SettingsSchema>;

/**
 * What the window may read and change. Where discovery, policies and OAuth2 sign-ins go (an ISPDB
 * whose answers are trusted, a policy naming where saved passwords may go, client IDs) is for the
 * settings file and the deployment only: a compromised page must not be able to redirect them.
 */
export const WindowSettingsSchema = SettingsSchema.omit({ ispdbUrl: true, policyUrl: true, oauthClientIds: true });
export type WindowSettings = z.output<typeof WindowSettingsSchema>;

/** The window's part of the settings. */
export function windowPart(settings: AppSettings): WindowSettings {
  const { ispdbUrl: _ispdb, policyUrl: _policy, oauthClientIds: _clients, ...shown } = settings;
  return shown;
}
