import { createLogger } from '@stack-2025/byok-core';
import { type Command, InvalidArgumentError } from 'commander';
import { installProcessGuards } from '../process-guards.js';
import { startServer } from '../server.js';
import { config } from './context.js';
import { out } from './exit.js';

async function serveCommand(opts: { port?: number; host?: string }): Promise<void> {
  const cfg = config();
  const logger = createLogger({ level: cfg.logLevel });
  installProcessGuards(logger);
  const running = await startServer(
    {
      ...cfg,
      ...(opts.port !== undefined ? { port: opts.port } : {}),
      ...(opts.host ? { host: opts.host } : {}),
    },
    { logger },
  );
  // Where to go, for a person at a terminal; production keeps stdout to JSON log lines (which
  // carry the same `openUrl`).
  if (!cfg.production) {
    out(
      running.dashboard
        ? `\nBYOK is running: open ${running.openUrl} (API reference: ${running.openUrl.replace(/\/$/, '')}${cfg.basePath}/docs)\n`
        : `\nBYOK is running at ${running.openUrl} (the dashboard is not built: npm run build:app -w @stack-2025/byok-ui)\n`,
    );
  }
  await new Promise<void>((resolve) => {
    // The first SIGTERM/SIGINT drains and stops; later ones (an impatient supervisor) do not cut
    // the drain short. SIGKILL still does.
    const stop = () => {
      running.close().then(resolve, resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => void running.reloadMasterKey());
  });
}

/** `byok serve`: the HTTP server, until SIGTERM/SIGINT. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP server (PGlite in BYOK_DATA_DIR unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port (overrides PORT)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number');
      return n;
    })
    .option('--host <host>', 'interface (overrides HOST)')
    .action(serveCommand);
}
