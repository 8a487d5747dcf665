// app/api/byok/[...path]/route.ts — the whole BYOK REST API (/api/byok/keys, /api/byok/me, …),
// authenticated with the app's JWTs (`sub` = user id).
import { createBYOKRouteHandlers } from '@stack-2025/byok-core/next';
import { byokSystem, jwtSecret } from '../../../../lib/byok.js';

export const { GET, POST, PATCH, DELETE } = createBYOKRouteHandlers(byokSystem, {
  basePath: '/api/byok',
  auth: { jwtSecret },
});
