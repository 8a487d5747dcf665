import type { ReactNode } from 'react';

/** Text (read by everyone) beside a bar filled to `percent` in the tone's colour (decoration only). */
export function FillBar({
  percent,
  tone,
  children,
}: {
  percent: number;
  tone: 'good' | 'fair' | 'poor';
  children: ReactNode;
}) {
  return (
    <span className={`byok-health byok-health--${tone}`}>
      <span className="byok-health__bar" aria-hidden="true">
        <span className="byok-health__fill" style={{ width: `${percent}%` }} />
      </span>
      <span>{children}</span>
    </span>
  );
}
