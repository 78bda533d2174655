import { z } from 'zod';

/**
 * Request shapes of the GovStack Registration BB API (../shared/specs, v0.1.1), as the spec states
 * them. Ids are free strings: the GovStack data set has ids that are not UUIDs, and an unknown id
 * must answer 404, not 400. Responses follow the spec's schemas; the contract tests
 * (test/govstack-contract.test.ts) validate them against the spec file itself.
 */
export const IM_CLIENT_HEADER = 'information-mediator-client';

/** X-Road / Information Mediator member identifier: INSTANCE/CLASS/MEMBER/SUBSYSTEM. */
export const IM_CLIENT = /^[^/\s]+\/[^/\s]+\/[^/\s]+\/[^/\s]+$/;

const id = z.string().min(1).max(200);
const int = z.coerce.number().int().min(0).max(1_000_000);

export const ServiceParams = z.object({ serviceId: id });
export const EFormParams = z.object({ eFormId: id });
export const FileParams = z.object({ fileId: id });
export const TaskParams = z.object({ taskId: id });

export const ServicesQuery = z.object({ name: z.string().max(500).optional() });

const paging = {
  firstResult: int.optional(),
  maxResult: int.optional(),
  sortBy: z.string().max(50).optional(),
  sortOrder: z.string().max(10).optional(),
};
export const ApplicationsQuery = z.object({
  serviceId: id.optional(),
  applicantId: id.optional(),
  ...paging,
});
export const TasksQuery = z.object({
  mainTaskId: id.optional(),
  fileId: id.optional(),
  assigneeId: id.optional(),
  ...paging,
});

const FormData = z.object({
  data: z.record(z.string(), z.unknown()).optional(),
  eFormId: z.string().max(200).optional(),
});
/** applicationFileSubmit */
export const ApplicationFileSubmit = z.object({
  applicationName: z.string().max(500).optional(),
  applicantId: id,
  created: z.iso.datetime({ offset: true }).optional(),
  formData: FormData.optional(),
  documentUrls: z.array(z.string().max(2000)).max(100).optional(),
});

/** additionalData */
export const AdditionalData = z.object({ data: z.record(z.string(), z.unknown()).optional() });

export const DocumentsQuery = z.object({ additionalMetadata: z.string().max(2000).optional() });

const date = z.iso.date();
export const StatisticsQuery = z.object({
  startDate: date.optional(),
  endDate: date.optional(),
  registrationName: z.string().max(500).optional(),
  operator: z.string().max(500).optional(),
  role: z.string().max(100).optional(),
  timeframe: z.enum(['day', 'week', 'month', 'year']).optional(),
});
