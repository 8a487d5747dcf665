import { BYOKError, type ErrorCode } from '@stack-2025/byok-core';

/** Exit codes: 0 done, 1 the job failed (or found a problem), 2 bad configuration or usage, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

const CODE_OF_EXIT: Record<Exclude<ExitStatus, 0>, ErrorCode> = {
  [EXIT.failed]: 'CLI_FAILED',
  [EXIT.usage]: 'CLI_USAGE',
  [EXIT.interrupted]: 'CLI_INTERRUPTED',
};

/**
 * Ends a command with an exit status and, when there is one, a message for stderr. A `BYOKError`
 * like every other error of the project: `code` is `CLI_FAILED`, `CLI_USAGE` or `CLI_INTERRUPTED`.
 */
export class CliExit extends BYOKError {
  constructor(
    readonly exitCode: Exclude<ExitStatus, 0>,
    message?: string,
  ) {
    super(CODE_OF_EXIT[exitCode], message ?? `exit ${exitCode}`);
    this.name = 'CliExit';
  }
}

/** Configuration problems (exit 2): no database, one held by another process, a variable that does not parse. */
export const CONFIGURATION_CODES: ReadonlySet<string> = new Set([
  'DATABASE_NOT_FOUND',
  'DATA_FOLDER_LOCKED',
  'INVALID_CONFIG',
]);

export const out = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
export const err = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Writes to `file`, or to stdout (waiting for it to drain). */
export async function write(
  text: string,
  file: import('node:fs/promises').FileHandle | undefined,
): Promise<void> {
  if (file) {
    await file.write(text);
    return;
  }
  if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}
