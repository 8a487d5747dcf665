import { type ReactNode, useId, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { ProviderId, TimeRange, UsageAnalytics, UsageFigures } from '../api/types.js';
import { DEFAULT_PROVIDERS, providerName } from '../credentials.js';
import { formatBucket, formatCompact, formatCost, formatNumber, formatUsd } from '../format.js';
import { useBYOK } from '../hooks/use-byok.js';
import { useKeys } from '../hooks/use-keys.js';
import { useProviders } from '../hooks/use-providers.js';
import { useUsageAnalytics } from '../hooks/use-usage-analytics.js';
import { keyName } from './key-list.js';
import { EmptyState, ErrorState, LoadingState } from './states.js';
import { FiguresTable, type NamedRow } from './table.js';

export interface UsageDashboardProps {
  /** The range shown first. Default `'7d'`. */
  timeRange?: TimeRange | undefined;
  /** Cost by provider and by key. Default true. */
  showCostBreakdown?: boolean | undefined;
  /** Providers side by side: requests, errors, tokens per request, cost. Default true. */
  showProviderComparison?: boolean | undefined;
  /** Only these providers. */
  providers?: ProviderId[] | undefined;
  /** Hears the time-range switch. */
  onTimeRangeChange?: ((timeRange: TimeRange) => void) | undefined;
}

const RANGES: readonly { id: TimeRange; label: string }[] = [
  { id: '24h', label: '24 hours' },
  { id: '7d', label: '7 days' },
  { id: '30d', label: '30 days' },
  { id: '90d', label: '90 days' },
];

// Colours with at least 4.5:1 contrast on white, told apart by shape and legend as well.
const COLORS = {
  requests: '#1d4ed8',
  input: '#1d4ed8',
  output: '#b45309',
  cost: '#047857',
  errors: '#b91c1c',
};
const CHART_HEIGHT = 220;

/**
 * Requests, tokens, voice minutes and cost over time, with cost by provider and key and a provider comparison.
 * Usage of models without a known price is shown as "unpriced", never as $0.
 *
 * @example
 * <UsageDashboard timeRange="7d" showCostBreakdown={true} showProviderComparison={true} />
 */
export function UsageDashboard({
  timeRange: initialRange = '7d',
  showCostBreakdown = true,
  showProviderComparison = true,
  providers: onlyProviders,
  onTimeRangeChange,
}: UsageDashboardProps) {
  const { enableAnalytics } = useBYOK();
  const [range, setRange] = useState<TimeRange>(initialRange);
  const groupName = useId();

  if (!enableAnalytics) {
    return (
      <EmptyState title="Usage analytics are turned off">
        <p>Turn them on with enableAnalytics on BYOKProvider.</p>
      </EmptyState>
    );
  }

  return (
    <section className="byok byok-usage" aria-label="Usage">
      <fieldset className="byok-segmented">
        <legend className="byok-label">Time range</legend>
        {RANGES.map((option) => (
          <label key={option.id} className="byok-segmented__option">
            <input
              type="radio"
              name={groupName}
              value={option.id}
              checked={range === option.id}
              onChange={() => {
                setRange(option.id);
                onTimeRangeChange?.(option.id);
              }}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </fieldset>
      <UsageBody
        range={range}
        providers={onlyProviders}
        showCostBreakdown={showCostBreakdown}
        showProviderComparison={showProviderComparison}
      />
    </section>
  );
}

function UsageBody({
  range,
  providers: onlyProviders,
  showCostBreakdown,
  showProviderComparison,
}: {
  range: TimeRange;
  providers: ProviderId[] | undefined;
  showCostBreakdown: boolean;
  showProviderComparison: boolean;
}) {
  const usage = useUsageAnalytics(range, onlyProviders);
  if (usage.loading && !usage.data) return <LoadingState label="Loading usage…" />;
  if (usage.error && !usage.data) {
    return <ErrorState title="Could not load usage" error={usage.error} onRetry={usage.reload} />;
  }
  const data = usage.data;
  if (!data) return null;
  if (data.totals.requests === 0) {
    return (
      <EmptyState title="No usage in this period">
        <p>Requests made with your keys show up here, with their tokens and cost.</p>
      </EmptyState>
    );
  }
  return (
    <>
      <Totals totals={data.totals} />
      {data.totals.unpricedRequests > 0 ? (
        <p className="byok-note">
          {formatNumber(data.totals.unpricedRequests)} request{data.totals.unpricedRequests === 1 ? '' : 's'}{' '}
          used models without a known price. Their cost is shown as <strong>unpriced</strong>, not $0, and is
          left out of the dollar figures.
        </p>
      ) : null}
      <OverTime data={data} />
      {showCostBreakdown ? <CostBreakdown data={data} /> : null}
      {showProviderComparison ? <ProviderComparison data={data} /> : null}
    </>
  );
}

function Totals({ totals }: { totals: UsageFigures }) {
  const items: [string, string, string?][] = [
    [
      'Requests',
      formatNumber(totals.requests),
      totals.errors > 0 ? `${formatNumber(totals.errors)} failed` : undefined,
    ],
    [
      'Tokens',
      formatCompact(totals.totalTokens),
      `${formatCompact(totals.inputTokens)} in · ${formatCompact(totals.outputTokens)} out`,
    ],
    // Voice providers (Deepgram) bill audio minutes, not tokens.
    ['Voice minutes', formatNumber(Math.round((totals.minutes ?? 0) * 10) / 10), 'audio processed'],
    ['Cost', formatCost(totals)],
  ];
  return (
    <dl className="byok-totals">
      {items.map(([label, value, sub]) => (
        <div key={label} className="byok-total">
          <dt>{label}</dt>
          <dd>
            <span className="byok-total__value">{value}</span>
            {sub ? <span className="byok-muted">{sub}</span> : null}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** A chart with a caption, and the same figures as a table for people who cannot see it. */
function ChartFigure({ title, children, table }: { title: string; children: ReactNode; table: ReactNode }) {
  return (
    <figure className="byok-chart">
      <figcaption className="byok-chart__title">{title}</figcaption>
      <div className="byok-chart__plot">{children}</div>
      <details className="byok-details">
        <summary>Show as a table</summary>
        {table}
      </details>
    </figure>
  );
}

/** Axis ticks: two significant digits ($0.015, $1.2K), so that close ticks do not print the same. */
function formatUsdTick(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) >= 1000) return `$${formatCompact(value)}`;
  return `$${Number(value.toPrecision(2))}`;
}

const axisProps = { tick: { fill: '#374151', fontSize: 12 }, stroke: '#6b7280' } as const;
const chartProps = {
  responsive: true,
  style: { width: '100%', height: CHART_HEIGHT },
  margin: { left: 0, right: 12 },
} as const;
const lineProps = { type: 'monotone', strokeWidth: 2, dot: false, isAnimationActive: false } as const;
const countTooltip = (value: unknown) => formatNumber(Number(value));

function OverTime({ data }: { data: UsageAnalytics }) {
  const rows = data.series.map((point) => ({
    label: formatBucket(point.bucket, data.groupBy),
    requests: point.requests,
    inputTokens: point.inputTokens,
    outputTokens: point.outputTokens,
    // null draws a gap: a bucket whose requests are all unpriced has no known cost.
    cost: point.costUsd,
    figures: point,
  }));
  const costTooltip = (value: unknown, _name: unknown, item: { payload?: { figures?: UsageFigures } }) =>
    item.payload?.figures
      ? formatCost(item.payload.figures)
      : typeof value === 'number'
        ? formatUsd(value)
        : 'unpriced';
  const table = (
    <FiguresTable
      wrap={false}
      columns={['Period', 'Requests', 'Input tokens', 'Output tokens', 'Cost']}
      rows={rows.map((row) => ({
        id: row.figures.bucket,
        name: row.label,
        cells: [
          formatNumber(row.requests),
          formatNumber(row.inputTokens),
          formatNumber(row.outputTokens),
          formatCost(row.figures),
        ],
      }))}
    />
  );
  return (
    <div className="byok-charts">
      <ChartFigure title="Requests over time" table={table}>
        <LineChart {...chartProps} data={rows}>
          <CartesianGrid stroke="#e5e7eb" vertical={false} />
          <XAxis dataKey="label" {...axisProps} minTickGap={16} />
          <YAxis {...axisProps} width={44} allowDecimals={false} tickFormatter={formatCompact} />
          <Tooltip formatter={countTooltip} />
          <Line {...lineProps} dataKey="requests" name="Requests" stroke={COLORS.requests} />
        </LineChart>
      </ChartFigure>
      <ChartFigure title="Tokens over time" table={table}>
        <BarChart {...chartProps} data={rows}>
          <CartesianGrid stroke="#e5e7eb" vertical={false} />
          <XAxis dataKey="label" {...axisProps} minTickGap={16} />
          <YAxis {...axisProps} width={44} tickFormatter={formatCompact} />
          <Tooltip formatter={countTooltip} />
          <Legend />
          <Bar
            dataKey="inputTokens"
            name="Input tokens"
            stackId="tokens"
            fill={COLORS.input}
            isAnimationActive={false}
          />
          <Bar
            dataKey="outputTokens"
            name="Output tokens"
            stackId="tokens"
            fill={COLORS.output}
            isAnimationActive={false}
          />
        </BarChart>
      </ChartFigure>
      <ChartFigure title="Cost over time (USD)" table={table}>
        {data.totals.costUsd === null ? (
          // Nothing in this period has a known price: an empty $0 chart would say the opposite.
          <p className="byok-chart__empty">
            All usage in this period is <strong>unpriced</strong>: its models have no known price.
          </p>
        ) : (
          <LineChart {...chartProps} data={rows}>
            <CartesianGrid stroke="#e5e7eb" vertical={false} />
            <XAxis dataKey="label" {...axisProps} minTickGap={16} />
            <YAxis {...axisProps} width={60} tickFormatter={formatUsdTick} />
            <Tooltip formatter={costTooltip} />
            <Line {...lineProps} dataKey="cost" name="Cost" stroke={COLORS.cost} connectNulls={false} />
          </LineChart>
        )}
      </ChartFigure>
    </div>
  );
}

function CostBreakdown({ data }: { data: UsageAnalytics }) {
  const providers = useProviders().data ?? DEFAULT_PROVIDERS;
  const keys = useKeys().data;
  const byKeyName = (keyId: string | null): string => {
    if (keyId === null) return 'Without a key (system)';
    if (!keys) return keyId;
    const key = keys.find((k) => k.id === keyId);
    return key ? keyName(key, providers) : `Deleted key (${keyId})`;
  };
  const titleId = useId();
  return (
    <section className="byok-section" aria-labelledby={titleId}>
      <h3 id={titleId} className="byok-section__title">
        Cost breakdown
      </h3>
      <div className="byok-grid-2">
        <BreakdownTable
          caption="By provider"
          rows={data.byProvider.map((row) => ({
            id: row.provider,
            name: providerName(providers, row.provider),
            cells: breakdownCells(row),
          }))}
        />
        <BreakdownTable
          caption="By key"
          rows={data.byKey.map((row) => ({
            id: row.keyId ?? 'none',
            name: byKeyName(row.keyId),
            cells: breakdownCells(row),
          }))}
        />
      </div>
    </section>
  );
}

function breakdownCells(figures: UsageFigures): ReactNode[] {
  return [formatNumber(figures.requests), formatNumber(figures.totalTokens), formatCost(figures)];
}

function BreakdownTable({ caption, rows }: { caption: string; rows: NamedRow[] }) {
  return (
    <FiguresTable
      caption={caption}
      columns={['Name', 'Requests', 'Tokens', 'Cost']}
      rows={rows}
      empty="No usage"
    />
  );
}

function ProviderComparison({ data }: { data: UsageAnalytics }) {
  const providers = useProviders().data ?? DEFAULT_PROVIDERS;
  const titleId = useId();
  const rows = data.byProvider.map((row) => ({
    name: providerName(providers, row.provider),
    provider: row.provider,
    requests: row.requests,
    errors: row.errors,
    errorRate: row.requests > 0 ? (row.errors / row.requests) * 100 : 0,
    tokensPerRequest: row.requests > 0 ? row.totalTokens / row.requests : 0,
    figures: row,
  }));
  return (
    <section className="byok-section" aria-labelledby={titleId}>
      <h3 id={titleId} className="byok-section__title">
        Provider comparison
      </h3>
      <ChartFigure
        title="Requests and failures by provider"
        table={
          <FiguresTable
            wrap={false}
            columns={['Provider', 'Requests', 'Failed']}
            rows={rows.map((row) => ({
              id: row.provider,
              name: row.name,
              cells: [formatNumber(row.requests), formatNumber(row.errors)],
            }))}
          />
        }
      >
        <BarChart {...chartProps} data={rows}>
          <CartesianGrid stroke="#e5e7eb" vertical={false} />
          <XAxis dataKey="name" {...axisProps} />
          <YAxis {...axisProps} width={44} allowDecimals={false} tickFormatter={formatCompact} />
          <Tooltip formatter={countTooltip} />
          <Legend />
          <Bar
            dataKey="requests"
            name="Requests"
            fill={COLORS.requests}
            maxBarSize={56}
            isAnimationActive={false}
          />
          <Bar
            dataKey="errors"
            name="Failed"
            maxBarSize={56}
            fill={COLORS.errors}
            isAnimationActive={false}
          />
        </BarChart>
      </ChartFigure>
      <FiguresTable
        caption="Side by side"
        columns={['Provider', 'Requests', 'Error rate', 'Tokens per request', 'Cost']}
        rows={rows.map((row) => ({
          id: row.provider,
          name: row.name,
          cells: [
            formatNumber(row.requests),
            `${row.errorRate.toFixed(1)}%`,
            formatNumber(Math.round(row.tokensPerRequest)),
            formatCost(row.figures),
          ],
        }))}
      />
    </section>
  );
}
