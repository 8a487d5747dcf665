import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { BYOKSystem } from '../../create-byok.js';
import { BYOKError, keyNotFound } from '../../errors/index.js';
import type {
  AddKeyInput,
  KeyDetails,
  ListKeysFilter,
  OwnerSelector,
  UpdateKeyInput,
} from '../../keys/types.js';
import { callContext, requireUser, requireWorkspaceRole } from '../guards.js';
import {
  CreateKeyBody,
  CredentialTestResponse,
  EmptyBody,
  KeyIdParams,
  KeyListResponse,
  KeyResponse,
  KeyTestResponse,
  ListKeysQuery,
  RevokeKeyBody,
  TestCredentialBody,
  UpdateKeyBody,
  ValidateAllResponse,
  WorkspaceKeyParams,
  WorkspaceParams,
} from '../schemas.js';
import { serializeCredentialTest, serializeKey, serializeValidation } from '../serialize.js';
import type { HttpEnv } from '../types.js';
import { errorResponses, json, jsonBody, security } from './common.js';

type CreateInput = Omit<AddKeyInput, 'userId' | 'workspaceId'>;

/** The key operations shared by `/keys` (the caller's own) and `/workspaces/:id/ai-providers`. */
export function keyOperations(system: BYOKSystem) {
  const manager = system.manager;
  const checkEnabled = (provider: string) => {
    const enabled = system.enabledProviders;
    if (enabled && !enabled.includes(provider as never)) {
      throw new BYOKError(
        'UNKNOWN_PROVIDER',
        `Provider ${provider} is not enabled on this server; enabled: ${enabled.join(', ')}`,
      );
    }
  };
  const details = async (keyId: string, scope: OwnerSelector): Promise<KeyDetails> => {
    const key = await manager.getKeyDetails(keyId, { scope });
    if (!key) throw keyNotFound(keyId);
    return key;
  };
  return {
    async create(c: Context<HttpEnv>, scope: OwnerSelector, input: CreateInput) {
      checkEnabled(input.provider);
      const keyId = await manager.addKey({ ...input, ...scope } as AddKeyInput, callContext(c));
      return serializeKey(await details(keyId, scope));
    },
    async list(scope: OwnerSelector, filter: ListKeysFilter) {
      return (await manager.listKeys(scope, filter)).map(serializeKey);
    },
    async get(scope: OwnerSelector, keyId: string) {
      return serializeKey(await details(keyId, scope));
    },
    async update(c: Context<HttpEnv>, scope: OwnerSelector, keyId: string, patch: UpdateKeyInput) {
      return serializeKey(await manager.updateKey(keyId, patch, { scope, context: callContext(c) }));
    },
    async revoke(c: Context<HttpEnv>, scope: OwnerSelector, keyId: string, reason: string | undefined) {
      return serializeKey(
        await manager.revokeKey(keyId, { scope, context: callContext(c), ...(reason ? { reason } : {}) }),
      );
    },
    async remove(c: Context<HttpEnv>, scope: OwnerSelector, keyId: string) {
      await manager.deleteKey(keyId, { scope, context: callContext(c) });
    },
    /** Tests one key now against its provider; records the result and the key's new health. */
    async test(c: Context<HttpEnv>, scope: OwnerSelector, keyId: string) {
      return serializeValidation(await manager.testKey(keyId, { scope, context: callContext(c) }));
    },
    /** Tests every key of the owner that is not revoked, a bounded number at a time. */
    async validateAll(c: Context<HttpEnv>, scope: OwnerSelector) {
      return (await manager.validateAllKeys(scope, { context: callContext(c) })).map(serializeValidation);
    },
    checkEnabled,
  };
}

