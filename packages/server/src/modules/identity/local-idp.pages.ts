/**
 * HTML pages of the local identity provider (local-idp.ts): sign-in, sign-out, errors, and the
 * plumbing to send them and read their forms. Self-contained (inline CSS, no external fonts or
 * scripts beyond the one auto-submit line), Vietnamese first with English under it, usable on a
 * 375px phone.
 */
import type http from 'node:http';
import { DEMO_BUSINESSES, DEMO_RESIDENTS, type DemoIdentity } from '../../seed/demo-residents.ts';

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A bilingual line of text: Vietnamese, then English in a smaller muted line. */
export type Bilingual = { vi: string; en: string };

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;background:#f3f4f6;color:#111827;line-height:1.45}
main{max-width:30rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15);padding:1.25rem;margin-bottom:1rem}
h1{font-size:1.25rem;margin:0 0 .25rem}
h2{font-size:1rem;margin:0 0 .5rem}
.en{display:block;color:#4b5563;font-size:.875em;font-weight:normal}
/* On a filled (red) button or tab the English line keeps the white text, not the grey (contrast). */
button:not(.secondary) .en,#tab-citizen:checked~.tabs label[for=tab-citizen] .en,#tab-business:checked~.tabs label[for=tab-business] .en{color:inherit;opacity:.9}
ul.identities button .en{color:#4b5563;opacity:1}
.demo-note{background:#fef3c7;border:1px solid #f59e0b;border-radius:.375rem;padding:.5rem .75rem;font-size:.875rem;margin:.75rem 0}
.error{background:#fee2e2;border:1px solid #dc2626;color:#7f1d1d;border-radius:.375rem;padding:.5rem .75rem;margin:.75rem 0}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input[type=text],input[type=password]{width:100%;font-size:1rem;padding:.625rem;border:1px solid #9ca3af;border-radius:.375rem}
input:focus,button:focus{outline:3px solid #93c5fd;outline-offset:1px}
button{font-size:1rem;padding:.625rem 1rem;border-radius:.375rem;border:1px solid #b91c1c;background:#b91c1c;color:#fff;cursor:pointer;width:100%;margin-top:1rem}
button.secondary{background:#fff;color:#111827;border-color:#9ca3af}
.tabs{display:flex;gap:.25rem;margin-top:1rem}
.tabs label{flex:1;margin:0;text-align:center;padding:.5rem;border:1px solid #9ca3af;border-radius:.375rem .375rem 0 0;cursor:pointer;font-size:.9rem}
.tab-radio{position:absolute;opacity:0}
.panel{display:none;border:1px solid #9ca3af;border-top:0;padding:0 .75rem .75rem;border-radius:0 0 .375rem .375rem}
.panel.only{display:block;border-top:1px solid #9ca3af;border-radius:.375rem;margin-top:1rem}
#tab-citizen:checked~.tabs label[for=tab-citizen],#tab-business:checked~.tabs label[for=tab-business]{background:#b91c1c;color:#fff;border-color:#b91c1c}
#tab-citizen:checked~#panel-citizen,#tab-business:checked~#panel-business{display:block}
.tab-radio:focus-visible~.tabs{outline:3px solid #93c5fd}
ul.identities{list-style:none;padding:0;margin:0}
ul.identities button{text-align:left;background:#fff;color:#111827;border-color:#9ca3af;margin-top:.5rem}
.meta{display:block;font-size:.85rem;color:#4b5563}
`;

function layout(title: Bilingual, body: string): string {
  return `<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title.vi)} / ${escapeHtml(title.en)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

const bi = (text: Bilingual, tag = 'span') =>
  `${escapeHtml(text.vi)}<${tag} class="en" lang="en">${escapeHtml(text.en)}</${tag}>`;

export const MESSAGES = {
  loginFailed: {
    vi: 'Thông tin đăng nhập không đúng. Vui lòng kiểm tra lại số định danh, mã số thuế và mật khẩu.',
    en: 'The sign-in details are incorrect. Please check the identification number, tax code and password.',
  },
  badPersonalId: {
    vi: 'Số định danh cá nhân phải gồm đúng 12 chữ số.',
    en: 'The personal identification number must have exactly 12 digits.',
  },
  badTaxCode: {
    vi: 'Mã số thuế phải gồm 10 chữ số (hoặc 10 chữ số, dấu gạch ngang và 3 chữ số).',
    en: 'The tax code must have 10 digits (or 10 digits, a hyphen and 3 digits).',
  },
  interactionGone: {
    vi: 'Phiên đăng nhập đã hết hạn hoặc không hợp lệ. Vui lòng quay lại dịch vụ và đăng nhập lại.',
    en: 'The sign-in session has expired or is invalid. Please go back to the service and sign in again.',
  },
  invalidRequest: {
    vi: 'Yêu cầu đăng nhập không hợp lệ. Vui lòng quay lại dịch vụ và thử lại.',
    en: 'The sign-in request is invalid. Please go back to the service and try again.',
  },
  notFound: { vi: 'Không tìm thấy trang.', en: 'Page not found.' },
  methodNotAllowed: { vi: 'Phương thức không được hỗ trợ.', en: 'Method not allowed.' },
  tooLarge: { vi: 'Dữ liệu gửi lên quá lớn.', en: 'The submitted form is too large.' },
  serverError: { vi: 'Lỗi máy chủ.', en: 'Server error.' },
  starting: { vi: 'Máy chủ đang khởi động.', en: 'The server is starting.' },
} satisfies Record<string, Bilingual>;

export function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Frame-Options', 'DENY');
  res.end(html);
}

const MAX_FORM_BYTES = 16 * 1024;

/** An urlencoded form body; undefined when larger than any of our forms can be. */
export async function readForm(req: http.IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** One demo identity offered as a one-click button. */
export type DemoIdentityButton = {
  kind: 'citizen' | 'business';
  personalId: string;
  taxCode?: string;
  password: string;
  /** Person's name, or for a business its name. */
  displayName: string;
  /** Business accounts: the legal representative's name. */
  representativeName?: string;
  level: 1 | 2;
};

/** 048090001234 -> 048090****34: enough to tell the demo people apart, as VNeID screens do. */
export function maskPersonalId(id: string): string {
  if (id.length < 8) return id;
  return `${id.slice(0, 6)}${'*'.repeat(id.length - 8)}${id.slice(-2)}`;
}

const residentName = (personalId: string) =>
  DEMO_RESIDENTS.find((r) => r.personalId === personalId)?.fullName ?? personalId;

export function demoIdentityButtons(identities: DemoIdentity[]): DemoIdentityButton[] {
  return identities.map((i) => ({
    kind: i.accountType === 2 ? 'business' : 'citizen',
    personalId: i.personalId,
    taxCode: i.taxCode,
    password: i.password,
    displayName:
      i.accountType === 2
        ? (DEMO_BUSINESSES.find((b) => b.taxCode === i.taxCode)?.name ?? i.taxCode ?? i.techId)
        : residentName(i.personalId),
    representativeName: i.accountType === 2 ? residentName(i.personalId) : undefined,
    level: i.level,
  }));
}

export type LoginPageOptions = {
  /** Form actions (already absolute paths under /interaction/<uid>). */
  loginAction: string;
  abortAction: string;
  clientName: string;
  kind: 'citizen' | 'business';
  /** Values to put back into the form after a failed attempt (never the password). */
  personalId?: string;
  taxCode?: string;
  error?: Bilingual;
  demoIdentities: DemoIdentityButton[];
  /** Heading; default the VNeID one (the staff stand-in names the province's own IdP). */
  title?: Bilingual;
  /** Offer the organisation (business) sign-in tab; default true. The staff IdP has officers only. */
  organisations?: boolean;
};

export function loginPage(o: LoginPageOptions): string {
  const title = o.title ?? {
    vi: 'Đăng nhập bằng tài khoản định danh điện tử VNeID',
    en: 'Sign in with your VNeID electronic identity',
  };
  const citizenId = o.kind === 'citizen' ? (o.personalId ?? '') : '';
  const businessId = o.kind === 'business' ? (o.personalId ?? '') : '';
  const error = o.error ? `<div class="error" role="alert">${bi(o.error)}</div>` : '';
  const passwordField = (id: string) => `
<label for="${id}">${bi({ vi: 'Mật khẩu', en: 'Password' })}</label>
<input type="password" id="${id}" name="password" required autocomplete="current-password">`;
  const organisations = o.organisations ?? true;
  const tabs = `<input type="radio" class="tab-radio" name="tab" id="tab-citizen"${o.kind === 'citizen' ? ' checked' : ''}>
<input type="radio" class="tab-radio" name="tab" id="tab-business"${o.kind === 'business' ? ' checked' : ''}>
<div class="tabs">
<label for="tab-citizen">${bi({ vi: 'Công dân', en: 'Citizen' })}</label>
<label for="tab-business">${bi({ vi: 'Tổ chức, doanh nghiệp', en: 'Organisation, business' })}</label>
</div>
`;
  const business = `<section class="panel" id="panel-business">
<form method="post" action="${escapeHtml(o.loginAction)}">
<input type="hidden" name="kind" value="business">
<label for="business-tax">${bi({ vi: 'Mã số thuế', en: 'Tax code' })}</label>
<input type="text" id="business-tax" name="taxCode" value="${escapeHtml(o.kind === 'business' ? (o.taxCode ?? '') : '')}" inputmode="numeric" pattern="[0-9]{10}(-[0-9]{3})?" maxlength="14" required autocomplete="organization">
<label for="business-id">${bi({ vi: 'Số định danh của người đại diện', en: "Legal representative's personal identification number" })}</label>
<input type="text" id="business-id" name="personalId" value="${escapeHtml(businessId)}" inputmode="numeric" pattern="[0-9]{12}" maxlength="12" required autocomplete="username">
${passwordField('business-password')}
<button type="submit">${bi({ vi: 'Đăng nhập', en: 'Sign in' })}</button>
</form>
</section>
`;
  const buttons = o.demoIdentities
    .map((d) => {
      const hidden = [
        ['kind', d.kind],
        ['personalId', d.personalId],
        ['taxCode', d.taxCode ?? ''],
        ['password', d.password],
      ]
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
        .join('');
      const who =
        d.kind === 'business'
          ? `MST ${escapeHtml(d.taxCode)} · Người đại diện: ${escapeHtml(d.representativeName)} (${escapeHtml(maskPersonalId(d.personalId))})`
          : escapeHtml(maskPersonalId(d.personalId));
      return `<li><form method="post" action="${escapeHtml(o.loginAction)}">${hidden}<button type="submit"><strong>${escapeHtml(d.displayName)}</strong><span class="meta">${who}</span><span class="meta">Mức độ ${d.level} / Level ${d.level}</span></button></form></li>`;
    })
    .join('\n');

  return layout(
    title,
    `<div class="card">
<h1>${bi(title)}</h1>
<p>${bi({ vi: `Dịch vụ yêu cầu đăng nhập: ${o.clientName}`, en: `Requested by: ${o.clientName}` })}</p>
<p class="demo-note">${bi(o.title ? { vi: 'Máy chủ định danh thử nghiệm — không phải hệ thống thật', en: 'Local demo identity server — not the real one' } : { vi: 'Máy chủ định danh thử nghiệm — không phải VNeID thật', en: 'Local demo identity server — not the real VNeID' })}</p>
${error}
${organisations ? tabs : ''}
<section class="panel${organisations ? '' : ' only'}" id="panel-citizen">
<form method="post" action="${escapeHtml(o.loginAction)}">
<input type="hidden" name="kind" value="citizen">
<label for="citizen-id">${bi({ vi: 'Số định danh cá nhân', en: 'Personal identification number' })}</label>
<input type="text" id="citizen-id" name="personalId" value="${escapeHtml(citizenId)}" inputmode="numeric" pattern="[0-9]{12}" maxlength="12" required autocomplete="username">
${passwordField('citizen-password')}
<button type="submit">${bi({ vi: 'Đăng nhập', en: 'Sign in' })}</button>
</form>
</section>
${organisations ? business : ''}<form method="post" action="${escapeHtml(o.abortAction)}">
<button type="submit" class="secondary">${bi({ vi: 'Hủy', en: 'Cancel' })}</button>
</form>
</div>
<div class="card">
<h2>${bi({ vi: 'Tài khoản thử nghiệm (đăng nhập một chạm)', en: 'Demo identities (one-click sign-in)' })}</h2>
<ul class="identities">
${buttons}
</ul>
</div>`,
  );
}

/**
 * RP-initiated logout: oidc-provider insists on a POST to its confirm endpoint with an xsrf token;
 * the page submits it at once (the "logout" field signs out of every client, as VNeID does) and
 * leaves a button for browsers without JavaScript.
 */
export function logoutPage(form: string): string {
  const withLogout = form.replace('</form>', '<input type="hidden" name="logout" value="yes"></form>');
  return layout(
    { vi: 'Đăng xuất', en: 'Sign out' },
    `<div class="card">
<h1>${bi({ vi: 'Đang đăng xuất…', en: 'Signing out…' })}</h1>
${withLogout}
<button type="submit" form="op.logoutForm">${bi({ vi: 'Tiếp tục đăng xuất', en: 'Continue signing out' })}</button>
</div>
<script>document.getElementById('op.logoutForm').submit()</script>`,
  );
}

export function postLogoutPage(): string {
  return layout(
    { vi: 'Đã đăng xuất', en: 'Signed out' },
    `<div class="card"><h1>${bi({ vi: 'Bạn đã đăng xuất', en: 'You have signed out' })}</h1></div>`,
  );
}

export function errorPage(message: Bilingual, detail?: { error: string; description?: string }): string {
  const code = detail
    ? `<p class="meta">${escapeHtml(detail.error)}${detail.description ? `: ${escapeHtml(detail.description)}` : ''}</p>`
    : '';
  return layout(
    { vi: 'Lỗi đăng nhập', en: 'Sign-in error' },
    `<div class="card">
<h1>${bi({ vi: 'Không thể tiếp tục', en: 'Cannot continue' })}</h1>
<div class="error" role="alert">${bi(message)}</div>
${code}
</div>`,
  );
}
