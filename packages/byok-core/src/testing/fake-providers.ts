/**
 * The fake provider server; each provider's fake lives in `fakes/<provider>.ts`. This module keeps
 * the import path the tests have always used.
 */
export * from './fakes/index.js';
