// Writes deploy/k8s/prometheus-rule.yaml from deploy/prometheus/byok-rules.yml, so the plain rules
// file and the Prometheus Operator manifest never drift (e2e/ops-prometheus.test.ts checks it).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const rules = parse(readFileSync(here('./byok-rules.yml'), 'utf8'));
const manifest = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: {
    name: 'byok',
    labels: { 'app.kubernetes.io/name': 'byok', prometheus: 'k8s', role: 'alert-rules' },
  },
  spec: { groups: rules.groups },
};
const header =
  '# Generated from deploy/prometheus/byok-rules.yml by deploy/prometheus/render-prometheus-rule.mjs.\n';
writeFileSync(here('../k8s/prometheus-rule.yaml'), header + stringify(manifest, { lineWidth: 0 }));
