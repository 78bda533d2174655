import type { JobRegistry } from '../jobs/jobs.types.ts';
import { runDeadlineScan } from './dossier.deadlines.ts';
import { closeIncompleteSupplements } from './dossier.scans.ts';

/** The dossiers module's periodic work, registered by the composition root (src/jobs.ts). */
export function registerDossierJobs(jobs: JobRegistry): void {
  // Reminders before a step's or the dossier's deadline and escalations after it (dossier.deadlines.ts).
  jobs.scan('deadlines', (ctx, now) =>
    runDeadlineScan(ctx.db, now, { reminderWorkingHours: ctx.config.reminderWorkingHours }),
  );
  // Decree 118/2025 art. 19(5): closed 15 days after an unanswered supplement request.
  jobs.scan('supplement_timeouts', (ctx, now) => closeIncompleteSupplements(ctx.db, now));
}
