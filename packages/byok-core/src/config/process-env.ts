/** An environment map: variable name → value (unset names are `undefined`). */
export type EnvMap = Readonly<Record<string, string | undefined>>;

/**
 * The one read of `process.env` in the library. Only the configuration step calls it (the
 * library entries `createBYOKForStack2025` and `new BYOKManager`); everything below receives the
 * resolved configuration or the map handed down from here. The map is live, not a copy, so that
 * a variable set after start-up (a system key read on first fallback) is seen as before.
 */
export function processEnv(): EnvMap {
  return process.env;
}
