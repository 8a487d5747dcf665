export { createTestDatabase } from './test-database.js';
