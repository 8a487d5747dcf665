/**
 * The alert rules and the Grafana dashboard in deploy/, checked by a real Prometheus (Debian's
 * `prometheus` package, which brings `promtool`): the rules load and pass their unit tests, the
 * PrometheusRule manifest carries the same groups, and — against a running server on PostgreSQL —
 * a tampered ciphertext makes BYOKDecryptionErrors fire, and every dashboard query evaluates.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ADMIN_TOKEN,
  JWT_SECRET,
  MASTER_KEY,
  openaiKey,
  REPO_ROOT,
  type SpawnedServer,
  spawnServer,
  tempDir,
  tokenFor,
  uid,
  waitFor,
} from '../apps/byok-server/test/helpers.js';
import { createScratchDatabase } from '../packages/byok-core/test/backends.js';
import { freePort } from '../packages/byok-core/test/private-services.js';

const run = promisify(execFile);
const PROMTOOL = '/usr/bin/promtool';
const PROMETHEUS = '/usr/bin/prometheus';
const RULES = join(REPO_ROOT, 'deploy/prometheus/byok-rules.yml');
const RULE_TESTS = join(REPO_ROOT, 'deploy/prometheus/byok-rules.test.yml');
const MANIFEST = join(REPO_ROOT, 'deploy/k8s/prometheus-rule.yaml');
const DASHBOARD = join(REPO_ROOT, 'deploy/grafana/byok-dashboard.json');
const havePrometheus = existsSync(PROMTOOL) && existsSync(PROMETHEUS);
const haveDatabase = Boolean(process.env.TEST_DATABASE_URL);

if (!havePrometheus) {
  console.warn('ops-prometheus: /usr/bin/promtool not found (apt-get install prometheus); skipping');
}

interface DashboardPanel {
  title: string;
  targets: { expr: string }[];
}

/** A dashboard expression with Grafana's variables replaced by what Grafana would send. */
const asPromQL = (expr: string): string =>
  expr.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '5m').replaceAll('$job', '.*');

describe.skipIf(!havePrometheus)('alert rules', () => {
  it('load (promtool check rules)', async () => {
    const { stdout } = await run(PROMTOOL, ['check', 'rules', RULES]);
    expect(stdout).toContain('SUCCESS');
  });

  it('pass their unit tests (promtool test rules)', async () => {
    const { stdout } = await run(PROMTOOL, ['test', 'rules', RULE_TESTS]);
    expect(stdout).toContain('SUCCESS');
  });

  it('are shipped unchanged as a PrometheusRule manifest', async () => {
    const rules = parse(await readFile(RULES, 'utf8'));
    const manifest = parse(await readFile(MANIFEST, 'utf8'));
    expect(manifest.kind).toBe('PrometheusRule');
    // Regenerate with: node deploy/prometheus/render-prometheus-rule.mjs
    expect(manifest.spec.groups).toEqual(rules.groups);
  });

  it('link every alert to a runbook section that exists in docs/operations.md', async () => {
    const rules = parse(await readFile(RULES, 'utf8'));
    const operations = (await readFile(join(REPO_ROOT, 'docs/operations.md'), 'utf8')).toLowerCase();
    for (const group of rules.groups) {
      for (const rule of group.rules) {
        const anchor = String(rule.annotations.runbook_url).split('#')[1];
        expect(anchor, rule.alert).toBe(String(rule.alert).toLowerCase());
        expect(operations, rule.alert).toContain(`### ${anchor}`);
      }
    }
  });
});

