import type { RewrapProgress } from '@stack-2025/byok-core/server';
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { ServerConfig } from '../config.js';
import { resolveKeySources } from '../master-key/resolve.js';
import { cliLogger, config, openSystem, positiveInt, withExistingDatabase } from './context.js';
import { CliExit, EXIT, err, out } from './exit.js';

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

export async function rotateCommand(opts: { batchSize: number; dryRun?: boolean }): Promise<void> {
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
    await withExistingDatabase(cfg, (client) =>
      openSystem(
        {
          encryptionKey: keys.encryptionKey,
          decryptionKeys: keys.decryptionKeys,
          postgresClient: client,
          logger,
          audit: { enabled: false },
          allowLegacyCiphertext: cfg.allowLegacyCiphertext,
        },
        async (system) => {
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
            throw new CliExit(
              EXIT.interrupted,
              'Stopped before the end; run the same command again to finish',
            );
          }
          throw new CliExit(
            EXIT.failed,
            'Rotation incomplete: processed != succeeded. Keep the old key and investigate.',
          );
        },
      ),
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** `byok rotate-encryption-keys`: rewraps every data key under a new master key. */
export function registerRotateCommand(program: Command): void {
  program
    .command('rotate-encryption-keys')
    .description(
      'Rewrap every data key under a new master key, online and resumable. ENCRYPTION_MASTER_KEY=<old> NEW_ENCRYPTION_MASTER_KEY=<new>, or BYOK_ENCRYPTION_KEY=<new> BYOK_DECRYPTION_KEYS=<old>',
    )
    .option('--batch-size <n>', 'rows per transaction', positiveInt, 500)
    .option('--dry-run', 'count what would be rewrapped; change nothing')
    .action(rotateCommand);
}
