import type { Executor } from '../../db/database.ts';

/**
 * What other modules ask of the API clients, so that only this module names `api_clients`
 * (src/ownership.ts).
 */

/** The Information Mediator subsystems registered on a client (undefined when there is no such client). */
export async function clientImSubsystems(ex: Executor, clientId: string): Promise<string[] | undefined> {
  const row = await ex.selectFrom('api_clients').select('im_subsystems').where('id', '=', clientId).executeTakeFirst();
  return row?.im_subsystems;
}
