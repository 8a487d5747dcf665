import type { Command } from 'commander';
import { createWrappedMasterKey } from '../master-key/sources.js';
import { config } from './context.js';
import { out } from './exit.js';

/** `byok master-key create`: a master key wrapped by the configured KMS or Vault key. */
export function registerMasterKeyCommands(program: Command): void {
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
}
