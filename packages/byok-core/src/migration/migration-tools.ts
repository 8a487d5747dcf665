import { z } from 'zod';
import type { RequestContext } from '../audit/index.js';
import { isBYOKError, parseInput } from '../errors/index.js';
import { newId } from '../ids/index.js';
import { toOwner } from '../keys/owner.js';
import type { OwnerSelector } from '../keys/types.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import { Environment, maskKeyData, ProviderType, parseKeyData } from '../providers/index.js';
import { envImportsStore } from '../store/env-imports-store.js';
import { type EnvCredential, findEnvCredentials, readEnvFile } from './env-source.js';

export type MigrationAction = 'add' | 'skip' | 'conflict' | 'invalid';

export interface MigrationCandidate {
  provider: ProviderType;
  variables: string[];
  source: 'environment' | 'file';
  action: MigrationAction;
  reason: string;
  /** Masked, e.g. `sk-…abcd`. */
  keyHint: string;
}

export interface MigrationPlan {
  owner: { type: 'user' | 'workspace'; id: string };
  environment: Environment;
  candidates: MigrationCandidate[];
  toAdd: ProviderType[];
  toSkip: ProviderType[];
  conflicts: ProviderType[];
}

export interface MigrationResults {
  successful: { provider: ProviderType; keyId: string }[];
  failed: { provider: ProviderType; code: string; message: string }[];
  skipped: { provider: ProviderType; reason: string }[];
  dryRun: boolean;
  /** Id of the record that `rollback` undoes; present when `createBackup` was set and keys were added. */
  backupId?: string;
}

const analyzeSchema = z.strictObject({
  providers: z.array(z.enum(ProviderType)).optional(),
  preserveExisting: z.boolean().optional(),
  environment: z.enum(Environment).optional(),
  envFile: z.string().optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
});
type AnalyzeOptions = z.input<typeof analyzeSchema>;

const startSchema = analyzeSchema.extend({
  autoConfirm: z.boolean().optional(),
  createBackup: z.boolean().optional(),
  dryRun: z.boolean().optional(),
  context: z.custom<RequestContext>().optional(),
  confirm: z.custom<(candidate: MigrationCandidate) => boolean | Promise<boolean>>().optional(),
});
type StartOptions = z.input<typeof startSchema>;

/**
 * Moves provider credentials from environment variables (and an optional `.env` file) into the
 * key store. `analyzer` reports what would happen; `wizard` does it, idempotently (a credential
 * already stored is skipped), and with `createBackup` records what it added so `rollback` undoes it.
 */
