import { isBYOKError, type ValidationResult } from '@stack-2025/byok-core';
import { listKeysToValidate } from '@stack-2025/byok-core/server';
import type { Command } from 'commander';
import pMap from 'p-map';
import { config, positiveInt, withSystem } from './context.js';
import { CliExit, EXIT, err, out } from './exit.js';
import { table } from './table.js';

async function validateCommand(opts: {
  concurrency: number;
  user?: string;
  workspace?: string;
  json?: boolean;
}): Promise<void> {
  const cfg = config();
  if (opts.user && opts.workspace) throw new CliExit(EXIT.usage, 'Give --user or --workspace, not both');
  await withSystem(cfg, async (system) => {
    const owner = opts.user
      ? { type: 'user' as const, id: opts.user }
      : opts.workspace
        ? { type: 'workspace' as const, id: opts.workspace }
        : undefined;
    const rows = await listKeysToValidate(system.database.db, owner);
    if (rows.length === 0) {
      if (opts.json) out('[]');
      else out('No keys to validate.');
      return;
    }
    if (!opts.json) err(`Validating ${rows.length} key(s), ${opts.concurrency} at a time…`);
    let done = 0;
    const context = { actor: { type: 'system', id: 'cli:validate' } as const, userAgent: 'byok-cli' };
    const outcomes = await pMap(
      rows,
      async (row) => {
        let outcome: { result?: ValidationResult; error?: string };
        try {
          outcome = { result: await system.manager.testKey(row.id, { trigger: 'bulk', context }) };
        } catch (error) {
          // A key deleted meanwhile, a master key that cannot read it: reported, never thrown.
          outcome = { error: isBYOKError(error) ? `${error.code}: ${error.message}` : 'unexpected error' };
        }
        done += 1;
        if (!opts.json && !process.stderr.isTTY && done % 100 === 0) err(`progress: ${done}/${rows.length}`);
        return { row, ...outcome };
      },
      { concurrency: opts.concurrency },
    );
    const bad = outcomes.filter((o) => !o.result?.isValid);
    if (opts.json) {
      out(
        JSON.stringify(
          outcomes.map(({ row, result, error }) => ({
            keyId: row.id,
            owner: { type: row.owner_type, id: row.owner_id },
            provider: row.provider,
            environment: row.environment,
            isValid: result?.isValid ?? false,
            status: result?.status ?? 'error',
            healthScore: result?.healthScore ?? null,
            responseTime: result?.responseTime ?? null,
            message: result?.errorMessage ?? error ?? null,
          })),
        ),
      );
    } else {
      for (const line of table(
        ['KEY', 'OWNER', 'PROVIDER', 'ENV', 'OUTCOME', 'HEALTH', 'MS', 'DETAIL'],
        outcomes.map(({ row, result, error }) => [
          row.id,
          `${row.owner_type}:${row.owner_id}`,
          row.provider,
          row.environment,
          result?.status ?? 'error',
          result ? String(result.healthScore) : '-',
          result ? String(Math.round(result.responseTime)) : '-',
          result?.errorMessage ?? error ?? '',
        ]),
      )) {
        out(line);
      }
      const counts: Record<string, number> = {};
      for (const o of outcomes) {
        const status = o.result?.status ?? 'error';
        counts[status] = (counts[status] ?? 0) + 1;
      }
      out(
        `\n${rows.length} key(s): ${rows.length - bad.length} valid, ${bad.length} not valid (${Object.entries(
          counts,
        )
          .map(([status, n]) => `${status} ${n}`)
          .join(', ')})`,
      );
    }
    if (bad.length > 0) throw new CliExit(EXIT.failed);
  });
}

/** `byok validate`: tests every key (or one owner's) against its provider now. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description(
      'Test every key (all owners) against its provider now; print each outcome (never a secret); exit 1 if any key is not valid',
    )
    .option('-c, --concurrency <n>', 'keys tested at once', positiveInt, 10)
    .option('--user <id>', 'only this user’s keys')
    .option('--workspace <id>', 'only this workspace’s keys')
    .option('--json', 'print JSON')
    .action(validateCommand);
}
