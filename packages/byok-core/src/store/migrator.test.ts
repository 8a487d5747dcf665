import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseBackends } from '../../test/backends.js';
import { toDatabase } from './database.js';
import { DatabaseMigration } from './migrator.js';
import type { Database } from './types.js';

/**
 * A migration whose function body holds `;` followed by a newline inside `$$ … $$`: a script split
 * on `;\n` would send half a function to the server. Also a string literal with `;` and a comment.
 */
const DOLLAR_QUOTED = `-- a comment; with a semicolon
CREATE TABLE byok.migrator_probe (id integer PRIMARY KEY, note text NOT NULL);

CREATE FUNCTION byok.migrator_probe_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.note := NEW.note || ';
suffix';
  RETURN NEW;
END;
$$;

CREATE TRIGGER migrator_probe_touch BEFORE INSERT ON byok.migrator_probe
  FOR EACH ROW EXECUTE FUNCTION byok.migrator_probe_touch();
INSERT INTO byok.migrator_probe (id, note) VALUES (1, 'a;b');
`;

describe.each(databaseBackends)('migrator on $name', (backend) => {
  let db: Database;
  let close: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    const opened = await backend.open();
    close = opened.close;
    db = toDatabase(opened.client);
    dir = await mkdtemp(join(tmpdir(), 'byok-migrator-'));
    await writeFile(join(dir, '9001_dollar_quoted.sql'), DOLLAR_QUOTED);
  });
  afterAll(async () => {
    await close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a script with a $$ function body whole, once, and records its checksum', async () => {
    const migration = new DatabaseMigration(db, { migrationsDir: pathToFileURL(`${dir}/`) });
    expect(await migration.runMigrations()).toEqual([9001]);
    expect(await migration.runMigrations()).toEqual([]);
    const { rows } = await db.query<{ note: string }>('SELECT note FROM byok.migrator_probe WHERE id = 1');
    expect(rows[0]?.note).toBe('a;b;\nsuffix');
    await db.query("INSERT INTO byok.migrator_probe (id, note) VALUES (2, 'x')");
    const second = await db.query<{ note: string }>('SELECT note FROM byok.migrator_probe WHERE id = 2');
    expect(second.rows[0]?.note).toBe('x;\nsuffix');
    const status = await migration.getMigrationStatus();
    expect(status).toMatchObject({ upToDate: true, currentVersion: 9001, latestVersion: 9001, pending: [] });
    expect(status.applied[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies the package migrations on top, each whole', async () => {
    const migration = new DatabaseMigration(db);
    const applied = await migration.runMigrations();
    expect(applied.length).toBeGreaterThan(0);
    expect(await migration.runMigrations()).toEqual([]);
    expect((await migration.getMigrationStatus()).upToDate).toBe(true);
  });

  it('rolls back a failing script entirely', async () => {
    const bad = await mkdtemp(join(tmpdir(), 'byok-migrator-bad-'));
    try {
      await writeFile(join(bad, '9001_dollar_quoted.sql'), DOLLAR_QUOTED);
      await writeFile(
        join(bad, '9002_broken.sql'),
        'CREATE TABLE byok.migrator_half (id integer);\nSELECT no_such_function();\n',
      );
      const migration = new DatabaseMigration(db, { migrationsDir: pathToFileURL(`${bad}/`) });
      await expect(migration.runMigrations()).rejects.toThrow();
      const { rows } = await db.query<{ present: boolean }>(
        "SELECT to_regclass('byok.migrator_half') IS NOT NULL AS present",
      );
      expect(rows[0]?.present).toBe(false);
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });
});
