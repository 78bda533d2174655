import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  act,
  e2e,
  expectAccessible,
  expectNoHorizontalScroll,
  expectTestIdText,
  login,
  newPage,
  screenshot,
  tinyPdf,
  useBrowser,
} from './helpers.ts';

/**
 * The whole journey of a two-agency dossier in the browser: a citizen on a 360 px phone finds the
 * procedure and applies online → the one-stop counter receives it → the land division claims it
 * and consults the commune → the commune answers → the department leader approves, signs and
 * finishes → the counter returns the result → the citizen rates it; anyone can look it up.
 */
/** No description list or card body hides content beyond its own width (clipped, not scrolled). */
async function expectNothingClipped(page: Page, label: string) {
  const clipped = await page.evaluate(() =>
    [...document.querySelectorAll('.ant-descriptions-view, .ant-card-body')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1)
      .map((e) => `${e.className}: ${e.scrollWidth}px in ${e.clientWidth}px`),
  );
  expect(clipped, `${label}: clipped content`).toEqual([]);
}

const LAND = 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất';

describe.skipIf(e2e.skip !== null)('two-agency dossier, online application to rating', () => {
  const b = useBrowser();
  let code = '';
  let secret = '';
  let dossierUrl = '';
  let citizen: Page;
  let applyPath = '';

  it('the citizen searches the catalog without accents and opens the procedure (360 px)', async () => {
    ({ page: citizen } = await newPage(b.browser!, { width: 360, height: 740 }));
    await citizen.goto('/');
    await expectNoHorizontalScroll(citizen, 'home');
    await expectAccessible(citizen, 'home');
    await citizen.getByLabel('Tên thủ tục (gõ không dấu cũng được)').fill('cap lai giay chung nhan quyen su dung dat');
    await citizen.getByRole('link', { name: LAND }).click();
    await citizen.getByRole('heading', { name: LAND }).waitFor();
    await expectNoHorizontalScroll(citizen, 'procedure');
    await expectAccessible(citizen, 'procedure');
    await screenshot(citizen, 'portal-procedure-360');
  });

  it('signs in, fills the form, uploads the document, submits and gets the receipt', async () => {
    await citizen.getByRole('button', { name: 'Đăng nhập để nộp hồ sơ trực tuyến' }).click();
    await citizen.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill('048090001234');
    await citizen.getByLabel('Mật khẩu').fill('motcua2026');
    await citizen.getByRole('button', { name: 'Đăng nhập' }).click();
    await citizen.waitForURL(/\/apply/);
    applyPath = new URL(citizen.url()).pathname;
    // The procedure's e-form (Mẫu số 18, cấp lại Giấy chứng nhận do bị mất): its required fields.
    await citizen.getByLabel('Tên người sử dụng đất, chủ sở hữu tài sản gắn liền với đất').fill('NGUYỄN VĂN AN');
    await citizen.getByLabel('Số định danh cá nhân của người sử dụng đất').fill('048090001234');
    await citizen.getByLabel('Địa chỉ của người sử dụng đất').fill('12 Lê Duẩn, Hải Châu');
    await citizen.getByLabel('Thửa đất số', { exact: true }).fill('125');
    await citizen.getByLabel('Tờ bản đồ số', { exact: true }).fill('12');
    await citizen.getByLabel('Địa chỉ thửa đất', { exact: true }).fill('12 Lê Duẩn, Hải Châu');
    await citizen.getByLabel('Lý do đề nghị cấp lại Giấy chứng nhận').fill('Bị mất khi chuyển nhà tháng 10/2026');
    await citizen.getByLabel('Xã, phường nơi cư trú').fill('Hải Châu');
    await citizen.locator('.ant-select-item-option', { hasText: 'Phường Hải Châu' }).first().click();
    await citizen.getByLabel('Địa chỉ', { exact: true }).fill('12 Lê Duẩn, Hải Châu');
    await expectNoHorizontalScroll(citizen, 'apply');
    await expectAccessible(citizen, 'apply: e-form');
    await screenshot(citizen, 'portal-apply-360');
    await citizen.getByRole('button', { name: 'Tiếp tục' }).click();
    await citizen.getByTestId('doc-0').setInputFiles(tinyPdf());
    await citizen.getByText('Đã tải lên: giay-to.pdf').waitFor();
    await expectAccessible(citizen, 'apply: documents');
    await citizen.getByRole('button', { name: 'Tiếp tục' }).click();
    await citizen.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    code = (await citizen.getByTestId('dossier-code').textContent()) ?? '';
    secret = (await citizen.getByTestId('lookup-secret').textContent()) ?? '';
    expect(code).toMatch(/^000\.01\.20\.H\d+-\d{6}-\d{4}$/);
    await expectAccessible(citizen, 'receipt');
    await expectNoHorizontalScroll(citizen, 'receipt');
    await screenshot(citizen, 'portal-receipt-360');
    await citizen.getByRole('link', { name: 'Xem hồ sơ của tôi' }).click();
    await citizen.getByTestId('dossier-status').waitFor();
    await expectTestIdText(citizen, 'dossier-status', 'Mới đăng ký');
    await citizen.getByRole('link', { name: 'giay-to.pdf' }).waitFor();
    await expectNoHorizontalScroll(citizen, 'my dossier (submitted)');
  });

  it('the receptionist checks the documents, receives it (receipt PDF) and transfers it', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'tiepnhan.ttphc');
    await page.getByRole('link', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.getByRole('link', { name: code }).click();
    dossierUrl = new URL(page.url()).pathname;
    await expectAccessible(page, 'dossier (reception)');
    await act(page, 'receive', async (p) => {
      await p.getByRole('dialog').getByRole('checkbox').first().check();
    });
    await expectTestIdText(page, 'dossier-status', 'Đã tiếp nhận');
    const receipt = await page.request.get(`/api/v1${dossierUrl.replace('/office', '')}/documents/01`);
    expect(receipt.headers()['content-type']).toBe('application/pdf');
    expect((await receipt.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await screenshot(page, 'office-dossier-received');
    await act(page, 'forward');
    await expectTestIdText(page, 'dossier-status', 'Đang xử lý');
  });

  it('the land division claims it from the unit queue and consults the commune', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'chuyenvien.snnmt');
    await page.goto('/office?queue=unit_unclaimed');
    const row = page.getByRole('row').filter({ hasText: code });
    await row.waitFor();
    await expectAccessible(page, 'queues');
    await screenshot(page, 'office-queues');
    await row.getByRole('button', { name: 'Nhận xử lý' }).click();
    await page.waitForURL(/\/office\/dossiers\//);
    await page.locator('button[data-action="consult"]').waitFor();
    // The applicant's PDF opens beside the form, served inline (not as a download).
    await page.getByRole('button', { name: 'Xem giay-to.pdf' }).click();
    const preview = page.getByTestId('file-preview').locator('iframe[title="giay-to.pdf"]');
    await preview.waitFor();
    const inline = await page.request.get((await preview.getAttribute('src'))!);
    expect(inline.status()).toBe(200);
    expect(inline.headers()['content-type']).toBe('application/pdf');
    expect(inline.headers()['content-disposition']).toMatch(/^inline; filename="giay-to\.pdf"/);
    await expectAccessible(page, 'dossier with file preview');
    await screenshot(page, 'office-file-preview');
    // Closed again before acting: with Chromium's PDF viewer just loaded in the page, the next
    // click on an action button was once swallowed (docs/web.md, known issues).
    await page.getByRole('button', { name: 'Xem giay-to.pdf' }).click();
    await preview.waitFor({ state: 'detached' });
    await act(page, 'consult', async (p) => {
      await p.getByRole('dialog').getByRole('checkbox').first().check();
    });
    await page.getByText('Đang xin ý kiến').waitFor();
  });

  it('the commune answers the consultation', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'chuyenvien.haichau');
    await page.goto('/office?queue=consultation');
    await page.getByRole('link', { name: code }).click();
    await act(page, 'consultation_result');
  });

  it('the division forwards; the leader attaches the result, approves, confirms it and finishes', async () => {
    const officer = (await newPage(b.browser!)).page;
    await login(officer, 'chuyenvien.snnmt');
    await officer.goto(dossierUrl);
    await act(officer, 'forward');
    const leader = (await newPage(b.browser!)).page;
    await login(leader, 'lanhdao.snnmt');
    await leader.goto(dossierUrl);
    // Approval is about the result document: it is attached first (issue 13).
    await leader.getByTestId('result-upload').setInputFiles({ ...tinyPdf(), name: 'giay-chung-nhan.pdf' });
    await leader.getByRole('link', { name: 'giay-chung-nhan.pdf' }).waitFor();
    await act(leader, 'approve');
    await act(leader, 'sign');
    await act(leader, 'finish');
    await expectTestIdText(leader, 'dossier-status', 'Chờ trả kết quả');
    await expectAccessible(leader, 'dossier (leader)');
    await screenshot(leader, 'office-dossier-leader');
  });

  it('the counter returns the result', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'tiepnhan.ttphc');
    await page.getByRole('link', { name: 'Trả kết quả' }).click();
    await page.getByRole('link', { name: code }).click();
    await act(page, 'return_result');
    await expectTestIdText(page, 'dossier-status', 'Đã trả kết quả');
  });

  it('the citizen downloads the result and rates the service; the public lookup shows it', async () => {
    await citizen.reload();
    await citizen.getByRole('link', { name: /giay-chung-nhan\.pdf/ }).waitFor();
    // Each criterion has its own scale (issue 13); its first answer is the best one.
    for (const group of await citizen.getByRole('radiogroup').all()) {
      await group.getByRole('radio').first().check();
    }
    await expectAccessible(citizen, 'my dossier');
    await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await citizen.getByText('Cảm ơn bạn đã đánh giá').waitFor();
    // At 360 px the page does not scroll sideways and no description list is clipped inside its card
    // (a two-column bordered list pushed the settlement tag 16 px past the card's edge).
    await expectNoHorizontalScroll(citizen, 'my dossier');
    await expectNothingClipped(citizen, 'my dossier');
    await screenshot(citizen, 'portal-my-dossier-360');

    const { page } = await newPage(b.browser!, { width: 360, height: 740 });
    await page.goto('/lookup');
    await page.getByLabel('Mã hồ sơ').fill(code);
    await page.getByLabel('Mật khẩu tra cứu hoặc số điện thoại').fill(secret);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    await expectTestIdText(page, 'lookup-status', 'Đã trả kết quả');
    await expectAccessible(page, 'lookup');
    await expectNoHorizontalScroll(page, 'lookup');
    await expectNothingClipped(page, 'lookup');
    await screenshot(page, 'portal-lookup-360');
  });

  it('the citizen starts the procedure again and discards the draft, from the wizard and from "Hồ sơ của tôi"', async () => {
    const procedurePath = applyPath.replace(/\/apply$/, '');
    const startDraft = async () => {
      await citizen.goto(applyPath);
      await citizen.getByLabel('Lý do đề nghị cấp lại Giấy chứng nhận').fill('Thử hủy bản nháp');
      await citizen
        .getByTestId('save-status')
        .filter({ hasText: /^Đã lưu lúc/ })
        .waitFor();
    };
    const drafts = async () =>
      ((await (await citizen.request.get('/api/v1/drafts')).json()).items as { procedureName: string }[]).filter(
        (d) => d.procedureName === LAND,
      );
    // From the wizard: asked first, then the draft is gone and the procedure's page shows.
    await startDraft();
    expect(await drafts()).toHaveLength(1);
    await citizen.getByTestId('discard-draft').click();
    const confirm = citizen.getByRole('dialog', { name: `Hủy bản nháp «${LAND}»?` });
    await confirm.waitFor();
    await expectAccessible(citizen, 'discard draft: confirmation');
    await confirm.getByRole('button', { name: 'Hủy bản nháp' }).click();
    await citizen.waitForURL((u) => u.pathname === procedurePath);
    expect(await drafts()).toEqual([]);
    // From "Hồ sơ của tôi": "Giữ lại" keeps it; confirming discards it.
    await startDraft();
    await citizen.goto('/my');
    // This draft's button in the list (the confirmation has its own "Hủy bản nháp"; other specs may
    // leave drafts of other procedures for the same citizen).
    const [mine] = (await (await citizen.request.get('/api/v1/drafts')).json()).items.filter(
      (d: { procedureName: string }) => d.procedureName === LAND,
    ) as { id: string }[];
    const discard = citizen.getByTestId(`discard-draft-${mine!.id}`);
    await discard.click();
    await citizen.getByRole('dialog').getByRole('button', { name: 'Giữ lại' }).click();
    await citizen.getByRole('dialog').waitFor({ state: 'detached' });
    expect(await drafts()).toHaveLength(1);
    await expectNoHorizontalScroll(citizen, 'my dossiers with a draft');
    await screenshot(citizen, 'portal-my-dossiers-draft-360');
    await discard.click();
    await citizen.getByRole('dialog').getByRole('button', { name: 'Hủy bản nháp' }).click();
    await discard.waitFor({ state: 'detached' });
    expect(await drafts()).toEqual([]);
  });
});
