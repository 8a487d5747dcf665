import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { uniqueId } from '../../test/backends.js';
import { openFakeManager } from '../../test/fake-manager.js';
import type { BYOKManager } from '../manager/byok-manager.js';
import type { FakeProviders } from '../testing/index.js';
import { byokMiddleware } from './trpc.js';

type Context = { user: { id: string } | null };

describe('byokMiddleware (tRPC)', () => {
  let fake: FakeProviders;
  let manager: BYOKManager;
  let close: () => Promise<void>;
  let server: ReturnType<typeof createHTTPServer>;
  let url: string;
  const alice = uniqueId('alice');
  const bob = uniqueId('bob');

  const t = initTRPC.context<Context>().create();
  const build = (m: BYOKManager) => {
    const withBYOK = t.middleware(byokMiddleware(m));
    return t.router({
      whoami: t.procedure.use(withBYOK).query(({ ctx }) => ({
        contextUser: ctx.user?.id ?? null,
        userId: ctx.byokConfig.userId,
        providers: Object.keys(ctx.byokConfig.providers),
      })),
      chat: t.procedure
        .use(withBYOK)
        .input(z.object({ message: z.string() }))
        .mutation(async ({ ctx, input }) => {
          const provider = ctx.byokConfig.defaultProvider;
          const entry = provider ? ctx.byokConfig.providers[provider] : undefined;
          return { response: (await entry?.complete(input.message)) ?? null };
        }),
    });
  };
  type AppRouter = ReturnType<typeof build>;
  const client = (user?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url, headers: () => (user ? { 'x-test-user': user } : {}) })],
    });

  beforeAll(async () => {
    ({ fake, manager, close } = await openFakeManager());
    await manager.addKey({ userId: alice, provider: 'openai', keyData: { apiKey: 'sk-proj-alice-trpc-01' } });
    await manager.addKey({
      userId: bob,
      provider: 'gemini',
      keyData: { apiKey: 'AIzaSyBobTrpc0123456789abcdefghijklmn' },
    });
    server = createHTTPServer({
      router: build(manager),
      // Stands in for the app's session lookup.
      createContext: ({ req }) => {
        const id = req.headers['x-test-user'];
        return { user: typeof id === 'string' ? { id } : null };
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await close();
  });

  it('adds ctx.byokConfig for the context user only, keeping the rest of the context', async () => {
    const [a, b] = await Promise.all([client(alice).whoami.query(), client(bob).whoami.query()]);
    expect(a).toEqual({ contextUser: alice, userId: alice, providers: ['openai'] });
    expect(b).toEqual({ contextUser: bob, userId: bob, providers: ['gemini'] });
  });

  it('calls the provider with the caller key, batched calls of two users included', async () => {
    fake.clear();
    const [a, b] = await Promise.all([
      client(alice).chat.mutate({ message: 'Hi' }),
      client(bob).chat.mutate({ message: 'Hi' }),
    ]);
    expect(a.response).toBe('Hello from the fake provider.');
    expect(b.response).toBe('Hello from the fake provider.');
    const sent = Object.fromEntries(fake.requests.map((r) => [r.provider, r.headers]));
    expect(sent.openai?.authorization).toBe('Bearer sk-proj-alice-trpc-01');
    expect(sent.gemini?.['x-goog-api-key']).toBe('AIzaSyBobTrpc0123456789abcdefghijklmn');
  });

  it('answers UNAUTHORIZED without a user, and never falls back to anyone else', async () => {
    const error = await client()
      .whoami.query()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    expect((error as TRPCClientError<AppRouter>).data?.httpStatus).toBe(401);
  });

  it('takes the user from getUserId when given', async () => {
    const custom = t.router({
      whoami: t.procedure
        .use(
          t.middleware(
            byokMiddleware<Context & { session?: string }>(manager, { getUserId: (ctx) => ctx.session }),
          ),
        )
        .query(({ ctx }) => ctx.byokConfig.userId),
    });
    const caller = t.createCallerFactory(custom);
    expect(await caller({ user: { id: alice }, session: bob } as Context).whoami()).toBe(bob);
    await expect(caller({ user: { id: alice } }).whoami()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
