/**
 * Email texts: Vietnamese first, the English translation below. Pure functions of the message
 * that caused them (the outbox payload or the alert), so a retried job writes the same email.
 */
import { receiptQrPayload } from '@motcua/core';
import { z } from 'zod';

/** The outbox payload of topic `dossier.event` (one per accepted dossier command). */
export const DossierEventMessage = z.looseObject({
  dossierId: z.string(),
  code: z.string(),
  eventType: z.string(),
  version: z.number().int(),
  at: z.string(),
  status: z.string(),
  previousStatus: z.string().nullish(),
  stepId: z.string().nullish(),
  stepName: z.string().nullish(),
  applicantUserId: z.string().nullish(),
  applicantEmail: z.string().nullish(),
  applicantName: z.string(),
  procedureName: z.string(),
  due: z.string().nullish(),
  note: z.string().nullish(),
});
export type DossierEventMessage = z.infer<typeof DossierEventMessage>;

export type Email = { subject: string; text: string };

const VN_OFFSET_MS = 7 * 3_600_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** dd/MM/yyyy HH:mm in Vietnam time (UTC+7, no daylight saving). */
export function formatVnDateTime(moment: Date | string): string {
  const d = new Date(new Date(moment).getTime() + VN_OFFSET_MS);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

/**
 * The public lookup page for a dossier code, with the lookup secret when the recipient is the
 * applicant: the same link as the receipt's QR code (core `receiptQrPayload`), which opens the
 * result at once (web: /tra-cuu?ma=…&mk=…). Staff alerts get the code only.
 */
export function lookupUrl(publicUrl: string, code: string, secret?: string | null): string {
  if (secret) return receiptQrPayload({ code, secret, baseUrl: publicUrl });
  return `${publicUrl.replace(/\/+$/, '')}/tra-cuu?ma=${encodeURIComponent(code)}`;
}

/** The applicant's own page of the dossier in the portal (sign-in first, then back to it). */
export function myDossierUrl(publicUrl: string, dossierId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/my/${encodeURIComponent(dossierId)}`;
}

/**
 * What the notice needs beyond the outbox message: read by the job from the dossier and its
 * history row (notifications.applicant.ts). `message` is what the officer wrote FOR the applicant;
 * the internal `note` never reaches an email.
 */
export type ApplicantFacts = {
  lookupSecret: string;
  channel: string;
  /** The applicant has a portal account (the dossier is in their "Hồ sơ của tôi"). */
  hasAccount: boolean;
  items?: string[] | null;
  reasons?: string[] | null;
  reason?: string | null;
  message?: string | null;
  phase?: 'reception' | 'processing' | null;
  method?: string | null;
};

type Lines = { subject: string; lines: string[] };
type Notice = { vi: Lines; en: Lines };

const RETURN_METHOD: Record<string, { vi: string; en: string }> = {
  counter: { vi: 'tại Bộ phận Một cửa', en: 'at the one-stop counter' },
  post: { vi: 'qua dịch vụ bưu chính công ích', en: 'by public postal service' },
  online: { vi: 'trực tuyến', en: 'online' },
};

const numbered = (list: string[]) => list.map((x, i) => `  ${i + 1}. ${x}`);

function noticeOf(e: DossierEventMessage, f: ApplicantFacts, links: { my: string | null }): Notice | null {
  const at = formatVnDateTime(e.at);
  const due = e.due ? formatVnDateTime(e.due) : null;
  const proc = e.procedureName;
  const message = f.message?.trim() || null;
  const withMessage = (n: Notice, vi = 'Nội dung thông báo', en = 'Message'): Notice =>
    message
      ? {
          vi: { ...n.vi, lines: [...n.vi.lines, `${vi}: ${message}`] },
          en: { ...n.en, lines: [...n.en.lines, `${en}: ${message}`] },
        }
      : n;
  const reason = f.reason?.trim() || null;
  switch (e.eventType) {
    case 'submitted':
      // Counter dossiers are received on the spot: the receipt is their notice.
      if (f.channel !== 'online') return null;
      // Decree 118/2025 art. 17(2): the applicant learns of acceptance or of a supplement request
      // within 8 working hours.
      return {
        vi: {
          subject: `Đã nhận hồ sơ trực tuyến ${e.code}, đang chờ kiểm tra`,
          lines: [
            `Hồ sơ trực tuyến của Ông/Bà về thủ tục "${proc}" đã được nộp lúc ${at}.`,
            'Bộ phận Một cửa sẽ kiểm tra và thông báo việc tiếp nhận hoặc yêu cầu bổ sung hồ sơ trong thời hạn 8 giờ làm việc.',
            'Thời hạn giải quyết được tính từ khi hồ sơ được tiếp nhận đầy đủ, hợp lệ.',
          ],
        },
        en: {
          subject: `Online dossier ${e.code} submitted, awaiting check`,
          lines: [
            `Your online dossier for the procedure "${proc}" was submitted on ${at}.`,
            'The one-stop unit will check it and tell you within 8 working hours whether it is received or needs a supplement.',
            'The processing time counts from the moment the complete, valid dossier is received.',
          ],
        },
      };
    case 'received':
      return withMessage({
        vi: {
          subject: `Hồ sơ ${e.code} đã được tiếp nhận`,
          lines: [
            `Hồ sơ của Ông/Bà về thủ tục "${proc}" đã được tiếp nhận lúc ${at}.`,
            due ? `Ngày hẹn trả kết quả: ${due}.` : 'Thủ tục này không ghi ngày hẹn trả kết quả.',
            `Mật khẩu tra cứu hồ sơ: ${f.lookupSecret}`,
          ],
        },
        en: {
          subject: `Dossier ${e.code} has been received`,
          lines: [
            `Your dossier for the procedure "${proc}" was received on ${at}.`,
            due ? `Appointment for the result: ${due}.` : 'This procedure gives no appointment date for the result.',
            `Lookup password: ${f.lookupSecret}`,
          ],
        },
      });
    case 'supplement_requested': {
      const items = f.items ?? [];
      const processing = f.phase === 'processing';
      const how = links.my
        ? { vi: `Ông/Bà bổ sung hồ sơ trực tuyến tại: ${links.my}`, en: `You can supplement it online at: ${links.my}` }
        : {
            vi: 'Ông/Bà nộp giấy tờ bổ sung tại Bộ phận Một cửa.',
            en: 'Please bring the documents to the one-stop counter.',
          };
      return withMessage(
        {
          vi: {
            subject: `Hồ sơ ${e.code} cần bổ sung, hoàn thiện`,
            lines: [
              `Hồ sơ của Ông/Bà về thủ tục "${proc}" cần được bổ sung, hoàn thiện (yêu cầu lúc ${at}). Nội dung cần bổ sung:`,
              ...numbered(items),
              // Decree 118/2025 art. 19(5): the time limit restarts from zero once the dossier is complete.
              processing
                ? 'Thời hạn giải quyết được tính lại từ đầu kể từ khi nhận đủ hồ sơ bổ sung.'
                : 'Hồ sơ chưa được tiếp nhận; thời hạn giải quyết tính từ khi hồ sơ được tiếp nhận đầy đủ, hợp lệ.',
              how.vi,
            ],
          },
          en: {
            subject: `Dossier ${e.code} needs a supplement`,
            lines: [
              `Your dossier for the procedure "${proc}" needs to be supplemented or completed (requested on ${at}). What to supplement:`,
              ...numbered(items),
              processing
                ? 'The processing time starts again from zero once the complete supplement is received.'
                : 'The dossier is not received yet; the processing time counts from its receipt, complete and valid.',
              how.en,
            ],
          },
        },
        'Lý do',
        'Reason',
      );
    }
    case 'refused': {
      const atReception = f.phase ? f.phase === 'reception' : e.previousStatus === 'submitted';
      const reasons = f.reasons ?? [];
      return withMessage({
        vi: {
          subject: `Hồ sơ ${e.code} bị từ chối ${atReception ? 'tiếp nhận' : 'giải quyết'}`,
          lines: [
            `Hồ sơ của Ông/Bà về thủ tục "${proc}" đã bị từ chối ${atReception ? 'tiếp nhận' : 'giải quyết'} lúc ${at}. Lý do:`,
            ...numbered(reasons),
          ],
        },
        en: {
          subject: `Dossier ${e.code} has been refused`,
          lines: [
            `Your dossier for the procedure "${proc}" was refused ${atReception ? 'at reception' : 'during processing'} on ${at}. Reasons:`,
            ...numbered(reasons),
          ],
        },
      });
    }
    case 'fee_requested':
      return withMessage({
        vi: {
          subject: `Hồ sơ ${e.code}: đề nghị thực hiện nghĩa vụ tài chính`,
          lines: [
            `Để hồ sơ về thủ tục "${proc}" được tiếp tục giải quyết, đề nghị Ông/Bà thực hiện nghĩa vụ tài chính (phí, lệ phí).`,
          ],
        },
        en: {
          subject: `Dossier ${e.code}: payment requested`,
          lines: [
            `Please pay the fees of your dossier for the procedure "${proc}" so that its processing can continue.`,
          ],
        },
      });
    case 'finished':
      return withMessage({
        vi: {
          subject: `Hồ sơ ${e.code} đã có kết quả`,
          lines: [
            `Hồ sơ của Ông/Bà về thủ tục "${proc}" đã được giải quyết xong lúc ${at}.`,
            'Mời Ông/Bà nhận kết quả theo hình thức đã đăng ký.',
          ],
        },
        en: {
          subject: `The result of dossier ${e.code} is ready`,
          lines: [
            `Your dossier for the procedure "${proc}" was processed on ${at}.`,
            'Please collect the result as you chose when applying.',
          ],
        },
      });
    case 'result_returned': {
      const method = f.method ? RETURN_METHOD[f.method] : undefined;
      // Rating needs the applicant's own page (Decree 118/2025 art. 33); without an account, at the counter.
      const rate = links.my
        ? {
            vi: `Mời Ông/Bà đánh giá mức độ hài lòng tại trang hồ sơ của mình (đăng nhập): ${links.my}`,
            en: `Please rate the service on your dossier's page (sign-in needed): ${links.my}`,
          }
        : {
            vi: 'Ông/Bà có thể đánh giá mức độ hài lòng tại Bộ phận Một cửa.',
            en: 'You can rate the service at the one-stop counter.',
          };
      return withMessage({
        vi: {
          subject: `Đã trả kết quả hồ sơ ${e.code}`,
          lines: [
            `Kết quả giải quyết hồ sơ về thủ tục "${proc}" đã được trả cho Ông/Bà${method ? ` ${method.vi}` : ''} lúc ${at}.`,
            rate.vi,
          ],
        },
        en: {
          subject: `The result of dossier ${e.code} has been returned`,
          lines: [
            `The result of your dossier for the procedure "${proc}" was handed over${method ? ` ${method.en}` : ''} on ${at}.`,
            rate.en,
          ],
        },
      });
    }
    case 'extended':
      // Văn bản xin lỗi và đề nghị gia hạn — Circular 03/2025/TT-VPCP form 04 (Decree 118/2025 art. 19(6)).
      return withMessage({
        vi: {
          subject: `Xin lỗi và hẹn lại ngày trả kết quả hồ sơ ${e.code}`,
          lines: [
            `Cơ quan giải quyết chân thành xin lỗi Ông/Bà vì hồ sơ về thủ tục "${proc}" chưa được giải quyết đúng hẹn.`,
            ...(reason ? [`Lý do: ${reason}`] : []),
            due ? `Ngày hẹn trả kết quả mới: ${due}.` : 'Ngày hẹn trả kết quả mới sẽ được thông báo sau.',
          ],
        },
        en: {
          subject: `Apology and new appointment for dossier ${e.code}`,
          lines: [
            `We sincerely apologise that your dossier for the procedure "${proc}" could not be resolved by the appointed date.`,
            ...(reason ? [`Reason: ${reason}`] : []),
            due ? `New appointment for the result: ${due}.` : 'The new appointment will be announced later.',
          ],
        },
      });
    case 'stopped':
      return withMessage({
        vi: {
          subject: `Hồ sơ ${e.code} đã dừng xử lý`,
          lines: [
            `Hồ sơ của Ông/Bà về thủ tục "${proc}" đã dừng xử lý lúc ${at}.`,
            ...(reason ? [`Lý do: ${reason}`] : []),
          ],
        },
        en: {
          subject: `Processing of dossier ${e.code} has stopped`,
          lines: [
            `Processing of your dossier for the procedure "${proc}" stopped on ${at}.`,
            ...(reason ? [`Reason: ${reason}`] : []),
          ],
        },
      });
    case 'closed_incomplete':
      return withMessage({
        vi: {
          subject: `Hồ sơ ${e.code} đã được đóng`,
          lines: [
            `Hồ sơ của Ông/Bà về thủ tục "${proc}" đã được đóng lúc ${at} vì không được bổ sung, hoàn thiện trong thời hạn.`,
          ],
        },
        en: {
          subject: `Dossier ${e.code} has been closed`,
          lines: [
            `Your dossier for the procedure "${proc}" was closed on ${at} because it was not supplemented in time.`,
          ],
        },
      });
    case 'withdrawal_requested':
      return withMessage({
        vi: {
          subject: `Đã nhận yêu cầu rút hồ sơ ${e.code}`,
          lines: [
            `Yêu cầu rút hồ sơ về thủ tục "${proc}" của Ông/Bà đã được ghi nhận lúc ${at}.`,
            ...(reason ? [`Lý do: ${reason}`] : []),
          ],
        },
        en: {
          subject: `Withdrawal request for dossier ${e.code} received`,
          lines: [
            `Your request to withdraw the dossier for the procedure "${proc}" was recorded on ${at}.`,
            ...(reason ? [`Reason: ${reason}`] : []),
          ],
        },
      });
    default:
      return null;
  }
}

