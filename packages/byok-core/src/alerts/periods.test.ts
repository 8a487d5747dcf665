import { describe, expect, it } from 'vitest';
import { alertPeriod } from './periods.js';

describe('alert periods (UTC)', () => {
  it('labels days, ISO weeks and months so that labels of one kind sort in time order', () => {
    const at = (iso: string) => new Date(iso);
    expect(alertPeriod('daily', at('2026-11-21T23:59:59.999Z'))).toEqual({
      label: '2026-11-21',
      startDay: '2026-11-21',
      endDay: '2026-11-22',
    });
    expect(alertPeriod('weekly', at('2026-11-21T12:00:00Z'))).toEqual({
      label: '2026-W47',
      startDay: '2026-11-16',
      endDay: '2026-11-23',
    });
    // ISO week-years: 2026 has 53 weeks; 2027-01-01 (a Friday) is still in 2026-W53; 2025-12-29 starts 2026-W01.
    expect(alertPeriod('weekly', at('2027-01-01T00:00:00Z')).label).toBe('2026-W53');
    expect(alertPeriod('weekly', at('2027-01-04T00:00:00Z')).label).toBe('2027-W01');
    expect(alertPeriod('weekly', at('2025-12-29T00:00:00Z')).label).toBe('2026-W01');
    expect(alertPeriod('monthly', at('2026-12-31T23:00:00Z'))).toEqual({
      label: '2026-12',
      startDay: '2026-12-01',
      endDay: '2027-01-01',
    });
    expect('2026-W53' < '2027-W01' && '2026-W09' < '2026-W10' && '2026-09' < '2026-10').toBe(true);
  });
});
