import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../server/src/db/database.ts';
import { e2e, expectAccessible, login, newPage, PASSWORD, screenshot, useBrowser } from './helpers.ts';

const LAND = 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất';

describe.skipIf(e2e.skip !== null)('the one-stop counter, keyboard only', () => {
  const b = useBrowser();

  it('a walk-in dossier is entered with the keyboard alone and its receipt printed', async () => {
    const { context, page } = await newPage(b.browser!);
    // Sign in by keyboard: the username field has focus, Tab to the password, Enter submits.
    await page.goto('/login?next=/office/walk-in');
    await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').waitFor();
    await page.keyboard.type('tiepnhan.haichau');
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/office\/walk-in/);
    await page.getByRole('heading', { name: 'Tiếp nhận hồ sơ trực tiếp' }).waitFor();
    await expectAccessible(page, 'walk-in');
    // The procedure field has focus: type to search, Enter picks the first match.
    await page.waitForFunction(() => document.activeElement?.id === 'procedureId');
    await page.keyboard.type('xac nhan tinh trang hon nhan');
    await page
      .locator('.ant-select-item-option', { hasText: 'Cấp Giấy xác nhận tình trạng hôn nhân' })
      .first()
      .waitFor();
    await page.keyboard.press('Enter');
    const tabTo = async (id: string) => {
      for (let i = 0; i < 8; i++) {
        if (await page.evaluate((x) => document.activeElement?.id === x, id)) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached #${id}`);
    };
    // A citizen with a portal account: the ID number finds her and fills in her name and phone.
    await tabTo('idNumber');
    await page.keyboard.type('048090001234');
    await page.getByText(/Đã có tài khoản trên Cổng: Nguyễn Thị Ánh/).waitFor();
    expect(await page.locator('#name').inputValue()).toBe('Nguyễn Thị Ánh');
    expect(await page.locator('#phone').inputValue()).toBe('0905123456');
    await tabTo('address');
    await page.keyboard.type('12 Lê Duẩn, phường Hải Châu');
    await screenshot(page, 'office-walk-in');
    // Tick the mandatory components received (Decree 118/2025 art. 17(3)), by keyboard: Tab to each
    // unticked mandatory checkbox, Space ticks it. Until then the receive button is disabled.
    await page.getByTestId('walkin-missing').waitFor();
    for (let i = 0; i < 40; i++) {
      const left = await page.locator('tr[data-mandatory="true"] input[type="checkbox"]:not(:checked)').count();
      if (left === 0) break;
      await page.keyboard.press('Tab');
      const onMandatory = await page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return !!el && el.type === 'checkbox' && !el.checked && !!el.closest('tr[data-mandatory="true"]');
      });
      if (onMandatory) await page.keyboard.press('Space');
    }
    await page.getByTestId('walkin-missing').waitFor({ state: 'detached' });
    await page.keyboard.press('Control+Enter');
    const done = page.getByText(/^Đã tiếp nhận hồ sơ /);
    await done.waitFor();
    const code = /hồ sơ (\S+)/.exec((await done.textContent()) ?? '')![1]!;
    expect(code).toMatch(/^001\.01\.90\.H\d+-\d{6}-\d{4}$/);
    // The receipt button has focus: Enter opens form 01 (PDF) in a new tab.
    const popup = context.waitForEvent('page');
    await page.keyboard.press('Enter');
    const receiptUrl = (await popup).url();
    expect(receiptUrl).toMatch(/\/api\/v1\/dossiers\/[0-9a-f-]{36}\/documents\/01$/);
    const pdf = await page.request.get(receiptUrl);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await expectAccessible(page, 'walk-in received');
    await screenshot(page, 'office-walk-in-received');
  });
});