describe.skipIf(!havePrometheus || !haveDatabase)('a real Prometheus scraping a running server', () => {
  let database: { url: string; drop(): Promise<void> };
  let server: SpawnedServer;
  let prometheus: ChildProcess;
  let prometheusUrl: string;
  let prometheusLog = '';
  let folder: { path: string; remove(): Promise<void> };

  const query = async (promql: string) => {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(promql)}`);
    return (await response.json()) as { status: string; error?: string; data: { result: unknown[] } };
  };

  beforeAll(async () => {
    database = await createScratchDatabase();
    folder = await tempDir('byok-prometheus-');
    await chmod(folder.path, 0o777);
    server = await spawnServer(
      {
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        BYOK_ENCRYPTION_KEY: MASTER_KEY,
        BYOK_JWT_SECRET: JWT_SECRET,
        BYOK_ADMIN_TOKEN: ADMIN_TOKEN,
        BYOK_ENABLE_VALIDATION: 'false',
        BYOK_CACHE_TTL: '0',
        BYOK_DATA_DIR: folder.path,
      },
      folder.path,
    );
    const target = new URL(server.url).host;
    const port = await freePort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    const config = join(folder.path, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${RULES}`,
        'scrape_configs:',
        '  - job_name: byok',
        '    metrics_path: /metrics',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(folder.path, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-lifecycle',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prometheus.stdout?.on('data', (chunk) => {
      prometheusLog += String(chunk);
    });
    prometheus.stderr?.on('data', (chunk) => {
      prometheusLog += String(chunk);
    });
    await waitFor(
      async () => {
        const up = await query('up{job="byok"} == 1').catch(() => undefined);
        return (up?.data.result.length ?? 0) > 0;
      },
      30_000,
      250,
    );
  }, 120_000);

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await server?.stop();
    await database?.drop();
    await folder?.remove();
  });

  it('fires BYOKDecryptionErrors after a stored ciphertext is tampered with', async () => {
    const user = uid();
    const token = await tokenFor(user);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await fetch(`${server.url}/api/keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ provider: 'openai', keyData: { apiKey: openaiKey() } }),
    });
    expect(created.status).toBe(201);
    const {
      key: { id },
    } = (await created.json()) as { key: { id: string } };

    // The counter's zero sample must be in Prometheus before the error, or increase() sees no step.
    await waitFor(
      async () => {
        const zero = await query('api_key_decryption_errors_total{job="byok",provider="openai"} == 0');
        return zero.data.result.length > 0;
      },
      15_000,
      250,
    );

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      // Change the first character of the GCM tag (`ck1:<dek>:<iv>:<tag>:<ct>`): it no longer matches.
      const { rows } = await client.query<{ ciphertext: string }>(
        'SELECT ciphertext FROM byok.keys WHERE id = $1',
        [id],
      );
      const parts = String(rows[0]?.ciphertext).split(':');
      const tag = String(parts[3]);
      parts[3] = (tag.startsWith('A') ? 'B' : 'A') + tag.slice(1);
      await client.query('UPDATE byok.keys SET ciphertext = $2 WHERE id = $1', [id, parts.join(':')]);
    } finally {
      await client.end();
    }
    const tested = await fetch(`${server.url}/api/keys/${id}/test`, { method: 'POST', headers });
    expect(await tested.text()).toContain('decryption_failed');
    const scraped = await (await fetch(`${server.url}/metrics`)).text();
    expect(scraped).toContain('api_key_decryption_errors_total{provider="openai"} 1');

    let firing: { labels: Record<string, string>; state: string } | undefined;
    await waitFor(
      async () => {
        const response = await fetch(`${prometheusUrl}/api/v1/alerts`);
        const body = (await response.json()) as {
          data: { alerts: { labels: Record<string, string>; state: string }[] };
        };
        firing = body.data.alerts.find(
          (alert) => alert.labels.alertname === 'BYOKDecryptionErrors' && alert.state === 'firing',
        );
        return firing !== undefined;
      },
      30_000,
      250,
    ).catch((error) => {
      throw new Error(`${(error as Error).message}\n${prometheusLog.slice(-2000)}`);
    });
    expect(firing?.labels.severity).toBe('critical');
  }, 90_000);

  it('evaluates every dashboard panel query without error', async () => {
    const dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as { panels: DashboardPanel[] };
    expect(dashboard.panels.length).toBeGreaterThan(10);
    const failures: string[] = [];
    let withData = 0;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets) {
        const result = await query(asPromQL(target.expr));
        if (result.status !== 'success') failures.push(`${panel.title}: ${result.error}`);
        else if (result.data.result.length > 0) withData += 1;
      }
    }
    expect(failures).toEqual([]);
    // Not every panel has data on a quiet server (gateway, usage), but the service's own ones do.
    expect(withData).toBeGreaterThan(5);
  }, 60_000);

  it('reports the master key and the database as up', async () => {
    const key = await query('byok_master_key_configured{job="byok"}');
    const database = await query('byok_database_up{job="byok"}');
    expect(key.data.result).toMatchObject([{ value: [expect.any(Number), '1'] }]);
    expect(database.data.result).toMatchObject([{ value: [expect.any(Number), '1'] }]);
  });
});
