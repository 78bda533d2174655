import { isPersonalId, isTaxCode, OFFICER_ROLES } from '@motcua/core';
import { z } from 'zod';

const text = (max: number) => z.string().trim().min(1).max(max);
export const PhoneSchema = z
  .string()
  .trim()
  .regex(/^(0|\+84)\d{9,10}$/, 'Số điện thoại Việt Nam / Vietnamese phone number');
export const EmailSchema = z.email().max(254);
export const PasswordSchema = z.string().min(8).max(200);
export const RoleSchema = z.enum(OFFICER_ROLES);

export const LoginBody = z.strictObject({ username: text(100), password: z.string().min(1).max(200) });

/** Where the one-time code goes: the phone (SMS) or the email given in the same request. */
export const CodeChannel = z.enum(['sms', 'email']);

export const RegisterBody = z.discriminatedUnion('applicantType', [
  z.strictObject({
    applicantType: z.literal('citizen'),
    personalId: z.string().refine((v) => isPersonalId(v, new Date().getFullYear()), 'Số định danh cá nhân 12 chữ số'),
    fullName: text(200),
    phone: PhoneSchema.optional(),
    email: EmailSchema.optional(),
    password: PasswordSchema,
    channel: CodeChannel.default('sms'),
  }),
  z.strictObject({
    applicantType: z.literal('organization'),
    taxCode: z.string().refine(isTaxCode, 'Mã số thuế 10 hoặc 13 chữ số'),
    fullName: text(300),
    phone: PhoneSchema.optional(),
    email: EmailSchema.optional(),
    password: PasswordSchema,
    channel: CodeChannel.default('sms'),
  }),
]);

const Code = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'Mã xác nhận 6 chữ số / 6-digit code');

export const VerificationStarted = z.object({
  verificationId: z.uuid(),
  channel: CodeChannel,
  /** The destination, masked (090****456, n***@example.com). */
  sentTo: z.string(),
  expiresAt: z.string(),
});

export const VerifyRegistrationBody = z.strictObject({ verificationId: z.uuid(), code: Code });

export const ForgotPasswordBody = z.strictObject({ username: text(100), channel: CodeChannel.optional() });
export const ForgotPasswordResult = z.object({ verificationId: z.uuid(), expiresAt: z.string() });
export const ResetPasswordBody = z.strictObject({
  verificationId: z.uuid(),
  code: Code,
  newPassword: PasswordSchema,
});

export const ChangePasswordBody = z.strictObject({ currentPassword: z.string().max(200), newPassword: PasswordSchema });

const OfficerPersonalId = z
  .string()
  .trim()
  .regex(/^\d{12}$/, 'Số định danh cá nhân gồm 12 chữ số / a personal ID has 12 digits');

export const CreateOfficerBody = z.strictObject({
  username: z
    .string()
    .trim()
    .regex(/^[a-z0-9._-]{3,64}$/i),
  fullName: text(200),
  agencyId: z.uuid(),
  roles: z.array(RoleSchema).min(1).max(5),
  password: PasswordSchema,
  email: EmailSchema.optional(),
  phone: PhoneSchema.optional(),
  /** The officer's 12-digit personal ID: lets them sign in with the province's own IdP (docs/identity.md). */
  personalId: OfficerPersonalId.optional(),
});

export const UpdateOfficerBody = z.strictObject({
  version: z.int().positive(),
  fullName: text(200).optional(),
  email: EmailSchema.nullable().optional(),
  phone: PhoneSchema.nullable().optional(),
  roles: z.array(RoleSchema).min(1).max(5).optional(),
  active: z.boolean().optional(),
  personalId: OfficerPersonalId.nullable().optional(),
});

export const UserView = z.object({
  id: z.uuid(),
  kind: z.enum(['officer', 'applicant']),
  username: z.string(),
  fullName: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  agencyId: z.string().nullable(),
  agencyName: z.string().nullable(),
  applicantType: z.enum(['citizen', 'organization']).nullable(),
  /** An officer's personal ID (for the province's IdP); a citizen's own. */
  personalId: z.string().nullable(),
  roles: z.array(RoleSchema),
  active: z.boolean(),
  version: z.int(),
});
export type UserView = z.infer<typeof UserView>;

export const LoginResult = z.object({ user: UserView, csrfToken: z.string(), expiresAt: z.string() });

export const UserListQuery = z.strictObject({
  q: z.string().max(100).optional(),
  agencyId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});

export const IdParams = z.strictObject({ id: z.uuid() });