describe.skipIf(e2e.skip !== null)('administration', () => {
  const b = useBrowser();

  it('an administrator adds an e-form field and publishes; a citizen sees it when applying', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'admin');
    await page.getByRole('link', { name: 'Thủ tục hành chính' }).click();
    await page.getByLabel('Tìm kiếm').fill('cap lai giay chung nhan quyen su dung dat');
    await page.getByRole('link', { name: LAND }).click();
    await page.getByRole('heading', { name: LAND }).waitFor();
    const procedureId = new URL(page.url()).pathname.split('/').at(-1)!;
    // The procedure's details: a new fee with its amount in VND.
    const fees = await page.getByLabel(/^Phí, lệ phí \d+$/).count();
    await page.getByRole('button', { name: 'Thêm phí, lệ phí' }).click();
    await page.getByLabel(`Phí, lệ phí ${fees + 1}`, { exact: true }).fill('Lệ phí cấp lại (thử nghiệm)');
    await page.getByLabel(`Mức thu (đồng) ${fees + 1}`, { exact: true }).fill('50000');
    await expectAccessible(page, 'procedure details editor');
    await screenshot(page, 'admin-procedure-details');
    await page.getByRole('tab', { name: /^Tờ khai điện tử/ }).click();
    // A new box after the procedure's own ones; its key is made from its label.
    const boxes = await page.getByLabel(/^Tên ô \(nhãn\) \d+$/).count();
    await page.getByRole('button', { name: 'Thêm ô nhập' }).click();
    await page.getByLabel(`Tên ô (nhãn) ${boxes + 1}`, { exact: true }).fill('Số Giấy chứng nhận bị mất');
    await page.getByRole('button', { name: 'Công bố', exact: true }).click();
    await page
      .getByText(/Đã công bố phiên bản \d+/)
      .first()
      .waitFor();
    await expectAccessible(page, 'procedure editor');
    await screenshot(page, 'admin-eform-designer');
    await page.getByRole('tab', { name: /^Quy trình xử lý/ }).click();
    await page.getByText('Tổng thời gian các bước: 9 ngày làm việc — thời hạn giải quyết: 10 ngày làm việc').waitFor();
    await screenshot(page, 'admin-workflow-designer');

    const citizen = (await newPage(b.browser!, { width: 360, height: 740 })).page;
    // Browsing by life event finds it; its page shows the new fee.
    await citizen.goto('/');
    await citizen.getByRole('button', { name: /Nhà ở, đất đai, xây dựng/ }).click();
    await citizen.getByRole('link', { name: LAND }).click();
    await citizen.getByText('Lệ phí cấp lại (thử nghiệm)').waitFor();
    await citizen
      .getByText(/50\.000\s₫/)
      .first()
      .waitFor();
    await login(citizen, '048090001234', `/procedures/${procedureId}/apply`);
    await citizen.getByLabel('Số Giấy chứng nhận bị mất').waitFor();
    await expectAccessible(citizen, 'apply with e-form');
    await screenshot(citizen, 'portal-apply-eform-360');
  });

  it('an administrator imports the catalog: the export comes back unchanged, a broken file changes nothing', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'admin', '/admin/procedures');
    const exported = await page.request.get('/api/v1/catalog/export');
    expect(exported.status()).toBe(200);
    const catalog = await exported.json();
    const total = catalog.procedures.length as number;

    await page.getByRole('button', { name: 'Nhập danh mục' }).click();
    const dialog = page.getByRole('dialog', { name: 'Nhập danh mục' });
    await dialog.getByLabel(/Tệp danh mục/).setInputFiles({
      name: 'catalog.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(catalog)),
    });
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Nhập', exact: true }).click();
    await dialog.getByText(`Đã nhập: 0 thủ tục mới, 0 cập nhật, ${total} không đổi`).waitFor();
    await expectAccessible(page, 'catalog import result');
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Đóng' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // A procedure without a name: refused as a whole, the error names the row and the field.
    const broken = structuredClone(catalog);
    broken.procedures[3].name = '';
    await page.getByRole('button', { name: 'Nhập danh mục' }).click();
    await dialog.getByLabel(/Tệp danh mục/).setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(broken)),
    });
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Nhập', exact: true }).click();
    // The error says where in words (the 4th procedure, its name), never as a JSON path.
    await dialog.getByText(/Thủ tục thứ 4/).waitFor();
    expect(await dialog.textContent()).not.toMatch(/procedures\.\d|body\./);
    await screenshot(page, 'admin-catalog-import-error');
    const after = await (await page.request.get('/api/v1/catalog/export')).json();
    expect(after).toEqual(catalog);
  });

  it('an administrator edits an agency; a stale second edit is refused with 409', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'admin', '/admin/agencies');
    await page.getByLabel('Tìm kiếm').fill('So Ngoai vu');
    await page.getByRole('button', { name: 'Sửa Sở Ngoại vụ' }).click();
    const dialog = page.getByRole('dialog', { name: /Sửa cơ quan/ });
    await dialog.getByLabel('Số điện thoại').fill('0236 3822 000');
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('row', { name: /Sở Ngoại vụ.*0236 3822 000/ }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    // Someone else saves in between: this dialog's version is stale.
    await page.getByRole('button', { name: 'Sửa Sở Ngoại vụ' }).click();
    const current = (await (await page.request.get('/api/v1/agencies?q=ngoai%20vu')).json()).items[0];
    const csrf = await (await page.request.get('/api/v1/auth/me')).json();
    const other = await page.request.patch(`/api/v1/agencies/${current.id}`, {
      headers: { 'x-csrf-token': csrf.csrfToken },
      data: { version: current.version, email: 'ngoaivu@danang.gov.vn' },
    });
    expect(other.status()).toBe(200);
    await dialog.getByLabel('Số điện thoại').fill('0236 3822 111');
    await dialog.locator('.ant-modal-footer').getByRole('button', { name: 'Lưu' }).click();
    await dialog.getByText('Dữ liệu đã bị thay đổi bởi thao tác khác').waitFor();
    await expectAccessible(page, 'agency edit conflict');
    await screenshot(page, 'admin-agency-edit');
  });

  it('an administrator adds a holiday to a year’s calendar and sees it in force', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'admin', '/admin/calendar');
    // A year no other test computes deadlines in.
    await page.getByLabel('Năm', { exact: true }).fill('2031');
    await page.getByText('Lịch nghỉ, làm bù của tỉnh năm 2031').waitFor();
    await page.getByRole('button', { name: 'Thêm ngày vào lịch' }).waitFor();
    await page.getByLabel('Ngày', { exact: true }).fill('15/07/2031');
    await page.getByLabel('Ngày', { exact: true }).press('Enter');
    await page.getByLabel('Tên (tiếng Việt)').fill('Ngày nghỉ thử nghiệm của tỉnh');
    await page.getByLabel('Căn cứ (văn bản, thông báo)').fill('Quyết định số 1/QĐ-UBND');
    await page.getByRole('button', { name: 'Thêm ngày vào lịch' }).click();
    await page.getByRole('button', { name: 'Lưu lịch năm' }).click();
    await page.getByText('Đã lưu').waitFor();
    // Listed in the editor and among the days off in force (Tuesday 15/07/2031).
    const rows = page.getByRole('row', { name: /15\/07\/2031.*Ngày nghỉ thử nghiệm của tỉnh/ });
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    await expectAccessible(page, 'calendar editor');
    await screenshot(page, 'admin-calendar-editor');
  });
});

