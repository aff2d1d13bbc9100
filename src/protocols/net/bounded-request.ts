// Any HTTPS request (a token endpoint's POST, say), with the same rules as every other fetch here:
// one deadline, a ceiling on the answer, the configured resolver and CA, TLS verification on, no
// redirects. Answers of every status come back; only the transport can fail.
import { https } from './http-modules.js';
import { CheckFailure, classifySocketError, protocolFailure } from '../check-failure.js';
import { Deadline, realTimers, type Timers } from '../deadline.js';
import { tlsOptions } from '../tls-options.js';
import type { LookupFunction } from './name-resolver.js';

export interface HttpsAnswer { status: number; headers: Record<string, string>; body: Buffer }

export interface RequestOptions {
  lookup?: LookupFunction | undefined;
  ca?: string | undefined;
  deadlineMs: number;
  maxBytes: number;
  timers?: Timers;
}

export function httpsRequestBounded(
  url: string, init: { method: string; headers: Record<string, string>; body?: string | Buffer | undefined }, options: RequestOptions,
): Promise<HttpsAnswer> {
  const target = new URL(url);
  if (target.protocol !== 'https:') return Promise.reject(new CheckFailure('tls', `refused to send a request over ${target.protocol} (HTTPS only)`));
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | undefined, answer?: HttpsAnswer): void => {
      if (settled) return;
      settled = true;
      deadline.clear();
      if (error) { request.destroy(); reject(error); } else resolve(answer!);
    };
    const deadline = new Deadline(options.deadlineMs,
      () => finish(new CheckFailure('timeout', `${host} did not answer within ${options.deadlineMs} ms`)), options.timers ?? realTimers);
    const request = https().request({
      method: init.method, hostname: host, port: target.port ? Number(target.port) : 443, path: `${target.pathname}${target.search}`,
      headers: { 'user-agent': 'Mailbeacon', ...init.headers }, agent: false,
      ...(options.lookup ? { lookup: options.lookup } : {}), ...tlsOptions(host, options.ca),
    });
    request.on('error', (error) => finish(error instanceof CheckFailure ? error : classifySocketError(error, false)));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) { finish(protocolFailure(`an answer from ${host} larger than ${options.maxBytes} bytes`)); return; }
        chunks.push(chunk);
      });
      response.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
        finish(undefined, { status: response.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
      });
      response.on('error', (error) => finish(classifySocketError(error, true)));
    });
    request.end(init.body);
  });
}
