import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import {
  e2e,
  expectAccessible,
  expectNoHorizontalScroll,
  expectTestIdText,
  login,
  newPage,
  PASSWORD,
  screenshot,
  useBrowser,
} from './helpers.ts';

/**
 * The ward's one-stop counter in Chromium (issue 13, "Counter"): an online dossier of "Chứng thực
 * di chúc" (two mandatory components, one conditional) cannot be received until the mandatory
 * components are checked — the receive button says why and offers the supplement request; the
 * receptionist ticks them with originals/copies and receives it; form 01 lists exactly that; the
 * link the receipt's QR code encodes (/tra-cuu?ma=…&mk=…) opens the lookup result at once in the
 * browser; an unknown address shows the Vietnamese not-found page (English by the switch).
 */
const PROCEDURE = 'Chứng thực di chúc';
const ID_PAPER =
  'Bản chính hoặc bản sao có chứng thực CMND/CCCD/Thẻ căn cước/Giấy chứng nhận căn cước/Hộ chiếu/giấy tờ xuất nhập cảnh còn giá trị, hoặc Căn cước điện tử – xuất trình';
const DRAFT_WILL = 'Dự thảo di chúc';
const OWNERSHIP = 'Bản sao kèm bản chính giấy chứng nhận quyền sở hữu';

