/**
 * The rotation drill of bench/rotation-drill.ts, small: on real PostgreSQL, the CLI rotates while
 * readers holding both keys never fail; afterwards the new key alone reads everything; a rotation
 * SIGKILLed at a random batch and run again finishes with processed == succeeded.
 */
import { describe, expect, it } from 'vitest';
import { runRotationDrill } from '../bench/rotation-drill.js';

describe.skipIf(!process.env.TEST_DATABASE_URL)('master-key rotation drill (PostgreSQL, CLI process)', () => {
  it('serves every read during rotation, survives a SIGKILL, and ends on the new key alone', {
    timeout: 240_000,
  }, async () => {
    const keys = 400;
    const report = await runRotationDrill({ keys, batchSize: 20, readers: 3, maxReadMs: 180_000 });
    const { first, killed, resumed } = report;

    expect(first.run.code, first.run.stderr).toBe(0);
    expect(first.run.summary).toEqual({ processed: keys, total: keys, succeeded: keys, failed: 0 });
    expect(first.reads.reads).toBeGreaterThan(0);
    expect(first.reads.failures).toEqual([]);
    expect(first.reads.failed + first.reads.wrong).toBe(0);
    expect(first.readableWithNewKeyOnly).toBe(keys);
    expect(first.fingerprints).toHaveLength(1);

    expect(killed.run.signal).toBe('SIGKILL');
    expect(killed.rewrappedBeforeKill).toBeGreaterThan(0);
    expect(killed.rewrappedBeforeKill).toBeLessThan(keys);

    expect(resumed.run.code, resumed.run.stderr).toBe(0);
    expect(resumed.run.summary?.processed).toBe(resumed.run.summary?.succeeded);
    expect(resumed.run.summary?.processed).toBe(keys - killed.rewrappedBeforeKill);
    expect(resumed.run.stdout).toContain('Done: every data key is under the new master key');
    expect(resumed.reads.failures).toEqual([]);
    expect(resumed.reads.failed + resumed.reads.wrong).toBe(0);
    expect(resumed.readableWithNewKeyOnly).toBe(keys);
    expect(resumed.fingerprints).toHaveLength(1);
    expect(resumed.fingerprints).not.toEqual(first.fingerprints);
  });
});
