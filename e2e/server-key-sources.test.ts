/**
 * The master key from where operators keep it: a file (re-read on SIGHUP), AWS Secrets Manager,
 * a data key wrapped by AWS KMS or by Vault's transit engine — through the official AWS clients
 * and Vault's HTTP API, against local fakes of those wire APIs — and rotation from one source to
 * another.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogger, EncryptionService, isBYOKError } from '@stack-2025/byok-core';
import { type FakeKeyServices, startFakeKeyServices } from '@stack-2025/byok-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureMasterKey, loadConfig } from '../apps/byok-server/src/config.js';
import { createWrappedMasterKey } from '../apps/byok-server/src/master-key/sources.js';
import { type RunningServer, startServer } from '../apps/byok-server/src/server.js';
import {
  ADMIN_TOKEN,
  openaiKey,
  runCli,
  spawnServer,
  tempDir,
  uid,
} from '../apps/byok-server/test/helpers.js';

const quiet = createLogger({ level: 'silent' });
let fakes: FakeKeyServices;
let awsEnv: Record<string, string>;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  fakes = await startFakeKeyServices();
  awsEnv = {
    AWS_ACCESS_KEY_ID: fakes.awsAccessKeyId,
    AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    BYOK_AWS_ENDPOINT_URL: fakes.url,
  };
  // The AWS SDK reads its credentials from the process environment (its default chain).
  for (const [name, value] of Object.entries(awsEnv)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
});
afterAll(async () => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await fakes?.close();
});

const resolveWith = (env: Record<string, string>) => ensureMasterKey(loadConfig(env), quiet);

describe('reading the master key from a source', () => {
  it('file: the first line encrypts, further lines may only decrypt', async () => {
    const dir = await tempDir();
    try {
      const [active, old] = [EncryptionService.generateMasterKey(), EncryptionService.generateMasterKey()];
      const path = join(dir.path, 'master-key');
      await writeFile(path, `${active}\n${old}\n`);
      const config = await resolveWith({ BYOK_MASTER_KEY_SOURCE: 'file', BYOK_MASTER_KEY_FILE: path });
      expect(config).toMatchObject({
        encryptionKey: active,
        decryptionKeys: [old],
        encryptionKeySource: 'file',
      });
    } finally {
      await dir.remove();
    }
  });

  it('AWS Secrets Manager: a plain or a JSON secret', async () => {
    const key = EncryptionService.generateMasterKey();
    const old = EncryptionService.generateMasterKey();
    fakes.putSecret('byok/plain', key);
    fakes.putSecret('byok/json', JSON.stringify({ encryptionKey: key, decryptionKeys: [old] }));
    const plain = await resolveWith({
      ...awsEnv,
      BYOK_MASTER_KEY_SOURCE: 'aws-secrets-manager',
      BYOK_MASTER_KEY_SECRET_ID: 'byok/plain',
    });
    expect(plain).toMatchObject({ encryptionKey: key, encryptionKeySource: 'aws-secrets-manager' });
    const json = await resolveWith({
      ...awsEnv,
      BYOK_MASTER_KEY_SOURCE: 'aws-secrets-manager',
      BYOK_MASTER_KEY_SECRET_ID: 'byok/json',
    });
    expect(json).toMatchObject({ encryptionKey: key, decryptionKeys: [old] });
    expect(fakes.requests.filter((r) => r.service === 'secretsmanager')).toContainEqual({
      service: 'secretsmanager',
      operation: 'GetSecretValue',
      credential: fakes.awsAccessKeyId,
    });
  });

  it('AWS KMS: a data key made and unwrapped by KMS; the master key is never in the environment', async () => {
    const keyId = fakes.createKmsKey();
    const env = { ...awsEnv, BYOK_MASTER_KEY_SOURCE: 'aws-kms', BYOK_KMS_KEY_ID: keyId };
    const wrapped = await createWrappedMasterKey(loadConfig(env).keySource);
    const first = await resolveWith({ ...env, BYOK_KMS_WRAPPED_MASTER_KEY: wrapped });
    const again = await resolveWith({ ...env, BYOK_KMS_WRAPPED_MASTER_KEY: wrapped });
    expect(first.encryptionKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(again.encryptionKey).toBe(first.encryptionKey);
    expect(wrapped).not.toContain(String(first.encryptionKey));
    expect(first.encryptionKeySource).toBe('aws-kms');
  });

  it('Vault transit: a wrapped data key decrypted by Vault', async () => {
    fakes.createVaultKey('byok');
    const env = {
      BYOK_MASTER_KEY_SOURCE: 'vault-transit',
      BYOK_VAULT_TRANSIT_KEY: 'byok',
      VAULT_ADDR: fakes.url,
      VAULT_TOKEN: fakes.vaultToken,
    };
    const wrapped = await createWrappedMasterKey(loadConfig(env).keySource);
    expect(wrapped).toMatch(/^vault:v1:/);
    const config = await resolveWith({ ...env, BYOK_VAULT_WRAPPED_MASTER_KEY: wrapped });
    expect(config.encryptionKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(config.encryptionKeySource).toBe('vault-transit');
  });

  it('fails with MASTER_KEY_SOURCE_FAILED naming the source, never a key', async () => {
    const keyId = fakes.createKmsKey();
    const env = { ...awsEnv, BYOK_MASTER_KEY_SOURCE: 'aws-kms', BYOK_KMS_KEY_ID: keyId };
    const wrapped = await createWrappedMasterKey(loadConfig(env).keySource);
    fakes.disableKmsKey(keyId);
    const failures = await Promise.all([
      resolveWith({ ...env, BYOK_KMS_WRAPPED_MASTER_KEY: wrapped }).catch((error: unknown) => error),
      resolveWith({
        ...awsEnv,
        BYOK_MASTER_KEY_SOURCE: 'aws-secrets-manager',
        BYOK_MASTER_KEY_SECRET_ID: 'byok/missing',
      }).catch((error: unknown) => error),
      resolveWith({
        BYOK_MASTER_KEY_SOURCE: 'vault-transit',
        BYOK_VAULT_TRANSIT_KEY: 'byok',
        BYOK_VAULT_WRAPPED_MASTER_KEY: 'vault:v1:AAAA',
        VAULT_ADDR: fakes.url,
        VAULT_TOKEN: 'wrong-token',
      }).catch((error: unknown) => error),
    ]);
    const messages = failures.map((error) => {
      expect(isBYOKError(error) && error.code).toBe('MASTER_KEY_SOURCE_FAILED');
      return (error as Error).message;
    });
    expect(messages[0]).toContain('AWS KMS: DisabledException');
    expect(messages[1]).toContain('ResourceNotFoundException');
    expect(messages[2]).toContain('Vault transit: 403');
    for (const message of messages) {
      expect(message).not.toContain(wrapped);
      expect(message).not.toContain('wrong-token');
    }
  });

  it('refuses a configuration that gives the key twice or misses a setting', async () => {
    await expect(
      resolveWith({
        BYOK_MASTER_KEY_SOURCE: 'file',
        BYOK_MASTER_KEY_FILE: '/nonexistent',
        BYOK_ENCRYPTION_KEY: 'k'.repeat(40),
      }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => loadConfig({ BYOK_MASTER_KEY_SOURCE: 'vault-transit' })).toThrow(
      /BYOK_VAULT_TRANSIT_KEY: required.*\n?.*|VAULT_ADDR/,
    );
    expect(() => loadConfig({ BYOK_MASTER_KEY_SOURCE: 'carrier-pigeon' })).toThrow(
      /BYOK_MASTER_KEY_SOURCE: must be one of env, file/,
    );
  });
});

describe('a server on a KMS-wrapped key, rotated from the environment', () => {
  it('rotates env → KMS with the CLI, then serves with the KMS key alone', async () => {
    const dir = await tempDir();
    const dataDir = join(dir.path, 'data');
    const oldKey = EncryptionService.generateMasterKey();
    const base = { BYOK_DATA_DIR: dataDir, BYOK_ENABLE_VALIDATION: 'false', BYOK_ADMIN_TOKEN: ADMIN_TOKEN };
    const user = uid();
    const secret = openaiKey();
    let server: RunningServer | undefined;
    try {
      server = await startServer(loadConfig({ ...base, PORT: '0', BYOK_ENCRYPTION_KEY: oldKey }), {
        logger: quiet,
        drainMs: 200,
      });
      await server.system.manager.addKey({ userId: user, provider: 'openai', keyData: { apiKey: secret } });
      await server.close();
      server = undefined;

      const keyId = fakes.createKmsKey();
      const kmsEnv = { ...awsEnv, BYOK_KMS_KEY_ID: keyId };
      const wrapped = await createWrappedMasterKey(
        loadConfig({ ...kmsEnv, BYOK_MASTER_KEY_SOURCE: 'aws-kms' }).keySource,
      );
      const rotated = await runCli(
        ['rotate-encryption-keys'],
        {
          ...base,
          ...kmsEnv,
          ENCRYPTION_MASTER_KEY: oldKey,
          BYOK_NEW_MASTER_KEY_SOURCE: 'aws-kms',
          BYOK_NEW_KMS_WRAPPED_MASTER_KEY: wrapped,
        },
        dir.path,
      );
      expect(rotated.code, rotated.stderr).toBe(0);

      server = await startServer(
        loadConfig({
          ...base,
          ...kmsEnv,
          PORT: '0',
          BYOK_MASTER_KEY_SOURCE: 'aws-kms',
          BYOK_KMS_WRAPPED_MASTER_KEY: wrapped,
        }),
        { logger: quiet, drainMs: 200 },
      );
      const key = await server.system.manager.getActiveKey(user, 'openai');
      expect(key?.keyData).toEqual({ apiKey: secret });
    } finally {
      await server?.close();
      await dir.remove();
    }
  }, 120_000);
});

describe('re-reading a key file', () => {
  it('takes a new key that reads every data key, keeps the old ring otherwise', async () => {
    const dir = await tempDir();
    const path = join(dir.path, 'master-key');
    const [a, b, c] = [1, 2, 3].map(() => EncryptionService.generateMasterKey()) as [string, string, string];
    await writeFile(path, `${a}\n`);
    const server = await startServer(
      loadConfig({
        BYOK_DATA_DIR: join(dir.path, 'data'),
        PORT: '0',
        BYOK_ENABLE_VALIDATION: 'false',
        BYOK_MASTER_KEY_SOURCE: 'file',
        BYOK_MASTER_KEY_FILE: path,
      }),
      { logger: quiet, drainMs: 200 },
    );
    try {
      const manager = server.system.manager;
      const first = uid();
      await manager.addKey({ userId: first, provider: 'openai', keyData: { apiKey: openaiKey() } });
      const before = server.system.encryption.activeFingerprint;

      await writeFile(path, `${c}\n`);
      expect(await server.reloadMasterKey()).toBe(false);
      expect(server.system.encryption.activeFingerprint).toBe(before);

      await writeFile(path, `${b}\n${a}\n`);
      expect(await server.reloadMasterKey()).toBe(true);
      expect(server.system.encryption.activeFingerprint).not.toBe(before);
      expect(await server.reloadMasterKey()).toBe(false);
      const second = uid();
      const secret = openaiKey();
      await manager.addKey({ userId: second, provider: 'openai', keyData: { apiKey: secret } });
      expect((await manager.getActiveKey(first, 'openai'))?.keyData).toBeDefined();
      expect((await manager.getActiveKey(second, 'openai'))?.keyData).toEqual({ apiKey: secret });
    } finally {
      await server.close();
      await dir.remove();
    }
  }, 60_000);

  it('on SIGHUP in `byok serve`', async () => {
    const dir = await tempDir();
    const path = join(dir.path, 'master-key');
    const [a, b] = [EncryptionService.generateMasterKey(), EncryptionService.generateMasterKey()];
    await writeFile(path, `${a}\n`);
    const server = await spawnServer(
      {
        BYOK_DATA_DIR: join(dir.path, 'data'),
        BYOK_ENABLE_VALIDATION: 'false',
        BYOK_MASTER_KEY_SOURCE: 'file',
        BYOK_MASTER_KEY_FILE: path,
      },
      dir.path,
    );
    try {
      await writeFile(path, `${b}\n${a}\n`);
      server.process.kill('SIGHUP');
      const deadline = Date.now() + 20_000;
      while (!server.output().includes('new key ring in use') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(server.output()).toContain('new key ring in use');
      expect(server.output()).not.toContain(b);
      expect(server.process.exitCode).toBeNull();
    } finally {
      await server.stop();
      await dir.remove();
    }
  }, 90_000);
});
