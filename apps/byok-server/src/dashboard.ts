import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * What the dashboard may load: only files from this origin, and fetches to this origin's API;
 * nothing from any other host. `style-src` needs no 'unsafe-inline': React (and recharts through
 * it) sets styles through the CSSOM (`element.style`), which CSP does not govern — checked in
 * headless Chromium on every tab of the dashboard with no violation reported.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Vite's hashed file names (`index-BdH3k9_x.js`): their content never changes, so they may be cached for a year. */
const HASHED = /[-.][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json)|image\/svg\+xml)/;
const MAX_FILES = 2000;

interface Asset {
  body: Buffer;
  gzip: Buffer | undefined;
  type: string;
  etag: string;
  cacheControl: string;
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

export interface Dashboard {
  /** Whether the built dashboard was found. */
  readonly available: boolean;
  /** Answers a GET or HEAD for a non-API path. */
  serve(request: Request): Promise<Response>;
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .slice(0, MAX_FILES);
}

async function loadAssets(root: string): Promise<Map<string, Asset> | undefined> {
  try {
    if (!(await stat(join(root, 'index.html'))).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const assets = new Map<string, Asset>();
  for (const file of await listFiles(root)) {
    const path = `/${relative(root, file).split(sep).join('/')}`;
    // Dotfiles (.vite/manifest.json, editor files) are never served.
    if (path.split('/').some((part) => part.startsWith('.'))) continue;
    const body = await readFile(file);
    const type = TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    const gzip = COMPRESSIBLE.test(type) && body.length > 1024 ? gzipSync(body) : undefined;
    const isHtml = type.startsWith('text/html');
    assets.set(path, {
      body,
      gzip: gzip && gzip.length < body.length ? gzip : undefined,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      cacheControl: isHtml
        ? 'no-cache'
        : HASHED.test(path)
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=300',
    });
  }
  return assets;
}

const notBuiltPage = (dir: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>BYOK</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>The BYOK service is running</h1>
<p>The dashboard has not been built, so there is nothing to show here yet. Build it with</p>
<pre>npm run build:app -w @stack-2025/byok-ui</pre>
<p>(or <code>npm run build</code> from the repository root, which <code>npm start</code> runs), then reload this page.</p>
<p>It is looked for in <code>${dir.replace(/[&<>"']/g, '')}</code> (<code>BYOK_DASHBOARD_DIR</code>).</p>
<p>The API answers meanwhile: <a href="/api/docs">/api/docs</a>, <a href="/health">/health</a>.</p>
</body></html>
`;

/**
 * The built dashboard (`packages/byok-ui/dist-app`), read into memory once: static files with
 * their content types, a year's cache for hashed assets, `index.html` (no-cache) for every other
 * path without a file extension (the app routes on the client), 404 for a missing file. When the
 * build is missing, `/` explains how to make it, and each request looks again (cheaply), so that
 * building while the server runs is enough.
 */
export async function createDashboard(dir: string): Promise<Dashboard> {
  let assets = await loadAssets(dir);
  let lastLook = Date.now();

  const respond = (request: Request, asset: Asset, status = 200): Response => {
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'content-type': asset.type,
      'cache-control': asset.cacheControl,
      etag: asset.etag,
      vary: 'accept-encoding',
    };
    if (asset.type.startsWith('text/html')) {
      headers['content-security-policy'] = DASHBOARD_CSP;
      headers['x-frame-options'] = 'DENY';
    }
    if (request.headers.get('if-none-match') === asset.etag) {
      return new Response(null, { status: 304, headers });
    }
    const gzip = asset.gzip && /\bgzip\b/.test(request.headers.get('accept-encoding') ?? '');
    const body = gzip ? (asset.gzip as Buffer) : asset.body;
    if (gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = String(body.length);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status, headers });
  };

  const plain = (status: number, text: string, type = 'text/plain; charset=utf-8') =>
    new Response(text, {
      status,
      headers: { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store' },
    });

  return {
    get available() {
      return assets !== undefined;
    },
    async serve(request) {
      if (!assets && Date.now() - lastLook > 1000) {
        lastLook = Date.now();
        assets = await loadAssets(dir);
      }
      const url = new URL(request.url);
      let path: string;
      try {
        path = decodeURIComponent(url.pathname);
      } catch {
        return plain(400, 'Bad path');
      }
      if (!assets) {
        if (path === '/' || path === '/index.html' || extname(path) === '') {
          return new Response(notBuiltPage(dir), {
            status: 503,
            headers: {
              ...SECURITY_HEADERS,
              'content-type': 'text/html; charset=utf-8',
              'cache-control': 'no-store',
              'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
            },
          });
        }
        return plain(404, 'Not found');
      }
      // Lookups are exact keys of what was read from disk: `..`, backslashes and the like never
      // reach the file system.
      const asset = assets.get(path === '/' ? '/index.html' : path);
      if (asset) return respond(request, asset);
      if (extname(path) !== '') return plain(404, 'Not found');
      const index = assets.get('/index.html') as Asset;
      return respond(request, index);
    },
  };
}
