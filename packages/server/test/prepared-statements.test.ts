import { beforeAll, describe, expect, it } from 'vitest';
import { PREPARED_PER_CONNECTION, PreparingClient } from '../src/db/prepared.ts';
import { createTestDatabase } from './helpers.ts';

/** The pool's client that prepares often-run statements (issue 16), against the real server. */
describe('PreparingClient', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await createTestDatabase());
  });

  async function connected() {
    const c = new PreparingClient({ connectionString: url });
    await c.connect();
    return c;
  }
  const prepared = async (c: PreparingClient) =>
    (await c.query('SELECT name, statement FROM pg_prepared_statements ORDER BY name')).rows as {
      name: string;
      statement: string;
    }[];

  it('prepares a statement with parameters at its third run on the connection, and answers the same', async () => {
    const c = await connected();
    try {
      const text = 'SELECT $1::int + 1 AS n';
      const answers: number[] = [];
      for (let i = 0; i < 5; i++) {
        answers.push((await c.query(text, [i])).rows[0].n);
        const names = (await prepared(c)).filter((p) => p.statement === text);
        expect(names, `after run ${i + 1}`).toHaveLength(i >= 2 ? 1 : 0);
      }
      expect(answers).toEqual([1, 2, 3, 4, 5]);
      // Without parameters nothing is prepared: the text may hold several commands.
      for (let i = 0; i < 4; i++) await c.query('CREATE TEMP TABLE IF NOT EXISTS t0 (a int); SELECT 1', []);
      expect((await prepared(c)).map((p) => p.statement)).toEqual([text]);
    } finally {
      await c.end();
    }
  });

  it('prepares at most PREPARED_PER_CONNECTION statements; the others still run', async () => {
    const c = await connected();
    try {
      const n = PREPARED_PER_CONNECTION + 20;
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < n; i++) {
          const r = await c.query(`SELECT $1::int * ${i} AS v`, [round]);
          expect(r.rows[0].v).toBe(round * i);
        }
      }
      expect(await prepared(c)).toHaveLength(PREPARED_PER_CONNECTION);
    } finally {
      await c.end();
    }
  });

  it('a migration that changes a prepared SELECT *’s columns fails that one run, then heals', async () => {
    const c = await connected();
    const other = await connected();
    try {
      await other.query('CREATE TABLE prep_t (id int PRIMARY KEY, a text)');
      await other.query(`INSERT INTO prep_t VALUES (1, 'x')`);
      const text = 'SELECT * FROM prep_t WHERE id = $1';
      for (let i = 0; i < 3; i++) expect((await c.query(text, [1])).rows).toEqual([{ id: 1, a: 'x' }]);
      await other.query(`ALTER TABLE prep_t ADD COLUMN b text NOT NULL DEFAULT 'y'`);
      await expect(c.query(text, [1])).rejects.toMatchObject({ code: '0A000' });
      // Run unnamed, then prepared again under a new name: the new column comes back.
      for (let i = 0; i < 4; i++) expect((await c.query(text, [1])).rows).toEqual([{ id: 1, a: 'x', b: 'y' }]);
      const names = (await prepared(c)).filter((p) => p.statement === text).map((p) => p.name);
      expect(names).toHaveLength(2);
    } finally {
      await c.end();
      await other.query('DROP TABLE IF EXISTS prep_t');
      await other.end();
    }
  });

  it('a statement error leaves the connection usable and the statement prepared', async () => {
    const c = await connected();
    try {
      const text = 'SELECT 10 / $1::int AS q';
      for (let i = 0; i < 3; i++) await c.query(text, [2]);
      await expect(c.query(text, [0])).rejects.toMatchObject({ code: '22012' });
      expect((await c.query(text, [5])).rows[0].q).toBe(2);
      expect((await prepared(c)).filter((p) => p.statement === text)).toHaveLength(1);
    } finally {
      await c.end();
    }
  });
});
