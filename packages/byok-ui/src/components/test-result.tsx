import type { KeyTestResult } from '../api/types.js';

/** One line saying what a key test found. */
export function TestResultText({ result }: { result: KeyTestResult }) {
  const time = typeof result.responseTime === 'number' ? `, ${Math.round(result.responseTime)} ms` : '';
  if (result.isValid) {
    return (
      <>
        The key works (health {Math.round(result.healthScore)}/100{time}).
      </>
    );
  }
  const reason = result.errorMessage ?? result.errorCode ?? result.status ?? 'no reason given';
  return (
    <>
      The provider did not accept the key: {reason}
      {time ? ` (${time.slice(2)})` : ''}.
    </>
  );
}
