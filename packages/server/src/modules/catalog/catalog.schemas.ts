import { invalidPrefillPaths, LIFE_EVENT_CODES, PREFILL_SOURCES, validateWorkflow } from '@motcua/core';
import { z } from 'zod';

/**
 * The procedure catalog's shapes. One content shape (`ProcedureContent`) is shared by the admin
 * API, the import/export file and the seed, so what validates one validates all.
 */
const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !/[\r\n]/.test(s), 'Không xuống dòng / no line breaks');
const text = (max: number) => z.string().trim().min(1).max(max);

export const LEVELS = ['province', 'district', 'commune'] as const;
export const CHANNELS = ['counter', 'online', 'postal'] as const;
export const APPLICANT_KINDS = ['citizen', 'organization'] as const;
export const ONLINE_LEVELS = ['full', 'partial', 'none'] as const;
export const TIME_UNITS = ['working_days', 'working_hours', 'calendar_days', 'text'] as const;
export const RESULT_KINDS = [
  'licence',
  'certificate',
  'extract',
  'certified_copy',
  'decision',
  'notice',
  'other',
] as const;
export const VERSION_STATUSES = ['draft', 'published', 'archived'] as const;

/** Any stored level, district included: versions written before 1 July 2025 stay readable. */
export const LevelSchema = z.enum(LEVELS);
/**
 * The levels a procedure may be given now: since 1 July 2025 local government has two levels,
 * province and commune, and there is no district (Law on Local Government Organization 2025,
 * Resolution 202/2025/QH15; Decree 118/2025). RULES.md §8.
 */
export const NO_DISTRICT = {
  vi: 'Từ ngày 01/7/2025 không còn cấp huyện (chính quyền địa phương hai cấp): chọn cấp tỉnh hoặc cấp xã',
  en: 'Since 1 July 2025 there is no district level (two-level local government): choose province or commune',
} as const;
// Annotated as boolean so the type stays the stored one (legacy exports still type-check).
export const CurrentLevelSchema = LevelSchema.refine(
  (l): boolean => l !== 'district',
  `${NO_DISTRICT.vi} / ${NO_DISTRICT.en}`,
);
export const ChannelSchema = z.enum(CHANNELS);
export const ApplicantKindSchema = z.enum(APPLICANT_KINDS);
export const OnlineLevelSchema = z.enum(ONLINE_LEVELS);
/** Life events of the national portal (core LIFE_EVENTS). */
export const LifeEventSchema = z.enum(LIFE_EVENT_CODES);

/** National procedure code (mã TTHC), e.g. 1.001193. */
export const CodeSchema = z
  .string()
  .trim()
  .regex(/^[0-9]\.[0-9]{6}$/, 'Mã TTHC dạng 1.001193 / national code like 1.001193');
/** National code plus the agency suffix, e.g. 1.011442.000.00.00.H38. */
export const FullCodeSchema = z
  .string()
  .trim()
  .regex(/^[0-9]\.[0-9]{6}\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$/, 'Mã đầy đủ dạng 1.011442.000.00.00.H38');
export const FieldCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'Mã lĩnh vực / field code');

const uniqueList = <T extends z.ZodType>(item: T, min: number) =>
  z
    .array(item)
    .min(min)
    .max(20)
    .refine((a) => new Set(a).size === a.length, 'Trùng giá trị / duplicate value');

export const DocumentSchema = z
  .strictObject({
    name: line(1000),
    /** Number of originals (bản chính); null = not stated. */
    original: z.int().min(0).max(100).nullable(),
    /** Number of copies (bản sao); null = not stated. */
    copy: z.int().min(0).max(100).nullable(),
    requirement: z.enum(['mandatory', 'conditional']),
    condition: line(1000).nullable(),
    /** The blank form to fill in, if any. */
    templateFile: line(255).nullable(),
    templateUrl: z.url().max(1000).nullable(),
    /**
     * The declaration (tờ khai) the procedure's e-form fills in: online, the filled e-form is this
     * document and no file is asked for it. At the counter the paper form is checked as usual.
     */
    filledByEForm: z.boolean().optional(),
  })
  .refine((d) => d.requirement === 'conditional' || d.condition === null, {
    message: 'Điều kiện chỉ dùng cho giấy tờ có điều kiện / condition only for conditional documents',
    path: ['condition'],
  });

