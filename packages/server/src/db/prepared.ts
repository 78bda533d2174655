import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * A pg client that turns the statements it runs often into named prepared statements, so that
 * PostgreSQL parses and analyses each once per connection instead of at every execution (issue
 * 16: naming them raised step transitions from 409 to 506 per second in `bench/commands.ts`,
 * docs/performance.md, "04/12/2026, evening").
 *
 * - Only statements with parameters: a statement without them may hold several commands (the
 *   migrations' DDL), which the extended protocol refuses.
 * - A statement is named at its third execution on the connection, and at most
 *   PREPARED_PER_CONNECTION are: statements built with a varying number of parameters (IN lists)
 *   would otherwise fill the server's memory with one-off plans.
 * - A migration that changes the columns a prepared `SELECT *` returns makes PostgreSQL refuse
 *   the old statement ("cached plan must not change result type", SQLSTATE 0A000). That one
 *   execution fails as any statement error does (its transaction is rolled back by the caller);
 *   the next one prepares the text again under a new name, so a process that outlives a migration
 *   heals instead of failing for ever.
 */
export const PREPARED_PER_CONNECTION = 256;
const PREPARE_AT = 3;
const SEEN_LIMIT = 4096;

type Slot = { uses: number; name: string | null };

export class PreparingClient extends pg.Client {
  readonly #statements = new Map<string, Slot>();
  #prepared = 0;
  #generation = 0;

  // biome-ignore lint/suspicious/noExplicitAny: pass-through of pg's overloaded query()
  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0) {
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (super.query as any)(...args);
    }
    const name = this.#nameFor(text);
    if (name === null) {
      // biome-ignore lint/suspicious/noExplicitAny: see above
      return (super.query as any)(...args);
    }
    const rest = args.slice(2);
    const callback = typeof rest[0] === 'function' ? rest[0] : undefined;
    if (callback) {
      return super.query({ name, text, values }, (err: Error | null, res: pg.QueryResult) => {
        if (err) this.#forgetIfStale(text, err);
        callback(err, res);
      });
    }
    return super.query({ name, text, values }).catch((err: Error) => {
      this.#forgetIfStale(text, err);
      throw err;
    });
  }

  #nameFor(text: string): string | null {
    let slot = this.#statements.get(text);
    if (!slot) {
      // The texts seen once or twice are forgotten in bulk; the prepared ones are kept.
      if (this.#statements.size >= SEEN_LIMIT) {
        for (const [t, s] of this.#statements) if (s.name === null) this.#statements.delete(t);
      }
      slot = { uses: 0, name: null };
      this.#statements.set(text, slot);
    }
    slot.uses++;
    if (slot.name !== null) return slot.name;
    if (slot.uses < PREPARE_AT || this.#prepared >= PREPARED_PER_CONNECTION) return null;
    slot.name = `m${this.#generation}_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    this.#prepared++;
    return slot.name;
  }

  #forgetIfStale(text: string, err: Error): void {
    if ((err as { code?: string }).code !== '0A000') return;
    const slot = this.#statements.get(text);
    if (!slot?.name) return;
    // The server keeps the stale statement until the connection closes; a new name replaces it.
    this.#generation++;
    slot.name = null;
    slot.uses = PREPARE_AT - 1;
  }
}
