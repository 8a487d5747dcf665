import type { Hono } from 'hono';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The methods some route answers on `path` (HEAD with GET, as Hono serves it), ignoring
 * middleware, which is registered for every method. Empty when no route has this path. Only the
 * not-found answer calls it, so the hot path pays nothing.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env
export function allowedMethods(app: Hono<any>, path: string): string[] {
  const allowed: string[] = METHODS.filter((method) =>
    app.router.match(method, path)[0].some((entry) => entry[0][1].method !== 'ALL'),
  );
  if (allowed.includes('GET')) allowed.splice(1, 0, 'HEAD');
  return allowed;
}
