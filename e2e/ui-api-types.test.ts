/*
 * The UI's generated API types (packages/byok-ui/src/api/openapi.gen.ts) match the OpenAPI document
 * the REST API serves now: a route or schema changed without `npm run generate:api -w
 * @stack-2025/byok-ui` fails here, and the UI's compile-time checks stay honest.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, renderApiTypes } from '../packages/byok-ui/scripts/generate-api.js';
import { buildOpenApiDocument } from '../packages/byok-ui/scripts/openapi-document.js';

describe('the UI API types', () => {
  it('are what the current OpenAPI document generates', async () => {
    const document = await buildOpenApiDocument();
    const expected = await renderApiTypes(document);
    const committed = await readFile(GENERATED_FILE, 'utf8');
    // Every API route of the document has its entry (a cheap, readable check before the full diff).
    for (const path of Object.keys(document.paths as object).filter((p) => p.startsWith('/api/'))) {
      expect(committed, `${path} is missing: run npm run generate:api -w @stack-2025/byok-ui`).toContain(
        `"${path.slice('/api'.length)}": {`,
      );
    }
    expect(
      committed === expected,
      'openapi.gen.ts is stale: run npm run generate:api -w @stack-2025/byok-ui',
    ).toBe(true);
  });
});
