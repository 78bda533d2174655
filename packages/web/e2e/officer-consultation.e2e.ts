import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  act,
  e2e,
  expectAccessible,
  expectTestIdText,
  login,
  newPage,
  screenshot,
  tinyPdf,
  useBrowser,
} from './helpers.ts';

/**
 * Officers and leaders on "Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất" (issue 13): the
 * land division consults the applicant's ward and is NOT offered the answer; the ward's officer
 * answers; the leader attaches the result document, approves it with an opinion in the
 * confirmation dialog, and only then confirms it (not a digital signature) and finishes. Staff
 * pages read in Vietnamese (no "xac_minh_xa", "doc-0 v1", `working_days`), have one `main`
 * landmark and pass axe; the dashboard writes numbers the Vietnamese way; a citizen or
 * organization opening the back office is told it is for staff.
 */
const LAND = 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất';
const RAW = [/xac_minh_xa/, /tham_dinh/, /ky_duyet/, /\bdoc-\d+\b/, /working_days/, /\bv\d+\b/, /\bofficer\b/];

async function mainLandmarks(page: Page): Promise<number> {
  return page.evaluate(() => document.querySelectorAll('main, [role="main"]').length);
}

async function expectNoRawCodes(page: Page, label: string) {
  const text = await page.locator('body').innerText();
  for (const raw of RAW) expect(text, `${label}: ${raw}`).not.toMatch(raw);
}