function compose(n: Notice, greeting: { vi: string; en: string }, facts: { vi: string[]; en: string[] }): Email {
  const text = [
    greeting.vi,
    '',
    ...n.vi.lines,
    '',
    ...facts.vi,
    '',
    'Đây là thư tự động, xin đừng trả lời thư này.',
    '',
    '----- English -----',
    '',
    n.en.subject,
    '',
    greeting.en,
    '',
    ...n.en.lines,
    '',
    ...facts.en,
    '',
    'This is an automatic message; please do not reply.',
    '',
  ].join('\n');
  return { subject: n.vi.subject, text };
}

/**
 * The email to the applicant about a dossier event, or null when the event does not concern them.
 * Everybody gets the lookup link with code and secret (it opens the result without signing in);
 * an applicant with an account also gets their own page of the dossier.
 */
export function applicantEmail(e: DossierEventMessage, publicUrl: string, f: ApplicantFacts): Email | null {
  const my = f.hasAccount ? myDossierUrl(publicUrl, e.dossierId) : null;
  const n = noticeOf(e, f, { my });
  if (!n) return null;
  const link = lookupUrl(publicUrl, e.code, f.lookupSecret);
  return compose(
    n,
    { vi: `Kính gửi Ông/Bà ${e.applicantName},`, en: `Dear ${e.applicantName},` },
    {
      vi: [
        `Mã hồ sơ: ${e.code}`,
        `Thủ tục: ${e.procedureName}`,
        `Tra cứu hồ sơ (không cần đăng nhập): ${link}`,
        ...(my ? [`Hồ sơ của tôi (đăng nhập): ${my}`] : []),
      ],
      en: [
        `Dossier code: ${e.code}`,
        `Procedure: ${e.procedureName}`,
        `Look up the dossier (no sign-in needed): ${link}`,
        ...(my ? [`My dossier (sign in): ${my}`] : []),
      ],
    },
  );
}

