import { useMemo } from 'react';
import type { CreateKeyInput, Key, KeyData, KeyTestResult, UpdateKeyInput } from '../api/types.js';
import { useBYOK } from './use-byok.js';

export interface KeyActions {
  add(input: CreateKeyInput): Promise<Key>;
  test(keyId: string): Promise<KeyTestResult>;
  setEnabled(keyId: string, enabled: boolean): Promise<Key>;
  replaceSecret(keyId: string, keyData: KeyData): Promise<Key>;
  /** Changes alias, description or priority. */
  edit(keyId: string, patch: Pick<UpdateKeyInput, 'alias' | 'description' | 'priority'>): Promise<Key>;
  remove(keyId: string): Promise<void>;
  revoke(keyId: string, reason?: string): Promise<Key>;
  validateAll(): Promise<KeyTestResult[]>;
}

/** Writes on keys of the current scope; each one makes every list re-read afterwards. */
export function useKeyActions(): KeyActions {
  const { client, workspaceId, invalidate } = useBYOK();
  return useMemo(() => {
    const scope = { workspaceId };
    const after = async <T>(work: Promise<T>): Promise<T> => {
      try {
        return await work;
      } finally {
        invalidate();
      }
    };
    return {
      add: (input) => after(client.addKey(input, scope)),
      test: (keyId) => after(client.testKey(keyId, scope)),
      setEnabled: (keyId, enabled) => after(client.updateKey(keyId, { enabled }, scope)),
      replaceSecret: (keyId, keyData) => after(client.updateKey(keyId, { keyData }, scope)),
      edit: (keyId, patch) => after(client.updateKey(keyId, patch, scope)),
      remove: (keyId) => after(client.deleteKey(keyId, scope)),
      revoke: (keyId, reason) => after(client.revokeKey(keyId, reason, scope)),
      validateAll: () => after(client.validateAll(scope)),
    };
  }, [client, workspaceId, invalidate]);
}
