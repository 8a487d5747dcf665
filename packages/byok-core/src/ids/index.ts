import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A prefixed random id (`key_…`, `ws_…`, `dek_…`): 20 base-36 characters, ~103 bits. */
export function newId(prefix: 'key' | 'ws' | 'dek' | 'alert' | 'usr' | 'req' | 'imp' | 'inc' | 'gt'): string {
  const bytes = randomBytes(20);
  let body = '';
  for (const byte of bytes) body += ALPHABET[byte % 36];
  return `${prefix}_${body}`;
}
