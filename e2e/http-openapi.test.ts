/**
 * The OpenAPI document (`/api/openapi.json`) as a client author reads it: a valid OpenAPI 3.1
 * document (checked by @readme/openapi-parser), every operation with an example and a security
 * entry (or explicitly public), every way to sign in described, and examples for the main
 * operations on both sides.
 */
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFixture, type HttpFixture, tokenFor } from '../apps/byok-server/test/helpers.js';

type Json = Record<string, unknown>;
interface Operation {
  security?: Json[];
  requestBody?: { content?: Record<string, Json> };
  responses: Record<string, { content?: Record<string, Json> }>;
}
type Document = Json & {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
};

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete', 'head', 'options']);
/** Routes anyone may call: the document must say so with `security: []`. */
const PUBLIC = new Set([
  'GET /health',
  'GET /health/ready',
  'GET /metrics',
  'GET /api/auth/demo',
  'POST /api/auth/demo',
]);
const USER_FLOWS = [{ bearerAuth: [] }, { jwksBearer: [] }, { adminToken: [], actingUser: [] }];

let plain: HttpFixture;
let withDemo: HttpFixture;
let doc: Document;

beforeAll(async () => {
  plain = await createHttpFixture();
  withDemo = await createHttpFixture({ documentDemoSignIn: true });
  doc = (await withDemo.call('GET', '/api/openapi.json')).json;
}, 60_000);
afterAll(async () => {
  await plain?.close();
  await withDemo?.close();
});

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
  );

/** The example of a media type: its own, or its schema's (followed through `$ref`). */
function exampleOf(document: Document, media: Json | undefined): unknown {
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const examples = media.examples as Record<string, { value?: unknown }> | undefined;
  if (examples && Object.values(examples)[0]?.value !== undefined) return Object.values(examples)[0]?.value;
  let schema = media.schema as Json | undefined;
  const seen = new Set<string>();
  while (schema && typeof schema.$ref === 'string' && !seen.has(schema.$ref)) {
    seen.add(schema.$ref);
    schema = document.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
  }
  return schema?.example ?? (schema?.examples as unknown[] | undefined)?.[0];
}

const successOf = (operation: Operation) =>
  Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));

describe('GET /api/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, with and without the demo sign-in', async () => {
    for (const document of [doc, plain.handler.openapi() as Document]) {
      const result = await validate(structuredClone(document) as never);
      expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
      expect(document.openapi).toBe('3.1.0');
    }
  });

  it('describes every way to sign in: JWT (HS256), JWKS (RS256), the service token and the demo sign-in', async () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes.bearerAuth?.description).toMatch(/HS256/);
    expect(schemes.bearerAuth?.description).toMatch(/BYOK_JWT_SECRET/);
    expect(schemes.jwksBearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(schemes.jwksBearer?.description).toMatch(/RS256/);
    expect(schemes.jwksBearer?.description).toMatch(/BYOK_JWKS_URL/);
    expect(schemes.adminToken).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(schemes.adminToken?.description).toMatch(/BYOK_ADMIN_TOKEN/);
    expect(schemes.actingUser).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-BYOK-User-Id' });
    for (const scheme of Object.values(schemes)) expect(String(scheme.description)).toMatch(/Example/);

    const demo = doc.paths['/api/auth/demo'];
    expect(demo?.post?.security).toEqual([]);
    expect(exampleOf(doc, demo?.post?.responses['200']?.content?.['application/json'])).toMatchObject({
      token: expect.any(String),
      userId: expect.any(String),
    });
    // The reference page stays self-contained with the auth docs and examples in it.
    const page = await withDemo.call('GET', '/api/docs');
    expect(page.text).toContain('/api/auth/demo');
    expect(page.text).not.toMatch(/<script|https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
    // The library alone does not serve it, so it does not document it.
    expect((plain.handler.openapi() as Document).paths['/api/auth/demo']).toBeUndefined();
  });

  it('gives every operation a security entry (or says it is public) and at least one example', () => {
    const all = operations(doc);
    expect(all.length).toBeGreaterThan(40);
    const problems: string[] = [];
    for (const { name, operation } of all) {
      if (!Array.isArray(operation.security)) problems.push(`${name}: no security entry`);
      else if (PUBLIC.has(name) !== (operation.security.length === 0))
        problems.push(`${name}: security ${JSON.stringify(operation.security)}`);
      else if (name.startsWith('GET /health/byok')) expect(operation.security).toEqual([{ adminToken: [] }]);
      else if (!PUBLIC.has(name))
        for (const flow of USER_FLOWS)
          if (!operation.security.some((s) => JSON.stringify(s) === JSON.stringify(flow)))
            problems.push(`${name}: does not accept ${Object.keys(flow).join('+')}`);
      const media = [
        ...Object.values(operation.requestBody?.content ?? {}),
        ...Object.values(operation.responses).flatMap((response) => Object.values(response.content ?? {})),
      ];
      if (!media.some((m) => exampleOf(doc, m) !== undefined)) problems.push(`${name}: no example`);
    }
    expect(problems).toEqual([]);
  });

  it('shows request and answer examples for the main operations', () => {
    const main: [string, string, boolean][] = [
      ['post', '/api/keys', true],
      ['get', '/api/keys', false],
      ['post', '/api/keys/{id}/test', false],
      ['get', '/api/usage/analytics', false],
      ['post', '/api/usage', true],
      ['post', '/api/alerts', true],
    ];
    for (const [method, path, hasBody] of main) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      if (!operation) continue;
      if (hasBody)
        expect(
          exampleOf(doc, operation.requestBody?.content?.['application/json']),
          `${method} ${path} body`,
        ).toEqual(expect.any(Object));
      const success = successOf(operation);
      expect(success.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, response] of success)
        expect(exampleOf(doc, response.content?.['application/json']), `${method} ${path} ${status}`).toEqual(
          expect.any(Object),
        );
    }
  });

  it('documents `details` in error answers, with an example of a field-by-field 400', () => {
    const error = doc.components.schemas.Error as { properties: { error: { properties: Json } } };
    expect(Object.keys(error.properties.error.properties).sort()).toEqual([
      'code',
      'details',
      'message',
      'requestId',
    ]);
    const bad = doc.paths['/api/keys']?.post?.responses['400']?.content?.['application/json'];
    expect(exampleOf(doc, bad)).toMatchObject({
      error: {
        code: 'INVALID_INPUT',
        details: { issues: [{ path: 'keyData', message: 'required' }, expect.any(Object)] },
      },
    });
  });

  it('answers bad input with the documented details: the field paths and what is wrong, never the value', async () => {
    const token = await tokenFor('user_openapi');
    const res = await plain.call('POST', '/api/keys', {
      token,
      body: { provider: 'openai', alias: 'x'.repeat(101), 'sk-secret-looking-field': 1 },
    });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('INVALID_INPUT');
    const issues = res.json.error.details.issues as { path: string; message: string }[];
    expect(issues.map((issue) => issue.path).sort()).toEqual(['(root)', 'alias', 'keyData']);
    expect(issues.find((issue) => issue.path === 'keyData')?.message).toBe('required');
    expect(res.text).not.toContain('sk-secret');
    expect(res.text).not.toContain('x'.repeat(101));
  });
});
