import type { DossierState } from '@motcua/core';
import type { Db } from '../../db/database.ts';
import { Problem } from '../../http/problem.ts';
import { executeCommand, SYSTEM_CTX } from './dossier.service.ts';

const DAY_MS = 86_400_000;

/**
 * Close dossiers whose supplement was not completed within 15 days (Decree 118/2025 art. 19(5);
 * calendar days, see docs/dossier-engine.md §6). The state machine decides; the idempotency key
 * per dossier and request moment makes a repeated scan harmless.
 */
export async function closeIncompleteSupplements(db: Db, now: Date, windowDays = 15): Promise<string[]> {
  const candidates = await db
    .selectFrom('dossiers')
    .select(['id', 'state', 'version'])
    .where('status', '=', 'supplement_requested')
    .where('updated_at', '<=', new Date(now.getTime() - windowDays * DAY_MS))
    .limit(500)
    .execute();
  const closed: string[] = [];
  for (const c of candidates) {
    const s = c.state as DossierState;
    if (s.supplementRequestedAt === null || now.getTime() - s.supplementRequestedAt < windowDays * DAY_MS) continue;
    try {
      await executeCommand(db, {
        dossierId: c.id,
        command: { type: 'close_incomplete', version: c.version },
        ctx: SYSTEM_CTX,
        idempotencyKey: `close_incomplete:${c.id}:${s.supplementRequestedAt}`,
        now,
      });
      closed.push(c.id);
    } catch (e) {
      // Someone acted on it meanwhile (supplement provided, withdrawn): the next scan looks again.
      if (!(e instanceof Problem)) throw e;
    }
  }
  return closed;
}
