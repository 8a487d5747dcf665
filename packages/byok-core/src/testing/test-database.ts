import { PGlite } from '@electric-sql/pglite';
import { DatabaseMigration } from '../store/migrator.js';

/** A fresh in-memory PGlite with the BYOK schema applied. Close it with `await db.close()`. */
export async function createTestDatabase(): Promise<PGlite> {
  const db = new PGlite();
  await new DatabaseMigration(db).runMigrations();
  return db;
}
