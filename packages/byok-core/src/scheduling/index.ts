export { acquireLease, acquireLeaseIfFree, leaseHolder, newHolderId, releaseLease } from './lease.js';
