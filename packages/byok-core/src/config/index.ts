export { type EnvVarDoc, LIBRARY_ENV_VARS } from './env-vars.js';
export { type EnvMap, processEnv } from './process-env.js';
export { type LogLevel, type ResolvedConfig, resolveConfig, resolveMasterKeys } from './resolve-config.js';
