import { collectDefaultMetrics, Histogram, Registry as PromRegistry, type Registry } from 'prom-client';
import { counter } from '../metrics/counter.js';

export interface HttpMetrics {
  registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
}

function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * `byok_http_requests_total{method,route,status}` and `byok_http_request_duration_seconds`.
 * `route` is always a route pattern (`/api/keys/:id`) or `unmatched`, never a raw path, so ids
 * never become label values.
 */
export function createHttpMetrics(
  options: { registry?: Registry; collectDefaultMetrics?: boolean } = {},
): HttpMetrics {
  const registry = options.registry ?? new PromRegistry();
  if (options.collectDefaultMetrics !== false && !registry.getSingleMetric('process_cpu_seconds_total')) {
    collectDefaultMetrics({ register: registry });
  }
  const requests = getOrCreate(registry, 'byok_http_requests_total', () =>
    counter(
      registry,
      'byok_http_requests_total',
      'HTTP requests answered, by method, route pattern and status',
      ['method', 'route', 'status'],
    ),
  );
  const duration = getOrCreate(
    registry,
    'byok_http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'byok_http_request_duration_seconds',
        help: 'Time to answer an HTTP request, by method and route pattern',
        labelNames: ['method', 'route'] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
  );
  // Bound children per label set: prom-client hashes the labels on every call otherwise. The sets
  // are few (method × route pattern × status), so the maps stay small.
  const requestChildren = new Map<string, { inc(): void }>();
  const durationChildren = new Map<string, { observe(value: number): void }>();
  return {
    registry,
    observe(method, route, status, seconds) {
      const key = `${method} ${route}`;
      const full = `${key} ${status}`;
      let counter = requestChildren.get(full);
      if (!counter) {
        counter = requests.labels({ method, route, status: String(status) });
        requestChildren.set(full, counter);
      }
      counter.inc();
      let histogram = durationChildren.get(key);
      if (!histogram) {
        histogram = duration.labels({ method, route });
        durationChildren.set(key, histogram);
      }
      histogram.observe(seconds);
    },
  };
}