/** `/keys`: the calling user's own keys. */
export function registerKeyRoutes(app: OpenAPIHono<HttpEnv>, system: BYOKSystem, basePath: string): void {
  const ops = keyOperations(system);
  const manager = system.manager;
  const tags = ['Keys'];
  const userScope = (c: Context<HttpEnv>): OwnerSelector => ({ userId: requireUser(c) });

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/keys`,
      tags,
      security,
      summary: 'Store a key',
      description: 'Checks the credential against the provider’s format, encrypts it and stores it.',
      request: { body: jsonBody(CreateKeyBody) },
      responses: {
        201: json(KeyResponse, 'The stored key (masked)'),
        ...errorResponses(400, 401, 413, 415, 429, 503),
      },
    }),
    async (c) => c.json({ key: await ops.create(c, userScope(c), c.req.valid('json')) }, 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/keys`,
      tags,
      security,
      summary: 'List your keys',
      request: { query: ListKeysQuery },
      responses: { 200: json(KeyListResponse, 'Your keys (masked)'), ...errorResponses(400, 401, 503) },
    }),
    async (c) => c.json({ keys: await ops.list(userScope(c), c.req.valid('query')) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${basePath}/keys/{id}`,
      tags,
      security,
      summary: 'Get one key',
      request: { params: KeyIdParams },
      responses: { 200: json(KeyResponse, 'The key (masked)'), ...errorResponses(401, 404, 503) },
    }),
    async (c) => c.json({ key: await ops.get(userScope(c), c.req.valid('param').id) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: `${basePath}/keys/{id}`,
      tags,
      security,
      summary: 'Change a key',
      description: 'Alias, description, priority, enabled state, or a new secret (`keyData`).',
      request: { params: KeyIdParams, body: jsonBody(UpdateKeyBody) },
      responses: {
        200: json(KeyResponse, 'The changed key (masked)'),
        ...errorResponses(400, 401, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) =>
      c.json({ key: await ops.update(c, userScope(c), c.req.valid('param').id, c.req.valid('json')) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/keys/{id}/revoke`,
      tags,
      security,
      summary: 'Revoke a key',
      description:
        'For good: the key is never served again and its ciphertext is erased. The body is optional.',
      request: { params: KeyIdParams, body: jsonBody(RevokeKeyBody, false) },
      responses: {
        200: json(KeyResponse, 'The revoked key'),
        ...errorResponses(400, 401, 404, 413, 415, 429, 503),
      },
    }),
    async (c) =>
      c.json(
        { key: await ops.revoke(c, userScope(c), c.req.valid('param').id, c.req.valid('json')?.reason) },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${basePath}/keys/{id}`,
      tags,
      security,
      summary: 'Delete a key',
      request: { params: KeyIdParams },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 404, 429, 503) },
    }),
    async (c) => {
      await ops.remove(c, userScope(c), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/keys/{id}/test`,
      tags,
      security,
      summary: 'Test a key against its provider now',
      description:
        'Sends the provider’s cheapest authenticated request with the key and records what it found (health score, status, cooldown). A key the provider refuses becomes `invalid`. Counts as a write for the rate limit. The body is optional.',
      request: { params: KeyIdParams, body: jsonBody(EmptyBody, false) },
      responses: {
        200: json(KeyTestResponse, 'What the test found'),
        ...errorResponses(400, 401, 404, 413, 415, 429, 503),
      },
    }),
    async (c) => c.json({ result: await ops.test(c, userScope(c), c.req.valid('param').id) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/keys/validate-all`,
      tags,
      security,
      summary: 'Test all your keys now',
      description: 'Every key that is not revoked, a few at a time. The body is optional.',
      request: { body: jsonBody(EmptyBody, false) },
      responses: {
        200: json(ValidateAllResponse, 'One result per key'),
        ...errorResponses(400, 401, 413, 415, 429, 503),
      },
    }),
    async (c) => c.json({ results: await ops.validateAll(c, userScope(c)) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${basePath}/keys/test-credential`,
      tags,
      security,
      summary: 'Test a credential before saving it',
      description:
        'Checks the credential’s format, then sends the provider’s cheapest authenticated request with it. Stores nothing and never echoes the credential.',
      request: { body: jsonBody(TestCredentialBody) },
      responses: {
        200: json(CredentialTestResponse, 'What the test found'),
        ...errorResponses(400, 401, 413, 415, 429),
      },
    }),
    async (c) => {
      const { provider, keyData } = c.req.valid('json');
      ops.checkEnabled(provider);
      return c.json(
        { result: serializeCredentialTest(await manager.testCredential(provider, keyData)) },
        200,
      );
    },
  );
}

