import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a fake key service answered, for assertions on what the client sent. */
export interface KeyServiceRequest {
  service: 'kms' | 'secretsmanager' | 'vault';
  operation: string;
  /** The AWS access key id from the SigV4 `Authorization` header, or the Vault token given. */
  credential: string | undefined;
}

/**
 * Local stand-ins for AWS KMS, AWS Secrets Manager and HashiCorp Vault's transit engine, answering
 * the published wire formats (AWS JSON 1.1 with `X-Amz-Target`; Vault's `/v1/<mount>/…` JSON API)
 * on 127.0.0.1, so the official clients can be pointed at them (`endpoint`, `VAULT_ADDR`).
 * Ciphertexts are real AES-256-GCM under keys that never leave the fake.
 */
export interface FakeKeyServices {
  /** Base URL for every service: the AWS SDK `endpoint` and `VAULT_ADDR`. */
  url: string;
  /** The AWS access key id the fake accepts (any secret; the signature is not checked). */
  awsAccessKeyId: string;
  /** The Vault token the fake accepts. */
  vaultToken: string;
  /** Creates a KMS key; returns its ARN. */
  createKmsKey(): string;
  /** Disables a KMS key: Decrypt then fails with `DisabledException`. */
  disableKmsKey(arn: string): void;
  /** Stores (or replaces) a Secrets Manager secret string. */
  putSecret(name: string, value: string): void;
  /** Creates a Vault transit key named `name` (mount `transit`). */
  createVaultKey(name: string): void;
  requests: KeyServiceRequest[];
  close(): Promise<void>;
}

interface Sealed {
  iv: Buffer;
  tag: Buffer;
  ct: Buffer;
}

function seal(key: Buffer, plaintext: Buffer): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ct };
}

function open(key: Buffer, sealed: Sealed): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.iv);
  decipher.setAuthTag(sealed.tag);
  return Buffer.concat([decipher.update(sealed.ct), decipher.final()]);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Starts the fakes on 127.0.0.1 and a free port. */
