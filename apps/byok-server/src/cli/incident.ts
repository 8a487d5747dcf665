import { incidentReport } from '@stack-2025/byok-core/server';
import { type Command, InvalidArgumentError } from 'commander';
import { resolveKeySources } from '../master-key/resolve.js';
import { config, positiveInt, withAudit, withSystem } from './context.js';
import { CliExit, EXIT, out } from './exit.js';
import { rotateCommand, rotationKeys } from './rotate.js';
import { table } from './table.js';

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

/** `byok incident start|report`: the deployment guide's key-compromise procedure. */
export function registerIncidentCommands(program: Command): void {
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
}
