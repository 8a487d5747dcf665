import { z } from 'zod';
import { Environment, ProviderType } from '../providers/types.js';

// The one definition of each key input and its limits: the library parses with these, and the
// REST API documents and checks the same schemas (with OpenAPI metadata added in `http/schemas.ts`).
// Strict objects: an unknown field is refused, never silently dropped.

export const KEY_STATUSES = ['active', 'disabled', 'invalid', 'revoked', 'compromised'] as const;

/** An id given by a caller (`key_…`, a user id, `ws_…`). */
export const idField = z.string().min(1).max(255);
export const keyStatusSchema = z.enum(KEY_STATUSES);
export const keyAliasSchema = z.string().trim().max(100);
export const keyDescriptionSchema = z.string().trim().max(500);
/** Lower is tried first. */
export const keyPrioritySchema = z.number().int().min(-1000).max(1000);
/** The credential, field by field; each provider's own rules are checked by `parseKeyData`. */
export const keyDataSchema = z.record(z.string(), z.unknown());
/** The credential as JSON carries it over HTTP: field name → string value. */
export const credentialJsonSchema = z.record(z.string(), z.string());

/** What describes a new key, whoever owns it. */
export const keyFieldsSchema = z.strictObject({
  provider: z.enum(ProviderType, { error: 'Unknown provider' }),
  keyData: keyDataSchema,
  alias: keyAliasSchema.optional(),
  description: keyDescriptionSchema.optional(),
  environment: z.enum(Environment).optional(),
  priority: keyPrioritySchema.optional(),
});

/** `addKey`: the key's fields and its owner (a user or a workspace). */
export const addKeySchema = keyFieldsSchema.extend({
  userId: idField.optional(),
  workspaceId: idField.optional(),
});

/** `updateKey`: any of these; `null` clears alias or description. */
export const updateKeySchema = z.strictObject({
  alias: keyAliasSchema.nullable().optional(),
  description: keyDescriptionSchema.nullable().optional(),
  enabled: z.boolean().optional(),
  keyData: keyDataSchema.optional(),
  priority: keyPrioritySchema.optional(),
});

/** `revokeKey`: why, for the audit trail. */
export const revokeKeySchema = z.strictObject({ reason: z.string().trim().max(500).optional() });

/** `listKeys` filter. */
export const listKeysFilterSchema = z.strictObject({
  provider: z.enum(ProviderType).optional(),
  environment: z.enum(Environment).optional(),
  status: keyStatusSchema.optional(),
});
