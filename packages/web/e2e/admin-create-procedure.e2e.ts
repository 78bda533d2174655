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
 * A new administrator creates a procedure from the UI alone — a commune-level one handled by the
 * ward Hải Châu, two documents (one mandatory), a fee, an e-form with three boxes (one a required
 * choice), a two-step workflow —, is refused publishing while the workflow is broken and sees why,
 * fixes it, previews it as citizens will see it and publishes it; a citizen then finds it on the
 * portal and applies online, and the ward's receptionist receives the dossier.
 */
const NAME = 'Xác nhận thông tin cư trú để thử nghiệm thủ tục mới';
const DOC_1 = 'Đơn đề nghị xác nhận (theo mẫu)';
const DOC_2 = 'Giấy ủy quyền (trường hợp nộp thay)';
const FEE = 'Lệ phí xác nhận thử nghiệm';

/** Pick an option of the open antd select (or tree select) by its visible text. */
async function pick(page: Page, text: string) {
  const option = page
    .locator(
      '.ant-select-dropdown:not(.ant-select-dropdown-hidden) :is(.ant-select-item-option, .ant-select-tree-node-content-wrapper)',
    )
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .first();
  await option.click();
  await page.keyboard.press('Escape');
  await closedDropdowns(page);
}

/** Wait until no select dropdown is open (closing ones finish their animation). */
async function closedDropdowns(page: Page) {
  await page.waitForFunction(() => !document.querySelector('.ant-select-dropdown:not(.ant-select-dropdown-hidden)'));
}

