export { DEFAULT_QUOTAS, type QuotaOptions, type Quotas, quotaExceeded, resolveQuotas } from './quotas.js';
