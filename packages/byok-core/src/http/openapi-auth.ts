import type { OpenAPIHono } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { publicRoute } from './routes/common.js';
import { ErrorResponse } from './schemas.js';
import type { HttpEnv } from './types.js';

// Examples only: a made-up token of the documented form, signed with nothing real.
const EXAMPLE_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyXzEyMyIsImV4cCI6MTc5MzUwMDAwMH0.c2lnbmF0dXJl';

/**
 * The ways to sign in, as OpenAPI security schemes. Each route lists which of them it accepts
 * (`routes/common.ts`); public routes say `security: []`.
 */
export function registerSecuritySchemes(app: OpenAPIHono<HttpEnv>): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: [
      'A user’s JWT from the host application, signed **HS256** with the secret shared with this service (`BYOK_JWT_SECRET`). `sub` is the user id; `exp` is required; `iss` and `aud` are checked when `BYOK_JWT_ISSUER` / `BYOK_JWT_AUDIENCE` are set.',
      '',
      'Example claims: `{ "sub": "user_123", "exp": 1793500000, "email": "ada@example.com" }`',
      '',
      `Example header: \`Authorization: Bearer ${EXAMPLE_JWT}\``,
      '',
      'The demo sign-in (`POST /api/auth/demo`, standalone server outside production) answers a token of this kind.',
    ].join('\n'),
  });
  registry.registerComponent('securitySchemes', 'jwksBearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: [
      'A user’s JWT signed **RS256** (or ES256) by the host application’s identity provider and checked against its JWKS (`BYOK_JWKS_URL`, the identity provider’s `/.well-known/jwks.json`). The header’s `kid` picks the key; `alg` is pinned to RS256/ES256, so an HS256 or `none` token is refused. Claims as for `bearerAuth`.',
      '',
      'Example header: `{ "alg": "RS256", "kid": "2026-11" }`, claims: `{ "sub": "user_123", "exp": 1793500000 }`',
    ].join('\n'),
  });
  registry.registerComponent('securitySchemes', 'adminToken', {
    type: 'http',
    scheme: 'bearer',
    description: [
      'The service token (`BYOK_ADMIN_TOKEN`) for server-to-server calls, compared in constant time. On a user’s routes it acts for the user named in `X-BYOK-User-Id` (`actingUser`) and is audited as the service; alone it reaches `/api/me`, `/api/providers`, `/api/audit` and `/health/byok`.',
      '',
      'Example: `Authorization: Bearer $BYOK_ADMIN_TOKEN` with `X-BYOK-User-Id: user_123`',
    ].join('\n'),
  });
  registry.registerComponent('securitySchemes', 'actingUser', {
    type: 'apiKey',
    in: 'header',
    name: 'X-BYOK-User-Id',
    description:
      'With the service token only: the user it acts for (1–255 characters, no spaces). Ignored with a user’s JWT: a user acts for themself.\n\nExample: `X-BYOK-User-Id: user_123`',
  });
}

const DemoAvailability = z
  .object({ available: z.literal(true), userId: z.string() })
  .openapi('DemoAvailability', { example: { available: true, userId: 'demo_user' } });
const DemoToken = z
  .object({
    token: z.string().openapi({ description: 'An HS256 JWT (`bearerAuth`), short-lived' }),
    userId: z.string(),
    expiresAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('DemoToken', {
    example: { token: EXAMPLE_JWT, userId: 'demo_user', expiresAt: '2026-11-30T03:00:00.000Z' },
  });

/**
 * Documents the demo sign-in that the standalone server serves beside this handler (outside
 * production): the document then shows the first step of the quick start.
 */
export function documentDemoSignIn(app: OpenAPIHono<HttpEnv>, basePath: string): void {
  const errorContent = (example: unknown) => ({
    'application/json': { schema: ErrorResponse, example },
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: `${basePath}/auth/demo`,
    tags: ['Auth'],
    summary: 'Is the demo sign-in available?',
    security: publicRoute,
    responses: {
      200: {
        description: 'Available',
        content: {
          'application/json': { schema: DemoAvailability, example: { available: true, userId: 'demo_user' } },
        },
      },
      404: {
        description: 'Not served (production, or no JWT secret)',
        content: errorContent({
          error: {
            code: 'NOT_FOUND',
            message: 'No route for GET /api/auth/demo',
            requestId: 'req_5f2a9c1e07d4000012',
          },
        }),
      },
    },
  });
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: `${basePath}/auth/demo`,
    tags: ['Auth'],
    summary: 'Sign in as the demo user',
    description:
      'Outside production only. Seeds the demo user on first use (four keys and 14 days of usage) and answers a short-lived HS256 JWT for it, signed with the server’s JWT secret: use it as `Authorization: Bearer <token>` (`bearerAuth`).\n\n```sh\nTOKEN=$(curl -s -X POST "$BYOK_URL/api/auth/demo" | jq -r .token)\ncurl -H "Authorization: Bearer $TOKEN" "$BYOK_URL/api/keys"\n```',
    security: publicRoute,
    responses: {
      200: {
        description: 'A token for the demo user',
        content: {
          'application/json': {
            schema: DemoToken,
            example: { token: EXAMPLE_JWT, userId: 'demo_user', expiresAt: '2026-11-30T03:00:00.000Z' },
          },
        },
      },
      404: {
        description: 'Not served (production, or no JWT secret)',
        content: errorContent({
          error: {
            code: 'NOT_FOUND',
            message: 'No route for POST /api/auth/demo',
            requestId: 'req_5f2a9c1e07d4000012',
          },
        }),
      },
      413: {
        description: 'Body larger than 1 KiB (PAYLOAD_TOO_LARGE)',
        content: errorContent({
          error: {
            code: 'PAYLOAD_TOO_LARGE',
            message: 'Request body is too large',
            requestId: 'req_5f2a9c1e07d4000012',
          },
        }),
      },
    },
  });
}