/** `/workspaces/:id/ai-providers`: a workspace's keys. Members read; admins and owners change. */
export function registerWorkspaceKeyRoutes(
  app: OpenAPIHono<HttpEnv>,
  system: BYOKSystem,
  basePath: string,
): void {
  const ops = keyOperations(system);
  const tags = ['Workspace keys'];
  const scopeFor = async (
    c: Context<HttpEnv>,
    workspaceId: string,
    write: boolean,
  ): Promise<OwnerSelector> => {
    await requireWorkspaceRole(system, c, workspaceId, write ? 'admin' : 'member');
    return { workspaceId };
  };
  const base = `${basePath}/workspaces/{id}/ai-providers`;

  app.openapi(
    createRoute({
      method: 'get',
      path: base,
      tags,
      security,
      summary: 'List a workspace’s keys',
      request: { params: WorkspaceParams, query: ListKeysQuery },
      responses: {
        200: json(KeyListResponse, 'The workspace’s keys (masked)'),
        ...errorResponses(400, 401, 404, 503),
      },
    }),
    async (c) => {
      const scope = await scopeFor(c, c.req.valid('param').id, false);
      return c.json({ keys: await ops.list(scope, c.req.valid('query')) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: base,
      tags,
      security,
      summary: 'Store a workspace key',
      request: { params: WorkspaceParams, body: jsonBody(CreateKeyBody) },
      responses: {
        201: json(KeyResponse, 'The stored key (masked)'),
        ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const scope = await scopeFor(c, c.req.valid('param').id, true);
      return c.json({ key: await ops.create(c, scope, c.req.valid('json')) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: `${base}/{keyId}`,
      tags,
      security,
      summary: 'Get one workspace key',
      request: { params: WorkspaceKeyParams },
      responses: { 200: json(KeyResponse, 'The key (masked)'), ...errorResponses(401, 404, 503) },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      const scope = await scopeFor(c, id, false);
      return c.json({ key: await ops.get(scope, keyId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: `${base}/{keyId}`,
      tags,
      security,
      summary: 'Change a workspace key',
      request: { params: WorkspaceKeyParams, body: jsonBody(UpdateKeyBody) },
      responses: {
        200: json(KeyResponse, 'The changed key (masked)'),
        ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      const scope = await scopeFor(c, id, true);
      return c.json({ key: await ops.update(c, scope, keyId, c.req.valid('json')) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/{keyId}/revoke`,
      tags,
      security,
      summary: 'Revoke a workspace key',
      request: { params: WorkspaceKeyParams, body: jsonBody(RevokeKeyBody, false) },
      responses: {
        200: json(KeyResponse, 'The revoked key'),
        ...errorResponses(400, 401, 403, 404, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      const scope = await scopeFor(c, id, true);
      return c.json({ key: await ops.revoke(c, scope, keyId, c.req.valid('json')?.reason) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: `${base}/{keyId}`,
      tags,
      security,
      summary: 'Delete a workspace key',
      request: { params: WorkspaceKeyParams },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 429, 503) },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      const scope = await scopeFor(c, id, true);
      await ops.remove(c, scope, keyId);
      return c.body(null, 204);
    },
  );

  // Members may test: a test changes nothing but the key's health, and members are the ones who
  // use the keys (and notice when one stops working). Changing keys stays with admins and owners.
  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/{keyId}/test`,
      tags,
      security,
      summary: 'Test a workspace key against its provider now',
      description:
        'Any member may test (it changes only the key’s health). The deployment guide’s verification step. The body is optional.',
      request: { params: WorkspaceKeyParams, body: jsonBody(EmptyBody, false) },
      responses: {
        200: json(KeyTestResponse, 'What the test found'),
        ...errorResponses(400, 401, 404, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const { id, keyId } = c.req.valid('param');
      const scope = await scopeFor(c, id, false);
      return c.json({ result: await ops.test(c, scope, keyId) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: `${base}/validate-all`,
      tags,
      security,
      summary: 'Test all of a workspace’s keys now',
      description: 'Any member may run it. The body is optional.',
      request: { params: WorkspaceParams, body: jsonBody(EmptyBody, false) },
      responses: {
        200: json(ValidateAllResponse, 'One result per key'),
        ...errorResponses(400, 401, 404, 413, 415, 429, 503),
      },
    }),
    async (c) => {
      const scope = await scopeFor(c, c.req.valid('param').id, false);
      return c.json({ results: await ops.validateAll(c, scope) }, 200);
    },
  );
}
