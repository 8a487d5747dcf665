#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type AuditCheckpoint,
  type AuditProblem,
  BYOKManager,
  type BYOKSystem,
  countLegacyValues,
  createBYOKForStack2025,
  createLogger,
  createMigrationTools,
  DatabaseMigration,
  EncryptionService,
  Environment,
  incidentReport,
  isBYOKError,
  type Logger,
  type RewrapProgress,
  recordIfNoLegacyValuesLeft,
  toDatabase,
  type ValidationResult,
} from '@stack-2025/byok-core';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { registerGatewayTokenCommands } from './cli-gateway-tokens.js';
import { ConfigError, ensureMasterKey, loadConfig, type ServerConfig } from './config.js';
import { type OpenDatabaseOptions, openDatabase } from './database.js';
import { resolveKeySources } from './master-key/resolve.js';
import { createWrappedMasterKey } from './master-key/sources.js';
import { installProcessGuards } from './process-guards.js';
import { startServer } from './server.js';

/** Exit codes: 0 done, 1 the job failed (or found a problem), 2 bad configuration or usage, 130 interrupted. */
const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/** Where the data lives is a matter of configuration: no database, or one held by another process. */
const CONFIGURATION_CODES = new Set(['DATABASE_NOT_FOUND', 'DATA_FOLDER_LOCKED']);

class CliExit extends Error {
  constructor(
    readonly code: number,
    message?: string,
  ) {
    super(message ?? `exit ${code}`);
  }
}

const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const err = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function config(): ServerConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliExit(EXIT.usage, error.message);
    throw error;
  }
}

/** CLI jobs log to stderr so that stdout stays for their output (audit export, generate-key). */
const cliLogger = (cfg: ServerConfig, level = 'warn'): Logger =>
  createLogger({
    level: cfg.logLevel === 'debug' || cfg.logLevel === 'trace' ? cfg.logLevel : level,
    destination: process.stderr,
  });

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new InvalidArgumentError('must be an integer from 1 to 100000');
  return n;
};

/**
 * Opens the database `serve` uses (same data folder, same lock). `mustExist`: commands that read
 * or change existing data fail with exit 2 when there is none, instead of creating an empty one.
 */
async function withDatabase<T>(
  cfg: ServerConfig,
  fn: (client: unknown) => Promise<T>,
  options: OpenDatabaseOptions = {},
): Promise<T> {
  const database = await openDatabase(cfg, options);
  try {
    return await fn(database.client);
  } finally {
    await database.close();
  }
}

/** For commands that only make sense on data that already exists: never creates a database. */
const withExistingDatabase = <T>(cfg: ServerConfig, fn: (client: unknown) => Promise<T>): Promise<T> =>
  withDatabase(cfg, fn, { mustExist: true });

/** The audit log without the master key: verifying and exporting never need to decrypt. */
async function withAudit<T>(cfg: ServerConfig, fn: (manager: BYOKManager) => Promise<T>): Promise<T> {
  return withExistingDatabase(cfg, async (client) => {
    await new DatabaseMigration(client).runMigrations();
    const manager = new BYOKManager({
      database: { client, migrate: false },
      logger: createLogger({ level: 'error', destination: process.stderr }),
      audit: { enabled: false },
    });
    try {
      return await fn(manager);
    } finally {
      await manager.close();
    }
  });
}

/**
 * The full system on the configured database, with the master key the server would use (the
 * development key file outside production), for commands that read or write credentials.
 */
