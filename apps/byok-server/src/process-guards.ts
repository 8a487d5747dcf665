import type { Logger } from '@stack-2025/byok-core';
import { isDatabaseConnectionError } from '@stack-2025/byok-core/server';

/** Network failures of a database or Redis client: the service outlives them and reconnects. */
const isNetworkFailure = (error: unknown): boolean =>
  isDatabaseConnectionError(error) ||
  (error instanceof Error && /^(Connection is closed|Stream isn't writeable)/.test(error.message));

const describe = (error: unknown) =>
  error instanceof Error
    ? {
        name: error.name,
        message: error.message,
        code: (error as { code?: unknown }).code,
        stack: error.stack,
      }
    : { value: String(error) };

/**
 * Last line of defence of `byok serve`. Every client has its own error handling; this is for the
 * one that was missed:
 * - an unhandled rejection is logged at error level and the server keeps serving: one failed
 *   promise is one failed request or job, not a reason to drop every other request;
 * - an uncaught exception that is a lost database or Redis connection (an 'error' event nobody
 *   listened to) is logged and survived, the pools reconnect by themselves;
 * - any other uncaught exception is a bug with unknown state behind it: logged as fatal, then the
 *   process exits 1 so that its supervisor restarts it clean.
 * Returns a function that removes the handlers.
 */
export function installProcessGuards(
  logger: Logger,
  exit: (code: number) => void = process.exit,
): () => void {
  const onRejection = (reason: unknown) => {
    logger.error({ err: describe(reason) }, 'unhandled promise rejection (kept serving)');
  };
  const onException = (error: unknown) => {
    if (isNetworkFailure(error)) {
      logger.error({ err: describe(error) }, 'unhandled connection error (kept serving; clients reconnect)');
      return;
    }
    logger.fatal({ err: describe(error) }, 'uncaught exception: exiting');
    exit(1);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
