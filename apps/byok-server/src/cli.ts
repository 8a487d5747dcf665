#!/usr/bin/env node
/**
 * The `byok` command: a dispatcher over one file per command in `cli/`. Every command reads its
 * configuration once (`cli/context.ts`) and ends with a `CliExit` (a `BYOKError`) for its status.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isBYOKError } from '@stack-2025/byok-core';
import { Command } from 'commander';
import { registerAuditCommands } from './cli/audit.js';
import { config, withSystem } from './cli/context.js';
import { CliExit, CONFIGURATION_CODES, EXIT, err, out } from './cli/exit.js';
import { registerGatewayTokenCommands } from './cli/gateway-tokens.js';
import { registerGenerateKeyCommand } from './cli/generate-key.js';
import { registerKeysCommands } from './cli/import-env.js';
import { registerIncidentCommands } from './cli/incident.js';
import { registerMasterKeyCommands } from './cli/master-key.js';
import { registerMigrateCommands } from './cli/migrate.js';
import { registerRotateCommand } from './cli/rotate.js';
import { registerServeCommand } from './cli/serve.js';
import { registerValidateCommand } from './cli/validate.js';

export { rotationKeys } from './cli/rotate.js';

export function buildProgram(): Command {
  const program = new Command('byok')
    .description(
      'BYOK service: REST API server and operations commands. Configuration comes from the environment.',
    )
    .showHelpAfterError();
  registerServeCommand(program);
  registerMigrateCommands(program);
  registerGenerateKeyCommand(program);
  registerMasterKeyCommands(program);
  registerRotateCommand(program);
  registerValidateCommand(program);
  registerKeysCommands(program);
  registerIncidentCommands(program);
  registerAuditCommands(program);
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
      return error.exitCode;
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