async function withSystem<T>(cfg: ServerConfig, fn: (system: BYOKSystem) => Promise<T>): Promise<T> {
  const logger = cliLogger(cfg);
  // The database first: where there is none, nothing is created (not even a development master key).
  return withExistingDatabase(cfg, async (client) => {
    const resolved = await ensureMasterKey(cfg, logger);
    if (!resolved.encryptionKey) {
      throw new CliExit(EXIT.usage, 'ENCRYPTION_MASTER_KEY not configured: set BYOK_ENCRYPTION_KEY');
    }
    let system: BYOKSystem;
    try {
      system = await createBYOKForStack2025({
        encryptionKey: resolved.encryptionKey,
        decryptionKeys: resolved.decryptionKeys,
        postgresClient: client,
        logger,
        ...(resolved.enabledProviders ? { enabledProviders: resolved.enabledProviders } : {}),
        validation: { enabled: resolved.enableValidation, timeout: resolved.validationTimeout },
        audit: { enabled: resolved.enableAudit, retentionDays: resolved.auditRetentionDays },
        providers: resolved.providerBaseUrls,
        quotas: resolved.quotas,
        allowLegacyCiphertext: resolved.allowLegacyCiphertext,
        // As in the server: outside production an alert may go to a local receiver.
        alerts: { allowPrivateWebhookHosts: !resolved.production },
      });
    } catch (error) {
      if (isBYOKError(error)) throw new CliExit(EXIT.failed, `${error.code}: ${error.message}`);
      throw error;
    }
    try {
      return await fn(system);
    } finally {
      await system.close();
    }
  });
}

function collectOwner(value: string, previous: { type: 'user' | 'workspace'; id: string }[]) {
  const match = /^(user|workspace):(.+)$/.exec(value);
  if (!match) throw new InvalidArgumentError('must be user:<id> or workspace:<id>');
  return [...previous, { type: match[1] as 'user' | 'workspace', id: match[2] as string }];
}

function parseSince(value: string): Date {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 'm' | 'h' | 'd'];
    return new Date(Date.now() - Number(relative[1]) * unit);
  }
  const at = new Date(value);
  if (Number.isNaN(at.getTime()))
    throw new InvalidArgumentError('must be an ISO time or a duration like 24h or 7d');
  return at;
}

async function incidentStartCommand(opts: {
  reason: string;
  owner: { type: 'user' | 'workspace'; id: string }[];
  skipRotation?: boolean;
  batchSize: number;
}): Promise<void> {
  let cfg = await resolveKeySources(config());
  if (!opts.skipRotation) {
    if (!cfg.newEncryptionKey) {
      throw new CliExit(
        EXIT.usage,
        'The runbook rotates the master key first: set ENCRYPTION_MASTER_KEY=<old> and NEW_ENCRYPTION_MASTER_KEY=<new> (or BYOK_NEW_MASTER_KEY_SOURCE), or pass --skip-rotation',
      );
    }
    await rotateCommand({ batchSize: opts.batchSize });
    const keys = rotationKeys(cfg);
    cfg = {
      ...cfg,
      encryptionKey: keys.encryptionKey,
      decryptionKeys: keys.decryptionKeys,
      newEncryptionKey: undefined,
    };
  }
  await withSystem(cfg, async (system) => {
    const summary = await system.startIncident({
      reason: opts.reason,
      ...(opts.owner.length > 0 ? { owners: opts.owner } : {}),
      masterFingerprint: system.encryption.activeFingerprint,
      context: { actor: 'cli:incident' },
    });
    await system.manager.context.alerts.drain();
    out(
      `Incident ${summary.id}: ${summary.keysMarked} key(s) of ${summary.owners} owner(s) marked compromised`,
    );
    out(`Notices queued to owners' alert channels: ${summary.notices}`);
    out(`Next: byok incident report --since <when the exposure began>`);
  });
}

