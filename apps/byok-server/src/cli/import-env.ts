import { createMigrationTools, Environment } from '@stack-2025/byok-core';
import { findEnvImport } from '@stack-2025/byok-core/server';
import type { Command } from 'commander';
import { config, withSystem } from './context.js';
import { CliExit, EXIT, err, out } from './exit.js';
import { table } from './table.js';

async function importEnvCommand(opts: {
  user?: string;
  workspace?: string;
  envFile?: string;
  environment: string;
  dryRun?: boolean;
  yes?: boolean;
  rollback?: string;
}): Promise<void> {
  const cfg = config();
  const context = { actor: { type: 'system', id: 'cli:import-env' } as const, userAgent: 'byok-cli' };
  if (opts.rollback) {
    const backupId = opts.rollback;
    await withSystem(cfg, async (system) => {
      const record = await findEnvImport(system.database.db, backupId);
      if (!record) throw new CliExit(EXIT.failed, `No import ${backupId}: check the id the import printed`);
      if (record.rolledBackAt) return out(`Import ${backupId} was already undone; nothing to do.`);
      const removed = await createMigrationTools(system.manager).wizard.rollback(backupId, context);
      out(`Undone: removed ${removed} key(s) added by import ${backupId}.`);
    });
    return;
  }
  if (!opts.user)
    throw new CliExit(EXIT.usage, 'Give --user <id> (and --workspace <id> for a workspace’s keys)');
  const user = opts.user;
  if (!(Object.values(Environment) as string[]).includes(opts.environment)) {
    throw new CliExit(EXIT.usage, `--environment must be one of ${Object.values(Environment).join(', ')}`);
  }
  const environment = opts.environment as Environment;
  await withSystem(cfg, async (system) => {
    const owner = opts.workspace ? { workspaceId: opts.workspace } : { userId: user };
    if (opts.workspace) {
      const role = await system.manager.workspaces.getRole(opts.workspace, user);
      if (role !== 'admin' && role !== 'owner') {
        throw new CliExit(
          EXIT.failed,
          `User ${user} is not an admin or owner of workspace ${opts.workspace} (or it does not exist)`,
        );
      }
    }
    const tools = createMigrationTools(system.manager);
    const source = { ...(opts.envFile ? { envFile: opts.envFile } : {}), environment };
    const plan = await tools.analyzer.analyzeMigrationOpportunities(owner, source);
    const ownerLabel = opts.workspace ? `workspace ${opts.workspace}` : `user ${user}`;
    if (plan.candidates.length === 0) {
      out(
        `No provider credentials found in the environment${opts.envFile ? ` or ${opts.envFile}` : ''}; nothing to import.`,
      );
      return;
    }
    out(`Import plan for ${ownerLabel} (${environment}):`);
    for (const line of table(
      ['PROVIDER', 'FROM', 'KEY', 'ACTION', 'WHY'],
      plan.candidates.map((c) => [
        c.provider,
        `${c.variables.join('+')} (${c.source === 'file' ? opts.envFile : 'environment'})`,
        c.keyHint || '-',
        c.action === 'conflict' ? (opts.yes ? 'add (extra)' : 'skip (conflict)') : c.action,
        c.reason,
      ]),
    )) {
      out(`  ${line}`);
    }
    if (opts.dryRun) {
      out('Dry run: nothing was stored.');
      return;
    }
    const results = await tools.wizard.startMigration(owner, {
      ...source,
      autoConfirm: Boolean(opts.yes),
      createBackup: true,
      context,
    });
    for (const added of results.successful) out(`added    ${added.provider} → ${added.keyId}`);
    for (const skipped of results.skipped) out(`skipped  ${skipped.provider}: ${skipped.reason}`);
    for (const failed of results.failed)
      err(`failed   ${failed.provider}: ${failed.code}: ${failed.message}`);
    if (results.backupId) {
      out(`\nImport id: ${results.backupId}`);
      out(`Undo it with: byok keys import-env --rollback ${results.backupId}`);
    } else if (results.successful.length === 0) {
      out('\nNothing was added.');
    }
    if (!opts.yes && plan.conflicts.length > 0) {
      out(
        `${plan.conflicts.length} provider(s) already have a different key (${plan.conflicts.join(', ')}): run again with --yes to add these as extra, lower-priority keys.`,
      );
    }
    if (results.failed.length > 0) throw new CliExit(EXIT.failed);
  });
}

/** `byok keys import-env`: stores the provider keys found in the environment for an owner. */
export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('Stored keys');
  keys
    .command('import-env')
    .description(
      'Store the provider keys found in the environment (and --env-file) for a user or workspace. Prints the plan; records an import id that --rollback undoes',
    )
    .option('--user <id>', 'the user the keys are for (with --workspace: who is importing; must be an admin)')
    .option('--workspace <id>', 'store them as this workspace’s keys')
    .option('--env-file <path>', 'also read this .env file (its values win)')
    .option('--environment <env>', 'development, staging or production', 'production')
    .option('--dry-run', 'print the plan; store nothing')
    .option('-y, --yes', 'also add keys for providers that already have a different key (as extra keys)')
    .option('--rollback <importId>', 'undo an import: delete the keys it added')
    .action(importEnvCommand);
}
