import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../test/private-services.js';
import { isBYOKError } from '../errors/index.js';
import { isDatabaseConnectionError, toDatabaseError } from './connection-errors.js';
import { guardIdleConnectionErrors, toDatabase } from './database.js';

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseConnectionError', () => {
  it.each([
    ['class 08 (connection failure)', withCode('08006')],
    ['class 08 (cannot connect)', withCode('08001')],
    ['admin shutdown (pg_terminate_backend, fast restart)', withCode('57P01')],
    ['crash shutdown', withCode('57P02')],
    ['cannot connect now (starting up)', withCode('57P03')],
    ['refused', withCode('ECONNREFUSED')],
    ['reset', withCode('ECONNRESET')],
    ['socket closed', new Error('Connection terminated unexpectedly')],
    ['pool checkout timeout', new Error('timeout exceeded when trying to connect')],
    ['dead client reused', new Error('Client has encountered a connection error and is not queryable')],
    [
      'connect timeout with a cause',
      new Error('Connection terminated due to connection timeout', { cause: new Error('x') }),
    ],
    ['refused on every address', new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])],
    ['wrapped in a cause', new Error('outer', { cause: withCode('57P01') })],
  ])('%s: yes', (_name, error) => {
    expect(isDatabaseConnectionError(error)).toBe(true);
    const mapped = toDatabaseError(error);
    expect(isBYOKError(mapped) && mapped.code).toBe('DATABASE_UNAVAILABLE');
    expect(isBYOKError(mapped) && mapped.status).toBe(503);
    expect(isBYOKError(mapped) && mapped.details?.retryAfterMs).toBe(1000);
  });

  it.each([
    ['unique violation', withCode('23505')],
    ['syntax error', withCode('42601')],
    ['query canceled (statement timeout)', withCode('57014')],
    ['serialization failure', withCode('40001')],
    ['a bug', new TypeError('cannot read properties of undefined')],
    ['not an error', 'Connection terminated'],
    ['null', null],
  ])('%s: no, passed through unchanged', (_name, error) => {
    expect(isDatabaseConnectionError(error)).toBe(false);
    expect(toDatabaseError(error)).toBe(error);
  });
});

describe('the database wrapper maps connection failures in one place', () => {
  it('a pool whose server is unreachable: query, prepared query and transaction all fail with DATABASE_UNAVAILABLE', async () => {
    const port = await freePort();
    const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/x`, max: 2 });
    pool.on('error', () => undefined);
    const db = toDatabase(pool);
    try {
      for (const attempt of [
        () => db.query('SELECT 1'),
        () => db.queryPrepared('one', 'SELECT 1', []),
        () => db.transaction((tx) => tx.query('SELECT 1')),
      ]) {
        const error = await attempt().catch((caught: unknown) => caught);
        expect(isBYOKError(error) && error.code).toBe('DATABASE_UNAVAILABLE');
      }
    } finally {
      await pool.end();
    }
  });
});

describe('guardIdleConnectionErrors', () => {
  it('gives a pool without an error listener one that logs, and leaves a pool with its own listener alone', async () => {
    const warnings: string[] = [];
    const logger = { warn: (_details: object, message: string) => warnings.push(message) };
    const bare = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/x' });
    guardIdleConnectionErrors(bare, logger);
    expect(bare.listenerCount('error')).toBe(1);
    // What pg-pool emits when an idle client's connection dies; unhandled, it would throw here.
    bare.emit(
      'error',
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
    );
    expect(warnings).toEqual(['idle database connection lost; the pool reconnects']);

    const own = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/x' });
    const mine = () => undefined;
    own.on('error', mine);
    guardIdleConnectionErrors(own, logger);
    expect(own.listeners('error')).toEqual([mine]);
    await Promise.all([bare.end(), own.end()]);
  });
});