async function incidentReportCommand(opts: { since: Date; until?: Date; json?: boolean }): Promise<void> {
  const cfg = config();
  const events = await withAudit(cfg, (manager) =>
    incidentReport(manager.context.db, { since: opts.since, ...(opts.until ? { until: opts.until } : {}) }),
  );
  if (opts.json) {
    for (const event of events) out(JSON.stringify(event));
    return;
  }
  const byKey = new Map<
    string,
    { owner: string; provider: string; uses: number; actions: string[]; last: string }
  >();
  for (const event of events) {
    const entry = byKey.get(event.keyId) ?? {
      owner: event.owner ? `${event.owner.type}:${event.owner.id}` : '-',
      provider: event.provider ?? '-',
      uses: 0,
      actions: [],
      last: '',
    };
    if (event.type === 'use') {
      entry.uses += event.count;
      entry.last = event.lastUsedAt > entry.last ? event.lastUsedAt : entry.last;
    } else {
      entry.actions.push(`${event.action} by ${event.actor}`);
      entry.last = event.at > entry.last ? event.at : entry.last;
    }
    byKey.set(event.keyId, entry);
  }
  out(
    `Keys used or changed from ${opts.since.toISOString()} to ${(opts.until ?? new Date()).toISOString()}: ${byKey.size}`,
  );
  for (const line of table(
    ['key', 'owner', 'provider', 'uses', 'last', 'actions'],
    [...byKey].map(([id, e]) => [
      id,
      e.owner,
      e.provider,
      String(e.uses),
      e.last,
      e.actions.join('; ') || '-',
    ]),
  )) {
    out(line);
  }
}

/** Pads columns to their widest cell; the last column is left as is. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Runs `fn` over `items`, at most `limit` at a time, keeping the order of the results. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface KeyToValidate {
  id: string;
  owner_type: 'user' | 'workspace';
  owner_id: string;
  provider: string;
  environment: string;
}

async function validateCommand(opts: {
  concurrency: number;
  user?: string;
  workspace?: string;
  json?: boolean;
}): Promise<void> {
  const cfg = config();
  if (opts.user && opts.workspace) throw new CliExit(EXIT.usage, 'Give --user or --workspace, not both');
  await withSystem(cfg, async (system) => {
    const params: string[] = [];
    let filter = '';
    if (opts.user || opts.workspace) {
      params.push(opts.user ? 'user' : 'workspace', (opts.user ?? opts.workspace) as string);
      filter = 'AND owner_type = $1 AND owner_id = $2';
    }
    const { rows } = await system.database.db.query<KeyToValidate>(
      `SELECT id, owner_type, owner_id, provider, environment FROM byok.keys
        WHERE status <> 'revoked' ${filter} ORDER BY owner_type, owner_id, provider, environment, priority, id`,
      params,
    );
    if (rows.length === 0) {
      if (opts.json) out('[]');
      else out('No keys to validate.');
      return;
    }
    if (!opts.json) err(`Validating ${rows.length} key(s), ${opts.concurrency} at a time…`);
    let done = 0;
    const context = { actor: { type: 'system', id: 'cli:validate' } as const, userAgent: 'byok-cli' };
    const outcomes = await mapLimited(rows, opts.concurrency, async (row) => {
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
    });
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
      const { rows } = await system.database.db.query<{ rolled_back_at: Date | null }>(
        'SELECT rolled_back_at FROM byok.env_imports WHERE id = $1',
        [backupId],
      );
      const record = rows[0];
      if (!record) throw new CliExit(EXIT.failed, `No import ${backupId}: check the id the import printed`);
      if (record.rolled_back_at) return out(`Import ${backupId} was already undone; nothing to do.`);
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

async function serveCommand(opts: { port?: number; host?: string }): Promise<void> {
  const cfg = config();
  const logger = createLogger({ level: cfg.logLevel });
  installProcessGuards(logger);
  const running = await startServer(
    {
      ...cfg,
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host ? { host: opts.host } : {}),
    },
    { logger },
  );
  // Where to go, for a person at a terminal; production keeps stdout to JSON log lines (which
  // carry the same `openUrl`).
  if (!cfg.production) {
    out(
      running.dashboard
        ? `\nBYOK is running: open ${running.openUrl} (API reference: ${running.openUrl.replace(/\/$/, '')}${cfg.basePath}/docs)\n`
        : `\nBYOK is running at ${running.openUrl} (the dashboard is not built: npm run build:app -w @stack-2025/byok-ui)\n`,
    );
  }
  await new Promise<void>((resolve) => {
    // The first SIGTERM/SIGINT drains and stops; later ones (an impatient supervisor) do not cut
    // the drain short. SIGKILL still does.
    const stop = () => {
      running.close().then(resolve, resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => void running.reloadMasterKey());
  });
}

async function migrateCommand(): Promise<void> {
  const cfg = config();
  await withDatabase(cfg, async (client) => {
    const applied = await new DatabaseMigration(client).runMigrations();
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

/**
 * Which master keys the rotation uses. The runbook's form: `ENCRYPTION_MASTER_KEY=old
 * NEW_ENCRYPTION_MASTER_KEY=new`. The keyring form: `BYOK_ENCRYPTION_KEY=new BYOK_DECRYPTION_KEYS=old[,older]`.
 */
