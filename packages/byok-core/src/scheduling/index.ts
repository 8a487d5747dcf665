export { acquireLease, leaseHolder, newHolderId, releaseLease } from './lease.js';
