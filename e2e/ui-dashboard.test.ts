/*
 * The dashboard in a real headless Chromium against the running service on PGlite: `startServer()`
 * from apps/byok-server (a file-backed PGlite, the fake provider server behind BYOK_OPENAI_BASE_URL)
 * serves the freshly built dashboard at `/` and the REST API at `/api`, as in production.
 */
import { randomBytes } from 'node:crypto';
import type { BYOKSystem } from '@stack-2025/byok-core';
import type { FakeProviders } from '@stack-2025/byok-core/testing';
import { SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../apps/byok-server/src/server.js';
import {
  buildDashboard,
  canRunChromium,
  type DashboardService,
  expectAccessible,
  launchChromium,
  pageContents,
  snap,
  startDashboardService,
  watchPage,
} from './support/dashboard-browser.js';
import type { PageDocument, PageMutationObserver, PageStorage, PageWindow } from './support/page-globals.js';

// Read by the callbacks that run in the page (see support/page-globals.ts).
declare const document: PageDocument;
declare const window: PageWindow;
declare const sessionStorage: PageStorage;
declare const localStorage: PageStorage;
declare const MutationObserver: PageMutationObserver;

/** The secret typed into the form: it must never come back. */
const SECRET = `sk-proj-UIE2E${randomBytes(16).toString('hex')}`;
const SECRET_TAIL = SECRET.slice(-4);
/** Any 12-character run of the random part counts as a leak. */
const SECRET_FRAGMENTS = [SECRET, SECRET.slice(13, 25), SECRET.slice(-12)];

const canRun = canRunChromium;

describe.skipIf(!canRun)('dashboard in headless Chromium', { timeout: 60_000 }, () => {
  let dash: DashboardService;
  let fake: FakeProviders;
  let service: RunningServer;
  let url: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  /** Every request the page made, with what it sent. */
  const requests: { at: number; method: string; url: string; headers: string; body: string }[] = [];
  let savedAt = Number.POSITIVE_INFINITY;
  let demoUser = '';

  beforeAll(async () => {
    // A fresh build, so that the test runs what `npm run build:app` ships.
    buildDashboard();
    dash = await startDashboardService('byok-ui-e2e-');
    ({ fake, service, url } = dash);
    expect(service.dashboard).toBe(true);

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watchPage(page, { cspViolations, pageErrors });
    page.on('request', (request) => {
      requests.push({
        at: Date.now(),
        method: request.method(),
        url: request.url(),
        headers: JSON.stringify(request.headers()),
        body: request.postData() ?? '',
      });
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.close();
  });

  it('signs in as the demo user', async () => {
    const response = await page.goto(url);
    // The service sends the dashboard with a strict CSP; any violation is caught below.
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Access token').waitFor();
    const demo = page.getByRole('button', { name: 'Continue as demo user' });
    await demo.waitFor();
    await snap(page, 'sign-in');
    await expectAccessible(page, 'sign-in');
    await demo.click();
    await page.getByRole('tab', { name: 'Keys', selected: true }).waitFor();
    // The demo user comes with sample keys (or none, on a server that does not seed any).
    await page.locator('.byok-keylist, .byok-state--empty').first().waitFor();
    demoUser = (await page.evaluate(() => sessionStorage.getItem('byok.userId'))) ?? '';
    expect(demoUser).not.toBe('');
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
  });

  it('renders the dashboard quickly, with a cold and a warm cache', async () => {
    // Navigation start → tabs and the key list (or its empty state) on screen.
    const observe = () => {
      const w = window as unknown as { __byokVisible?: number };
      const check = () => {
        if (
          w.__byokVisible === undefined &&
          document.querySelector('[role=tablist]') &&
          document.querySelector('.byok-keylist, .byok-state--empty')
        ) {
          w.__byokVisible = performance.now();
        }
      };
      new MutationObserver(check).observe(document, { childList: true, subtree: true });
    };
    const visibleAt = async (target: Page) => {
      await target.waitForFunction(
        () => (window as unknown as { __byokVisible?: number }).__byokVisible !== undefined,
      );
      return target.evaluate(() => (window as unknown as { __byokVisible: number }).__byokVisible);
    };
    const session = await page.evaluate(() => ({ ...sessionStorage }));
    const cold: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      // A new context has an empty HTTP cache: every asset is fetched.
      const fresh = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await fresh.addInitScript((values: Record<string, string>) => {
        for (const [name, value] of Object.entries(values)) sessionStorage.setItem(name, value);
      }, session);
      await fresh.addInitScript(observe);
      const tab = await fresh.newPage();
      await tab.goto(url);
      cold.push(await visibleAt(tab));
      await fresh.close();
    }
    await page.addInitScript(observe);
    const warm: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      await page.reload();
      warm.push(await visibleAt(page));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[2] ?? Number.NaN;
    console.log(
      `[ui-e2e] navigation start → dashboard visible: cold cache median ${median(cold).toFixed(0)} ms ` +
        `(${cold.map((t) => t.toFixed(0)).join(', ')}); warm cache median ${median(warm).toFixed(0)} ms ` +
        `(${warm.map((t) => t.toFixed(0)).join(', ')})`,
    );
    expect(median(cold)).toBeLessThan(3000);
    expect(median(warm)).toBeLessThan(3000);
  });

  it('adds an OpenAI key after testing it, and shows it masked', async () => {
    await page.getByRole('button', { name: 'Add key', expanded: false }).click();
    const form = page.getByRole('form', { name: 'Add a key' });
    await form.getByLabel('Provider').selectOption('openai');
    await form.getByLabel('API key', { exact: true }).fill('sk-admin-nope12345');
    await form.getByText(/OpenAI admin key/).waitFor();
    await form.getByLabel('API key', { exact: true }).fill(SECRET);
    await form.getByText('Format looks right').waitFor();
    await form.getByLabel(/Alias/).fill('E2E key');
    await form.getByRole('button', { name: 'Test key' }).click();
    await form.getByText(/The key works/).waitFor();
    await snap(page, 'add-key');
    await expectAccessible(page, 'add-key form');

    const created = page.waitForResponse(
      (r) => r.url().endsWith('/api/keys') && r.request().method() === 'POST',
    );
    await form.getByRole('button', { name: 'Add key' }).click();
    expect((await created).status()).toBe(201);
    savedAt = Date.now();
    await form.getByText(/Key added/).waitFor();
    expect(await form.getByLabel('API key', { exact: true }).inputValue()).toBe('');

    const row = page.getByRole('row', { name: /E2E key/ });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(`sk-proj-…${SECRET_TAIL}`);
    expect(text.toLowerCase()).toContain('active');
    await expectNoSecret(page, 'after saving');
  });

  it('tests the key through the provider and shows its health', async () => {
    fake.clear();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Test E2E key' }).click();
    const row = page.getByRole('row', { name: /E2E key/ });
    await row.getByText(/The key works/).waitFor();
    await row.locator('.byok-health', { hasText: '100/100 (good)' }).waitFor();
    await row.getByText(/just now|minute/).waitFor();
    // The service really called the (fake) provider with the stored secret.
    expect(
      fake.requests.some((r) => r.provider === 'openai' && r.headers.authorization === `Bearer ${SECRET}`),
    ).toBe(true);
    await snap(page, 'keys');
    await expectAccessible(page, 'keys');
    await expectNoSecret(page, 'after testing');
  });

  it('shows usage with drawn charts, unpriced usage and the breakdowns', async () => {
    const usageKey = await seedUsage(service.system, demoUser);
    await page.getByRole('tab', { name: 'Usage' }).click();
    await page.getByText('Requests over time').waitFor();
    await page.getByRole('radio', { name: '30 days' }).check();
    await page.locator('.recharts-line-curve').first().waitFor();
    const drawn = await page.evaluate(() => ({
      lines: document.querySelectorAll('svg .recharts-line-curve').length,
      bars: document.querySelectorAll('svg .recharts-bar-rectangle path, svg path.recharts-rectangle').length,
      paths: document.querySelectorAll('.byok-chart svg path').length,
    }));
    expect(drawn.lines).toBeGreaterThanOrEqual(2);
    expect(drawn.bars).toBeGreaterThan(0);
    expect(drawn.paths).toBeGreaterThan(10);
    const cost = await page.locator('.byok-total', { hasText: 'Cost' }).innerText();
    expect(cost).toMatch(/unpriced/);
    const byKey = page.getByRole('table', { name: 'By key' });
    await byKey.getByRole('row', { name: /Usage key/ }).waitFor();
    expect(usageKey).toMatch(/^key_/);
    await snap(page, 'usage', true);
    await expectAccessible(page, 'usage');
  });

  it('edits the fallback chain with the keyboard and shows the audit trail', async () => {
    await page.getByRole('tab', { name: 'Fallback' }).click();
    const list = page.getByRole('list', { name: 'Keys in the order they are tried' });
    await list.waitFor();
    const position = async () =>
      (await list.getByRole('listitem').allInnerTexts()).findIndex((text) => text.includes('E2E key'));
    const before = await position();
    expect(before).toBeGreaterThan(0);
    await list.getByRole('checkbox', { name: /E2E key/ }).check();
    await page.getByRole('button', { name: /Move E2E key up/ }).focus();
    await page.keyboard.press('Enter');
    expect(await position()).toBe(before - 1);
    // Focus stays on the moved key's button, so Enter again moves it further.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toMatch(/E2E key/);
    await page.getByRole('switch', { name: /system key/ }).check();
    await page.getByRole('button', { name: 'Save chain' }).click();
    await page.getByText('Fallback chain saved.').waitFor();
    await snap(page, 'fallback');
    await expectAccessible(page, 'fallback');

    await page.getByRole('tab', { name: 'Audit' }).click();
    await page.getByRole('table', { name: 'Audit entries, newest first' }).waitFor();
    expect(await page.getByRole('cell', { name: /Key created/i }).count()).toBeGreaterThan(0);
    await snap(page, 'audit');
    await expectAccessible(page, 'audit');
    await expectNoSecret(page, 'audit');
  });

  it('works on a 375-pixel-wide screen', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await page.getByRole('tab', { name: 'Keys' }).click();
    await page.getByRole('row', { name: /E2E key/ }).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await snap(page, 'keys-mobile', true);
    await expectAccessible(page, 'keys (375 px)');
    await page.getByRole('tab', { name: 'Usage' }).click();
    await page.locator('.recharts-line-curve').first().waitFor();
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await snap(page, 'usage-mobile', true);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('disables the key, then deletes it after confirming', async () => {
    await page.getByRole('tab', { name: 'Keys' }).click();
    await page.getByRole('button', { name: 'Disable E2E key' }).click();
    const row = page.getByRole('row', { name: /E2E key/ });
    await row.getByText('disabled', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Enable E2E key' }).waitFor();

    await page.getByRole('button', { name: 'Delete E2E key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete E2E key?' });
    await dialog.waitFor();
    await snap(page, 'delete-confirm');
    await expectAccessible(page, 'delete dialog');
    await dialog.getByRole('button', { name: 'Delete key' }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByText('Deleted 1 key.').waitFor();
    await expectNoSecret(page, 'after deleting');
  });

  it('signs out, refuses a bad access token and signs in with a good one', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Access token').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByText(/not accepted/)
      .waitFor();
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(demoUser)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(dash.jwtSecret));
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${demoUser}`).waitFor();
    await page.getByRole('row', { name: /Usage key/ }).waitFor();
  });

  it('never shows, sends or stores the secret after saving it', async () => {
    const after = requests.filter((r) => r.at >= savedAt);
    expect(after.length).toBeGreaterThan(10);
    for (const request of after) {
      for (const fragment of SECRET_FRAGMENTS) {
        expect(`${request.method} ${request.url} ${request.headers} ${request.body}`).not.toContain(fragment);
      }
    }
    await expectNoSecret(page, 'at the end');
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

/** The secret is in no text, attribute or input of the page, and in no storage. */
async function expectNoSecret(page: Page, where: string): Promise<void> {
  const seen = await pageContents(page);
  for (const fragment of SECRET_FRAGMENTS)
    expect(seen.includes(fragment), `${where}: secret on the page`).toBe(false);
}

/** A second key with a month of usage: priced requests, and some of a model without a price. */
async function seedUsage(system: BYOKSystem, userId: string): Promise<string> {
  const keyId = await system.manager.addKey({
    userId,
    provider: 'openai',
    keyData: { apiKey: `sk-proj-usage${randomBytes(12).toString('hex')}` },
    alias: 'Usage key',
  });
  const day = 24 * 3600 * 1000;
  for (let i = 0; i < 20; i += 1) {
    await system.manager.recordUsage({
      keyId,
      provider: 'openai',
      model: 'gpt-6.1-sol',
      requests: 3 + (i % 5),
      inputTokens: 1200 + i * 150,
      outputTokens: 300 + i * 40,
      at: new Date(Date.now() - i * day - 3600_000),
    });
  }
  for (let i = 0; i < 5; i += 1) {
    await system.manager.recordUsage({
      keyId,
      provider: 'openai',
      model: 'a-model-without-a-price',
      inputTokens: 500,
      outputTokens: 100,
      at: new Date(Date.now() - i * 2 * day - 7200_000),
    });
  }
  return keyId;
}
