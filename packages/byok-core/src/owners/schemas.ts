import { z } from 'zod';

// The one definition of each workspace input and its limits, for the library and the REST API.

export const WORKSPACE_ROLES = ['owner', 'admin', 'member'] as const;

export const workspaceRoleSchema = z.enum(WORKSPACE_ROLES);
export const workspaceNameSchema = z.string().trim().min(1).max(100);
/** A user id as the store accepts it: 1–255 characters, no whitespace or NUL. */
export const userIdSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\s\0]+$/, { message: 'must not contain spaces' });

/** `createWorkspace`. */
export const createWorkspaceSchema = z.strictObject({
  name: workspaceNameSchema,
  ownerUserId: z.string().min(1).max(255),
});

/** `addMember`: who, with which role. */
export const addMemberSchema = z.strictObject({ userId: userIdSchema, role: workspaceRoleSchema });
