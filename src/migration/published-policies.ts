// The organisation's policy as its domain publishes it — https://<domain>/.well-known/mailbeacon/
// policy.json, else the same path on autoconfig.<domain> — or as a managed deployment names it
// (`policyUrl` in settings). HTTPS only; validated against the policy schema; cached on disk with
// its ETag; asked again at most once a day (an hour after a failed try); the last good copy kept
// when a fetch fails or returns nonsense; a 404 from the domain withdraws its policy.
//
// A domain speaks only for itself: of what example.com publishes, only the rule for example.com is
// taken, so no web site can send another domain's passwords to a server of its choosing.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { FetchResult } from '../protocols/net/bounded-fetch.js';
import { parsePolicy, PolicyError, type Policy } from './policy.js';

export const POLICY_REFRESH_MS = 24 * 3600_000;
export const POLICY_RETRY_MS = 3600_000;
export const POLICY_MAX_BYTES = 64 * 1024;

/** GET `url` (HTTPS, bounded) with these headers; the caller supplies the network. */
export type PolicyFetch = (url: string, headers: Record<string, string>) => Promise<FetchResult>;

const EntrySchema = z.object({
  /** The URL that gave `body`, asked first next time with If-None-Match. */
  url: z.string().nullable(),
  etag: z.string().nullable(),
  /** The last good policy document; null when none is published. */
  body: z.string().nullable(),
  checkedAt: z.number(),
  failedAt: z.number().nullable(),
});
type Entry = z.output<typeof EntrySchema>;
const CacheSchema = z.object({ version: z.literal(1), entries: z.record(z.string(), EntrySchema) });

export function publishedPolicyUrls(domain: string): string[] {
  return [`https://${domain}/.well-known/mailbeacon/policy.json`, `https://autoconfig.${domain}/.well-known/mailbeacon/policy.json`];
}

export interface PublishedPoliciesDeps {
  directory: string;
  fetch: PolicyFetch;
  now: () => number;
  log: (entry: Record<string, unknown>) => void;
}

export class PublishedPolicies {
  private readonly file: string;
  private entries: Record<string, Entry>;
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly deps: PublishedPoliciesDeps) {
    this.file = join(deps.directory, 'published-policies.json');
    this.entries = this.load();
  }

  /** What the domains here (and the managed URL) published, as one policy; from the cache, no network. */
  policy(policyUrl?: string): Policy | undefined {
    const domains: Policy['domains'] = {};
    for (const [key, entry] of Object.entries(this.entries)) {
      if (!entry.body || !key.startsWith('domain:')) continue;
      const domain = key.slice('domain:'.length);
      const rule = this.parse(entry.body, entry.url ?? key)?.domains[domain];
      if (rule) domains[domain] = rule;
    }
    // The deployment's own URL speaks for every domain and outranks what a domain publishes.
    const managed = policyUrl ? this.entries[`url:${policyUrl}`] : undefined;
    if (managed?.body) Object.assign(domains, this.parse(managed.body, policyUrl!)?.domains ?? {});
    return Object.keys(domains).length > 0 ? { version: 1, domains } : undefined;
  }

  /** Asks the domain (at most once a day); resolves when the cache is current. Never throws. */
  refreshDomain(domain: string): Promise<void> {
    return this.refresh(`domain:${domain}`, publishedPolicyUrls(domain));
  }

  refreshUrl(policyUrl: string): Promise<void> {
    return this.refresh(`url:${policyUrl}`, [policyUrl]);
  }

  private refresh(key: string, urls: string[]): Promise<void> {
    const entry = this.entries[key];
    const now = this.deps.now();
    if (entry && (entry.failedAt !== null ? now - entry.failedAt < POLICY_RETRY_MS : now - entry.checkedAt < POLICY_REFRESH_MS)) return Promise.resolve();
    const running = this.inFlight.get(key);
    if (running) return running;
    const work = this.ask(key, urls, entry).catch((error: unknown) => {
      this.deps.log({ msg: 'organisation policy not refreshed', key, reason: String((error as Error)?.message ?? error).slice(0, 200) });
    }).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, work);
    return work;
  }

  private async ask(key: string, urls: string[], entry: Entry | undefined): Promise<void> {
    // The URL that answered last time first, so its ETag applies.
    const ordered = entry?.url && urls.includes(entry.url) ? [entry.url, ...urls.filter((url) => url !== entry.url)] : urls;
    let withdrawn = true;
    for (const url of ordered) {
      if (!url.startsWith('https://')) { withdrawn = false; continue; }
      const headers: Record<string, string> = { accept: 'application/json' };
      if (entry?.etag && entry.url === url && entry.body) headers['if-none-match'] = entry.etag;
      const answer = await this.deps.fetch(url, headers);
      if (answer.ok) {
        if (this.parse(answer.body, url)) {
          this.save(key, { url, etag: answer.etag ?? null, body: answer.body, checkedAt: this.deps.now(), failedAt: null });
          return;
        }
        withdrawn = false; // Nonsense is a failure, not a withdrawal: the last good copy stands.
        continue;
      }
      if (answer.status === 304 && entry?.body) {
        this.save(key, { ...entry, checkedAt: this.deps.now(), failedAt: null });
        return;
      }
      if (answer.status !== 404 && answer.status !== 410) withdrawn = false;
    }
    if (withdrawn) {
      this.save(key, { url: null, etag: null, body: null, checkedAt: this.deps.now(), failedAt: null });
      return;
    }
    const kept: Entry = entry ? { ...entry, failedAt: this.deps.now() } : { url: null, etag: null, body: null, checkedAt: 0, failedAt: this.deps.now() };
    this.save(key, kept);
    this.deps.log({ msg: 'organisation policy not reached; the last good copy stays', key });
  }

  private parse(body: string, origin: string): Policy | undefined {
    try {
      return parsePolicy(body, origin);
    } catch (error) {
      if (error instanceof PolicyError) {
        this.deps.log({ msg: 'published organisation policy ignored', origin, reason: error.message.slice(0, 300) });
        return undefined;
      }
      throw error;
    }
  }

  private load(): Record<string, Entry> {
    if (!existsSync(this.file)) return {};
    try {
      return CacheSchema.parse(JSON.parse(readFileSync(this.file, 'utf8'))).entries;
    } catch {
      // A damaged cache only costs a fetch.
      return {};
    }
  }

  private save(key: string, entry: Entry): void {
    this.entries = { ...this.entries, [key]: entry };
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, entries: this.entries }), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
