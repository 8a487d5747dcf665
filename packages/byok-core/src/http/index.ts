export { createBYOKHttpHandler } from './handler.js';
export { type CheckStatus, checkBYOKHealth, type HealthCheck, type HealthReport } from './health.js';
export type { ErrorBody, HttpErrorCode } from './problem.js';
export type { RateLimitRedis } from './rate-limit.js';
export type {
  BYOKHttpHandler,
  BYOKHttpHandlerOptions,
  ClientInfo,
  HttpAuthOptions,
  HttpRateLimitOptions,
  Principal,
} from './types.js';
