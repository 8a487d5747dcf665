// app/api/chat/route.ts — a route that answers with the signed-in user's own AI key.
import { withBYOK } from '@stack-2025/byok-core/next';
import { byokManager, getUserId } from '../../../lib/byok.js';

export const POST = withBYOK(byokManager, getUserId, async (request, { aiConfig, byokEnabled }) => {
  if (!byokEnabled || !aiConfig.defaultProvider) {
    return Response.json({ error: 'BYOK not configured' }, { status: 400 });
  }
  const { message } = (await request.json()) as { message?: unknown };
  if (typeof message !== 'string' || message === '') {
    return Response.json({ error: 'message is required' }, { status: 400 });
  }
  const reply = await aiConfig.providers[aiConfig.defaultProvider]?.complete(message);
  return Response.json({ reply });
});
