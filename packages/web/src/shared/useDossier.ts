import { useQuery } from '@tanstack/react-query';
import { api, ok } from '../api/client.ts';

/** A dossier, its history and its files: what both the officer's and the applicant's page show. */
export function useDossier(id: string) {
  const detail = useQuery({
    queryKey: ['dossier', id],
    queryFn: async () => ok(await api.GET('/api/v1/dossiers/{id}', { params: { path: { id } } })),
  });
  const history = useQuery({
    queryKey: ['dossier', id, 'history'],
    queryFn: async () => ok(await api.GET('/api/v1/dossiers/{id}/history', { params: { path: { id } } })).items,
  });
  const files = useQuery({
    queryKey: ['dossier', id, 'files'],
    queryFn: async () => ok(await api.GET('/api/v1/dossiers/{id}/attachments', { params: { path: { id } } })).items,
  });
  return { detail, history, files };
}
