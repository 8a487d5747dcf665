import { EncryptionService } from '@stack-2025/byok-core';
import type { Command } from 'commander';
import { out } from './exit.js';

/** `byok generate-key`: a new random master key on stdout. */
export function registerGenerateKeyCommand(program: Command): void {
  program
    .command('generate-key')
    .description('Print a new random master key (32 bytes, base64)')
    .action(() => {
      out(EncryptionService.generateMasterKey());
    });
}
