export { type Dialect, errorResponse, GatewayProblem } from './errors.js';
export { pathOf } from './exchange.js';
export { createGatewayHandler, type GatewayHandler, type GatewayHandlerOptions } from './handler.js';
export { type Admission, GatewayLimits, type GatewayLimitsOptions, type LimitsRedis } from './limits.js';
export { checkAllowed, GATEWAY_PROVIDERS, type Route, routeModel } from './routing.js';
export { SecretScrubber } from './scrub.js';
export { GATEWAY_TOKEN_PREFIX, GatewayTokenService, hashGatewayToken } from './token-service.js';
export type * from './types.js';
export { type ReportedUsage, UsageTap } from './usage-tap.js';