export const FeeSchema = z
  .strictObject({
    name: line(500),
    /** VND; null when the amount is set by a rule (text) rather than a number. */
    amountVnd: z.int().min(0).max(1_000_000_000_000).nullable(),
    text: text(2000).nullable(),
  })
  .refine((f) => f.amountVnd !== null || f.text !== null, {
    message: 'Cần số tiền hoặc mô tả cách tính / amount or rule text required',
    path: ['text'],
  });

export const TimeLimitSchema = z
  .strictObject({
    value: z.number().positive().max(3650).nullable(),
    unit: z.enum(TIME_UNITS),
    /** The legal wording ("ngay sau khi nhận đủ hồ sơ…"). */
    text: text(2000).nullable(),
  })
  .refine((t) => (t.unit === 'text' ? t.value === null && t.text !== null : t.value !== null), {
    message: 'Đơn vị "text" chỉ có mô tả; các đơn vị khác cần số / unit text has no value, other units need one',
    path: ['value'],
  });

/** A JSON Schema of an object form (checked structurally) plus UI hints for the renderer. */
const JsonSchemaNode: z.ZodType<unknown> = z.lazy(() =>
  z
    .looseObject({
      type: z.union([z.string(), z.array(z.string())]).optional(),
      title: z.string().optional(),
      properties: z.record(z.string(), JsonSchemaNode).optional(),
      items: z.union([JsonSchemaNode, z.array(JsonSchemaNode)]).optional(),
      required: z.array(z.string()).optional(),
      enum: z.array(z.unknown()).optional(),
    })
    .refine(
      (n) =>
        n.type === undefined ||
        (Array.isArray(n.type) ? n.type : [n.type]).every((t) =>
          ['object', 'array', 'string', 'number', 'integer', 'boolean', 'null'].includes(t),
        ),
      { message: 'Kiểu JSON Schema không hợp lệ / invalid JSON Schema type', path: ['type'] },
    ),
);
/** One register fact, or several in order of preference (core/eform/prefill.ts). */
const PrefillSourcesSchema = z.union([z.enum(PREFILL_SOURCES), z.array(z.enum(PREFILL_SOURCES)).min(1).max(5)]);

export const EFormSchema = z
  .strictObject({
    schema: z
      .looseObject({ type: z.literal('object'), properties: z.record(z.string(), JsonSchemaNode) })
      .and(JsonSchemaNode)
      .refine(
        (s) => {
          const o = s as { properties: Record<string, unknown>; required?: string[] };
          return (o.required ?? []).every((k) => k in o.properties);
        },
        { message: '`required` nêu trường không có / required names an unknown property', path: ['required'] },
      ),
    uiSchema: z.record(z.string(), z.unknown()).nullable(),
    /**
     * Which field takes which fact of the national registers or the identity (issue 17): field path
     * ("name" or "group.name") → source. Files written before it existed have none.
     */
    prefill: z.record(z.string().max(200), PrefillSourcesSchema).optional(),
  })
  .superRefine((f, ctx) => {
    for (const path of invalidPrefillPaths(f.schema, f.prefill ?? {})) {
      ctx.addIssue({
        code: 'custom',
        path: ['prefill', path],
        message: 'Trường điền sẵn không có hoặc không phải ô chữ / prefill names no text field',
      });
    }
  });

/** Decree 69/2024/NĐ-CP art. 12: the levels of an electronic identity (mức độ 1, mức độ 2). */
export const IdentityLevelSchema = z.union([z.literal(1), z.literal(2)]);

export const SourceSchema = z.strictObject({
  verified: z.boolean(),
  text: text(4000).nullable(),
  notes: text(8000).nullable(),
});

