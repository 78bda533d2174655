import type { Tx } from '../../db/database.ts';

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
  await tx
    .insertInto('outbox')
    .values({
      topic: message.topic,
      aggregate_type: message.aggregateType,
      aggregate_id: message.aggregateId,
      payload: JSON.stringify(message.payload),
    })
    .execute();
}
