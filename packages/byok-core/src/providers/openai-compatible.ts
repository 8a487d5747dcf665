import { asString, classifyAs, classifyByStatus, openAIStyleError, pick } from './classify-common.js';
import { apiKeyCredential, bearer, field, joinUrl, type KeyShape } from './key-format.js';
import type {
  Classification,
  OpenAICompatibleApi,
  ProviderDefinition,
  ProviderOutcome,
  ProviderType,
} from './types.js';

/** What differs between providers that only speak OpenAI's dialect with a bearer key. */
export interface OpenAICompatibleSpec {
  id: ProviderType;
  displayName: string;
  keyShape: KeyShape;
  /** Known key prefixes, longest first (for the display hint). */
  keyPrefixes: readonly string[];
  /** The provider SDK's own variable for the key (`MISTRAL_API_KEY`). */
  apiKeyEnv: string;
  /** The application's own key (`SYSTEM_MISTRAL_KEY`). */
  systemKeyEnv: string;
  defaultBaseUrl: string;
  modelPrefixes: readonly string[];
  api: Omit<OpenAICompatibleApi, 'path'> & { path?: string };
  /**
   * The provider's own reading of an error answer, before the shared status rules: returns an
   * outcome when the body says more than the status (xAI answers a wrong key with 400).
   */
  refineError?(status: number, message: string | undefined): ProviderOutcome | undefined;
}

/**
 * The error fields of an OpenAI-style body. Some providers put them at the top level
 * (`{"object":"error","message","type","code"}`) or send `{"error": "<text>"}`.
 */
function errorFields(body: unknown): { message?: string; code?: string } {
  const nested = openAIStyleError(body);
  const message = nested.message ?? asString(pick(body, 'message')) ?? asString(pick(body, 'detail'));
  const code = nested.code ?? nested.type ?? asString(pick(body, 'code')) ?? asString(pick(body, 'type'));
  return { ...(message !== undefined && { message }), ...(code !== undefined && { code }) };
}

/**
 * A provider definition for an OpenAI-compatible API validated by `GET {base}/models` with
 * `Authorization: Bearer <apiKey>`: a new provider of this kind is one call of this function.
 */
export function openAICompatibleProvider(spec: OpenAICompatibleSpec): ProviderDefinition {
  const name = spec.displayName;
  return {
    id: spec.id,
    displayName: name,
    category: 'ai',
    keyPrefixes: spec.keyPrefixes,
    ...apiKeyCredential(spec.keyShape, { apiKey: spec.apiKeyEnv, system: spec.systemKeyEnv }),
    modelPrefixes: spec.modelPrefixes,
    defaultBaseUrl: spec.defaultBaseUrl,
    openAICompatible: { ...spec.api, path: spec.api.path ?? '' },

    buildValidationRequest(keyData, baseUrl) {
      return { method: 'GET', url: joinUrl(baseUrl, '/models'), headers: bearer(field(keyData, 'apiKey')) };
    },

    classifyResponse(status, headers, body): Classification {
      if (status >= 200 && status < 300) return classifyAs(name, 'valid', status, headers);
      const error = errorFields(body);
      const info = {
        ...(error.code !== undefined && { providerCode: error.code }),
        ...(error.message !== undefined && { providerMessage: error.message }),
      };
      const refined = spec.refineError?.(status, error.message);
      if (refined) return classifyAs(name, refined, status, headers, info);
      return classifyByStatus(name, status, headers, info);
    },
  };
}
