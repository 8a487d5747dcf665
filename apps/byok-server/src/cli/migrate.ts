import { DatabaseMigration } from '@stack-2025/byok-core';
import { countLegacyValues, recordIfNoLegacyValuesLeft, toDatabase } from '@stack-2025/byok-core/server';
import type { Command } from 'commander';
import { config, withDatabase, withExistingDatabase } from './context.js';
import { out } from './exit.js';

async function migrateCommand(): Promise<void> {
  const cfg = config();
  await withDatabase(cfg, async (client, database) => {
    // A new embedded folder is created and migrated by its initialiser: those count as applied here.
    const applied = [
      ...database.appliedWhenCreated,
      ...(await new DatabaseMigration(client).runMigrations()),
    ];
    out(
      applied.length
        ? `Applied migrations: ${applied.join(', ')}`
        : 'Database is up to date; nothing to apply',
    );
  });
}

async function migrateStatusCommand(opts: { json?: boolean }): Promise<void> {
  const cfg = config();
  await withExistingDatabase(cfg, async (client) => {
    const status = await new DatabaseMigration(client).getMigrationStatus();
    // Credentials still in the spec's unbound `iv:authTag:ciphertext` format; finding none records
    // it, and legacy reads are refused from then on (BYOK_ALLOW_LEGACY_CIPHERTEXT turns them back on).
    const db = toDatabase(client);
    const legacyValues = status.upToDate ? await countLegacyValues(db) : null;
    if (legacyValues === 0) await recordIfNoLegacyValuesLeft(db);
    if (opts.json) return out(JSON.stringify({ ...status, legacyValues }));
    out(
      `Current version: ${status.currentVersion}  latest: ${status.latestVersion}  ${status.upToDate ? 'up to date' : 'PENDING'}`,
    );
    for (const m of status.applied) out(`  applied  ${m.name}  ${m.appliedAt.toISOString()}`);
    for (const m of status.pending) out(`  pending  ${m.name}`);
    if (legacyValues !== null) {
      out(
        legacyValues === 0
          ? 'Legacy values (iv:authTag:ciphertext): 0 — legacy reads are off'
          : `Legacy values (iv:authTag:ciphertext): ${legacyValues} — each is upgraded on its first read, or all at once by rotate-encryption-keys`,
      );
    }
  });
}

/** `byok migrate [up]` and `byok migrate status`. */
export function registerMigrateCommands(program: Command): void {
  const migrate = program.command('migrate').description('Database migrations');
  migrate
    .command('up', { isDefault: true })
    .description('Apply pending migrations (the default)')
    .action(migrateCommand);
  migrate
    .command('status')
    .description('Show applied and pending migrations')
    .option('--json', 'print JSON')
    .action(migrateStatusCommand);
}
