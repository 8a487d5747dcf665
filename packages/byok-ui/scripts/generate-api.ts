/*
 * Writes src/api/openapi.gen.ts, the TypeScript types of the REST API, from the OpenAPI document
 * the handler serves (`npm run generate:api -w @stack-2025/byok-ui`). `api/openapi-gen.test.ts`
 * fails when the committed file no longer matches the document.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildOpenApiDocument } from './openapi-document.js';

export const GENERATED_FILE = fileURLToPath(new URL('../src/api/openapi.gen.ts', import.meta.url));

const HEADER = `/*
 * Generated from the REST API's OpenAPI document by \`npm run generate:api -w @stack-2025/byok-ui\`.
 * Do not edit: change the routes' schemas in byok-core and run the script again.
 */
`;

const BASE_PATH = '/api';

/**
 * The document's REST API routes relative to where the API is mounted (`/api/keys` → `/keys`), as
 * the client joins them to its `apiUrl`; `/health` and `/metrics` (outside it) are left out.
 */
export function apiRoutesOnly(document: Record<string, unknown>): Record<string, unknown> {
  const paths = (document.paths ?? {}) as Record<string, unknown>;
  const relative = Object.fromEntries(
    Object.entries(paths)
      .filter(([path]) => path.startsWith(`${BASE_PATH}/`))
      .map(([path, item]) => [path.slice(BASE_PATH.length), item]),
  );
  return { ...document, paths: relative };
}

/** The generated file's text for an OpenAPI document. */
export async function renderApiTypes(document: Record<string, unknown>): Promise<string> {
  // biome-ignore lint/suspicious/noExplicitAny: openapi-typescript's input type is a structural OpenAPI 3 object
  const ast = await openapiTS(apiRoutesOnly(document) as any, { alphabetize: true });
  return `${HEADER}\n${astToString(ast)}`;
}

async function main(): Promise<void> {
  const text = await renderApiTypes(await buildOpenApiDocument());
  await writeFile(GENERATED_FILE, text);
  console.log(`wrote ${GENERATED_FILE} (${text.length} characters)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
