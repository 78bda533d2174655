import type { JobRegistry } from '../jobs/jobs.types.ts';
import { foldStatDeltas } from './indicators.service.ts';

/** The indicators module's periodic work, registered by the composition root (src/jobs.ts). */
export function registerIndicatorJobs(jobs: JobRegistry): void {
  // Indicator aggregates (migration 0007): fold the deltas written by dossier transactions.
  jobs.scan('stat_deltas', (ctx) => foldStatDeltas(ctx.db).then(() => undefined));
}
