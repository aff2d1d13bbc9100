// The native-app redirect of RFC 8252 §7.3: a listener on 127.0.0.1 with a port the system picks,
// for exactly one request to its path. Whatever else arrives (another path, a favicon) gets a 404;
// the first request to the path settles the wait, and the listener closes after answering it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { http } from './http-modules.js';
import { Deadline, realTimers, type Timers } from '../deadline.js';
import { CheckFailure } from '../check-failure.js';

export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port>/<path>`, for the authorization request. */
  redirectUri: string;
  /** The full URL the browser was sent back to (query included). */
  received: Promise<URL>;
  /** Answers the browser (a short page saying it may be closed) and stops listening. */
  respond(html: string, status?: number): void;
  close(): void;
}

export async function listenForRedirect(options: { path: string; deadlineMs: number; timers?: Timers }): Promise<LoopbackRedirect> {
  let pending: ServerResponse | undefined;
  let resolveReceived: (url: URL) => void = () => undefined;
  let rejectReceived: (error: Error) => void = () => undefined;
  const received = new Promise<URL>((resolve, reject) => { resolveReceived = resolve; rejectReceived = reject; });
  received.catch(() => undefined);
  const server = http().createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== options.path || pending) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    pending = response;
    resolveReceived(new URL(`http://127.0.0.1:${port}${request.url ?? '/'}`));
  });
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', () => resolve()); });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const close = (): void => {
    deadline.clear();
    server.close();
    server.closeAllConnections();
  };
  const deadline = new Deadline(options.deadlineMs, () => {
    rejectReceived(new CheckFailure('timeout', `the sign-in was not completed within ${Math.round(options.deadlineMs / 1000)} s`));
    close();
  }, options.timers ?? realTimers);
  return {
    redirectUri: `http://127.0.0.1:${port}${options.path}`,
    received,
    respond: (html, status = 200) => {
      pending?.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'" }).end(html);
      close();
    },
    close,
  };
}
