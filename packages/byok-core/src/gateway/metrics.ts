import { type Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { counter } from '../metrics/counter.js';
import type { UsageWriter } from '../usage/usage-writer.js';

/** What the gateway reports: labels are provider ids, status codes and fixed words only. */
export interface GatewayMetrics {
  request(provider: string, status: number, ttfbSeconds: number | null, overheadSeconds: number | null): void;
}

const byRegistry = new WeakMap<Registry, GatewayMetrics>();

/** One provider's label children: its time-to-first-byte histogram and its request counts by status. */
interface ProviderChildren {
  ttfb: Histogram.Internal<'provider'>;
  byStatus: Map<number, Counter.Internal>;
}

/**
 * `byok_gateway_requests_total{provider,status}`, `byok_gateway_ttfb_seconds{provider}`,
 * `byok_gateway_overhead_seconds` (time spent in the gateway before the upstream was called),
 * `byok_usage_writer_queue_depth` and `byok_usage_writer_flush_seconds`.
 */
export function gatewayMetrics(registry: Registry, writer: UsageWriter): GatewayMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const requests = counter(
    registry,
    'byok_gateway_requests_total',
    'Gateway requests by provider and answer status',
    ['provider', 'status'],
  );
  const ttfb = new Histogram({
    name: 'byok_gateway_ttfb_seconds',
    help: 'Time from sending a request upstream to its answer’s headers',
    labelNames: ['provider'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const overhead = new Histogram({
    name: 'byok_gateway_overhead_seconds',
    help: 'Time spent in the gateway before the upstream request (auth, limits, key, body)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
    registers: [registry],
  });
  new Gauge({
    name: 'byok_usage_writer_queue_depth',
    help: 'Usage events queued and not yet committed',
    registers: [registry],
    collect() {
      this.set(writer.stats().queueDepth);
    },
  });
  new Gauge({
    name: 'byok_usage_writer_last_flush_seconds',
    help: 'How long the last usage batch took to commit',
    registers: [registry],
    collect() {
      this.set(writer.stats().lastFlushMs / 1000);
    },
  });
  // Each provider's label children are made once (label sets are few): an update then skips
  // prom-client's per-call label hashing. The library never resets these metrics, which would
  // leave the kept children outside them.
  const byProvider = new Map<string, ProviderChildren>();
  const childrenOf = (provider: string): ProviderChildren => {
    let children = byProvider.get(provider);
    if (children === undefined) {
      children = { ttfb: ttfb.labels(provider), byStatus: new Map() };
      byProvider.set(provider, children);
    }
    return children;
  };
  const metrics: GatewayMetrics = {
    request(provider, status, ttfbSeconds, overheadSeconds) {
      const children = childrenOf(provider);
      let count = children.byStatus.get(status);
      if (count === undefined) {
        count = requests.labels(provider, String(status));
        children.byStatus.set(status, count);
      }
      count.inc();
      if (ttfbSeconds !== null) children.ttfb.observe(ttfbSeconds);
      if (overheadSeconds !== null) overhead.observe(overheadSeconds);
    },
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
