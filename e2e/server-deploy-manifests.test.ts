/**
 * The deployment files agree with the code: port, environment variable names the config reads,
 * probe paths the handler serves, the secret keys the deployment references, the non-root user.
 * (`yaml` comes in through the toolchain; see the lead's note about adding it as a devDependency.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENV_VARS, loadConfig } from '../apps/byok-server/src/config.js';
import { createHttpFixture, type HttpFixture, REPO_ROOT } from '../apps/byok-server/test/helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML is checked field by field below
type Yaml = any;

const read = (path: string) => readFile(join(REPO_ROOT, 'deploy', path), 'utf8');
const known = new Set<string>(ENV_VARS);

let fx: HttpFixture;
let deployment: Yaml;
let service: Yaml;
let secret: Yaml;
let compose: Yaml;
let dockerfile: string;
let container: Yaml;

beforeAll(async () => {
  fx = await createHttpFixture();
  deployment = parse(await read('k8s/deployment.yaml'));
  service = parse(await read('k8s/service.yaml'));
  secret = parse(await read('k8s/secret.example.yaml'));
  compose = parse(await read('docker-compose.yml'));
  dockerfile = await read('Dockerfile');
  container = deployment.spec.template.spec.containers[0];
});
afterAll(async () => {
  await fx.close();
});

/** Whether the handler answers GET `path` (not 404), with no token. */
async function served(path: string): Promise<boolean> {
  return (await fx.call('GET', path)).status !== 404;
}

describe('deploy/k8s', () => {
  it('runs 3 replicas of the image on the port the config defaults to', () => {
    expect(deployment.kind).toBe('Deployment');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    const port = container.ports[0];
    expect(port.containerPort).toBe(loadConfig({}, { container: true }).port);
    const env = Object.fromEntries(container.env.map((e: Yaml) => [e.name, e]));
    expect(Number(env.PORT.value)).toBe(port.containerPort);
    expect(env.HOST.value).toBe('0.0.0.0');
  });

  it('reads only variables the config knows, the secrets through secretKeyRef to keys that exist', () => {
    const names: string[] = container.env.map((e: Yaml) => e.name);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    const byName = Object.fromEntries(container.env.map((e: Yaml) => [e.name, e]));
    for (const name of ['BYOK_ENCRYPTION_KEY', 'DATABASE_URL']) {
      const ref = byName[name].valueFrom.secretKeyRef;
      expect(ref.name).toBe(secret.metadata.name);
      expect(ref.optional).toBeUndefined();
    }
    for (const entry of container.env) {
      const ref = entry.valueFrom?.secretKeyRef;
      if (ref) expect(Object.keys(secret.stringData)).toContain(ref.key);
      // No secret value is written inline.
      if (/KEY|SECRET|TOKEN|DATABASE_URL/.test(entry.name)) expect(entry.value).toBeUndefined();
    }
    expect(secret.kind).toBe('Secret');
  });

  it('probes /health for liveness and /health/ready for readiness, paths the handler serves', async () => {
    expect(container.livenessProbe.httpGet.path).toBe('/health');
    // Not /health/byok: that one is 503 when merely degraded (a provider outage), see the manifest.
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    for (const probe of [container.livenessProbe, container.readinessProbe]) {
      expect([container.ports[0].name, container.ports[0].containerPort]).toContain(probe.httpGet.port);
      expect(await served(probe.httpGet.path)).toBe(true);
    }
  });

  it('has the guide’s security context and resources, and writable /tmp and /data only', () => {
    expect(container.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1001,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.resources).toEqual({
      requests: { memory: '256Mi', cpu: '250m' },
      limits: { memory: '512Mi', cpu: '500m' },
    });
    expect(container.volumeMounts.map((m: Yaml) => m.mountPath).sort()).toEqual(['/data', '/tmp']);
    const dataDir = container.env.find((e: Yaml) => e.name === 'BYOK_DATA_DIR').value;
    expect(dataDir).toBe('/data');
  });

  it('exposes the container port through the service', () => {
    expect(service.kind).toBe('Service');
    expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
    expect([container.ports[0].name, container.ports[0].containerPort]).toContain(
      service.spec.ports[0].targetPort,
    );
  });
});

describe('deploy/docker-compose.yml', () => {
  it('runs the service with PostgreSQL and Redis, known variables, published on 127.0.0.1 only', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['byok', 'postgres', 'redis']);
    const byok = compose.services.byok;
    expect(Object.keys(byok.environment).filter((n) => !known.has(n))).toEqual([]);
    expect(byok.environment.DATABASE_URL).toContain('@postgres:5432/');
    expect(byok.environment.REDIS_URL).toBe('redis://redis:6379');
    expect(byok.ports).toEqual([`127.0.0.1:${byok.environment.PORT}:${byok.environment.PORT}`]);
    expect(byok.read_only).toBe(true);
    expect(byok.user).toBe('1001');
    expect(byok.build.dockerfile).toBe('deploy/Dockerfile');
    expect(JSON.stringify(byok.healthcheck.test)).toContain('/health');
  });
});

describe('deploy/Dockerfile', () => {
  it('builds in stages, runs as 1001 with /data and /tmp volumes, checks /health, serves on PORT', () => {
    expect(dockerfile.match(/^FROM node:20-alpine/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER 1001$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data", "\/tmp"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK[\s\S]*\/health'/m);
    expect(dockerfile).toMatch(/^EXPOSE 3000$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "apps\/byok-server\/dist\/cli\.js", "serve"\]$/m);
    // The dashboard is built and shipped where the server looks for it.
    expect(dockerfile).toContain('npm run build:app -w @stack-2025/byok-ui');
    expect(dockerfile).toMatch(
      /^COPY --from=build \/app\/packages\/byok-ui\/dist-app packages\/byok-ui\/dist-app$/m,
    );
    const envBlock = /^ENV ([\s\S]*?)\nWORKDIR/m.exec(dockerfile)?.[1] ?? '';
    const names = [...envBlock.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]);
    expect(names).toEqual(expect.arrayContaining(['NODE_ENV', 'HOST', 'PORT', 'BYOK_DATA_DIR']));
    expect(names.filter((n) => !known.has(n as string))).toEqual([]);
    expect(envBlock).toContain('HOST=0.0.0.0');
    expect(envBlock).toContain('PORT=3000');
  });
});