/** What a version holds, with agencies as ids (the API) — the file format uses agency codes. */
const contentShape = {
  name: line(500),
  field: z.strictObject({ code: FieldCodeSchema, name: line(200) }),
  level: CurrentLevelSchema,
  channels: uniqueList(ChannelSchema, 1),
  applicantKinds: uniqueList(ApplicantKindSchema, 1),
  /** Browse by life event on the portal; files written before it existed have none. */
  lifeEvents: uniqueList(LifeEventSchema, 0).default([]),
  documents: z.array(DocumentSchema).max(200),
  /** null: the source does not state a time limit (the dossier engine must not assume one). */
  timeLimit: TimeLimitSchema.nullable(),
  fees: z.array(FeeSchema).max(50),
  legalBasis: z.array(line(1000)).max(100),
  result: z.strictObject({ name: line(500), kind: z.enum(RESULT_KINDS) }),
  /** Decree 42/2022 art. 11; null = not stated by the source. */
  onlineLevel: OnlineLevelSchema.nullable(),
  eForm: EFormSchema.nullable(),
  /**
   * The least level of electronic identity an online applicant must have signed in with (VNeID
   * level 2 where the procedure needs it); null: any sign-in. Files written before it have none.
   */
  identityLevel: IdentityLevelSchema.nullable().default(null),
  /** Opaque for now; the dossier-engine issue defines it. */
  workflow: z.record(z.string(), z.unknown()).nullable(),
  source: SourceSchema,
};

export const ProcedureContent = z.strictObject({
  ...contentShape,
  agencyIds: z
    .array(z.uuid())
    .max(500)
    .refine((a) => new Set(a).size === a.length, 'Trùng cơ quan / duplicate agency'),
});
export type ProcedureContent = z.infer<typeof ProcedureContent>;

/**
 * A workflow must be valid against its own procedure's legal limit (steps' allotments fit, every
 * step reachable, a final step…): validateWorkflow of packages/core, errors at `workflow…`.
 */
function checkWorkflow(
  c: { workflow: Record<string, unknown> | null; timeLimit: { value: number | null; unit: string } | null },
  ctx: z.RefinementCtx,
) {
  if (c.workflow === null) return;
  const t = c.timeLimit;
  const limit =
    t && t.value !== null && t.unit === 'working_days'
      ? { days: t.value }
      : t && t.value !== null && t.unit === 'working_hours'
        ? { hours: t.value }
        : null;
  const r = validateWorkflow(c.workflow, limit);
  if (r.ok) return;
  for (const e of r.errors) {
    ctx.addIssue({
      code: 'custom',
      path: ['workflow', ...e.path.split('/').filter(Boolean)],
      message: `${e.message_vi} / ${e.message_en}`,
      params: { workflowError: e.code },
    });
  }
}

export const CreateProcedureBody = ProcedureContent.extend({
  code: CodeSchema.nullable().optional(),
  fullCode: FullCodeSchema.nullable().optional(),
}).superRefine(checkWorkflow);
export const EditDraftBody = ProcedureContent.extend({ version: z.int().positive() }).superRefine(checkWorkflow);
export const PublishBody = z.strictObject({ version: z.int().positive() });

/** One procedure in an import/export file: codes, not database ids. */
export const CatalogItem = z
  .strictObject({
    /** The procedure's id: kept across export and import so a round trip changes nothing. */
    id: z.uuid().nullable().default(null),
    code: CodeSchema.nullable(),
    fullCode: FullCodeSchema.nullable(),
    ...contentShape,
    agencyCodes: z
      .array(z.string().trim().min(1).max(40))
      .max(500)
      .refine((a) => new Set(a).size === a.length, 'Trùng cơ quan / duplicate agency'),
  })
  .superRefine(checkWorkflow);
export type CatalogItem = z.infer<typeof CatalogItem>;

export const CATALOG_FORMAT = 'motcua-catalog';
export const CatalogFile = z.strictObject({
  format: z.literal(CATALOG_FORMAT),
  formatVersion: z.literal(1),
  procedures: z.array(CatalogItem).max(10_000),
});
export type CatalogFile = z.infer<typeof CatalogFile>;

export const ImportBody = z.discriminatedUnion('format', [
  z.strictObject({ format: z.literal('json'), catalog: z.unknown() }),
  z.strictObject({ format: z.literal('xlsx'), data: z.base64().min(4) }),
]);

export const IdParams = z.strictObject({ id: z.uuid() });

export const SearchQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  agencyId: z.uuid().optional(),
  field: FieldCodeSchema.optional(),
  level: LevelSchema.optional(),
  onlineLevel: OnlineLevelSchema.optional(),
  applicantKind: ApplicantKindSchema.optional(),
  lifeEvent: LifeEventSchema.optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export type SearchQuery = z.infer<typeof SearchQuery>;

// ---- views ----
const AgencyRef = z.object({ id: z.uuid(), code: z.string(), name: z.string() });