describe.skipIf(e2e.skip !== null)('the ward counter receives an online dossier with its checklist', () => {
  const b = useBrowser();
  let code = '';
  let secret = '';
  let id = '';

  it('the citizen applies online at Phường Hải Châu (through the API: the wizard is tested elsewhere)', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, '048090001234');
    const made = await page.evaluate(async (name) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const csrf = { 'x-csrf-token': me.csrfToken as string };
      const found = await (await fetch(`/api/v1/procedures?q=${encodeURIComponent(name)}`)).json();
      const proc = found.items.find((p: { name: string }) => p.name === name);
      const detail = await (await fetch(`/api/v1/procedures/${proc.id}`)).json();
      const wards = await (await fetch(`/api/v1/agencies?level=commune&q=${encodeURIComponent('Hải Châu')}`)).json();
      const ward = wards.items.find((a: { name: string }) => /Phường Hải Châu$/.test(a.name)) ?? wards.items[0];
      const draft = await (
        await fetch('/api/v1/drafts', {
          method: 'POST',
          headers: { ...csrf, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          body: JSON.stringify({ procedureId: proc.id }),
        })
      ).json();
      const docs = detail.documents as { requirement: string }[];
      for (const [i, d] of docs.entries()) {
        if (d.requirement !== 'mandatory') continue;
        const form = new FormData();
        form.append('slot', `doc-${i}`);
        form.append('kind', 'document');
        form.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), `giay-to-${i}.pdf`);
        const up = await fetch(`/api/v1/drafts/${draft.id}/attachments`, { method: 'POST', headers: csrf, body: form });
        if (up.status !== 201) return { error: `upload ${i}: ${up.status} ${await up.text()}` };
      }
      const r = await fetch('/api/v1/dossiers', {
        method: 'POST',
        headers: { ...csrf, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({
          procedureId: proc.id,
          agencyId: ward.id,
          formData: {},
          draftId: draft.id,
          applicant: { address: '12 Lê Duẩn, phường Hải Châu', residenceCommuneId: ward.id },
        }),
      });
      const body = await r.json();
      return r.status === 201 ? body : { error: JSON.stringify(body) };
    }, PROCEDURE);
    expect(made.error, JSON.stringify(made)).toBeUndefined();
    ({ id, code, lookupSecret: secret } = made);
    await context.close();
  });

  it('the receive button explains what is missing and offers the supplement request; with the checks it receives', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'tiepnhan.haichau');
    await page.getByRole('link', { name: 'Tiếp nhận hồ sơ' }).first().click();
    await page.getByRole('link', { name: code }).click();
    await page.locator('button[data-action="receive"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('reception-checklist').waitFor();
    // Nothing ticked: receiving is not possible, and the dialog says why.
    const confirm = dialog.getByTestId('confirm-receive');
    expect(await confirm.isDisabled()).toBe(true);
    const missing = dialog.getByTestId('receive-missing');
    await missing.getByText('Còn 2 thành phần hồ sơ bắt buộc chưa được kiểm tra').waitFor();
    await missing.getByText(DRAFT_WILL, { exact: true }).waitFor();
    await dialog.getByTestId('offer-supplement').waitFor();
    await expectAccessible(page, 'receive dialog (incomplete)');
    await screenshot(page, 'office-receive-checklist-missing');
    // The supplement offer lists what is missing; back to the checklist.
    await dialog.getByTestId('offer-supplement').click();
    expect(await dialog.getByTestId('supplement-items').inputValue()).toBe(`${ID_PAPER}\n${DRAFT_WILL}`);
    await dialog.getByRole('button', { name: 'Quay lại' }).click();
    // Tick the two mandatory components: the identity paper as 1 original, the draft will as 2 copies.
    await dialog.getByRole('checkbox', { name: new RegExp(`^${DRAFT_WILL}`) }).check();
    await dialog.getByRole('checkbox', { name: /^Bản chính hoặc bản sao có chứng thực CMND/ }).check();
    await dialog.getByLabel(`Bản chính: ${DRAFT_WILL}`).fill('0');
    await dialog.getByLabel(`Bản sao: ${DRAFT_WILL}`).fill('2');
    await missing.waitFor({ state: 'detached' });
    const post = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/actions'));
    await confirm.click();
    expect((await post).status()).toBe(200);
    await expectTestIdText(page, 'dossier-status', 'Đã tiếp nhận');
    await expectAccessible(page, 'dossier received');
    await context.close();
  });

  it('form 01 lists what was received; the link its QR code encodes opens the lookup result in the browser', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'tiepnhan.haichau');
    const res = await page.request.get(`/api/v1/dossiers/${id}/documents/01`);
    expect(res.headers()['content-type']).toBe('application/pdf');
    const pdf = await getDocumentProxy(new Uint8Array(await res.body()));
    const { text } = await extractText(pdf, { mergePages: true });
    expect(pdf.numPages).toBe(1);
    await pdf.loadingTask.destroy();
    const flat = (text as string).replace(/\s+/g, ' ');
    expect(flat).toContain(DRAFT_WILL);
    expect(flat).toContain('Bản chính hoặc bản sao có chứng thực CMND');
    expect(flat).not.toContain(OWNERSHIP);
    // The QR payload is printed under the lookup note: the same link (core receiptQrPayload).
    const link = `${e2e.baseUrl}/tra-cuu?ma=${encodeURIComponent(code)}&mk=${encodeURIComponent(secret)}`;
    expect((text as string).replace(/\s+/g, '')).toContain(link.replace(/\s+/g, ''));
    await context.close();

    // Anybody, not signed in, opens it: the result shows at once.
    const anon = await newPage(b.browser!);
    await anon.page.goto(link);
    await anon.page.getByTestId('lookup-result').waitFor();
    await expectTestIdText(anon.page, 'lookup-status', 'Đã tiếp nhận');
    expect(await anon.page.getByLabel('Mã hồ sơ').inputValue()).toBe(code);
    // The appointment (hẹn trả) as dd/MM/yyyy and where the clock stands; English by the switch.
    expect(await anon.page.getByTestId('lookup-appointment').innerText()).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await expectTestIdText(anon.page, 'lookup-clock', 'Đang giải quyết, trong hạn');
    await expectAccessible(anon.page, 'lookup from the QR link');
    await screenshot(anon.page, 'portal-lookup-from-qr');
    await anon.page.getByLabel('Ngôn ngữ').selectOption('en');
    await expectTestIdText(anon.page, 'lookup-clock', 'Being handled, on time');
    await anon.page.getByText('Appointment', { exact: true }).waitFor();
    await anon.page.getByLabel('Language').selectOption('vi');
    // The older /lookup address with code and secret works the same way.
    await anon.page.goto(`/lookup?code=${encodeURIComponent(code)}&secret=${encodeURIComponent(secret)}`);
    await anon.page.getByTestId('lookup-result').waitFor();
    await anon.context.close();
  });

  it('the emails’ link to the applicant’s own page goes through sign-in and back to the dossier', async () => {
    const { page, context } = await newPage(b.browser!);
    await page.goto(`/my/${id}`);
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/my/${id}`);
    await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill('048090001234');
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => u.pathname === `/my/${id}`);
    await page.getByTestId('dossier-status').first().waitFor();
    expect(await page.locator('body').innerText()).toContain(code);
    await context.close();
  });

  it('while a fee is awaited the clock is paused: the queue says "Tạm dừng" with the frozen time, so does the lookup', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'tiepnhan.haichau');
    const status = await page.evaluate(async (dossierId) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const d = await (await fetch(`/api/v1/dossiers/${dossierId}`)).json();
      const r = await fetch(`/api/v1/dossiers/${dossierId}/actions`, {
        method: 'POST',
        headers: {
          'x-csrf-token': me.csrfToken as string,
          'content-type': 'application/json',
          'idempotency-key': crypto.randomUUID(),
        },
        body: JSON.stringify({ type: 'request_fee', version: d.version, stage: 'full', amount: 50000 }),
      });
      return `${r.status} ${await r.text()}`;
    }, id);
    expect(status).toMatch(/^200 /);
    await page.goto('/office?queue=all');
    const row = page.getByRole('row').filter({ hasText: code });
    const paused = row.getByTestId('queue-paused');
    await paused.waitFor();
    expect(await paused.innerText()).toMatch(/^Tạm dừng · Còn \d+ ngày/);
    await expectAccessible(page, 'queue with a paused dossier');
    await screenshot(page, 'office-queue-paused');
    await context.close();

    const anon = await newPage(b.browser!, { width: 360, height: 740 });
    await anon.page.goto(`/lookup?code=${encodeURIComponent(code)}&secret=${encodeURIComponent(secret)}`);
    await expectTestIdText(anon.page, 'lookup-clock', 'Tạm dừng tính thời gian: chờ nộp phí, lệ phí');
    await expectNoHorizontalScroll(anon.page, 'lookup (paused) at 360 px');
    await screenshot(anon.page, 'portal-lookup-paused-360');
    await anon.context.close();
  });

  it('an unknown address shows the Vietnamese not-found page with a way home, in the portal and the office', async () => {
    const { page, context } = await newPage(b.browser!);
    await page.goto('/trang-khong-co');
    await page.getByRole('heading', { name: 'Không tìm thấy trang' }).waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/Unexpected Application Error|404 Not Found/);
    await expectAccessible(page, 'not found (portal)');
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByLabel('Language').selectOption('vi');
    await page.getByRole('link', { name: 'Về trang chủ' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await login(page, 'tiepnhan.haichau');
    await page.goto('/office/khong-co-trang-nay');
    await page.getByRole('heading', { name: 'Không tìm thấy trang' }).waitFor();
    await page.getByRole('link', { name: 'Về trang làm việc' }).waitFor();
    await expectAccessible(page, 'not found (office)');
    await context.close();
    // The administration area, as its administrator.
    const admin = await newPage(b.browser!);
    await login(admin.page, 'admin');
    await admin.page.goto('/admin/khong-co');
    await admin.page.getByRole('heading', { name: 'Không tìm thấy trang' }).waitFor();
    await expectAccessible(admin.page, 'not found (admin)');
    await admin.context.close();
  });
});
