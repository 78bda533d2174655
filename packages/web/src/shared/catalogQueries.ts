import { useQuery } from '@tanstack/react-query';
import { api, ok } from '../api/client.ts';

/** Every active agency in tree order (one cached list for every picker). */
export function useAllAgencies() {
  return useQuery({
    queryKey: ['agencies', '', undefined],
    queryFn: async () => ok(await api.GET('/api/v1/agencies', { params: { query: {} } })).items,
    staleTime: 5 * 60_000,
  });
}

/** The life events with their procedure counts. */
export function useLifeEvents() {
  return useQuery({
    queryKey: ['life-events'],
    queryFn: async () => ok(await api.GET('/api/v1/life-events')).items,
    staleTime: 5 * 60_000,
  });
}