export type AlertKind = 'step_reminder' | 'step_overdue' | 'appointment_overdue';

export type AlertFacts = {
  kind: AlertKind;
  code: string;
  procedureName: string;
  applicantName: string;
  stepName: string | null;
  deadline: Date;
  raisedAt: Date;
  assigneeName: string | null;
  recipientName: string;
  /** Opens the dossier in the officers' workspace (a lookup link would need the applicant's secret). */
  dossierId?: string;
};

/** Nhắc việc (to the step's main assignee) and cảnh báo quá hạn (to leaders). */
export function alertEmail(a: AlertFacts, publicUrl: string): Email {
  const deadline = formatVnDateTime(a.deadline);
  const overdue = a.deadline.getTime() <= a.raisedAt.getTime();
  const step = a.stepName ? ` "${a.stepName}"` : '';
  let n: Notice;
  if (a.kind === 'step_reminder') {
    n = {
      vi: {
        subject: `[Nhắc việc] Hồ sơ ${a.code} ${overdue ? 'đã quá hạn' : 'sắp đến hạn'} xử lý`,
        lines: [
          `Hồ sơ ${a.code} do Ông/Bà chủ trì xử lý ở bước${step} ${overdue ? 'đã quá hạn' : 'sắp đến hạn'} xử lý: hạn ${deadline}.`,
        ],
      },
      en: {
        subject: `[Reminder] Dossier ${a.code} is ${overdue ? 'overdue' : 'due soon'}`,
        lines: [
          `Dossier ${a.code}, which you lead at step${step}, is ${overdue ? 'overdue' : 'due soon'}: due ${deadline}.`,
        ],
      },
    };
  } else if (a.kind === 'step_overdue') {
    const who = a.assigneeName ? ` Cán bộ chủ trì: ${a.assigneeName}.` : ' Hồ sơ chưa được phân công cán bộ chủ trì.';
    const whoEn = a.assigneeName ? ` Main assignee: ${a.assigneeName}.` : ' No officer has been assigned yet.';
    n = {
      vi: {
        subject: `[Cảnh báo] Hồ sơ ${a.code} quá hạn xử lý tại đơn vị`,
        lines: [`Hồ sơ ${a.code} đã quá hạn xử lý ở bước${step} từ ${deadline}.${who}`],
      },
      en: {
        subject: `[Escalation] Dossier ${a.code} is overdue in your unit`,
        lines: [`Dossier ${a.code} has been overdue at step${step} since ${deadline}.${whoEn}`],
      },
    };
  } else {
    n = {
      vi: {
        subject: `[Cảnh báo] Hồ sơ ${a.code} quá hạn hẹn trả kết quả`,
        lines: [
          `Hồ sơ ${a.code} đã quá ngày hẹn trả kết quả (${deadline}) mà chưa giải quyết xong.`,
          'Đề nghị chỉ đạo giải quyết và gửi Phiếu xin lỗi và hẹn lại ngày trả kết quả cho người nộp hồ sơ.',
        ],
      },
      en: {
        subject: `[Escalation] Dossier ${a.code} missed its appointment`,
        lines: [
          `Dossier ${a.code} was due to the applicant on ${deadline} and is not finished.`,
          'Please see that it is resolved and that the applicant receives an apology with a new appointment.',
        ],
      },
    };
  }
  const link = a.dossierId
    ? `${publicUrl.replace(/\/+$/, '')}/office/dossiers/${encodeURIComponent(a.dossierId)}`
    : lookupUrl(publicUrl, a.code);
  return compose(
    n,
    { vi: `Kính gửi ${a.recipientName},`, en: `Dear ${a.recipientName},` },
    {
      vi: [`Mã hồ sơ: ${a.code}`, `Thủ tục: ${a.procedureName}`, `Người nộp: ${a.applicantName}`, `Xem hồ sơ: ${link}`],
      en: [
        `Dossier code: ${a.code}`,
        `Procedure: ${a.procedureName}`,
        `Applicant: ${a.applicantName}`,
        `Open the dossier: ${link}`,
      ],
    },
  );
}