export async function startFakeKeyServices(): Promise<FakeKeyServices> {
  const awsAccessKeyId = `AKIAFAKE${randomBytes(6).toString('hex').toUpperCase()}`;
  const vaultToken = `hvs.fake-${randomBytes(12).toString('hex')}`;
  const kmsKeys = new Map<string, { key: Buffer; enabled: boolean }>();
  const secrets = new Map<string, { value: string; version: string }>();
  const vaultKeys = new Map<string, Buffer>();
  const requests: KeyServiceRequest[] = [];

  // KMS CiphertextBlob: [arn length (2 bytes)][arn][iv 12][tag 16][ciphertext].
  const kmsEncrypt = (arn: string, plaintext: Buffer): Buffer => {
    const entry = kmsKeys.get(arn);
    if (!entry) throw new AwsError('NotFoundException', `Key '${arn}' does not exist`);
    if (!entry.enabled) throw new AwsError('DisabledException', `${arn} is disabled.`);
    const sealed = seal(entry.key, plaintext);
    const id = Buffer.from(arn);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(id.length);
    return Buffer.concat([length, id, sealed.iv, sealed.tag, sealed.ct]);
  };
  const kmsDecrypt = (blob: Buffer): { arn: string; plaintext: Buffer } => {
    const invalid = () => new AwsError('InvalidCiphertextException', 'The ciphertext is invalid.');
    if (blob.length < 2) throw invalid();
    const idLength = blob.readUInt16BE(0);
    const arn = blob.subarray(2, 2 + idLength).toString();
    const entry = kmsKeys.get(arn);
    if (!entry) throw invalid();
    if (!entry.enabled) throw new AwsError('DisabledException', `${arn} is disabled.`);
    const rest = blob.subarray(2 + idLength);
    try {
      const plaintext = open(entry.key, {
        iv: rest.subarray(0, 12),
        tag: rest.subarray(12, 28),
        ct: rest.subarray(28),
      });
      return { arn, plaintext };
    } catch {
      throw invalid();
    }
  };

  const kms = (operation: string, input: Record<string, unknown>): Record<string, unknown> => {
    switch (operation) {
      case 'Decrypt': {
        const { arn, plaintext } = kmsDecrypt(Buffer.from(String(input.CiphertextBlob), 'base64'));
        return {
          KeyId: arn,
          Plaintext: plaintext.toString('base64'),
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        };
      }
      case 'Encrypt': {
        const arn = String(input.KeyId);
        const blob = kmsEncrypt(arn, Buffer.from(String(input.Plaintext), 'base64'));
        return {
          KeyId: arn,
          CiphertextBlob: blob.toString('base64'),
          EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        };
      }
      case 'GenerateDataKey':
      case 'GenerateDataKeyWithoutPlaintext': {
        const arn = String(input.KeyId);
        const bytes = input.KeySpec === 'AES_128' ? 16 : Number(input.NumberOfBytes ?? 32);
        const plaintext = randomBytes(bytes);
        const blob = kmsEncrypt(arn, plaintext);
        return {
          KeyId: arn,
          CiphertextBlob: blob.toString('base64'),
          ...(operation === 'GenerateDataKey' ? { Plaintext: plaintext.toString('base64') } : {}),
        };
      }
      default:
        throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
    }
  };

  const secretsManager = (operation: string, input: Record<string, unknown>): Record<string, unknown> => {
    if (operation !== 'GetSecretValue') {
      throw new AwsError('UnknownOperationException', `Unknown operation ${operation}`);
    }
    const name = String(input.SecretId);
    const secret = secrets.get(name);
    if (!secret) {
      throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    }
    return {
      ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${name}`,
      Name: name,
      SecretString: secret.value,
      VersionId: secret.version,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
    };
  };

  const handleAws = async (request: IncomingMessage, response: ServerResponse, target: string) => {
    const [prefix, operation = ''] = target.split('.');
    const service = prefix === 'TrentService' ? 'kms' : 'secretsmanager';
    const credential = /Credential=([^/]+)\//.exec(String(request.headers.authorization ?? ''))?.[1];
    requests.push({ service, operation, credential });
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(body));
    };
    try {
      if (credential !== awsAccessKeyId) {
        throw new AwsError(
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
      }
      const input = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
      reply(200, service === 'kms' ? kms(operation, input) : secretsManager(operation, input));
    } catch (error) {
      if (error instanceof AwsError) reply(error.status, { __type: error.type, message: error.message });
      else reply(400, { __type: 'SerializationException', message: 'Bad request' });
    }
  };

  const handleVault = async (request: IncomingMessage, response: ServerResponse, path: string) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const match = /^\/v1\/transit\/(encrypt|decrypt|datakey\/wrapped|datakey\/plaintext)\/([\w.-]+)$/.exec(
      path,
    );
    const token = request.headers['x-vault-token'];
    requests.push({
      service: 'vault',
      operation: match?.[1] ?? path,
      credential: typeof token === 'string' ? token : undefined,
    });
    if (token !== vaultToken) return reply(403, { errors: ['permission denied'] });
    if (!match || request.method !== 'POST') return reply(404, { errors: [] });
    const [, operation, name] = match as unknown as [string, string, string];
    const key = vaultKeys.get(name);
    if (!key) return reply(400, { errors: [`encryption key not found`] });
    const input = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
    const wrap = (plaintext: Buffer) => {
      const sealed = seal(key, plaintext);
      return `vault:v1:${Buffer.concat([sealed.iv, sealed.tag, sealed.ct]).toString('base64')}`;
    };
    if (operation === 'encrypt') {
      return reply(200, {
        data: { ciphertext: wrap(Buffer.from(String(input.plaintext), 'base64')), key_version: 1 },
      });
    }
    if (operation === 'decrypt') {
      const text = String(input.ciphertext ?? '');
      if (!text.startsWith('vault:v1:')) return reply(400, { errors: ['invalid ciphertext: no prefix'] });
      const raw = Buffer.from(text.slice('vault:v1:'.length), 'base64');
      try {
        const plaintext = open(key, {
          iv: raw.subarray(0, 12),
          tag: raw.subarray(12, 28),
          ct: raw.subarray(28),
        });
        return reply(200, { data: { plaintext: plaintext.toString('base64') } });
      } catch {
        return reply(400, { errors: ['cipher: message authentication failed'] });
      }
    }
    const bits = Number(input.bits ?? 256);
    if (![128, 256, 512].includes(bits)) return reply(400, { errors: ['invalid bits'] });
    const plaintext = randomBytes(bits / 8);
    return reply(200, {
      data: {
        ciphertext: wrap(plaintext),
        key_version: 1,
        ...(operation === 'datakey/plaintext' ? { plaintext: plaintext.toString('base64') } : {}),
      },
    });
  };

  const server = createServer((request, response) => {
    const target = request.headers['x-amz-target'];
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const handled =
      typeof target === 'string'
        ? handleAws(request, response, target)
        : handleVault(request, response, path);
    handled.catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    awsAccessKeyId,
    vaultToken,
    createKmsKey() {
      const arn = `arn:aws:kms:us-east-1:000000000000:key/${randomUUID()}`;
      kmsKeys.set(arn, { key: randomBytes(32), enabled: true });
      return arn;
    },
    disableKmsKey(arn) {
      const entry = kmsKeys.get(arn);
      if (entry) entry.enabled = false;
    },
    putSecret(name, value) {
      secrets.set(name, { value, version: randomUUID() });
    },
    createVaultKey(name) {
      vaultKeys.set(name, randomBytes(32));
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
