/**
 * Email texts: Vietnamese first, the English translation below. Pure functions of the message
 * that caused them (the outbox payload or the alert), so a retried job writes the same email.
 */
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
 * The public lookup page for a dossier code. Same path and parameter as the receipt's QR code
 * (packages/core codes/lookup-secret.ts `receiptQrPayload`), without the lookup secret: an email
 * may be forwarded, the printed receipt stays with the applicant.
 */
export function lookupUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/tra-cuu?ma=${encodeURIComponent(code)}`;
}

type Lines = { subject: string; lines: string[] };
type Notice = { vi: Lines; en: Lines };

function noticeOf(e: DossierEventMessage): Notice | null {
  const at = formatVnDateTime(e.at);
  const due = e.due ? formatVnDateTime(e.due) : null;
  const proc = e.procedureName;
  const note = e.note?.trim() || null;
  const withNote = (n: Notice, vi = 'Ghi chú', en = 'Note'): Notice =>
    note
      ? {
          vi: { ...n.vi, lines: [...n.vi.lines, `${vi}: ${note}`] },
          en: { ...n.en, lines: [...n.en.lines, `${en}: ${note}`] },
        }
      : n;
  switch (e.eventType) {
    case 'received':
      return withNote({
        vi: {
          subject: `Hồ sơ ${e.code} đã được tiếp nhận`,
          lines: [
            `Hồ sơ của Ông/Bà về thủ tục "${proc}" đã được tiếp nhận lúc ${at}.`,
            due ? `Ngày hẹn trả kết quả: ${due}.` : 'Thủ tục này không ghi ngày hẹn trả kết quả.',
            'Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lưu cùng hồ sơ.',
          ],
        },
        en: {
          subject: `Dossier ${e.code} has been received`,
          lines: [
            `Your dossier for the procedure "${proc}" was received on ${at}.`,
            due ? `Appointment for the result: ${due}.` : 'This procedure gives no appointment date for the result.',
            'The receipt with the appointment is kept with the dossier.',
          ],
        },
      });
    case 'supplement_requested':
      return withNote(
        {
          vi: {
            subject: `Hồ sơ ${e.code} cần bổ sung, hoàn thiện`,
            lines: [
              `Hồ sơ của Ông/Bà về thủ tục "${proc}" cần được bổ sung, hoàn thiện (yêu cầu lúc ${at}).`,
              'Thời hạn giải quyết tạm dừng cho đến khi Ông/Bà nộp đủ giấy tờ bổ sung.',
            ],
          },
          en: {
            subject: `Dossier ${e.code} needs a supplement`,
            lines: [
              `Your dossier for the procedure "${proc}" needs to be supplemented or completed (requested on ${at}).`,
              'The processing time is paused until you provide the missing documents.',
            ],
          },
        },
        'Nội dung cần bổ sung',
        'What to supplement',
      );
    case 'refused': {
      const atReception = e.previousStatus === 'submitted';
      return withNote(
        {
          vi: {
            subject: `Hồ sơ ${e.code} bị từ chối ${atReception ? 'tiếp nhận' : 'giải quyết'}`,
            lines: [
              `Hồ sơ của Ông/Bà về thủ tục "${proc}" đã bị từ chối ${atReception ? 'tiếp nhận' : 'giải quyết'} lúc ${at}.`,
            ],
          },
          en: {
            subject: `Dossier ${e.code} has been refused`,
            lines: [
              `Your dossier for the procedure "${proc}" was refused ${atReception ? 'at reception' : 'during processing'} on ${at}.`,
            ],
          },
        },
        'Lý do',
        'Reason',
      );
    }
    case 'fee_requested':
      return withNote({
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
      return withNote({
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
    case 'result_returned':
      return withNote({
        vi: {
          subject: `Đã trả kết quả hồ sơ ${e.code}`,
          lines: [
            `Kết quả giải quyết hồ sơ về thủ tục "${proc}" đã được trả cho Ông/Bà lúc ${at}.`,
            'Mời Ông/Bà đánh giá mức độ hài lòng qua trang tra cứu hồ sơ.',
          ],
        },
        en: {
          subject: `The result of dossier ${e.code} has been returned`,
          lines: [
            `The result of your dossier for the procedure "${proc}" was handed over on ${at}.`,
            'You may rate the service on the dossier lookup page.',
          ],
        },
      });
    case 'extended':
      // Phiếu xin lỗi và hẹn lại ngày trả kết quả — Circular 01/2018/TT-VPCP form 04.
      return withNote(
        {
          vi: {
            subject: `Xin lỗi và hẹn lại ngày trả kết quả hồ sơ ${e.code}`,
            lines: [
              `Cơ quan giải quyết chân thành xin lỗi Ông/Bà vì hồ sơ về thủ tục "${proc}" chưa được giải quyết đúng hẹn.`,
              due ? `Ngày hẹn trả kết quả mới: ${due}.` : 'Ngày hẹn trả kết quả mới sẽ được thông báo sau.',
            ],
          },
          en: {
            subject: `Apology and new appointment for dossier ${e.code}`,
            lines: [
              `We sincerely apologise that your dossier for the procedure "${proc}" could not be resolved by the appointed date.`,
              due ? `New appointment for the result: ${due}.` : 'The new appointment will be announced later.',
            ],
          },
        },
        'Lý do',
        'Reason',
      );
    case 'stopped':
      return withNote(
        {
          vi: {
            subject: `Hồ sơ ${e.code} đã dừng xử lý`,
            lines: [`Hồ sơ của Ông/Bà về thủ tục "${proc}" đã dừng xử lý lúc ${at}.`],
          },
          en: {
            subject: `Processing of dossier ${e.code} has stopped`,
            lines: [`Processing of your dossier for the procedure "${proc}" stopped on ${at}.`],
          },
        },
        'Lý do',
        'Reason',
      );
    case 'closed_incomplete':
      return withNote({
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
      return withNote(
        {
          vi: {
            subject: `Đã nhận yêu cầu rút hồ sơ ${e.code}`,
            lines: [`Yêu cầu rút hồ sơ về thủ tục "${proc}" của Ông/Bà đã được ghi nhận lúc ${at}.`],
          },
          en: {
            subject: `Withdrawal request for dossier ${e.code} received`,
            lines: [`Your request to withdraw the dossier for the procedure "${proc}" was recorded on ${at}.`],
          },
        },
        'Lý do',
        'Reason',
      );
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

/** The email to the applicant about a dossier event, or null when the event does not concern them. */
export function applicantEmail(e: DossierEventMessage, publicUrl: string): Email | null {
  const n = noticeOf(e);
  if (!n) return null;
  const link = lookupUrl(publicUrl, e.code);
  return compose(
    n,
    { vi: `Kính gửi Ông/Bà ${e.applicantName},`, en: `Dear ${e.applicantName},` },
    {
      vi: [`Mã hồ sơ: ${e.code}`, `Thủ tục: ${e.procedureName}`, `Tra cứu hồ sơ: ${link}`],
      en: [`Dossier code: ${e.code}`, `Procedure: ${e.procedureName}`, `Look up the dossier: ${link}`],
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
  const link = lookupUrl(publicUrl, a.code);
  return compose(
    n,
    { vi: `Kính gửi ${a.recipientName},`, en: `Dear ${a.recipientName},` },
    {
      vi: [`Mã hồ sơ: ${a.code}`, `Thủ tục: ${a.procedureName}`, `Người nộp: ${a.applicantName}`, `Tra cứu: ${link}`],
      en: [
        `Dossier code: ${a.code}`,
        `Procedure: ${a.procedureName}`,
        `Applicant: ${a.applicantName}`,
        `Lookup: ${link}`,
      ],
    },
  );
}