describe.skipIf(e2e.skip !== null)('an administrator creates a procedure from the UI alone', () => {
  const b = useBrowser();
  let admin: Page;
  let procedureUrl = '';
  let procedureId = '';
  let code = '';

  it('the procedure list offers "Thêm thủ tục", also on a 360 px screen', async () => {
    const narrow = (await newPage(b.browser!, { width: 360, height: 740 })).page;
    await login(narrow, 'admin', '/admin/procedures');
    await narrow.getByRole('heading', { name: 'Thủ tục hành chính', exact: true }).waitFor();
    // A phone gets the list as cards.
    await narrow.locator('.card-list li').first().waitFor();
    await narrow.getByRole('button', { name: 'Thêm thủ tục' }).waitFor();
    await screenshot(narrow, 'admin-procedures-360');
    await expectNoHorizontalScroll(narrow, 'procedures list at 360 px');
    await expectAccessible(narrow, 'procedures list at 360 px');
    // Names, fields and levels in words: no raw level codes in the list.
    const text = (await narrow.locator('.card-list').textContent()) ?? '';
    expect(text).not.toMatch(/\b(province|commune|district)\b/);

    ({ page: admin } = await newPage(b.browser!));
    await login(admin, 'admin', '/admin/procedures');
    await admin.getByRole('button', { name: 'Thêm thủ tục' }).click();
    await admin.waitForURL(/\/admin\/procedures\/new$/);
    await admin.getByRole('heading', { name: 'Thêm thủ tục mới' }).waitFor();
  });

  it('fills the general part and every field of the public record', async () => {
    await admin.getByLabel('Tên thủ tục', { exact: true }).fill(NAME);
    await admin.getByLabel('Thời hạn giải quyết — Số').fill('5');
    // The unit is said in words; the list offers no raw codes.
    await admin.getByLabel('Thời hạn giải quyết — Đơn vị').click();
    for (const unit of ['ngày làm việc', 'giờ làm việc', 'ngày (tính cả ngày nghỉ)'])
      await admin.locator('.ant-select-item-option', { hasText: unit }).first().waitFor();
    await pick(admin, 'ngày làm việc');

    // The level offers the two levels of local government only.
    await admin.getByLabel('Cấp thực hiện').click();
    await admin.locator('.ant-select-item-option', { hasText: 'Cấp xã' }).waitFor();
    const levels = await admin
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .allTextContents();
    expect(levels).toEqual(['Cấp tỉnh', 'Cấp xã']);
    await pick(admin, 'Cấp xã');
    await admin.getByLabel('Lĩnh vực', { exact: true }).fill('chung thuc');
    await pick(admin, 'Chứng thực');
    await admin.getByLabel('Kết quả thực hiện').fill('Giấy xác nhận thông tin cư trú');
    await admin.getByLabel(/^Căn cứ pháp lý/).fill('Luật Cư trú số 68/2020/QH14\nNghị định 118/2025/NĐ-CP');

    await admin.getByRole('button', { name: 'Thêm giấy tờ' }).click();
    await admin.getByRole('button', { name: 'Thêm giấy tờ' }).click();
    await admin.getByLabel('Thành phần hồ sơ 1', { exact: true }).fill(DOC_1);
    await admin.getByLabel('Thành phần hồ sơ 2', { exact: true }).fill(DOC_2);
    await admin.getByLabel('Bản sao 2', { exact: true }).fill('1');
    await admin.getByLabel('Bản chính 2', { exact: true }).fill('0');
    await admin.getByLabel('Yêu cầu 2', { exact: true }).click();
    await pick(admin, 'Có điều kiện');
    await admin.getByLabel('Điều kiện 2', { exact: true }).fill('Khi người khác nộp thay người yêu cầu');

    await admin.getByRole('button', { name: 'Thêm phí, lệ phí' }).click();
    await admin.getByLabel('Phí, lệ phí 1', { exact: true }).fill(FEE);
    await admin.getByLabel('Mức thu (đồng) 1', { exact: true }).fill('20000');
    await admin.getByLabel('Mức thu (đồng) 1', { exact: true }).blur();
    expect(await admin.getByLabel('Mức thu (đồng) 1', { exact: true }).inputValue()).toBe('20.000');
    await expectAccessible(admin, 'new procedure: details');
    await screenshot(admin, 'admin-procedure-new-details');
  });

  it('designs the e-form: three boxes, one a required choice', async () => {
    await admin.getByRole('tab', { name: /^Tờ khai điện tử/ }).click();
    for (let i = 0; i < 3; i++) await admin.getByRole('button', { name: 'Thêm ô nhập' }).click();
    await admin.getByLabel('Tên ô (nhãn) 1').fill('Họ và tên người yêu cầu');
    await admin.getByLabel('Bắt buộc 1').check();
    await admin.getByLabel('Tên ô (nhãn) 2').fill('Ngày bắt đầu cư trú');
    await admin.getByLabel('Kiểu dữ liệu 2').click();
    await pick(admin, 'Ngày tháng');
    await admin.getByLabel('Tên ô (nhãn) 3').fill('Mục đích xác nhận');
    await admin.getByLabel('Kiểu dữ liệu 3').click();
    await pick(admin, 'Chọn một trong danh sách');
    await admin
      .getByLabel('Các lựa chọn (mỗi lựa chọn cách nhau dấu phẩy) 3')
      .fill('Bổ sung hồ sơ việc làm, Nhập học, Khác');
    await admin.getByLabel('Bắt buộc 3').check();
    // The key comes from the label; the administrator never types it.
    await admin.getByText('hoVaTenNguoiYeuCau', { exact: true }).waitFor();
    // The preview is the form the portal renders, in the designed order.
    await admin.getByLabel(/^Họ và tên người yêu cầu/).waitFor();
    await admin.getByLabel(/^Mục đích xác nhận/).waitFor();
    await expectAccessible(admin, 'new procedure: e-form');
    await screenshot(admin, 'admin-procedure-new-eform');
  });

  it('designs a broken two-step workflow and is refused, with the reason in words', async () => {
    await admin.getByRole('tab', { name: /^Quy trình xử lý/ }).click();
    await admin.getByText('Thủ tục chưa có quy trình xử lý.', { exact: false }).waitFor();
    await admin.getByRole('button', { name: 'Thêm bước' }).click();
    await admin.getByRole('button', { name: 'Thêm bước' }).click();
    const step1 = admin.getByRole('region', { name: 'Bước 1' });
    const step2 = admin.getByRole('region', { name: 'Bước 2' });
    await step1.getByLabel('Tên bước').fill('Thụ lý, kiểm tra thông tin cư trú');
    await step1.getByLabel('Thời gian được giao Bước 1', { exact: true }).fill('3');
    await step2.getByLabel('Tên bước').fill('Lãnh đạo phường ký xác nhận');
    await step2.getByLabel('Người thực hiện').click();
    // Roles in Vietnamese.
    await pick(admin, 'Lãnh đạo (phê duyệt, ký)');
    await step2.getByLabel('Thời gian được giao Bước 2', { exact: true }).fill('1');
    await step2.getByLabel('Phê duyệt').check();
    await step2.getByLabel('Ký kết quả').check();
    await step2.getByLabel('Chuyển bước tiếp theo').uncheck();
    // The total against the legal limit, in working days.
    await admin.getByText('Tổng thời gian các bước: 4 ngày làm việc — thời hạn giải quyết: 5 ngày làm việc').waitFor();
    // No step is marked as the one giving the result: the workflow is broken.
    await admin.getByRole('button', { name: 'Công bố' }).click();
    const issues = admin.getByTestId('procedure-issues');
    await issues.waitFor();
    await issues.getByText('Chưa có bước nào được đánh dấu «Bước cho kết quả»', { exact: false }).waitFor();
    await step2.getByText('Bước cuối cùng trong danh sách phải là «Bước cho kết quả»').waitFor();
    await step2.getByText('Bước chưa phải bước cuối phải cho phép «Chuyển bước tiếp theo»').waitFor();
    const text = (await issues.textContent()) ?? '';
    expect(text).not.toMatch(/body\.|steps\.\d|buoc\d|working_days|officer|leader/);
    expect(admin.url()).toMatch(/\/admin\/procedures\/new$/); // nothing was created
    await expectAccessible(admin, 'new procedure: workflow refused');
    await screenshot(admin, 'admin-procedure-new-workflow-refused');
  });

  it('fixes the workflow; publishing is refused while no agency handles the procedure', async () => {
    const step2 = admin.getByRole('region', { name: 'Bước 2' });
    await step2.getByLabel('Bước cho kết quả (kết thúc giải quyết)').check();
    await admin.getByRole('button', { name: 'Công bố' }).click();
    // Saved as a draft (the address now names the procedure), but the server refuses to publish.
    await admin.waitForURL(/\/admin\/procedures\/[0-9a-f-]{36}$/);
    procedureUrl = new URL(admin.url()).pathname;
    procedureId = procedureUrl.split('/').at(-1)!;
    await admin.getByText('Chưa công bố được', { exact: false }).waitFor();
    await admin
      .getByTestId('procedure-issues')
      .getByText(/chưa có cơ quan thực hiện/)
      .first()
      .waitFor();
    const view = await (await admin.request.get(`/api/v1/admin/procedures/${procedureId}`)).json();
    expect(view.published).toBeNull();
    expect(view.draft.name).toBe(NAME);
    await screenshot(admin, 'admin-procedure-publish-refused');

    // The handling agency chosen by name, typed without accents, in the agency tree.
    await admin.getByRole('tab', { name: /^Thông tin thủ tục/ }).click();
    await admin.getByLabel('Cơ quan thực hiện (nơi nhận và giải quyết hồ sơ)').fill('hai chau');
    await pick(admin, 'UBND Phường Hải Châu');
    await expectAccessible(admin, 'procedure: agency chosen');
  });

  it('previews the public page and the e-form, then publishes', async () => {
    await admin.getByRole('tab', { name: 'Xem trước' }).click();
    const preview = admin.getByRole('article', { name: 'Xem trước' });
    await preview.getByRole('heading', { name: NAME }).waitFor();
    await preview.getByText('UBND Phường Hải Châu').waitFor();
    await preview.getByText('Cấp xã', { exact: true }).waitFor();
    await preview.getByText('5 ngày làm việc').waitFor();
    await preview.getByText(/20\.000\s₫/).waitFor();
    await preview.getByText(DOC_1).waitFor();
    await preview.getByText('Khi người khác nộp thay người yêu cầu').waitFor();
    await preview.getByLabel(/^Mục đích xác nhận/).waitFor();
    await expectAccessible(admin, 'procedure preview');
    await screenshot(admin, 'admin-procedure-preview');

    await admin.getByRole('button', { name: 'Công bố' }).click();
    await admin.getByText('Đã công bố phiên bản 1').first().waitFor();
    const view = await (await admin.request.get(`/api/v1/admin/procedures/${procedureId}`)).json();
    expect(view.draft).toBeNull();
    expect(view.published.versionNo).toBe(1);
    expect(view.published.level).toBe('commune');
    expect(view.published.fees).toEqual([{ name: FEE, amountVnd: 20000, text: null }]);
    expect(view.published.documents.map((d: { requirement: string }) => d.requirement)).toEqual([
      'mandatory',
      'conditional',
    ]);
    expect(view.published.agencies.map((a: { name: string }) => a.name)).toEqual(['UBND Phường Hải Châu']);
    expect(view.published.eForm.uiSchema['ui:order']).toEqual([
      'hoVaTenNguoiYeuCau',
      'ngayBatDauCuTru',
      'mucDichXacNhan',
    ]);
    expect(view.published.eForm.schema.required).toEqual(['hoVaTenNguoiYeuCau', 'mucDichXacNhan']);
    expect(
      view.published.workflow.steps.map((s: { role: string; final?: boolean; allotment: unknown }) => [
        s.role,
        s.final ?? false,
        s.allotment,
      ]),
    ).toEqual([
      ['officer', false, { days: 3 }],
      ['leader', true, { days: 1 }],
    ]);
    await expectAccessible(admin, 'procedure published');
    await screenshot(admin, 'admin-procedure-published');
    // It is in the administration's list, published.
    await admin.goto('/admin/procedures');
    await admin.getByLabel('Tìm kiếm').fill('xac nhan thong tin cu tru de thu nghiem');
    await admin.getByRole('row', { name: new RegExp(`${NAME}.*Đang áp dụng \\(phiên bản 1\\)`) }).waitFor();
  });

  it('a citizen finds it on the portal and applies online', async () => {
    const { page } = await newPage(b.browser!);
    await page.goto('/');
    await page.getByLabel('Tên thủ tục (gõ không dấu cũng được)').fill('xac nhan thong tin cu tru de thu nghiem');
    await page.getByRole('link', { name: NAME }).click();
    await page.getByRole('heading', { name: NAME }).waitFor();
    await page.getByText(FEE, { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Đăng nhập để nộp hồ sơ trực tuyến' }).click();
    await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill('048090001234');
    await page.getByLabel('Mật khẩu').fill('motcua2026');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/apply/);
    // The e-form the administrator designed.
    await page.getByLabel(/^Họ và tên người yêu cầu/).fill('Nguyễn Thị Ánh');
    await page.getByLabel(/^Mục đích xác nhận/).click();
    await pick(page, 'Nhập học');
    const residence = page.getByLabel('Xã, phường nơi cư trú');
    if (await residence.count()) {
      await residence.fill('Hai Chau');
      await pick(page, 'Phường Hải Châu');
    }
    const address = page.getByLabel('Địa chỉ', { exact: true });
    if (await address.count()) await address.fill('12 Lê Duẩn, phường Hải Châu');
    await expectAccessible(page, 'apply for the new procedure');
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await page.getByTestId('doc-0').setInputFiles(tinyPdf());
    await page.getByText('Đã tải lên: giay-to.pdf').waitFor();
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    code = (await page.getByTestId('dossier-code').textContent()) ?? '';
    expect(code).toMatch(/-\d{6}-\d{4}$/);
    await screenshot(page, 'portal-apply-new-procedure');
  });

  it('the ward’s receptionist receives it', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'tiepnhan.haichau');
    await page.getByRole('link', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.getByRole('link', { name: code }).click();
    await act(page, 'receive', async (p) => {
      const boxes = p.getByRole('dialog').getByRole('checkbox');
      for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
    });
    await expectTestIdText(page, 'dossier-status', 'Đã tiếp nhận');
    await expectAccessible(page, 'new procedure received');
    await screenshot(page, 'office-new-procedure-received');
  });
});