describe.skipIf(e2e.skip !== null)('consultation answered by the consulted ward only; approval of the result', () => {
  const b = useBrowser();
  let code = '';
  let url = '';

  it('a walk-in dossier of the land procedure, received at the service center and transferred', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'tiepnhan.ttphc', '/office');
    const made = await page.evaluate(async (name) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const headers = {
        'content-type': 'application/json',
        'x-csrf-token': me.csrfToken,
      };
      const found = await (await fetch(`/api/v1/procedures?q=${encodeURIComponent(name)}`)).json();
      const proc = found.items.find((p: { name: string }) => p.name.startsWith(name));
      const detail = await (await fetch(`/api/v1/procedures/${proc.id}`)).json();
      const checklist = (detail.documents as { name: string; requirement?: string }[])
        .filter((d) => d.requirement === 'mandatory')
        .map((d) => ({ name: d.name, original: 1, copy: 0 }));
      const wards = await (await fetch(`/api/v1/agencies?level=commune&q=${encodeURIComponent('Hải Châu')}`)).json();
      const ward = wards.items.find((a: { name: string }) => /Phường Hải Châu$/.test(a.name)) ?? wards.items[0];
      const r = await fetch('/api/v1/counter/dossiers', {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({
          procedureId: proc.id,
          applicant: { name: 'Trần Văn Bình', idNumber: '048090009876', residenceCommuneId: ward.id },
          checklist,
        }),
      });
      const created = await r.json();
      if (r.status !== 201) return { error: JSON.stringify(created) };
      const f = await fetch(`/api/v1/dossiers/${created.id}/actions`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ type: 'forward', version: created.version }),
      });
      return { id: created.id as string, code: created.code as string, forward: f.status };
    }, LAND);
    expect(made, JSON.stringify(made)).toMatchObject({ forward: 200 });
    code = made.code!;
    url = `/office/dossiers/${made.id}`;
    await context.close();
  });

  it('the land division claims it and consults the ward; it is not offered the answer', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'chuyenvien.snnmt');
    await page.goto('/office?queue=unit_unclaimed');
    const row = page.getByRole('row').filter({ hasText: code });
    await row.getByRole('button', { name: 'Nhận xử lý' }).click();
    await page.waitForURL(/\/office\/dossiers\//);
    // The consultation is offered by its name, not its id.
    await act(page, 'consult', async (p) => {
      const dialog = p.getByRole('dialog');
      await dialog
        .getByRole('checkbox', { name: /xã|phường/i })
        .first()
        .check();
    });
    await page.getByText('Đang xin ý kiến').waitFor();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await page.locator('button[data-action="consultation_result"]').count()).toBe(0);
    await expectNoRawCodes(page, 'dossier (asking officer)');
    await page.getByText('ngày làm việc').first().waitFor();
    expect(await mainLandmarks(page)).toBe(1);
    await expectAccessible(page, 'dossier (asking officer)');
    await screenshot(page, 'office-consultation-asked');
    // The server refuses her answer as well (403, bilingual problem).
    const r = await page.evaluate(async (id) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const d = await (await fetch(`/api/v1/dossiers/${id}`)).json();
      const res = await fetch(`/api/v1/dossiers/${id}/actions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': me.csrfToken,
          'idempotency-key': crypto.randomUUID(),
        },
        body: JSON.stringify({
          type: 'consultation_result',
          version: d.version,
          consultationId: d.consultations[0].consultationId,
          outcome: 'agreed',
        }),
      });
      return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
    }, url.split('/').at(-1));
    expect(r.status).toBe(403);
    expect(r.type).toMatch(/problem\+json/);
    expect([r.body.code, r.body.title_vi.length > 0, r.body.title_en.length > 0]).toEqual(['forbidden', true, true]);
    await context.close();
  });

  it("the ward's officer answers the consultation", async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'chuyenvien.haichau');
    await page.goto('/office?queue=consultation');
    await page.getByRole('link', { name: code }).click();
    await act(page, 'consultation_result', async (p) => {
      // The open consultation is named ("… — UBND Phường Hải Châu"), not "xac_minh_xa".
      await p
        .getByRole('dialog')
        .getByText(/Xác minh, niêm yết/)
        .waitFor();
      const text = await p.getByRole('dialog').innerText();
      expect(text).not.toMatch(/xac_minh_xa/);
      expect(text).toMatch(/Hải Châu/);
    });
    await page.getByText('Đang xin ý kiến').waitFor({ state: 'detached' });
    await context.close();
  });

  it('the leader attaches the result, approves with an opinion, then confirms it and finishes', async () => {
    const officer = await newPage(b.browser!);
    await login(officer.page, 'chuyenvien.snnmt');
    await officer.page.goto(url);
    await act(officer.page, 'forward');
    await officer.context.close();

    const { page, context } = await newPage(b.browser!);
    await login(page, 'lanhdao.snnmt');
    await page.goto(url);
    await page.getByTestId('result-panel').waitFor();
    // Nothing to approve or confirm before a result document exists.
    await page.locator('button[data-action="send_back"]').waitFor();
    expect(await page.locator('button[data-action="approve"]').count()).toBe(0);
    expect(await page.locator('button[data-action="sign"]').count()).toBe(0);
    await page.getByText('Chưa có tệp kết quả').first().waitFor();
    await expectAccessible(page, 'dossier (leader, no result yet)');

    await page.getByTestId('result-upload').setInputFiles({ ...tinyPdf(), name: 'giay-chung-nhan.pdf' });
    await page.getByRole('link', { name: 'giay-chung-nhan.pdf' }).waitFor();
    await expectNoRawCodes(page, 'dossier (leader, result attached)');
    // Confirmation before approval is not offered.
    await page.locator('button[data-action="approve"]').waitFor();
    expect(await page.locator('button[data-action="sign"]').count()).toBe(0);

    await act(page, 'approve', async (p) => {
      const dialog = p.getByRole('dialog');
      await dialog.getByText('giay-chung-nhan.pdf').waitFor();
      await dialog.getByLabel('Ý kiến phê duyệt').fill('Đồng ý cấp lại Giấy chứng nhận');
      await expectAccessible(p, 'approval dialog');
      await screenshot(p, 'office-approve-dialog');
    });
    await expectTestIdText(page, 'approval-opinion', 'Đồng ý cấp lại Giấy chứng nhận');
    await expectTestIdText(page, 'result-state', 'Đã phê duyệt, chờ xác nhận');

    const sign = page.locator('button[data-action="sign"]');
    expect(await sign.innerText()).toBe('Xác nhận kết quả (chưa ký số)');
    await act(page, 'sign', async (p) => {
      await p
        .getByRole('dialog')
        .getByText(/không phải ký số/)
        .waitFor();
    });
    await expectTestIdText(page, 'result-state', 'Đã xác nhận (chưa ký số)');
    await act(page, 'finish');
    await expectTestIdText(page, 'dossier-status', 'Chờ trả kết quả');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect(await mainLandmarks(page)).toBe(1);
    await expectAccessible(page, 'dossier (leader, finished)');
    await screenshot(page, 'office-result-confirmed');

    // English by the switch: step names, limits and roles translated too.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByText('working days').first().waitFor();
    await expectTestIdText(page, 'result-state', 'Confirmed (not digitally signed)');
    await expectNoRawCodes(page, 'dossier (English)');
    await page.getByLabel('Language').selectOption('vi');
    await context.close();
  });

  it('the dashboard: one main, an h1, labelled headers, Vietnamese numbers, no ∞', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'lanhdao.snnmt', '/dashboard');
    await page.getByRole('heading', { level: 1, name: 'Bảng điều hành — chỉ số phục vụ' }).waitFor();
    await page.getByText('Điểm chỉ số (Quyết định 766/QĐ-TTg)').waitFor();
    const text = await page.locator('main').innerText();
    expect(text).not.toContain('∞');
    // Vietnamese decimals use a comma: never "100.0 %" or "13.46 / 46".
    expect(text).not.toMatch(/\d\.\d+ ?%/);
    expect(text).not.toMatch(/\d\.\d+ \/ \d/);
    expect(text).toMatch(/Quyết định 766\/QĐ-TTg ngày 23\/6\/2022/);
    const emptyHeaders = await page.evaluate(
      () => [...document.querySelectorAll('th')].filter((th) => (th.textContent ?? '').trim() === '').length,
    );
    expect(emptyHeaders).toBe(0);
    expect(await mainLandmarks(page)).toBe(1);
    await expectAccessible(page, 'dashboard (department leader)');
    await screenshot(page, 'dashboard-department');
    await context.close();
  });

  it('an organization account opening the back office is told it is for staff; wrong roles too', async () => {
    const org = await newPage(b.browser!);
    await login(org.page, '0401234567');
    for (const path of ['/office', '/dashboard', '/admin/procedures']) {
      await org.page.goto(path);
      await org.page.getByRole('heading', { name: 'Khu vực dành cho cán bộ' }).waitFor();
      expect(await org.page.getByLabel('Mật khẩu').count()).toBe(0);
      await org.page.getByRole('link', { name: 'Về Cổng dịch vụ công' }).waitFor();
      expect(await mainLandmarks(org.page)).toBe(1);
    }
    await expectAccessible(org.page, 'staff only (organization)');
    await screenshot(org.page, 'office-staff-only');
    await org.page.getByRole('button', { name: 'Đăng xuất để đăng nhập bằng tài khoản khác' }).click();
    await org.page.getByLabel('Mật khẩu').waitFor();
    await org.context.close();

    const officer = await newPage(b.browser!);
    await login(officer.page, 'chuyenvien.snnmt');
    await officer.page.goto('/dashboard');
    await officer.page.getByRole('heading', { name: 'Trang dành cho lãnh đạo' }).waitFor();
    await officer.page.goto('/admin/procedures');
    await officer.page.getByRole('heading', { name: 'Trang dành cho quản trị hệ thống' }).waitFor();
    expect(await mainLandmarks(officer.page)).toBe(1);
    await expectAccessible(officer.page, 'wrong role');
    await officer.context.close();
  });
});
