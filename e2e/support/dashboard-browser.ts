/*
 * What the dashboard's Chromium suites share: a fresh build of the dashboard, the service on a
 * file-backed PGlite serving it (fake providers behind the OpenAI and Anthropic base URLs), headless
 * Chromium, screenshots and the axe-core check.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FakeProviders, startFakeProviders } from '@stack-2025/byok-core/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { loadConfig } from '../../apps/byok-server/src/config.js';
import { type RunningServer, startServer } from '../../apps/byok-server/src/server.js';
import type { PageDocument, PageInput, PageStorage, PageWindow } from './page-globals.js';

// Read by the callbacks that run in the page (see page-globals.ts).
declare const document: PageDocument;
declare const window: PageWindow;
declare const sessionStorage: PageStorage;
declare const localStorage: PageStorage;

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const UI = join(ROOT, 'packages/byok-ui');
const DIST = join(UI, 'dist-app');
// docs/screenshots is refreshed on request only (UPDATE_SCREENSHOTS=1), so that ordinary runs leave
// the working tree alone; otherwise they go to the git-ignored e2e/screenshots/tmp.
export const SCREENSHOTS = join(
  ROOT,
  process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'e2e/screenshots/tmp',
);
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const canRunChromium = existsSync(CHROMIUM);

export interface DashboardService {
  service: RunningServer;
  fake: FakeProviders;
  url: string;
  jwtSecret: string;
  close(): Promise<void>;
}

/** Builds the dashboard as `npm run build:app` ships it (vite, quietly). */
export function buildDashboard(): void {
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: UI,
      stdio: 'pipe',
    },
  );
}

/** The service on a new data folder, serving the built dashboard at `/` and the API at `/api`. */
export async function startDashboardService(prefix: string): Promise<DashboardService> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const fake = await startFakeProviders();
  const jwtSecret = `ui-e2e-jwt-secret-${randomBytes(16).toString('hex')}`;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      BYOK_DATA_DIR: dataDir,
      BYOK_ENCRYPTION_KEY: `ui-e2e-master-key-${randomBytes(16).toString('hex')}`,
      BYOK_JWT_SECRET: jwtSecret,
      BYOK_LOG_LEVEL: 'warn',
      BYOK_DASHBOARD_DIR: DIST,
      BYOK_OPENAI_BASE_URL: fake.baseUrls.openai,
      BYOK_ANTHROPIC_BASE_URL: fake.baseUrls.anthropic,
    },
    { container: false },
  );
  const service = await startServer(config, { drainMs: 1000 });
  return {
    service,
    fake,
    url: service.url,
    jwtSecret,
    async close() {
      await service.close();
      await fake.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export async function snap(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage, animations: 'disabled' });
}

let axeSource: string | undefined;

/** axe-core on the whole page: no serious or critical violation. */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  axeSource ??= await readFile(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
  // Evaluated through the DevTools protocol, so the page's CSP does not block it.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            context: PageDocument,
            options: object,
          ): Promise<{
            violations: { id: string; impact: string | null; nodes: { target: unknown }[]; help: string }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)),
    }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${where}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/**
 * Collects into `into` the page's Content Security Policy violations (reported on its console) and
 * uncaught errors; with UI_E2E_DEBUG set, also prints its console and the answers it gets.
 */
export function watchPage(page: Page, into: { cspViolations: string[]; pageErrors: string[] }): void {
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
      into.cspViolations.push(message.text());
    }
  });
  page.on('pageerror', (error) => into.pageErrors.push(error.message));
  if (process.env.UI_E2E_DEBUG) {
    page.on('console', (m) => console.log('[page]', m.type(), m.text()));
    page.on('response', (r) => console.log('[resp]', r.status(), r.request().method(), r.url()));
  }
}

/** Everything the page shows or keeps: markup, text, input values and web storage. */
export function pageContents(page: Page): Promise<string> {
  return page.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea')].map((el) => (el as PageInput).value);
    const storage = JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    return `${document.documentElement.outerHTML}\n${document.body.innerText}\n${values.join('\n')}\n${storage}`;
  });
}
