import { api, newKey, ok } from '../api/client.ts';

/**
 * Send one command to a dossier (POST /dossiers/:id/actions) with the version the officer saw; a
 * retry of the same command reuses its Idempotency-Key, so it acts once.
 */
const pending = new Map<string, string>();

export async function sendCommand(
  id: string,
  version: number,
  type: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; version: number; status: string }> {
  const sig = `${id}:${version}:${type}`;
  const key = pending.get(sig) ?? newKey();
  pending.set(sig, key);
  try {
    const r = ok(
      await api.POST('/api/v1/dossiers/{id}/actions', {
        params: { path: { id }, header: { 'idempotency-key': key } },
        body: { type, version, ...extra } as never,
      }),
    ) as { id: string; version: number; status: string };
    pending.delete(sig);
    return r;
  } catch (e) {
    // A refusal is final for this key; a network failure keeps the key for the retry.
    if (e instanceof Error && 'status' in e && (e as { status: number }).status !== 0) pending.delete(sig);
    throw e;
  }
}
