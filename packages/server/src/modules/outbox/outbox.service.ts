import type { QueryCreator } from 'kysely';
import type { Tx } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

export type OutboxMessage = {
  topic: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
};

/**
 * Queue a message in the command's transaction: it is published (jobs, webhooks, national portal)
 * only if the change it announces commits — the transactional outbox of DESIGN.md.
 */
export async function enqueue(tx: Tx, message: OutboxMessage): Promise<void> {
  await outboxInsert(tx, [message]).execute();
}

/**
 * The INSERT of these messages, in order, not yet run: a caller may run it as the last part of a
 * statement of its own (a command's history rows and its messages in one round trip), on a query
 * creator that carries its CTEs.
 */
export function outboxInsert(qc: Pick<QueryCreator<Database>, 'insertInto'>, messages: readonly OutboxMessage[]) {
  return qc.insertInto('outbox').values(
    messages.map((message) => ({
      topic: message.topic,
      aggregate_type: message.aggregateType,
      aggregate_id: message.aggregateId,
      payload: JSON.stringify(message.payload),
    })),
  );
}
