// app/api/byok/route.ts — the guide's "Next.js App Router" sample. One change: the user is the
// signed-in one (getUserId), not a `userId` from the body, or anyone could add keys to anyone.
import { Environment, isBYOKError, type ProviderType } from '@stack-2025/byok-core';
import { byokManager, getUserId } from '../../../lib/byok.js';

export async function POST(request: Request): Promise<Response> {
  const userId = await getUserId(request);
  if (!userId) return Response.json({ error: 'Sign in first' }, { status: 401 });
  // addKey checks both: an unknown provider or a malformed key is refused with a clear error.
  const { provider, keyData } = (await request.json()) as {
    provider: ProviderType;
    keyData: Record<string, unknown>;
  };

  try {
    const keyId = await byokManager.addKey({
      userId,
      provider,
      keyData,
      environment: Environment.PRODUCTION,
    });

    return Response.json({ success: true, keyId });
  } catch (error) {
    // Library messages never contain the key; anything else is not shown.
    const message = isBYOKError(error) ? error.message : 'Could not add the key';
    return Response.json({ error: message }, { status: isBYOKError(error) ? error.status : 500 });
  }
}
