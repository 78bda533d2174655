import type http from 'node:http';

/**
 * What both register simulators share: answers held back by the simulator's mutable `delayMs`
 * (to make an adapter time out), and the pending ones cancelled when the simulator closes.
 */
export function delayedAnswers(delayMs: () => number) {
  const timers = new Set<NodeJS.Timeout>();
  return {
    /** Answer now, or after `delayMs` when `delayed`; a connection gone meanwhile is left alone. */
    send(res: http.ServerResponse, status: number, type: string, body: string, delayed = true): void {
      const answer = () => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': type });
        res.end(body);
      };
      if (!delayed || delayMs() <= 0) {
        answer();
        return;
      }
      const t = setTimeout(() => {
        timers.delete(t);
        answer();
      }, delayMs());
      timers.add(t);
    },
    clear(): void {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