const contentView = {
  name: z.string(),
  field: z.object({ code: z.string(), name: z.string() }),
  level: LevelSchema,
  agencies: z.array(AgencyRef),
  channels: z.array(ChannelSchema),
  applicantKinds: z.array(ApplicantKindSchema),
  lifeEvents: z.array(LifeEventSchema),
  documents: z.array(
    z.object({
      name: z.string(),
      original: z.int().nullable(),
      copy: z.int().nullable(),
      requirement: z.enum(['mandatory', 'conditional']),
      condition: z.string().nullable(),
      templateFile: z.string().nullable(),
      templateUrl: z.string().nullable(),
      /** Online, the filled e-form is this document: the wizard asks no file for it. */
      filledByEForm: z.boolean().optional(),
    }),
  ),
  timeLimit: z
    .object({ value: z.number().nullable(), unit: z.enum(TIME_UNITS), text: z.string().nullable() })
    .nullable(),
  fees: z.array(z.object({ name: z.string(), amountVnd: z.number().nullable(), text: z.string().nullable() })),
  legalBasis: z.array(z.string()),
  result: z.object({ name: z.string(), kind: z.enum(RESULT_KINDS) }),
  onlineLevel: OnlineLevelSchema.nullable(),
  eForm: z
    .object({
      schema: z.record(z.string(), z.unknown()),
      uiSchema: z.record(z.string(), z.unknown()).nullable(),
      prefill: z.record(z.string(), PrefillSourcesSchema).optional(),
    })
    .nullable(),
  identityLevel: IdentityLevelSchema.nullable(),
  workflow: z.record(z.string(), z.unknown()).nullable(),
};

export const VersionView = z.object({
  id: z.uuid(),
  versionNo: z.int(),
  status: z.enum(VERSION_STATUSES),
  createdAt: z.string(),
  publishedAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
  ...contentView,
  source: SourceSchema,
});
export type VersionView = z.infer<typeof VersionView>;

export const ProcedureAdminView = z.object({
  id: z.uuid(),
  code: z.string().nullable(),
  fullCode: z.string().nullable(),
  version: z.int(),
  published: VersionView.nullable(),
  draft: VersionView.nullable(),
  /** Why the draft cannot be published yet (catalog.publishable.ts); empty when it can, or without a draft. */
  publishIssues: z.array(
    z.object({ path: z.string(), code: z.string(), message_vi: z.string(), message_en: z.string() }),
  ),
});
export type ProcedureAdminView = z.infer<typeof ProcedureAdminView>;

export const PublicProcedureView = z.object({
  id: z.uuid(),
  code: z.string().nullable(),
  fullCode: z.string().nullable(),
  versionId: z.uuid(),
  versionNo: z.int(),
  publishedAt: z.string().nullable(),
  ...contentView,
  /** Only for administrators. */
  source: SourceSchema.optional(),
});
export type PublicProcedureView = z.infer<typeof PublicProcedureView>;

export const SearchItem = z.object({
  id: z.uuid(),
  code: z.string().nullable(),
  name: z.string(),
  field: z.object({ code: z.string(), name: z.string() }),
  level: LevelSchema,
  onlineLevel: OnlineLevelSchema.nullable(),
  timeLimit: contentView.timeLimit,
  score: z.number().nullable(),
});
export const SearchResult = z.object({
  items: z.array(SearchItem),
  total: z.int(),
  page: z.int(),
  pageSize: z.int(),
});

export const FieldsResult = z.object({
  items: z.array(z.object({ code: z.string(), name: z.string(), count: z.int() })),
});

export const LifeEventsResult = z.object({
  items: z.array(
    z.object({
      code: LifeEventSchema,
      audience: z.enum(['citizen', 'organization']),
      name: z.string(),
      nameEn: z.string(),
      count: z.int(),
    }),
  ),
});

export const ImportResult = z.object({
  created: z.int(),
  updated: z.int(),
  unchanged: z.int(),
  /** Created or updated items kept as drafts because they cannot be published yet. */
  keptAsDraft: z.int(),
  drafts: z.array(
    z.object({
      index: z.int(),
      code: z.string().nullable(),
      name: z.string(),
      issues: z.array(z.object({ path: z.string(), code: z.string(), message_vi: z.string(), message_en: z.string() })),
    }),
  ),
});