export function createMigrationTools(manager: BYOKManager) {
  async function gather(options: z.output<typeof analyzeSchema>): Promise<EnvCredential[]> {
    const file = options.envFile ? await readEnvFile(options.envFile) : undefined;
    return findEnvCredentials({ env: options.env ?? manager.context.config.env, file }, options.providers);
  }

  async function plan(ownerSelector: string | OwnerSelector, options: z.output<typeof analyzeSchema>) {
    const owner = toOwner(ownerSelector);
    const environment = options.environment ?? Environment.PRODUCTION;
    const preserveExisting = options.preserveExisting ?? true;
    const credentials = await gather(options);
    const existing = await manager.listKeys(
      owner.type === 'user' ? { userId: owner.id } : { workspaceId: owner.id },
      {
        environment,
      },
    );
    const candidates: (MigrationCandidate & { keyData: EnvCredential['keyData'] })[] = [];
    for (const credential of credentials) {
      const base = {
        provider: credential.provider,
        variables: credential.variables,
        source: credential.source,
      };
      let keyData: EnvCredential['keyData'];
      try {
        keyData = parseKeyData(credential.provider, credential.keyData);
      } catch (error) {
        const reason = isBYOKError(error) ? error.message : 'not a valid credential';
        candidates.push({ ...base, action: 'invalid', reason, keyHint: '', keyData: {} });
        continue;
      }
      const keyHint = maskKeyData(credential.provider, keyData);
      const sameProvider = existing.filter(
        (key) => key.provider === credential.provider && key.status !== 'revoked',
      );
      let duplicate = false;
      for (const key of sameProvider) {
        const stored = await manager.decryptKey(key.id).catch(() => null);
        if (stored && sameCredential(stored.keyData, keyData)) duplicate = true;
      }
      if (duplicate) {
        candidates.push({ ...base, action: 'skip', reason: 'already stored', keyHint, keyData });
      } else if (sameProvider.length > 0 && preserveExisting) {
        candidates.push({
          ...base,
          action: 'conflict',
          reason: 'a different key is already stored for this provider',
          keyHint,
          keyData,
        });
      } else {
        candidates.push({ ...base, action: 'add', reason: 'not stored yet', keyHint, keyData });
      }
    }
    return { owner, environment, candidates };
  }

  const analyzer = {
    /** What an import would add, skip or find in conflict. Reads; changes nothing. */
    async analyzeMigrationOpportunities(
      owner: string | OwnerSelector,
      options: AnalyzeOptions = {},
    ): Promise<MigrationPlan> {
      const parsed = parseInput(analyzeSchema, options, 'migration options');
      const { owner: resolved, environment, candidates } = await plan(owner, parsed);
      const pick = (action: MigrationAction) =>
        candidates.filter((c) => c.action === action).map((c) => c.provider);
      return {
        owner: resolved,
        environment,
        candidates: candidates.map(({ keyData: _secret, ...candidate }) => candidate),
        toAdd: pick('add'),
        toSkip: [...pick('skip'), ...pick('invalid')],
        conflicts: pick('conflict'),
      };
    },
  };

  const wizard = {
    /**
     * Adds what the analysis calls `add`. A conflict (another key already stored for the provider)
     * is added too — as an extra, lower-priority key — only with `autoConfirm` or when `confirm`
     * says yes; otherwise it is skipped. Running it again adds nothing.
     */
    async startMigration(
      owner: string | OwnerSelector,
      options: StartOptions = {},
    ): Promise<MigrationResults> {
      const parsed = parseInput(startSchema, options, 'migration options');
      const { owner: resolved, environment, candidates } = await plan(owner, parsed);
      const results: MigrationResults = {
        successful: [],
        failed: [],
        skipped: [],
        dryRun: Boolean(parsed.dryRun),
      };
      const ownerSelector = resolved.type === 'user' ? { userId: resolved.id } : { workspaceId: resolved.id };
      const db = manager.context.db;
      // The backup record exists before the first key is added and names each key as it is added.
      const backupId = parsed.createBackup && !parsed.dryRun ? newId('imp') : undefined;
      if (backupId) {
        await envImportsStore.create(db, backupId, resolved);
      }
      for (const candidate of candidates) {
        const { provider } = candidate;
        if (candidate.action === 'skip' || candidate.action === 'invalid') {
          results.skipped.push({ provider, reason: candidate.reason });
          continue;
        }
        if (candidate.action === 'conflict') {
          const { keyData: _secret, ...visible } = candidate;
          const confirmed = parsed.autoConfirm || (parsed.confirm ? await parsed.confirm(visible) : false);
          if (!confirmed) {
            results.skipped.push({ provider, reason: candidate.reason });
            continue;
          }
        }
        if (parsed.dryRun) {
          results.successful.push({ provider, keyId: '(dry run)' });
          continue;
        }
        try {
          const keyId = await manager.addKey(
            {
              ...ownerSelector,
              provider,
              keyData: candidate.keyData,
              environment,
              alias: `Migrated ${provider} key`,
              description: `Imported from ${candidate.variables.join(', ')}`,
              priority: candidate.action === 'conflict' ? 100 : 0,
            },
            parsed.context,
          );
          results.successful.push({ provider, keyId });
          if (backupId) {
            await envImportsStore.recordKey(db, backupId, keyId);
          }
        } catch (error) {
          results.failed.push({
            provider,
            code: isBYOKError(error) ? error.code : 'INTERNAL_ERROR',
            message: isBYOKError(error) ? error.message : 'The key could not be stored',
          });
        }
      }
      if (backupId && results.successful.length === 0) {
        await envImportsStore.delete(db, backupId);
      } else if (backupId) {
        results.backupId = backupId;
      }
      return results;
    },

    /** Whether an import exists and was undone already: null when there is no import with this id. */
    importStatus(backupId: string): Promise<'open' | 'rolled-back' | null> {
      return envImportsStore.status(manager.context.db, backupId);
    },

    /** Undoes one import: deletes the keys it added (each deletion audited). Returns how many were removed. */
    async rollback(backupId: string, context?: RequestContext): Promise<number> {
      const db = manager.context.db;
      const record = await envImportsStore.findOpen(db, backupId);
      if (!record) return 0;
      const scope =
        record.owner_type === 'user' ? { userId: record.owner_id } : { workspaceId: record.owner_id };
      // Each deletion is its own audited transaction; a rollback stopped halfway can simply be run again.
      let removed = 0;
      for (const keyId of record.added_key_ids) {
        try {
          await manager.deleteKey(keyId, { scope, context });
          removed += 1;
        } catch (error) {
          if (!isBYOKError(error) || error.code !== 'KEY_NOT_FOUND') throw error;
        }
      }
      await envImportsStore.markRolledBack(db, backupId);
      return removed;
    },
  };

  return { analyzer, wizard };
}

function sameCredential(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
