import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARS } from '../apps/byok-server/src/config.js';
import { LIBRARY_ENV_VARS } from '../packages/byok-core/src/config/index.js';
import { CONFIGURATION_DOC, optionRows, renderConfigurationDoc } from '../scripts/config-docs.js';

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` generates from the code (regenerate it when this fails)', () => {
    expect(readFileSync(CONFIGURATION_DOC, 'utf8')).toBe(renderConfigurationDoc());
  });

  it('names every option, library variable and server variable, and describes every option', () => {
    const doc = readFileSync(CONFIGURATION_DOC, 'utf8');
    for (const row of optionRows()) {
      expect(doc).toContain(`\`${row.path}\``);
      expect(row.description, row.path).not.toBe('');
    }
    for (const { name } of LIBRARY_ENV_VARS) expect(doc).toContain(`\`${name}\``);
    for (const name of ENV_VARS) expect(doc).toContain(`\`${name}\``);
  });
});
