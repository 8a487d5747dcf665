import type { BYOKClient } from '../api/client.js';
import type { ProviderInfo } from '../api/types.js';
import { useBYOK } from './use-byok.js';
import { type Resource, useResource } from './use-resource.js';

// The provider list never changes while the page is open: one request per client.
const cache = new WeakMap<BYOKClient, Promise<ProviderInfo[]>>();

function loadProviders(client: BYOKClient): Promise<ProviderInfo[]> {
  let promise = cache.get(client);
  if (!promise) {
    promise = client.listProviders();
    cache.set(client, promise);
    promise.catch(() => cache.delete(client));
  }
  return promise;
}

/** The providers this server supports, with their credential fields. */
export function useProviders(): Resource<ProviderInfo[]> {
  const { client } = useBYOK();
  return useResource(() => loadProviders(client), 'providers');
}
