import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturingLogger, pgliteBackend, TEST_MASTER_KEY, uniqueId } from '../../test/backends.js';
import { BYOKManager } from '../manager/byok-manager.js';
import { ProviderType } from '../providers/index.js';
import { createMigrationTools } from './migration-tools.js';

const env = {
  OPENAI_API_KEY: 'sk-proj-fromenvironment0001',
  OPENAI_ORG_ID: 'org-env',
  DEEPGRAM_API_KEY: 'd'.repeat(40),
  TWILIO_ACCOUNT_SID: `AC${'0a'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'f0'.repeat(16),
  ANTHROPIC_API_KEY: 'not-an-anthropic-key',
  UNRELATED: 'x',
};

describe('migration from environment variables', () => {
  let client: unknown;
  let close: () => Promise<void>;
  let manager: BYOKManager;
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    ({ client, close } = await pgliteBackend.open());
    manager = new BYOKManager({ encryptionKey: TEST_MASTER_KEY, database: { client }, logger });
  });
  afterAll(async () => {
    await manager.close();
    await close();
  });

  it('reports what it would add, skip and find in conflict, without a secret', async () => {
    const userId = uniqueId();
    await manager.addKey({ userId, provider: 'deepgram', keyData: { apiKey: 'e'.repeat(40) } });
    const { analyzer } = createMigrationTools(manager);
    const plan = await analyzer.analyzeMigrationOpportunities(userId, { env, preserveExisting: true });
    expect(plan.toAdd.sort()).toEqual(['openai', 'twilio']);
    expect(plan.conflicts).toEqual(['deepgram']);
    expect(plan.toSkip).toEqual(['anthropic']);
    const openai = plan.candidates.find((c) => c.provider === 'openai');
    expect(openai).toMatchObject({
      variables: ['OPENAI_API_KEY', 'OPENAI_ORG_ID'],
      action: 'add',
      keyHint: 'sk-proj-…0001',
    });
    expect(JSON.stringify(plan)).not.toContain(env.OPENAI_API_KEY);
    expect(JSON.stringify(plan)).not.toContain(env.TWILIO_AUTH_TOKEN);
  });

  it('migrates, is idempotent, and a backup undoes it', async () => {
    const userId = uniqueId();
    const { wizard } = createMigrationTools(manager);
    const first = await wizard.startMigration(userId, { env, autoConfirm: false, createBackup: true });
    expect(first.successful.map((s) => s.provider).sort()).toEqual(['deepgram', 'openai', 'twilio']);
    expect(first.skipped.map((s) => s.provider)).toEqual(['anthropic']);
    expect(first.backupId).toMatch(/^imp_/);
    expect((await manager.getActiveKey(userId, 'openai'))?.keyData).toEqual({
      apiKey: env.OPENAI_API_KEY,
      organization: 'org-env',
    });

    const second = await wizard.startMigration(userId, { env, autoConfirm: true, createBackup: true });
    expect(second.successful).toEqual([]);
    expect(second.backupId).toBeUndefined();
    expect((await manager.listKeys(userId)).length).toBe(3);

    expect(await wizard.rollback(first.backupId as string)).toBe(3);
    expect(await manager.listKeys(userId)).toEqual([]);
    expect(await wizard.rollback(first.backupId as string)).toBe(0);
    for (const line of lines) expect(line).not.toContain(env.OPENAI_API_KEY);
  });

  it('adds a conflicting key only when confirmed, and a dry run stores nothing', async () => {
    const userId = uniqueId();
    await manager.addKey({ userId, provider: 'openai', keyData: { apiKey: 'sk-proj-alreadystored000' } });
    const { wizard } = createMigrationTools(manager);
    const dry = await wizard.startMigration(userId, {
      env,
      providers: [ProviderType.OPENAI],
      autoConfirm: true,
      dryRun: true,
    });
    expect(dry).toMatchObject({ dryRun: true, successful: [{ provider: 'openai' }] });
    expect((await manager.listKeys(userId)).length).toBe(1);
    const declined = await wizard.startMigration(userId, {
      env,
      providers: [ProviderType.OPENAI],
      confirm: () => false,
    });
    expect(declined.skipped).toEqual([
      { provider: 'openai', reason: 'a different key is already stored for this provider' },
    ]);
    const confirmed = await wizard.startMigration(userId, {
      env,
      providers: [ProviderType.OPENAI],
      confirm: () => true,
    });
    expect(confirmed.successful.length).toBe(1);
    // The existing key stays primary; the imported one is a lower-priority extra.
    expect((await manager.getActiveKey(userId, 'openai'))?.keyData.apiKey).toBe('sk-proj-alreadystored000');
  });

  it('reads a .env file, whose values win over the process environment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'byok-env-'));
    const envFile = join(dir, '.env');
    await writeFile(
      envFile,
      'OPENAI_API_KEY="sk-proj-fromdotenvfile0002"\n# comment\nGOOGLE_API_KEY=AIzaSyA-dotenv-0123456789abcdefghijklmn\n',
    );
    const { analyzer } = createMigrationTools(manager);
    const plan = await analyzer.analyzeMigrationOpportunities(uniqueId(), {
      env,
      envFile,
      providers: [ProviderType.OPENAI, ProviderType.GEMINI],
    });
    expect(plan.candidates.map((c) => [c.provider, c.source, c.keyHint])).toEqual([
      ['openai', 'file', 'sk-proj-…0002'],
      ['gemini', 'file', expect.stringMatching(/^AIza…/)],
    ]);
  });

  it("runs the spec's Automated Migration sample as written", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      OPENAI_API_KEY: 'sk-proj-specsample000001',
      DEEPGRAM_API_KEY: 'a1'.repeat(20),
    });
    try {
      const byokManager = manager;
      const userId = uniqueId();
      const { analyzer, wizard } = createMigrationTools(byokManager);

      // Analyze current environment
      const plan = await analyzer.analyzeMigrationOpportunities(userId, {
        providers: [ProviderType.OPENAI, ProviderType.DEEPGRAM],
        preserveExisting: true,
      });
      expect(plan.toAdd.sort()).toEqual(['deepgram', 'openai']);

      // Execute migration
      const results = await wizard.startMigration(userId, {
        autoConfirm: false,
        createBackup: true,
      });
      expect(results.successful.length).toBeGreaterThanOrEqual(2);
    } finally {
      process.env = saved;
    }
  });
});
