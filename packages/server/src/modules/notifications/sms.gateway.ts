import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.ts';

export type SmsMessage = { to: string; text: string };

/**
 * An SMS gateway (tin nhắn thương hiệu, brandname SMS): `send` resolves once the gateway accepted the
 * message, with the gateway's reference, and throws otherwise. A real gateway (a carrier's or an
 * aggregator's HTTP API) implements this and is chosen in `openSmsGateway`.
 */
export interface SmsGateway {
  send(message: SmsMessage): Promise<{ providerRef: string }>;
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * The local gateway of `npm start` and the tests: each SMS becomes a file
 * `<dir>/<time>-<random>.txt` ("To: <number>", a blank line, the text), so that demo users and
 * browser tests read what the system sent — the SMS twin of the development mailbox.
 */
export function localSmsGateway(dir: string): SmsGateway {
  return {
    async send(m) {
      await fs.mkdir(dir, { recursive: true });
      const ref = `${stamp(new Date())}-${randomBytes(4).toString('hex')}`;
      await fs.writeFile(path.join(dir, `${ref}.txt`), `To: ${m.to}\n\n${m.text}\n`, 'utf8');
      return { providerRef: `local:${ref}` };
    },
  };
}

/** The gateway of this deployment: the local store under `<dataDir>/sms` (no real gateway is configured yet). */
export function openSmsGateway(config: Pick<Config, 'dataDir'>): SmsGateway {
  return localSmsGateway(path.join(config.dataDir, 'sms'));
}
