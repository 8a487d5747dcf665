import { open, readFile } from 'node:fs/promises';
import type { AuditCheckpoint, AuditProblem } from '@stack-2025/byok-core/server';
import type { Command } from 'commander';
import { config, withAudit, withKeyedAudit } from './context.js';
import { CliExit, EXIT, err, out, write } from './exit.js';

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

/** `byok audit verify|checkpoint|export`. */
export function registerAuditCommands(program: Command): void {
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
}
