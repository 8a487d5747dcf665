/**
 * A NUL byte or a lone UTF-16 surrogate. PostgreSQL refuses NUL in text (an error deep in a
 * transaction) and stores a lone surrogate as U+FFFD, so two different strings would become one —
 * two owners one. Such input is refused, never normalised.
 */
const ILL_FORMED = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string holds a NUL byte or a lone surrogate. */
export const isIllFormedText = (value: string): boolean => ILL_FORMED.test(value);

/**
 * Whether any string or key inside `value` (objects and arrays, any depth) is ill-formed text.
 * Iterative, so a deep value cannot exhaust the stack.
 */
export function holdsIllFormedText(value: unknown): boolean {
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const current = stack.pop();
    if (typeof current === 'string') {
      if (isIllFormedText(current)) return true;
      continue;
    }
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (Array.isArray(current)) {
      stack.push(...current);
      continue;
    }
    for (const [key, item] of Object.entries(current)) {
      if (isIllFormedText(key)) return true;
      stack.push(item);
    }
  }
  return false;
}
