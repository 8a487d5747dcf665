import type { UsageFigures } from './api/types.js';

const numberFormat = new Intl.NumberFormat('en-US');
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatNumber(value: number): string {
  return numberFormat.format(value);
}

export function formatCompact(value: number): string {
  return compactFormat.format(value);
}

/** US dollars with enough digits for small amounts: $0.0042, $12.50. */
export function formatUsd(value: number): string {
  const digits = value !== 0 && Math.abs(value) < 0.01 ? 4 : 2;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
}

/**
 * The cost of some usage as people should read it: unknown prices are "unpriced", never $0.
 * A partly priced figure is a lower bound and says how many requests it leaves out.
 */
export function formatCost(figures: Pick<UsageFigures, 'costUsd' | 'unpricedRequests' | 'requests'>): string {
  if (figures.costUsd === null)
    return figures.requests > 0 || figures.unpricedRequests > 0 ? 'unpriced' : '—';
  if (figures.unpricedRequests > 0) {
    const n = figures.unpricedRequests;
    return `${formatUsd(figures.costUsd)} + ${formatNumber(n)} unpriced request${n === 1 ? '' : 's'}`;
  }
  return formatUsd(figures.costUsd);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return 'Never';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return 'Unknown';
  return date.toLocaleString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** "3 minutes ago"; falls back to the date for anything older than a week. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'Never';
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return 'Unknown';
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 45) return 'just now';
  const rtf = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return rtf.format(-minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 24) return rtf.format(-hours, 'hour');
  const days = Math.round(hours / 24);
  if (days <= 7) return rtf.format(-days, 'day');
  return formatDateTime(iso);
}

/** A time bucket's label on a chart axis. */
export function formatBucket(iso: string, groupBy: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  if (groupBy === 'hour') return date.toLocaleTimeString('en-US', { hour: 'numeric', timeZone: 'UTC' });
  if (groupBy === 'month')
    return date.toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  return date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function healthLabel(score: number): 'good' | 'fair' | 'poor' {
  if (score >= 80) return 'good';
  if (score >= 50) return 'fair';
  return 'poor';
}
