/** docs/schema.md is generated from the migrations (`npm run docs:schema`): it must match them. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { schemaReference } from '../scripts/schema-reference.js';

describe('the schema reference', () => {
  it('matches what the migrations create (regenerate with npm run docs:schema)', async () => {
    const onDisk = await readFile(new URL('../docs/schema.md', import.meta.url), 'utf8');
    const generated = await schemaReference();
    expect(onDisk).toBe(generated);
    // Every table is described, none is left out of the page.
    expect(generated).toMatch(/### byok\.keys\n/);
    expect(generated).toMatch(/### byok\.audit_log\n/);
  }, 120_000);
});