export function rotationKeys(cfg: ServerConfig): {
  encryptionKey: string;
  decryptionKeys: string[];
  form: string;
} {
  if (cfg.newEncryptionKey) {
    const old = [cfg.legacyMasterKey ?? cfg.encryptionKey, ...cfg.decryptionKeys].filter(
      (key): key is string => Boolean(key) && key !== cfg.newEncryptionKey,
    );
    if (old.length === 0) {
      throw new CliExit(
        EXIT.usage,
        'NEW_ENCRYPTION_MASTER_KEY is set but the old key is not: set ENCRYPTION_MASTER_KEY to it',
      );
    }
    return { encryptionKey: cfg.newEncryptionKey, decryptionKeys: [...new Set(old)], form: 'runbook' };
  }
  if (!cfg.encryptionKey) {
    throw new CliExit(
      EXIT.usage,
      'No keys given. Use ENCRYPTION_MASTER_KEY=<old> NEW_ENCRYPTION_MASTER_KEY=<new>, or BYOK_ENCRYPTION_KEY=<new> BYOK_DECRYPTION_KEYS=<old>',
    );
  }
  return { encryptionKey: cfg.encryptionKey, decryptionKeys: cfg.decryptionKeys, form: 'keyring' };
}

function progressReporter(): { update(p: RewrapProgress): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      {
        format: 'rewrapping data keys [{bar}] {value}/{total} failed {failed}',
        stream: process.stderr,
        barCompleteChar: '#',
        barIncompleteChar: '.',
      },
      Presets.legacy,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.total, 0, { failed: 0 });
          started = true;
        }
        bar.update(p.processed, { failed: p.failed });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  return {
    update: (p) =>
      err(`progress: ${p.processed}/${p.total} processed, ${p.succeeded} succeeded, ${p.failed} failed`),
    stop: () => undefined,
  };
}

