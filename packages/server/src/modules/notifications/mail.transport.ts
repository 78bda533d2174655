import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { Config } from '../../config.ts';

export type MailMessage = { to: string; subject: string; text: string; headers?: Record<string, string> };

/** Outgoing mail. `send` resolves once the SMTP server accepted the message and throws otherwise. */
export type Mailer = {
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
};

/** Hộp thư thử nghiệm: a local SMTP server that keeps every message as an .eml file. */
export type DevMailbox = { dir: string; url: string; close(): Promise<void> };

/** A nodemailer SMTP transport; short timeouts so that a stuck server fails the job instead of holding it. */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(m) {
      await transport.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        headers: { 'Auto-Submitted': 'auto-generated', ...(m.headers ?? {}) },
      });
    },
    async close() {
      transport.close();
    },
  };
}

function stamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * The development mailbox of `npm start` without MOTCUA_SMTP_URL: an SMTP server on 127.0.0.1
 * (a free port) that writes each message to `<dir>/<time>-<random>.eml`, so that demo users can
 * open what the system sent with any mail program.
 */
export async function startDevMailbox(dir: string): Promise<DevMailbox> {
  await fs.mkdir(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', callback);
      stream.on('end', () => {
        const rcpt = session.envelope.rcptTo.map((r) => r.address).join(', ');
        const file = path.join(dir, `${stamp(new Date())}-${randomBytes(4).toString('hex')}.eml`);
        const raw = Buffer.concat([Buffer.from(`X-Mailbox-Rcpt-To: ${rcpt}\r\n`), ...chunks]);
        fs.writeFile(file, raw).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined);
  const { port } = server.server.address() as AddressInfo;
  return {
    dir,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The configured SMTP server, or a development mailbox under `<dataDir>/mailbox` when none is configured. */
export async function openMailer(config: Config): Promise<{ mailer: Mailer; mailbox: DevMailbox | null }> {
  if (config.smtpUrl) return { mailer: createSmtpMailer(config.smtpUrl, config.mailFrom), mailbox: null };
  const mailbox = await startDevMailbox(path.join(config.dataDir, 'mailbox'));
  const smtp = createSmtpMailer(mailbox.url, config.mailFrom);
  return {
    mailbox,
    mailer: {
      send: (m) => smtp.send(m),
      async close() {
        await smtp.close();
        await mailbox.close();
      },
    },
  };
}
