// The window's page comes from our own scheme, app://mailbeacon/, not file:// (Electron's security
// checklist: file:// pages get extra privileges and share one origin with every file on disk).
// Only files inside the built renderer are served, each with the strict CSP as a real header (where
// frame-ancestors takes effect), and nothing else is reachable through the scheme.
import { net, protocol, type Session } from 'electron';
import { extname, join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from './security.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'mailbeacon';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_PAGE_URL = `${APP_ORIGIN}/index.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.json': 'application/json',
};

/** Must run before the app is ready: a standard, secure scheme (like https for the page). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true } }]);
}

/** The file inside `rendererDir` an app:// URL names, or undefined for anything else (another
 * host, a path that climbs out, an encoded separator, a type we do not serve). */
export function resolveAppFile(rendererDir: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const root = normalize(rendererDir).replace(/[\\/]+$/, '');
  const file = normalize(join(root, path === '/' ? 'index.html' : path));
  if (!file.startsWith(root + sep) || !(extname(file) in TYPES)) return undefined;
  return file;
}

export function serveApp(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(rendererDir, request.url);
    if (!file) return new Response('not found', { status: 404 });
    const found = await net.fetch(pathToFileURL(file).toString()).catch(() => undefined);
    if (!found || !found.ok) return new Response('not found', { status: 404 });
    return new Response(found.body, {
      status: 200,
      headers: {
        'content-type': TYPES[extname(file)]!,
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
      },
    });
  });
}