describe.skipIf(e2e.skip !== null)('every main page passes axe; English by the switch', () => {
  const b = useBrowser();

  it('administration pages and the login page have no serious or critical violations', async () => {
    const { page } = await newPage(b.browser!);
    await page.goto('/login');
    await page.getByLabel('Mật khẩu').waitFor();
    await expectAccessible(page, 'login');
    await login(page, 'admin');
    for (const [path, heading, shot] of [
      ['/admin/procedures', 'Thủ tục hành chính', 'admin-procedures'],
      ['/admin/agencies', 'Cơ quan, đơn vị', 'admin-agencies'],
      ['/admin/users', 'Cán bộ', 'admin-users'],
      ['/admin/calendar', 'Lịch làm việc và ngày nghỉ', 'admin-calendar'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.locator('.ant-table-row').first().waitFor();
      await expectAccessible(page, path);
      // One main landmark (the admin frame used to nest a second one: axe rates that only
      // "moderate", so it is counted here), and roles, levels and units in words, never as codes.
      expect(await page.evaluate(() => document.querySelectorAll('main, [role="main"]').length), path).toBe(1);
      const text = await page.locator('main').innerText();
      expect(text, path).not.toMatch(
        /\b(officer|leader|receptionist|provincial_leader|province|commune|district|working_days)\b/,
      );
      await screenshot(page, shot);
    }
  });

  it('the portal switches to English and back', async () => {
    const { page } = await newPage(b.browser!);
    await page.goto('/');
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('heading', { name: 'Find an administrative procedure' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await screenshot(page, 'portal-home-en');
    await page.getByLabel('Language').selectOption('vi');
    await page.getByRole('heading', { name: 'Tìm thủ tục hành chính' }).waitFor();
    await screenshot(page, 'portal-home');
  });
});

describe.skipIf(e2e.skip !== null)('a counter PC left signed in', () => {
  const b = useBrowser();

  it('after 30 idle minutes the next click leads to sign-in, says why, and comes back to the office', async () => {
    const { page } = await newPage(b.browser!);
    await login(page, 'tiepnhan.haichau', '/office');
    await page.getByRole('link', { name: 'Tiếp nhận hồ sơ' }).waitFor();
    // Half an hour passes: the session's last activity is moved back rather than waited for.
    const db = createDb(e2e.databaseUrl!, 1);
    try {
      await sql`UPDATE sessions SET last_seen_at = now() - interval '31 minutes'
                 WHERE user_id = (SELECT id FROM users WHERE username = 'tiepnhan.haichau')`.execute(db);
    } finally {
      await db.destroy();
    }
    await page.getByRole('link', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.waitForURL(/\/login\?next=/);
    await page.getByText('Phiên làm việc đã kết thúc vì lâu không thao tác').waitFor();
    await expectAccessible(page, 'sign-in after the idle limit');
    await screenshot(page, 'login-session-idle');
    await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill('tiepnhan.haichau');
    await page.getByLabel('Mật khẩu').fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/office'));
    // Told once: the next visit to the sign-in page is plain.
    expect(await page.evaluate(() => sessionStorage.getItem('motcua.sessionEnded'))).toBeNull();
  });
});
