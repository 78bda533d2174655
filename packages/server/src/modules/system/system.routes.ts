import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import type { AppState } from '../../http/app.ts';
import { Problem } from '../../shared/problem.ts';
import type { ReadRouter } from '../../shared/read-replica.ts';

async function databaseAnswers(db: Db): Promise<boolean> {
  try {
    await sql`SELECT 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

const ReadReplicaSchema = z
  .object({
    configured: z.literal(true),
    lagSeconds: z.number().nullable().describe('Replay lag, seconds; null: the replica did not answer'),
    using: z.enum(['replica', 'primary']).describe('Where the dashboard, reports and lookup read now'),
  })
  .describe('Only when MOTCUA_READ_DATABASE_URL is set (docs/operations.md)');

export async function systemRoutes(base: FastifyInstance, opts: { db: Db; state: AppState; reads?: ReadRouter }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db, state, reads } = opts;

  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness: the process runs and the database answers',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => {
      if (!(await databaseAnswers(db))) {
        throw new Problem('starting', { detail: { vi: 'Cơ sở dữ liệu chưa sẵn sàng', en: 'Database not reachable' } });
      }
      return { status: 'ok' as const };
    },
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        tags: ['system'],
        summary: "Readiness: migrations done, seed done, database answers (and the read replica's lag)",
        response: { 200: z.object({ status: z.literal('ready'), readReplica: ReadReplicaSchema.optional() }) },
      },
    },
    async () => {
      if (state.migrating || !state.ready) {
        throw new Problem('starting', { detail: { vi: 'Đang cập nhật cơ sở dữ liệu', en: 'Migrations are running' } });
      }
      if (!(await databaseAnswers(db))) throw new Problem('starting');
      // A lagging or absent replica does not make us unready: its reads go to the primary.
      if (!reads?.configured) return { status: 'ready' as const };
      const s = await reads.status();
      return { status: 'ready' as const, readReplica: { ...s, configured: true as const } };
    },
  );

  app.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
}
