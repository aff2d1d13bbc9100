// The settings file and an account's OAuth2 server are checked with zod/mini (it loads in a fraction
// of the classic build's time: see app-settings.ts), which has no messages of its own. What the user
// reads must still say what is wrong, in words — not zod/mini's bare "Invalid input".
import { describe, expect, it } from 'vitest';
import { OAuthServerSchema } from '../../src/oauth/oauth-server.js';
import { checkSettingsFile } from '../../src/settings/settings-files.js';

const file = (app: Record<string, unknown>, accounts: unknown[] = []): unknown => ({ accounts, app, trustedCertificates: {}, domainsMigrated: [] });

describe('schema messages in words', () => {
  it('a settings file names the field and says why', () => {
    expect(() => checkSettingsFile('settings.json', file({ defaultIntervalMinutes: 'often' })))
      .toThrow('settings.json: app.defaultIntervalMinutes: Invalid input: expected number, received string');
    expect(() => checkSettingsFile('settings.json', file({ defaultIntervalMinutes: 0 })))
      .toThrow('settings.json: app.defaultIntervalMinutes: Too small: expected number to be >=1');
    expect(() => checkSettingsFile('settings.json', file({}, [{ url: '' }])))
      .toThrow('settings.json: accounts.0.url: Too small: expected string to have >=1 characters');
    expect(() => checkSettingsFile('settings.json', file({ quietHours: { start: '07:00', end: '07:00' } })))
      .toThrow('settings.json: app.quietHours.end: quiet hours must start and end at different times');
    expect(() => checkSettingsFile('settings.json', file({ policyUrl: 'http://example.com/policy.json' })))
      .toThrow('settings.json: app.policyUrl: Invalid URL');
    expect(() => checkSettingsFile('settings.json', file({ language: 'zh-CN', startAtLogin: true }))).not.toThrow();
  });

  it("an OAuth2 server's fields", () => {
    const server = { issuer: 'https://login.example.com', authorizationEndpoint: 'https://login.example.com/auth', tokenEndpoint: 'https://login.example.com/token', scope: 'mail', clientId: 'abc' };
    expect(OAuthServerSchema.safeParse(server).success).toBe(true);
    const refused = OAuthServerSchema.safeParse({ ...server, clientId: '', tokenEndpoint: 'http://login.example.com/token' });
    expect(refused.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
      'tokenEndpoint: Invalid URL',
      'clientId: Too small: expected string to have >=1 characters',
    ]);
  });
});
