import { expect } from 'vitest';

/**
 * The captured log `lines` has debug lines and each of `messages`, and no secret of `secrets` —
 * not even a secret's distinctive middle.
 */
export function expectLogWithoutSecrets(lines: string[], secrets: string[], messages: string[]): void {
  const log = lines.join('');
  expect(log).toContain('"level":20');
  for (const message of messages) expect(log).toContain(message);
  for (const secret of secrets) {
    expect(log).not.toContain(secret);
    expect(log).not.toContain(secret.slice(8, 24));
  }
}
