import { describe, expect, it } from 'vitest';
import { crashScenario, workerKillScenario } from './scenarios.ts';

/**
 * Crash safety, short version (the long one: test/chaos/crash.chaos.test.ts). docs/reliability.md
 * lists what each check proves.
 */
describe('crash safety', () => {
  it('SIGKILL at random moments under a write load: every acknowledged command is stored exactly once, history equals state, audit chain verifies, no outbox message lost', async () => {
    const r = await crashScenario({ clients: 4, kills: 3, gapMs: [1200, 3000] });
    expect(r.kills).toBe(3);
    expect(r.dossiers).toBeGreaterThan(3);
  }, 150_000);

  it('a worker killed mid-job: the job runs again in another worker and the email is accepted once', async () => {
    await workerKillScenario();
  }, 120_000);
});
