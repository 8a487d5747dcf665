/**
 * Credential shapes that are redacted wherever they appear in a string value, so that a key put
 * under an innocent field name (`{ note: 'sk-…' }`) is not written either. Path redaction
 * (byok-core's `REDACTED_PATHS`) covers the named fields; this covers the values.
 */
const CREDENTIAL_PATTERNS: readonly RegExp[] = [
  /\bsk-(?:ant-|proj-|or-v1-)?[A-Za-z0-9_-]{8,}/g, // OpenAI, Anthropic, OpenRouter, DeepSeek
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google
  /\b(?:Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, // authorization header values
  /\b[0-9a-f]{40}\b/g, // Deepgram API keys (40 hex)
];

const CENSOR = '[redacted]';
const MAX_DEPTH = 8;

/** A copy of `value` with every credential-looking substring replaced; other values unchanged. */
export function scrubCredentials(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const pattern of CREDENTIAL_PATTERNS) out = out.replace(pattern, CENSOR);
    return out;
  }
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubCredentials(item, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: scrubCredentials(value.message, depth + 1) };
  }
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    // Class instances (Dates, configs with their own toJSON) keep their own serialization.
    const json = (value as { toJSON?: () => unknown }).toJSON;
    return typeof json === 'function' ? scrubCredentials(json.call(value), depth + 1) : String(value);
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubCredentials(item, depth + 1);
  return out;
}
