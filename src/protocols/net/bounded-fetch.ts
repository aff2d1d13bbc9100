// One GET over HTTPS (or plain HTTP where the caller accepts an untrusted answer) with a ceiling on
// the body and one deadline for the whole exchange: a discovery source that trickles, lies about
// its length or never answers ends on time and never fills memory. No redirects are followed: an
// autoconfig or policy answer must come from the host that was asked.
import type { IncomingMessage } from 'node:http';
import { http, https } from './http-modules.js';
import { Deadline, realTimers, type Timers } from '../deadline.js';
import { tlsOptions } from '../tls-options.js';
import type { LookupFunction } from './name-resolver.js';

export interface FetchOptions {
  lookup: LookupFunction;
  /** An extra CA (PEM) trusted beside the system roots. */
  ca?: string | undefined;
  deadlineMs: number;
  maxBytes: number;
  headers?: Record<string, string>;
  timers?: Timers;
}

export type FetchResult =
  | { ok: true; status: number; body: string; etag: string | undefined; secure: boolean }
  /** `reason`: why there is no body, in words for a log or a "where we looked" list. */
  | { ok: false; status: number | undefined; reason: string };

const USER_AGENT = 'Mailbeacon';

export function fetchBounded(url: string, options: FetchOptions): Promise<FetchResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ ok: false, status: undefined, reason: 'not a URL' });
  }
  const secure = target.protocol === 'https:';
  if (!secure && target.protocol !== 'http:') return Promise.resolve({ ok: false, status: undefined, reason: `unsupported scheme ${target.protocol}` });
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: FetchResult): void => {
      if (settled) return;
      settled = true;
      deadline.clear();
      request.destroy();
      resolve(result);
    };
    const deadline = new Deadline(options.deadlineMs, () => finish({ ok: false, status: undefined, reason: `no answer within ${options.deadlineMs} ms` }), options.timers ?? realTimers);
    const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
    const common = {
      method: 'GET',
      hostname: host,
      port: target.port ? Number(target.port) : secure ? 443 : 80,
      path: `${target.pathname}${target.search}`,
      headers: { 'user-agent': USER_AGENT, accept: '*/*', ...options.headers },
      lookup: options.lookup,
      // No connection pooling: every discovery request is a new, bounded exchange.
      agent: false as const,
    };
    const request = secure
      ? https().request({ ...common, ...tlsOptions(host, options.ca) })
      : http().request(common);
    request.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, status: undefined, reason: error.code ?? error.message.slice(0, 120) }));
    request.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      if (status !== 200) {
        // 304 (not modified) is an answer too: the caller's cached copy stands.
        finish({ ok: false, status, reason: `HTTP ${status}` });
        return;
      }
      const announced = Number(response.headers['content-length']);
      if (Number.isFinite(announced) && announced > options.maxBytes) {
        finish({ ok: false, status, reason: `answer larger than ${options.maxBytes} bytes` });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          finish({ ok: false, status, reason: `answer larger than ${options.maxBytes} bytes` });
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const etag = response.headers.etag;
        finish({ ok: true, status, body: Buffer.concat(chunks).toString('utf8'), etag: typeof etag === 'string' ? etag.slice(0, 200) : undefined, secure });
      });
      response.on('error', (error: NodeJS.ErrnoException) => finish({ ok: false, status, reason: error.code ?? 'read error' }));
      response.on('aborted', () => finish({ ok: false, status, reason: 'answer cut short' }));
    });
    request.end();
  });
}
