import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A webhook receiver on 127.0.0.1 that keeps every request. By path: `/fail…` answers 503,
 * `/flaky…` 503 twice (per path) then 200, `/gone…` 404, anything else 204.
 */
export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const failures = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (path.startsWith('/flaky')) {
        const seen = failures.get(path) ?? 0;
        failures.set(path, seen + 1);
        res.statusCode = seen < 2 ? 503 : 200;
      } else if (path.startsWith('/fail')) res.statusCode = 503;
      else res.statusCode = path.startsWith('/gone') ? 404 : 204;
      res.end();
    });
  });
  await once(server.listen(0, '127.0.0.1'), 'listening');
  const { port } = server.address() as AddressInfo;
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return { url: `http://127.0.0.1:${port}`, received, close };
}
