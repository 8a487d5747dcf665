/**
 * The service serves the built dashboard at `/`: content types, caching, the SPA fallback, the
 * CSP, and a helpful page when the build is missing. A fixture build is used so the test does not
 * depend on (or race with) `vite build`; the browser check at the end runs the real build, copied.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createLogger } from '@stack-2025/byok-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../apps/byok-server/src/config.js';
import { DASHBOARD_CSP } from '../apps/byok-server/src/dashboard.js';
import { type RunningServer, startServer } from '../apps/byok-server/src/server.js';
import { jsonOf, MASTER_KEY, REPO_ROOT, tempDir } from '../apps/byok-server/test/helpers.js';

const quiet = createLogger({ level: 'silent' });
const JS = `console.log(${JSON.stringify('x'.repeat(4000))});`;

async function fixtureBuild(dir: string): Promise<void> {
  await mkdir(join(dir, 'assets'), { recursive: true });
  await mkdir(join(dir, '.vite'), { recursive: true });
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="./assets/index-AbCd1234.js"></script></head><body><div id="root"></div></body></html>',
  );
  await writeFile(join(dir, 'assets', 'index-AbCd1234.js'), JS);
  await writeFile(join(dir, 'assets', 'index-EfGh5678.css'), 'body{margin:0}');
  await writeFile(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dir, '.vite', 'manifest.json'), '{"secret":"internal"}');
}

async function start(dataDir: string, dashboardDir: string, env: Record<string, string> = {}) {
  return startServer(
    loadConfig(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        BYOK_DATA_DIR: dataDir,
        BYOK_ENCRYPTION_KEY: MASTER_KEY,
        BYOK_DASHBOARD_DIR: dashboardDir,
        BYOK_ENABLE_VALIDATION: 'false',
        ...env,
      },
      { container: false },
    ),
    { logger: quiet, drainMs: 500 },
  );
}

describe('the dashboard at /', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let server: RunningServer;
  beforeAll(async () => {
    dir = await tempDir();
    await fixtureBuild(join(dir.path, 'dist'));
    server = await start(join(dir.path, 'data'), join(dir.path, 'dist'));
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await dir.remove();
  });

  it('serves index.html at / with the CSP, no-cache and security headers', async () => {
    expect(server.dashboard).toBe(true);
    expect(server.openUrl).toBe(`${server.url}/`);
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("default-src 'self'");
    expect(DASHBOARD_CSP).not.toMatch(/https?:|\*|unsafe-eval/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(await res.text()).toContain('<div id="root">');
  });

  it('serves hashed assets with their content type, a year of cache, gzip and ETags', async () => {
    const res = await fetch(`${server.url}/assets/index-AbCd1234.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(await res.text()).toBe(JS);
    const css = await fetch(`${server.url}/assets/index-EfGh5678.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const svg = await fetch(`${server.url}/favicon.svg`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('public, max-age=300');
    // Compressed on request (node:http is used directly, so the body arrives as sent).
    const { request } = await import('node:http');
    const gz = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      request(
        `${server.url}/assets/index-AbCd1234.js`,
        { headers: { 'accept-encoding': 'gzip' } },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () =>
            resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }),
          );
        },
      )
        .on('error', reject)
        .end();
    });
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(JS);
    const etag = res.headers.get('etag') as string;
    const again = await fetch(`${server.url}/assets/index-AbCd1234.js`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
    const head = await fetch(`${server.url}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers index.html for unknown app paths, 404 for missing files, never dotfiles or files outside', async () => {
    const page = await fetch(`${server.url}/keys/settings`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    for (const path of [
      '/missing.js',
      '/assets/index-old00000.js',
      '/.vite/manifest.json',
      '/..%2f..%2fpackage.json',
      '/assets/..%2f..%2f..%2fpackage.json',
      '/%2e%2e/%2e%2e/etc/passwd.txt',
    ]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('internal');
    }
    expect((await fetch(`${server.url}/%E0%A4%A`)).status).toBe(400);
  });

  it('leaves the API, health and metrics to the API: JSON errors, never index.html', async () => {
    const api = await fetch(`${server.url}/api/nothing-here`);
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    expect((await fetch(`${server.url}/metrics`)).headers.get('content-type')).toContain('text/plain');
    const post = await fetch(`${server.url}/`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect((await jsonOf(post)).error.code).toBe('NOT_FOUND');
  });
});

describe('the dashboard when it is not built', () => {
  it('answers / with a page saying how to build it; the API still works; a later build is picked up', {
    timeout: 60_000,
  }, async () => {
    const dir = await tempDir();
    const dist = join(dir.path, 'no-dist');
    const server = await start(join(dir.path, 'data'), dist);
    try {
      expect(server.dashboard).toBe(false);
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('text/html');
      const text = await res.text();
      expect(text).toContain('npm run build:app -w @stack-2025/byok-ui');
      expect(text).not.toMatch(/<script/i);
      expect((await fetch(`${server.url}/assets/x-12345678.js`)).status).toBe(404);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      await fixtureBuild(dist);
      await new Promise((r) => setTimeout(r, 1100));
      const built = await fetch(`${server.url}/`);
      expect(built.status).toBe(200);
      expect(await built.text()).toContain('<div id="root">');
    } finally {
      await server.close();
      await dir.remove();
    }
  });
});

const DIST = join(REPO_ROOT, 'packages/byok-ui/dist-app');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM) || !existsSync(join(DIST, 'index.html')))(
  'the real dashboard in headless Chromium',
  () => {
    it('loads under the CSP with no violation, signs in as the demo user and draws the usage charts', {
      timeout: 90_000,
    }, async () => {
      const dir = await tempDir();
      // A copy: the UI's own tests rebuild dist-app, and this test must not read it half-written.
      await cp(DIST, join(dir.path, 'dist'), { recursive: true });
      const server = await start(join(dir.path, 'data'), join(dir.path, 'dist'));
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
      try {
        const page = await browser.newPage();
        const problems: string[] = [];
        const hosts = new Set<string>();
        page.on('console', (m) => {
          if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(e.message));
        page.on('request', (r) => hosts.add(new URL(r.url()).host));
        await page.goto(`${server.url}/`);
        await page.getByRole('button', { name: 'Continue as demo user' }).click();
        await page.getByText('Signed in as demo_user').waitFor();
        await page.getByText('Demo OpenAI (primary)').first().waitFor();
        await page.goto(`${server.url}/#usage`);
        await page.locator('svg.recharts-surface').first().waitFor();
        await page
          .getByText(/unpriced/i)
          .first()
          .waitFor();
        await page.goto(`${server.url}/#fallback`);
        await page.waitForTimeout(500);
        expect(problems).toEqual([]);
        expect([...hosts]).toEqual([new URL(server.url).host]);
      } finally {
        await browser.close();
        await server.close();
        await dir.remove();
      }
    });
  },
);
