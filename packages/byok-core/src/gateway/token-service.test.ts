import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/backends.js';
import { type BYOKSystem, createBYOKForStack2025 } from '../create-byok.js';
import { isBYOKError } from '../errors/index.js';
import { hashGatewayToken } from './token-service.js';

const MASTER_KEY = 'token-service-test-master-key-0123456789ab';

describe.each(databaseBackends)('gateway tokens on $name', (backend) => {
  let opened: Awaited<ReturnType<typeof backend.open>>;
  let system: BYOKSystem;

  beforeAll(async () => {
    opened = await backend.open();
    system = await createBYOKForStack2025({ encryptionKey: MASTER_KEY, postgresClient: opened.client });
  });
  afterAll(async () => {
    await system.close();
    await opened.close();
  });

  const auditActions = async (tokenId: string) => {
    const { rows } = await system.database.db.query<{ action: string }>(
      "SELECT action FROM byok.audit_log WHERE target_type = 'gateway_token' AND target_id = $1 ORDER BY id",
      [tokenId],
    );
    return rows.map((r) => r.action);
  };

  it('stores only the hash, shows the token once, audits every change, and refuses a revoked token', async () => {
    const manager = system.manager;
    const userId = `tok_${Date.now()}`;
    const { id, token, gatewayToken } = await manager.createGatewayToken(
      { userId, name: 'app', monthlyBudgetUsd: 5, allowedModels: ['gpt-*'] },
      { actor: userId },
    );
    expect(token).toMatch(/^byok_gt_[0-9A-Za-z]{43}$/);
    expect(gatewayToken.hint).toBe(`byok_gt_…${token.slice(-4)}`);
    const { rows } = await system.database.db.query<Record<string, unknown>>(
      'SELECT * FROM byok.gateway_tokens WHERE id = $1',
      [id],
    );
    expect(rows[0]?.token_hash).toBe(hashGatewayToken(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(await manager.listGatewayTokens(userId))).not.toContain(token);
    expect((await system.manager.context.gatewayTokens.authenticate(token))?.id).toBe(id);

    const updated = await manager.updateGatewayToken(id, userId, { requestsPerMinute: 60, name: 'app 2' });
    expect(updated).toMatchObject({ name: 'app 2', requestsPerMinute: 60, monthlyBudgetUsd: 5 });
    await manager.revokeGatewayToken(id, userId);
    expect(await system.manager.context.gatewayTokens.authenticate(token)).toBeUndefined();
    await manager.deleteGatewayToken(id, userId);
    expect(await auditActions(id)).toEqual([
      'gateway_token.created',
      'gateway_token.updated',
      'gateway_token.revoked',
      'gateway_token.deleted',
    ]);
    const audit = await system.audit.verifyChain();
    expect(audit.ok).toBe(true);
  });

  it('answers another owner exactly like a missing token', async () => {
    const manager = system.manager;
    const { id } = await manager.createGatewayToken({ userId: `own_${Date.now()}`, name: 'x' });
    const codeOf = async (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e) =>
          isBYOKError(e) ? `${e.code}:${e.message.replace(id, 'ID').replace('gt_missing', 'ID')}` : 'other',
      );
    const theirs = await codeOf(manager.getGatewayToken(id, 'mallory'));
    const missing = await codeOf(manager.getGatewayToken('gt_missing', 'mallory'));
    expect(theirs).toBe(missing);
    expect(theirs.startsWith('NOT_FOUND')).toBe(true);
    expect(await codeOf(manager.revokeGatewayToken(id, 'mallory'))).toBe(missing);
  });

  it('refuses bad settings before storing anything', async () => {
    const manager = system.manager;
    const before = await system.database.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM byok.gateway_tokens',
    );
    for (const bad of [
      { name: '' },
      { name: 'x', monthlyBudgetUsd: -1 },
      { name: 'x', allowedProviders: ['nope'] },
      { name: 'x', expiresAt: '2001-01-01T00:00:00Z' },
    ]) {
      await expect(
        manager.createGatewayToken({ userId: 'bad_input', ...(bad as { name: string }) }),
      ).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
    const after = await system.database.db.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM byok.gateway_tokens',
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });
});