async function rotateCommand(opts: { batchSize: number; dryRun?: boolean }): Promise<void> {
  const cfg = await resolveKeySources(config());
  const keys = rotationKeys(cfg);
  const logger = cliLogger(cfg);
  const controller = new AbortController();
  const onSigint = () => {
    err('Interrupted: stopping after the current batch (run again to resume)');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    await withExistingDatabase(cfg, async (client) => {
      let system: BYOKSystem;
      try {
        system = await createBYOKForStack2025({
          encryptionKey: keys.encryptionKey,
          decryptionKeys: keys.decryptionKeys,
          postgresClient: client,
          logger,
          audit: { enabled: false },
          allowLegacyCiphertext: cfg.allowLegacyCiphertext,
        });
      } catch (error) {
        if (isBYOKError(error)) throw new CliExit(EXIT.failed, `${error.code}: ${error.message}`);
        throw error;
      }
      try {
        const ring = system.encryption.keyring;
        const oldFingerprints = ring.fingerprints.filter((fp) => fp !== ring.active.fingerprint);
        out(`Old master key fingerprint(s): ${oldFingerprints.join(', ') || '(none given)'}`);
        out(`New master key fingerprint:    ${ring.active.fingerprint}`);
        const context = { actor: { type: 'system', id: 'cli:rotate-encryption-keys' } as const };
        if (!opts.dryRun) {
          await system.audit.record({
            action: 'master_key.rotation_started',
            targetType: 'master_key',
            targetId: ring.active.fingerprint,
            context,
            details: { from: oldFingerprints, form: keys.form },
          });
        }
        const progress = progressReporter();
        const report = await system.rotateMasterKey({
          batchSize: opts.batchSize,
          ...(opts.dryRun ? { dryRun: true } : {}),
          signal: controller.signal,
          onProgress: (p) => progress.update(p),
        });
        progress.stop();
        if (report.dryRun) {
          out(
            `Dry run: ${report.total} data key(s) would be rewrapped from ${report.fromFingerprints.join(', ') || '(none)'}; nothing changed`,
          );
          return;
        }
        out(
          `Processed ${report.processed} of ${report.total}: ${report.succeeded} succeeded, ${report.failed} failed; stored under ${report.fromFingerprints.join(', ') || '(nothing)'} → ${report.toFingerprint}`,
        );
        for (const failure of report.failures.slice(0, 20))
          err(`  failed: ${failure.dataKeyId}: ${failure.reason}`);
        if (report.auditResealed) {
          const { chains, entries, failed } = report.auditResealed;
          out(`Audit log re-sealed under ${report.toFingerprint}: ${chains} chain(s), ${entries} entries`);
          if (failed.length) {
            err(
              `  ${failed.length} chain(s) failed verification and keep their old seals (run "byok audit verify"): ${failed.slice(0, 20).join(', ')}`,
            );
          }
        }
        if (report.completed) {
          await system.audit.record({
            action: 'master_key.rotation_completed',
            targetType: 'master_key',
            targetId: report.toFingerprint,
            context,
            details: { processed: report.processed, succeeded: report.succeeded },
          });
          out(
            'Done: every data key is under the new master key. Deploy BYOK_ENCRYPTION_KEY=<new> to every instance.',
          );
          return;
        }
        if (controller.signal.aborted && report.processed === report.succeeded) {
          throw new CliExit(EXIT.interrupted, 'Stopped before the end; run the same command again to finish');
        }
        throw new CliExit(
          EXIT.failed,
          'Rotation incomplete: processed != succeeded. Keep the old key and investigate.',
        );
      } finally {
        await system.close();
      }
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * The audit log with the master key: verifying and checkpoints need the audit key derived from it
 * (keys in BYOK_DECRYPTION_KEYS verify what was sealed before a rotation).
 */
async function withKeyedAudit<T>(cfg: ServerConfig, fn: (manager: BYOKManager) => Promise<T>): Promise<T> {
  // The database first: a folder with no database is reported as such, and nothing (not even a
  // development key) is created in it.
  return withExistingDatabase(cfg, async (client) => {
    const resolved = await ensureMasterKey(cfg, cliLogger(cfg, 'error'));
    if (!resolved.encryptionKey) {
      throw new CliExit(
        EXIT.usage,
        'The audit log is sealed with a key derived from the master key: set BYOK_ENCRYPTION_KEY to verify it',
      );
    }
    const manager = new BYOKManager({
      encryptionKey: resolved.encryptionKey,
      decryptionKeys: resolved.decryptionKeys,
      database: { client },
      logger: createLogger({ level: 'error', destination: process.stderr }),
      audit: { enabled: false },
    });
    try {
      await manager.ready();
      return await fn(manager);
    } catch (error) {
      if (isBYOKError(error)) throw new CliExit(EXIT.failed, `${error.code}: ${error.message}`);
      throw error;
    } finally {
      await manager.close();
    }
  });
}

async function readCheckpoint(file: string): Promise<AuditCheckpoint> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as AuditCheckpoint;
  } catch (error) {
    throw new CliExit(EXIT.usage, `Cannot read checkpoint ${file}: ${(error as Error).message}`);
  }
}

function problemLine(problem: AuditProblem): string {
  const where = problem.chain ?? '(state)';
  const seq =
    problem.seq === undefined
      ? ''
      : problem.toSeq !== undefined && problem.toSeq !== problem.seq
        ? ` seq ${problem.seq}-${problem.toSeq}`
        : ` seq ${problem.seq}`;
  const id = problem.id ? ` (entry id ${problem.id})` : '';
  return `  ${where}${seq}${id} ${problem.reason}: ${problem.message}`;
}

async function auditVerifyCommand(opts: { checkpoint?: string; json?: boolean }): Promise<void> {
  const cfg = config();
  const checkpoint = opts.checkpoint ? await readCheckpoint(opts.checkpoint) : undefined;
  await withKeyedAudit(cfg, async (manager) => {
    const result = await manager.audit.verify(checkpoint ? { checkpoint } : {});
    if (opts.json) out(JSON.stringify(result, null, 2));
    else if (result.ok) {
      const legacy = result.legacyEntries
        ? ` (${result.legacyEntries} written before MACs, checked by their SHA-256 links)`
        : '';
      const against = result.checkpointAt
        ? `; nothing rewritten behind the checkpoint of ${result.checkpointAt}`
        : '';
      out(
        `Audit log intact: ${result.checked} entries verified in ${result.chains} chain(s)${legacy}${against}`,
      );
    } else {
      out(`AUDIT LOG BROKEN: ${result.problems.length} problem(s) after checking ${result.checked} entries`);
      for (const problem of result.problems) out(problemLine(problem));
    }
    if (!result.ok) throw new CliExit(EXIT.failed);
  });
}

async function auditCheckpointCommand(opts: { out?: string }): Promise<void> {
  const cfg = config();
  await withKeyedAudit(cfg, async (manager) => {
    const checkpoint = await manager.audit.createCheckpoint();
    const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
    if (opts.out) {
      const file = await open(opts.out, 'w', 0o600);
      try {
        await file.write(text);
      } finally {
        await file.close();
      }
    } else await write(text, undefined);
    err(
      `Checkpoint of ${checkpoint.chains} chain(s) at ${checkpoint.createdAt}${opts.out ? ` written to ${opts.out}` : ''}: keep it outside the database`,
    );
  });
}

async function auditExportCommand(opts: { out?: string }): Promise<void> {
  const cfg = config();
  await withAudit(cfg, async (manager) => {
    const file = opts.out ? await open(opts.out, 'w', 0o600) : undefined;
    let count = 0;
    try {
      let buffer = '';
      for await (const entry of manager.audit.entries()) {
        buffer += `${JSON.stringify(entry)}\n`;
        count += 1;
        if (buffer.length > 64 * 1024) {
          await write(buffer, file);
          buffer = '';
        }
      }
      if (buffer) await write(buffer, file);
    } finally {
      await file?.close();
    }
    err(`Exported ${count} audit entries${opts.out ? ` to ${opts.out}` : ''}`);
  });
}

async function write(text: string, file: import('node:fs/promises').FileHandle | undefined): Promise<void> {
  if (file) {
    await file.write(text);
    return;
  }
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

export function buildProgram(): Command {
  const program = new Command('byok')
    .description(
      'BYOK service: REST API server and operations commands. Configuration comes from the environment.',
    )
    .showHelpAfterError();

  program
    .command('serve')
    .description('Run the HTTP server (PGlite in BYOK_DATA_DIR unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port (overrides PORT)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
      return n;
    })
    .option('--host <host>', 'interface (overrides HOST)')
    .action(serveCommand);

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

  program
    .command('generate-key')
    .description('Print a new random master key (32 bytes, base64)')
    .action(() => {
      out(EncryptionService.generateMasterKey());
    });

  program
    .command('master-key')
    .description('Master keys held by a key service (BYOK_MASTER_KEY_SOURCE=aws-kms or vault-transit)')
    .command('create')
    .description(
      'Make a master key wrapped by the configured KMS key (BYOK_KMS_KEY_ID) or Vault transit key; prints only the wrapped form, for BYOK_KMS_WRAPPED_MASTER_KEY / BYOK_VAULT_WRAPPED_MASTER_KEY',
    )
    .action(async () => {
      out(await createWrappedMasterKey(config().keySource));
    });

  program
    .command('rotate-encryption-keys')
    .description(
      'Rewrap every data key under a new master key, online and resumable. ENCRYPTION_MASTER_KEY=<old> NEW_ENCRYPTION_MASTER_KEY=<new>, or BYOK_ENCRYPTION_KEY=<new> BYOK_DECRYPTION_KEYS=<old>',
    )
    .option('--batch-size <n>', 'rows per transaction', positiveInt, 500)
    .option('--dry-run', 'count what would be rewrapped; change nothing')
    .action(rotateCommand);

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

  const incident = program
    .command('incident')
    .description("The deployment guide's key-compromise procedure, as commands");
  incident
    .command('start')
    .description(
      'Rotate the master key (NEW_ENCRYPTION_MASTER_KEY or BYOK_NEW_MASTER_KEY_SOURCE), then mark every credential (or those of --owner) compromised — no longer served until re-entered — and notify the owners through their alert channels',
    )
    .requiredOption('--reason <text>', 'what happened; shown to owners and kept in the audit log')
    .option('--owner <user:id|workspace:id>', 'only this owner (repeatable)', collectOwner, [])
    .option('--skip-rotation', 'mark keys without rotating the master key (the key itself was not exposed)')
    .option('--batch-size <n>', 'rows per rotation transaction', positiveInt, 500)
    .action(incidentStartCommand);
  incident
    .command('report')
    .description('Every use (decryption) and audited action of each key in a window: a table, or JSON lines')
    .requiredOption('--since <time>', 'ISO time, or a duration back from now (24h, 7d)', parseSince)
    .option('--until <time>', 'ISO time (default now)', parseSince)
    .option('--json', 'JSON lines instead of the table')
    .action(incidentReportCommand);

  const audit = program.command('audit').description('Audit log');
  audit
    .command('verify')
    .description(
      'Check every entry, chain head and the chain count against their MACs (needs the master key); list every problem and exit 1 if any',
    )
    .option(
      '--checkpoint <file>',
      'also find history rewritten behind this checkpoint (from "byok audit checkpoint")',
    )
    .option('--json', 'print the full result as JSON')
    .action(auditVerifyCommand);
  audit
    .command('checkpoint')
    .description('Print a sealed checkpoint of every chain head, to keep outside the database')
    .option('-o, --out <file>', 'write to a file (mode 0600) instead of stdout')
    .action(auditCheckpointCommand);
  audit
    .command('export')
    .description('Write every entry as JSON lines, oldest first')
    .option('-o, --out <file>', 'write to a file (mode 0600) instead of stdout')
    .action(auditExportCommand);

  registerGatewayTokenCommands(program, { withSystem: (fn) => withSystem(config(), fn), out });
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CliExit) {
      if (error.message && !error.message.startsWith('exit ')) err(error.message);
      return error.code;
    }
    if (isBYOKError(error)) {
      err(`${error.code}: ${error.message}`);
      return CONFIGURATION_CODES.has(error.code) ? EXIT.usage : EXIT.failed;
    }
    err(`Error: ${(error as Error).message}`);
    return EXIT.failed;
  }
}

const invokedDirectly = (() => {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (invokedDirectly) {
  const code = await main();
  process.exitCode = code;
  // Every command has finished its work here (serve only returns after its drain): a stray handle
  // of a client library must not keep the process alive.
  setTimeout(() => process.exit(code), 100).unref();
}
