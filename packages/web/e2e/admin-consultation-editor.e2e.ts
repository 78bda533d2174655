import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2e, expectAccessible, login, newPage, screenshot, useBrowser } from './helpers.ts';

/**
 * The workflow designer's consultation editor (liên thông) in Chromium: an administrator adds a
 * consultation to the first step of a procedure the seed left as a draft, saves it, reloads and finds
 * it kept, then removes it and finds it gone after another reload. On a seeded draft, not the new
 * procedure of admin-create-procedure.e2e.ts; as the same account, the province's administrator:
 * only a province-level administrator may change the catalog (the ward's one is refused, 403).
 */
const ADMIN = 'admin';
const ASKED = 'Xác minh nơi cư trú của người đề nghị';

async function saveDraft(page: Page) {
  const put = page.waitForResponse((r) => r.request().method() === 'PUT' && /\/draft$/.test(new URL(r.url()).pathname));
  await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
  const res = await put;
  expect(res.status(), await res.text()).toBe(200);
}

/** The options of the select dropdown now open, then closes it. */
async function openOptions(page: Page): Promise<string[]> {
  const open = '.ant-select-dropdown:not(.ant-select-dropdown-hidden)';
  await page.locator(`${open} .ant-select-item-option`).first().waitFor();
  const texts = await page.locator(`${open} .ant-select-item-option`).allInnerTexts();
  await page.keyboard.press('Escape');
  await page.waitForFunction((sel) => !document.querySelector(sel), open);
  return texts.map((x) => x.trim());
}

describe.skipIf(e2e.skip !== null)('the administrator edits a step’s consultations', () => {
  const b = useBrowser();
  let admin: Page;
  let url = '';

  it('opens a seeded draft procedure at its workflow', async () => {
    ({ page: admin } = await newPage(b.browser!));
    await login(admin, ADMIN, '/admin/procedures');
    const list = await (await admin.request.get('/api/v1/admin/procedures?status=draft&pageSize=50')).json();
    const items = list.items as { id: string; name: string }[];
    // The police's procedures: the demo province has no agency for them, so the seed kept them as drafts.
    const draft = items.find((p) => /lý lịch tư pháp/i.test(p.name)) ?? items[0];
    expect(draft, JSON.stringify(items.map((p) => p.name))).toBeDefined();
    url = `/admin/procedures/${draft!.id}`;
    await admin.goto(url);
    await admin.getByRole('tab', { name: /^Quy trình xử lý/ }).click();
    await admin.getByRole('region', { name: 'Bước 1' }).waitFor();
  });

  it('adds a consultation to step 1 and saves it; after a reload it is kept', async () => {
    const step1 = admin.getByRole('region', { name: 'Bước 1' });
    await step1.getByText('Bước này không lấy ý kiến cơ quan khác.').waitFor();
    await step1.getByRole('button', { name: 'Thêm cơ quan lấy ý kiến' }).click();
    const consultation = step1.getByRole('group', { name: 'Lấy ý kiến 1 của bước 1' });
    await consultation.getByLabel('Nội dung lấy ý kiến').fill(ASKED);
    await expectAccessible(admin, 'workflow: consultation added');
    await screenshot(admin, 'admin-workflow-consultation');
    await saveDraft(admin);

    await admin.reload();
    await admin.getByRole('tab', { name: /^Quy trình xử lý/ }).click();
    const kept = admin.getByRole('region', { name: 'Bước 1' }).getByRole('group', { name: 'Lấy ý kiến 1 của bước 1' });
    await kept.waitFor();
    expect(await kept.getByLabel('Nội dung lấy ý kiến').inputValue()).toBe(ASKED);
    // Consulting is an action of the step: it came with the first target.
    expect(await admin.getByRole('region', { name: 'Bước 1' }).getByLabel('Lấy ý kiến cơ quan khác').isChecked()).toBe(
      true,
    );
  });

  it('removes it and saves; after a reload the step consults no one', async () => {
    const step1 = admin.getByRole('region', { name: 'Bước 1' });
    await step1.getByRole('button', { name: 'Xóa lấy ý kiến 1' }).click();
    await step1.getByText('Bước này không lấy ý kiến cơ quan khác.').waitFor();
    await saveDraft(admin);
    await admin.reload();
    await admin.getByRole('tab', { name: /^Quy trình xử lý/ }).click();
    const again = admin.getByRole('region', { name: 'Bước 1' });
    await again.getByText('Bước này không lấy ý kiến cơ quan khác.').waitFor();
    expect(await again.getByRole('group', { name: 'Lấy ý kiến 1 của bước 1' }).count()).toBe(0);
    await expectAccessible(admin, 'workflow: consultation removed');
  });

  it('no level list offers the district level, gone since 1 July 2025: procedure level, agency filter and form', async () => {
    await admin.goto(url);
    await admin.getByRole('tab', { name: /^Thông tin thủ tục/ }).click();
    await admin.locator('#proc-level').click();
    expect(await openOptions(admin)).toEqual(['Cấp tỉnh', 'Cấp xã']);

    await admin.goto('/admin/agencies');
    await admin.getByLabel('Cấp', { exact: true }).click();
    const filter = await openOptions(admin);
    expect(filter).toContain('Xã');
    expect(filter.filter((o) => /Huyện/.test(o))).toEqual([]);
    await admin.getByRole('button', { name: 'Thêm cơ quan' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Cấp', { exact: true }).click();
    const form = await openOptions(admin);
    expect(form).toContain('Xã');
    expect(form.filter((o) => /Huyện/.test(o))).toEqual([]);
    await expectAccessible(admin, 'new agency dialog');
  });
});
