import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { listNotifications } from '../notifications/notifications.service.ts';
import { jobsOverview, requireSystemAdmin, retryJob } from './jobs.service.ts';

const JobState = z.enum(['queued', 'scheduled', 'running', 'retrying', 'failed']);
const JobView = z.object({
  id: z.string(),
  task: z.string(),
  state: JobState,
  attempts: z.int(),
  maxAttempts: z.int(),
  lastError: z.string().nullable(),
  runAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  key: z.string().nullable(),
});
const NotificationStatus = z.enum(['queued', 'sent', 'failed']);
const NotificationView = z.object({
  id: z.string(),
  dossierId: z.string(),
  eventVersion: z.int().nullable(),
  alertId: z.string().nullable(),
  kind: z.string(),
  channel: z.string(),
  recipient: z.string(),
  subject: z.string(),
  status: NotificationStatus,
  attempts: z.int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
});

export async function jobRoutes(base: FastifyInstance, opts: { db: Db }) {
  const app = base.withTypeProvider<ZodTypeProvider>();
  const { db } = opts;

  app.get(
    '/admin/jobs',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['jobs'],
        summary: 'Hàng đợi công việc: số việc theo loại, trạng thái; việc lỗi / Job queue: counts and failing jobs',
        querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
        response: {
          200: z.object({
            available: z.boolean().describe('false until a worker has started once (it creates the queue)'),
            counts: z.array(z.object({ task: z.string(), state: JobState, count: z.int() })),
            problems: z.array(JobView).describe('jobs that failed at least once: retrying or failed for good'),
          }),
        },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      return jobsOverview(db, req.query.limit);
    },
  );

  app.post(
    '/admin/jobs/:id/retry',
    {
      config: { access: ['admin'], auditAction: 'job.retry' },
      schema: {
        tags: ['jobs'],
        summary: 'Chạy lại một việc ngay / Run a job again now',
        params: z.strictObject({ id: z.string().regex(/^\d{1,18}$/) }),
        response: { 200: JobView },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      return retryJob(db, req.params.id);
    },
  );

  app.get(
    '/admin/notifications',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['jobs'],
        summary: 'Thư thông báo đã gửi / lỗi / Notifications sent or failing',
        querystring: z.strictObject({
          status: NotificationStatus.optional(),
          dossierId: z.uuid().optional(),
          before: z
            .string()
            .regex(/^\d{1,18}$/)
            .optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: { 200: z.object({ items: z.array(NotificationView) }) },
      },
    },
    async (req) => {
      requireSystemAdmin(req.actor);
      return { items: await listNotifications(db, req.query) };
    },
  );
}
