// The cache of published organisation policies, driven by a fake clock and a scripted fetch (the
// network part is tested against a real HTTPS server in test/integration/published-policy.test.ts).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FetchResult } from '../../src/protocols/net/bounded-fetch.js';
import { POLICY_REFRESH_MS, POLICY_RETRY_MS, PublishedPolicies } from '../../src/migration/published-policies.js';

const policy = (domains: Record<string, string>) => JSON.stringify({
  version: 1, domains: Object.fromEntries(Object.entries(domains).map(([domain, source]) => [domain, { migration: 'on', source }])),
});
const ok = (body: string, etag?: string): FetchResult => ({ ok: true, status: 200, body, etag, secure: true });
const status = (code: number): FetchResult => ({ ok: false, status: code, reason: `HTTP ${code}` });
const down: FetchResult = { ok: false, status: undefined, reason: 'ECONNREFUSED' };

function harness(answers: (url: string, headers: Record<string, string>) => FetchResult) {
  const directory = mkdtempSync(join(tmpdir(), 'mailbeacon-published-'));
  let now = 1_000_000;
  const asked: Array<{ url: string; headers: Record<string, string> }> = [];
  const make = () => new PublishedPolicies({
    directory, now: () => now, log: () => undefined,
    fetch: async (url, headers) => { asked.push({ url, headers }); return answers(url, headers); },
  });
  return { directory, asked, make, advance: (ms: number) => { now += ms; } };
}

describe('published organisation policies', () => {
  it('a domain speaks only for itself', async () => {
    const h = harness(() => ok(policy({ 'corp.test': 'pop3s://old.corp.test', 'bank.test': 'pop3s://evil.test' })));
    const policies = h.make();
    await policies.refreshDomain('corp.test');
    expect(policies.policy()?.domains).toEqual({ 'corp.test': { migration: 'on', source: 'pop3s://old.corp.test' } });
  });

  it('asks the domain, then its autoconfig host; at most once a day; with If-None-Match; 304 keeps the copy', async () => {
    let etagAnswer = false;
    const h = harness((url, headers) => {
      if (url.startsWith('https://corp.test/')) return status(404);
      if (headers['if-none-match'] === '"v1"') { etagAnswer = true; return status(304); }
      return ok(policy({ 'corp.test': 'pop3s://old.corp.test' }), '"v1"');
    });
    const policies = h.make();
    await policies.refreshDomain('corp.test');
    expect(h.asked.map((a) => a.url)).toEqual([
      'https://corp.test/.well-known/mailbeacon/policy.json', 'https://autoconfig.corp.test/.well-known/mailbeacon/policy.json',
    ]);
    await policies.refreshDomain('corp.test');
    h.advance(POLICY_REFRESH_MS - 1);
    await h.make().refreshDomain('corp.test');
    expect(h.asked).toHaveLength(2);
    h.advance(2);
    const later = h.make();
    await later.refreshDomain('corp.test');
    expect(h.asked[2]).toMatchObject({ url: 'https://autoconfig.corp.test/.well-known/mailbeacon/policy.json', headers: { 'if-none-match': '"v1"' } });
    expect(etagAnswer).toBe(true);
    expect(later.policy()?.domains['corp.test']?.source).toBe('pop3s://old.corp.test');
  });

  it('keeps the last good copy when the server is down or sends nonsense; retries after an hour; 404 withdraws', async () => {
    let answer: FetchResult = ok(policy({ 'corp.test': 'pop3s://old.corp.test' }));
    const h = harness(() => answer);
    await h.make().refreshDomain('corp.test');
    answer = down;
    h.advance(POLICY_REFRESH_MS + 1);
    const afterOutage = h.make();
    await afterOutage.refreshDomain('corp.test');
    expect(afterOutage.policy()?.domains['corp.test']).toBeDefined();
    const asked = h.asked.length;
    h.advance(POLICY_RETRY_MS - 1);
    await afterOutage.refreshDomain('corp.test');
    expect(h.asked).toHaveLength(asked);
    answer = ok('{"version": 2}');
    h.advance(2);
    await afterOutage.refreshDomain('corp.test');
    expect(h.asked.length).toBeGreaterThan(asked);
    expect(afterOutage.policy()?.domains['corp.test']).toBeDefined();
    answer = status(404);
    h.advance(POLICY_RETRY_MS + 1);
    await afterOutage.refreshDomain('corp.test');
    expect(afterOutage.policy()).toBeUndefined();
  });

  it('the managed URL speaks for every domain and outranks the domain', async () => {
    const h = harness((url) => (url === 'https://admin.test/policy.json'
      ? ok(policy({ 'corp.test': 'pop3s://managed.test', 'other.test': 'pop3s://old.other.test' }))
      : ok(policy({ 'corp.test': 'pop3s://published.test' }))));
    const policies = h.make();
    await Promise.all([policies.refreshDomain('corp.test'), policies.refreshUrl('https://admin.test/policy.json')]);
    expect(policies.policy('https://admin.test/policy.json')?.domains).toEqual({
      'corp.test': { migration: 'on', source: 'pop3s://managed.test' }, 'other.test': { migration: 'on', source: 'pop3s://old.other.test' },
    });
    expect(policies.policy()?.domains['corp.test']?.source).toBe('pop3s://published.test');
  });

  it('a damaged cache file costs a fetch, nothing else', async () => {
    const h = harness(() => ok(policy({ 'corp.test': 'pop3s://old.corp.test' })));
    writeFileSync(join(h.directory, 'published-policies.json'), '{"version":1,"entries":{"domain:corp.test":{"url":5}}');
    const policies = h.make();
    expect(policies.policy()).toBeUndefined();
    await policies.refreshDomain('corp.test');
    expect(policies.policy()?.domains['corp.test']).toBeDefined();
    expect(JSON.parse(readFileSync(join(h.directory, 'published-policies.json'), 'utf8')).version).toBe(1);
  });
});
