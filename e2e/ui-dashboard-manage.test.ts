/*
 * The rest of the API in the dashboard, in headless Chromium against the running service: editing
 * and revoking keys, workspaces with members and roles, usage alerts with their delivery status,
 * and the gateway page (a token shown once, used, revoked). axe-core checks every screen.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import type {
  PageDocument,
  PageElement,
  PageNavigator,
  PageStorage,
  PageWindow,
} from './support/page-globals.js';

// Read by the callbacks that run in the page (see support/page-globals.ts).
declare const document: PageDocument;
declare const window: PageWindow;
declare const sessionStorage: PageStorage;
declare const navigator: PageNavigator;

describe.skipIf(!canRunChromium)(
  'dashboard: keys, workspaces, alerts and gateway in Chromium',
  { timeout: 60_000 },
  () => {
    let dash: DashboardService;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let demoUser = '';
    const cspViolations: string[] = [];
    const pageErrors: string[] = [];
    /** Webhook deliveries the local receiver got. */
    const received: { headers: Record<string, unknown>; body: string }[] = [];
    let receiver: Server;
    let receiverUrl = '';

    beforeAll(async () => {
      buildDashboard();
      dash = await startDashboardService('byok-ui-manage-e2e-');
      receiver = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        request.on('end', () => {
          received.push({ headers: request.headers, body });
          response.writeHead(204).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/byok`;
      browser = await launchChromium();
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: dash.url });
      page = await context.newPage();
      watchPage(page, { cspViolations, pageErrors });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => receiver?.close(resolve));
      await dash?.close();
    });

    it('signs in as the demo user', async () => {
      await page.goto(dash.url);
      await page.getByRole('button', { name: 'Continue as demo user' }).click();
      await page.getByRole('tab', { name: 'Keys', selected: true }).waitFor();
      demoUser = (await page.evaluate(() => sessionStorage.getItem('byok.userId'))) ?? '';
      expect(demoUser).not.toBe('');
    });

    it('edits a key’s alias, description and priority, and shows them in the list', async () => {
      await dash.service.system.manager.addKey({
        userId: demoUser,
        provider: 'openai',
        keyData: { apiKey: `sk-proj-edit${randomBytes(12).toString('hex')}` },
        alias: 'Batch key',
      });
      await page.reload();
      await page.getByRole('row', { name: /Batch key/ }).waitFor();
      await page.getByRole('button', { name: 'Edit Batch key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Edit Batch key' });
      await dialog.getByLabel(/Alias/).fill('Nightly job key');
      await dialog.getByLabel(/Description/).fill('Used by the nightly batch');
      await dialog.getByLabel(/Priority/).fill('3');
      await snap(page, 'key-edit');
      await expectAccessible(page, 'edit dialog');
      const patch = page.waitForRequest((r) => r.method() === 'PATCH' && /\/api\/keys\/key_/.test(r.url()));
      await dialog.getByRole('button', { name: 'Save changes' }).click();
      expect((await patch).postDataJSON()).toEqual({
        alias: 'Nightly job key',
        description: 'Used by the nightly batch',
        priority: 3,
      });
      await dialog.waitFor({ state: 'detached' });
      const row = page.getByRole('row', { name: /Nightly job key/ });
      await row.getByText('Used by the nightly batch').waitFor();
      await row.getByText('Changes saved.').waitFor();
      const stored = (await dash.service.system.manager.listKeys(demoUser)).find(
        (key) => key.alias === 'Nightly job key',
      );
      expect(stored?.description).toBe('Used by the nightly batch');
    });

    it('revokes a key with a reason, shown in the list and the audit trail', async () => {
      await page.getByRole('button', { name: 'Revoke Nightly job key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke Nightly job key?' });
      await dialog.getByLabel(/Reason/).fill('Leaked in a CI log');
      await snap(page, 'revoke-confirm');
      await expectAccessible(page, 'revoke dialog');
      await dialog.getByRole('button', { name: 'Revoke key' }).click();
      const row = page.getByRole('row', { name: /Nightly job key/ });
      await row.getByText('revoked', { exact: true }).waitFor();
      await row.getByText(/never used again/).waitFor();
      // A revoked key can no longer be tested, enabled or edited; it can still be deleted.
      expect(await row.getByRole('button', { name: /^(Test|Enable|Disable|Edit|Revoke) / }).count()).toBe(0);
      await row.getByRole('button', { name: 'Delete Nightly job key' }).waitFor();

      await page.getByRole('tab', { name: 'Audit' }).click();
      const audit = page.getByRole('table', { name: 'Audit entries, newest first' });
      const entry = audit.getByRole('row', { name: /Key revoked/i }).first();
      await entry.waitFor();
      expect(await entry.innerText()).toContain('reason: Leaked in a CI log');
    });

    it('creates a workspace, manages its members and roles, and switches to it', async () => {
      await page.getByRole('tab', { name: 'Workspaces' }).click();
      const form = page.getByRole('form', { name: 'Create a workspace' });
      await form.getByRole('button', { name: 'Create workspace' }).click();
      await form.getByText('Give the workspace a name.').waitFor();
      await form.getByLabel('Workspace name').fill('E2E team');
      await form.getByRole('button', { name: 'Create workspace' }).click();
      await form.getByText(/Workspace “E2E team” created/).waitFor();
      const row = page.getByRole('row', { name: /E2E team/ });
      expect(await row.innerText()).toContain('owner');

      const members = page.getByRole('region', { name: 'Members of E2E team' });
      await members.getByRole('row', { name: new RegExp(demoUser) }).waitFor();
      const adding = members.getByRole('form', { name: 'Add a member' });
      await adding.getByLabel('User id').fill('user_e2e_friend');
      await adding.getByLabel('Role').selectOption('member');
      await adding.getByRole('button', { name: 'Add member' }).click();
      await members.getByText('user_e2e_friend joined E2E team with the member role.').waitFor();
      const friend = members.getByRole('row', { name: /user_e2e_friend/ });
      await friend.waitFor();
      await friend.getByLabel('Role of user_e2e_friend').selectOption('admin');
      await members.getByText('user_e2e_friend now has the admin role.').waitFor();
      // What the server stored, read through the API with the page's own session.
      const stored = await page.evaluate(async () => {
        const headers = { authorization: `Bearer ${sessionStorage.getItem('byok.token')}` };
        const { workspaces } = (await (await fetch('/api/workspaces', { headers })).json()) as {
          workspaces: { id: string; name: string }[];
        };
        const id = workspaces.find((w) => w.name === 'E2E team')?.id ?? 'none';
        return (await (await fetch(`/api/workspaces/${id}/members`, { headers })).json()) as {
          members: { userId: string; role: string }[];
        };
      });
      expect(stored.members.find((m) => m.userId === 'user_e2e_friend')?.role).toBe('admin');
      await snap(page, 'workspaces');
      await expectAccessible(page, 'workspaces');

      await friend.getByRole('button', { name: 'Remove user_e2e_friend' }).click();
      const confirm = page.getByRole('dialog', { name: 'Remove user_e2e_friend from E2E team?' });
      await expectAccessible(page, 'remove member dialog');
      await confirm.getByRole('button', { name: 'Remove member' }).click();
      await friend.waitFor({ state: 'detached' });
      await members.getByText('user_e2e_friend was removed.').waitFor();

      await row.getByRole('button', { name: 'Switch to E2E team' }).click();
      await row.getByText('current', { exact: true }).waitFor();
      expect(
        await page.getByLabel('Workspace', { exact: true }).locator('option:checked').innerText(),
      ).toContain('E2E team');
      await page.getByRole('tab', { name: 'Keys' }).click();
      await page.getByText('No keys yet').waitFor();
      await page.getByLabel('Workspace', { exact: true }).selectOption({ label: 'My own keys' });
      await page.getByRole('row', { name: /Nightly job key/ }).waitFor();
    });

    it('creates an alert, shows its delivery status and waiting deliveries, and deletes it', async () => {
      await page.getByRole('tab', { name: 'Alerts' }).click();
      await page.getByText('No alerts yet').waitFor();
      await page.getByRole('button', { name: 'New alert' }).click();
      const form = page.getByRole('form', { name: 'Create an alert' });
      await form.getByLabel('Measure').selectOption('requests');
      await form.getByLabel('Threshold').fill('1');
      await form.getByLabel('Period').selectOption('daily');
      await form.getByLabel('E-mail', { exact: true }).check();
      await form.getByLabel(/Webhook URL/).fill(receiverUrl);
      await expectAccessible(page, 'alert form');
      const created = page.waitForResponse(
        (r) => /\/api\/alerts(\?|$)/.test(r.url()) && r.request().method() === 'POST',
      );
      await form.getByRole('button', { name: 'Create alert' }).click();
      const answer = (await (await created).json()) as { alert: { id: string }; signingSecret?: string };
      await page.getByText('Alert created: 1 request per day.').waitFor();
      // A server that signs webhooks answers the secret once; the page shows it with a Copy button.
      const secret = answer.signingSecret ?? (answer.alert as { signingSecret?: string }).signingSecret;
      if (secret) {
        const shown = page.getByRole('region', { name: 'Webhook signing secret' });
        expect(await shown.getByLabel('Webhook signing secret').inputValue()).toBe(secret);
        await shown.getByRole('button', { name: 'Copy' }).click();
        await shown.getByText('Copied to the clipboard.').waitFor();
        expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
        await shown.getByRole('button', { name: 'I have copied it' }).click();
        expect(await pageContents(page)).not.toContain(secret);
      }
      const row = page.getByRole('row', { name: /1 request per day/ });
      await row.getByText(receiverUrl).waitFor();
      // No SMTP server: the e-mail channel is named as the problem, its notification will wait.
      await row.getByText(/email: no SMTP server/).waitFor();
      expect(await row.getByText('Never').count()).toBe(1);

      // Usage over the threshold fires the alert.
      const keyId = (await dash.service.system.manager.listKeys(demoUser)).find(
        (k) => k.status === 'active' && k.provider === 'openai',
      )?.id;
      expect(keyId).toBeDefined();
      await dash.service.system.manager.recordUsage({
        keyId: keyId as string,
        provider: 'openai',
        model: 'gpt-6.1-sol',
        requests: 3,
        inputTokens: 100,
        outputTokens: 20,
      });
      const deadline = Date.now() + 20_000;
      while (!(await row.getByText(/\d+ waiting deliver/).count()) && Date.now() < deadline) {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(300);
      }
      await row.getByText(/\d+ waiting deliver/).waitFor({ timeout: 1000 });
      expect(await row.getByText('Never').count()).toBe(0);
      await snap(page, 'alerts');
      await expectAccessible(page, 'alerts');

      await page.getByRole('button', { name: 'Delete alert 1 request per day' }).click();
      await page
        .getByRole('dialog', { name: /Delete the alert/ })
        .getByRole('button', { name: 'Delete alert' })
        .click();
      await page.getByText('No alerts yet').waitFor();
      expect(await dash.service.system.database.listUsageAlerts(demoUser)).toEqual([]);
    });

    it('creates a gateway token shown once, which works until it is revoked', async () => {
      await page.getByRole('tab', { name: 'Gateway' }).click();
      await page.getByText('No gateway tokens yet').waitFor();
      await page.getByRole('button', { name: 'New token' }).click();
      const form = page.getByRole('form', { name: 'Create a gateway token' });
      await form.getByLabel('Name').fill('E2E app');
      await form.getByLabel(/Monthly budget/).fill('5');
      await form.getByRole('button', { name: 'Create token' }).click();
      const shown = page.getByRole('region', { name: 'Gateway token “E2E app”' });
      const token = await shown.getByLabel('Gateway token “E2E app”').inputValue();
      expect(token).toMatch(/^byok_gt_/);
      await shown.getByRole('button', { name: 'Copy' }).click();
      await shown.getByText('Copied to the clipboard.').waitFor();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
      await snap(page, 'gateway-token');
      await expectAccessible(page, 'gateway token shown once');

      const chat = () =>
        fetch(`${dash.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          // A priced model, so the token's usage shows a cost.
          body: JSON.stringify({ model: 'openai/gpt-6-luna', messages: [{ role: 'user', content: 'Hi' }] }),
        });
      const served = await chat();
      expect(served.status, await served.clone().text()).toBe(200);

      await shown.getByRole('button', { name: 'I have copied it' }).click();
      await shown.waitFor({ state: 'detached' });
      // Gone from the page: the list shows the hint only.
      expect(await pageContents(page)).not.toContain(token);
      const row = page.getByRole('row', { name: /E2E app/ });
      expect(await row.innerText()).toContain(token.slice(-4));
      expect(await row.innerText()).toMatch(/of budget \$5\.00\/month/);

      // Usage by token: once the request's usage is written, the list shows it (on its next load).
      await dash.service.system.manager.context.usageWriter.flush();
      const [listed] = await dash.service.system.manager.listGatewayTokens(demoUser);
      expect(listed?.usage.requests).toBe(1);
      expect(listed?.usage.costUsd).toBeGreaterThan(0);
      await page.getByRole('tab', { name: 'Keys' }).click();
      await page.getByRole('tab', { name: 'Gateway' }).click();
      await row.getByText('1 request, $0.0000 this month').waitFor();
      expect(await row.innerText()).toContain('under 1% of budget $5.00/month');

      // The snippets point the SDKs at this service and read the token from the environment.
      const openai = page.getByRole('figure', { name: /OpenAI SDK/ });
      expect(await openai.innerText()).toContain(`baseURL: '${dash.url}/v1'`);
      const anthropic = page.getByRole('figure', { name: /Anthropic SDK/ });
      expect(await anthropic.innerText()).toContain(`baseURL: '${dash.url}/anthropic'`);
      expect(await page.getByRole('figure').filter({ hasText: 'BYOK_GATEWAY_TOKEN' }).count()).toBe(3);
      await snap(page, 'gateway', true);
      await expectAccessible(page, 'gateway');

      await row.getByRole('button', { name: 'Revoke token E2E app' }).click();
      await page
        .getByRole('dialog', { name: /Revoke the token/ })
        .getByRole('button', { name: 'Revoke token' })
        .click();
      await row.getByText('revoked', { exact: true }).waitFor();
      const refused = await chat();
      expect(refused.status).toBe(401);
    });

    it('fits a 375-pixel-wide screen on the new pages', async () => {
      await page.setViewportSize({ width: 375, height: 812 });
      for (const tab of ['Gateway', 'Alerts', 'Workspaces'] as const) {
        await page.getByRole('tab', { name: tab }).click();
        await page.getByRole('tabpanel', { name: tab }).waitFor();
        const { overflow, wide } = await page.evaluate(() => {
          const sticksOut = (el: PageElement) => el.getBoundingClientRect().right > window.innerWidth + 1;
          return {
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            // The innermost elements that stick out, to name the culprit when this fails.
            wide: [...document.querySelectorAll('body *')]
              .filter((el) => sticksOut(el) && ![...el.children].some(sticksOut))
              .slice(0, 5)
              .map(
                (el) =>
                  `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`,
              ),
          };
        });
        expect(overflow, `${tab} at 375 px: ${wide.join('; ')}`).toBeLessThanOrEqual(0);
      }
      await expectAccessible(page, 'workspaces (375 px)');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    it('kept to its content security policy with no page errors', () => {
      expect(cspViolations).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  },
);
