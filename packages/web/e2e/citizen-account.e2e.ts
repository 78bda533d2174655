import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../server/src/db/database.ts';
import { executeCommand } from '../../server/src/modules/dossiers/dossier.execute.ts';
import { submitDossier } from '../../server/src/modules/dossiers/dossier.submit.ts';
import { localSmsGateway } from '../../server/src/modules/notifications/sms.gateway.ts';
import { deliverQueuedSms } from '../../server/src/modules/notifications/sms.service.ts';
import { insertDraftWithMandatoryFiles } from '../../server/test/apply-helpers.ts';
import { actorOf } from '../../server/test/helpers.ts';
import { e2e, expectAccessible, expectNoHorizontalScroll, newPage, screenshot, useBrowser } from './helpers.ts';

/**
 * A new citizen registers in the browser with a code sent by SMS (read from the local SMS store),
 * signs in, opens "Hồ sơ của tôi"; then forgets the password, resets it with a new code and signs
 * in with the new one (issue 13). The e2e server runs no job worker: the test delivers the queued
 * SMS itself, as the `send_sms` job does, through the local gateway that writes `<dataDir>/sms`.
 */
const PERSONAL_ID = '048197005555';
const PHONE = '0935111222';

describe.skipIf(e2e.skip !== null)('citizen account: register, sign in, forgot password', () => {
  const b = useBrowser();
  let page: Page;
  let db: Db | undefined;
  const smsDir = path.join(e2e.dataDir ?? '', 'sms');

  afterAll(async () => {
    await db?.destroy();
  });

  /** The newest code the local SMS store holds for the phone. */
  async function latestCode(phone: string): Promise<string> {
    db ??= createDb(e2e.databaseUrl!, 2);
    await deliverQueuedSms(db, localSmsGateway(smsDir));
    const texts = fs
      .readdirSync(smsDir)
      .sort()
      .map((f) => fs.readFileSync(path.join(smsDir, f), 'utf8'))
      .filter((t) => t.startsWith(`To: ${phone}\n`));
    const code = /\b(\d{6})\b/.exec(texts.at(-1) ?? '')?.[1];
    expect(code, `an SMS to ${phone}`).toMatch(/^\d{6}$/);
    return code!;
  }

  async function signIn(password: string) {
    await page.goto('/login');
    await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill(PERSONAL_ID);
    await page.getByLabel('Mật khẩu').fill(password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
  }

  it('registers from the sign-in page: the form checks the personal ID, a code comes by SMS', async () => {
    ({ page } = await newPage(b.browser!, { width: 360, height: 740 }));
    await page.goto('/login');
    await page.getByRole('link', { name: 'Đăng ký tài khoản mới' }).click();
    await page.getByRole('heading', { name: 'Đăng ký tài khoản' }).waitFor();
    await expectAccessible(page, 'register');
    await expectNoHorizontalScroll(page, 'register');
    // A wrong personal ID is caught before anything is sent.
    await page.getByLabel('Số định danh cá nhân (12 chữ số, in trên thẻ Căn cước)').fill('99919700555');
    await page.getByLabel('Họ và tên').fill('Lê Thị Thanh Hương');
    await page.getByLabel('Số điện thoại di động').fill(PHONE);
    await page.getByLabel('Mật khẩu', { exact: true }).fill('huong2026a');
    await page.getByLabel('Nhập lại mật khẩu').fill('huong2026a');
    await page.getByRole('button', { name: 'Gửi mã xác nhận' }).click();
    await page.getByText('Số định danh cá nhân gồm 12 chữ số').first().waitFor();
    await page.getByLabel('Số định danh cá nhân (12 chữ số, in trên thẻ Căn cước)').fill(PERSONAL_ID);
    await page.getByRole('button', { name: 'Gửi mã xác nhận' }).click();
    await page.getByText('Mã xác nhận gồm 6 chữ số đã được gửi tới 093****222').waitFor();
    await expectAccessible(page, 'register code');
    await screenshot(page, 'portal-register-code-360');
    await page.getByLabel('Mã xác nhận (6 chữ số)').fill(await latestCode(PHONE));
    await page.getByRole('button', { name: 'Xác nhận và tạo tài khoản' }).click();
    await page.getByText('Đã tạo tài khoản. Mời bạn đăng nhập.').waitFor();
  });

  it('signs in with the new account and opens "Hồ sơ của tôi"', async () => {
    await signIn('huong2026a');
    await page.waitForURL((u) => u.pathname === '/my');
    await page.getByRole('heading', { name: 'Hồ sơ của tôi' }).waitFor();
    await page.getByText('Bạn chưa nộp hồ sơ nào').waitFor();
    await expectAccessible(page, 'my dossiers');
    await page.getByRole('button', { name: /Đăng xuất/ }).click();
  });

  it('forgot password: a new code by SMS, a new password, then signs in with it', async () => {
    await page.goto('/login');
    await page.getByRole('link', { name: 'Quên mật khẩu?' }).click();
    await page.getByRole('heading', { name: 'Quên mật khẩu' }).waitFor();
    await expectAccessible(page, 'forgot password');
    await page.getByLabel('Số định danh cá nhân, mã số thuế hoặc tên đăng nhập').fill(PERSONAL_ID);
    await page.getByRole('button', { name: 'Gửi mã xác nhận' }).click();
    await page.getByText('Nếu thông tin trên khớp với một tài khoản').waitFor();
    await page.getByLabel('Mã xác nhận (6 chữ số)').fill(await latestCode(PHONE));
    await page.getByLabel('Mật khẩu mới').fill('huongmoi2027');
    await page.getByLabel('Nhập lại mật khẩu').fill('huongmoi2027');
    await expectAccessible(page, 'reset password');
    await page.getByRole('button', { name: 'Đặt lại mật khẩu' }).click();
    await page.getByText('Đã đặt lại mật khẩu').waitFor();
    // The old password no longer works; the new one does.
    await signIn('huong2026a');
    await page.getByText('Tên đăng nhập hoặc mật khẩu không đúng').waitFor();
    await signIn('huongmoi2027');
    await page.waitForURL((u) => u.pathname === '/my');
    await page.getByRole('heading', { name: 'Hồ sơ của tôi' }).waitFor();
  });

  it('her dossier in processing: one status badge, the remaining time, the message but not the internal note', async () => {
    // The dossier is brought to "Đang xử lý" through the service (the browser journeys cover the screens).
    db ??= createDb(e2e.databaseUrl!, 2);
    const land = await db
      .selectFrom('procedure_versions')
      .select('procedure_id')
      .where('name', 'like', 'Cấp lại Giấy chứng nhận quyền sử dụng đất do bị mất%')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    const me = await actorOf(db, PERSONAL_ID);
    const draftId = await insertDraftWithMandatoryFiles(
      db,
      me.kind === 'applicant' ? me.userId : '',
      land.procedure_id,
    );
    const submitted = await submitDossier(
      db,
      { procedureId: land.procedure_id, channel: 'online', formData: {}, draftId, applicant: { phone: PHONE } },
      { actor: me, requestId: null },
      null,
    );
    const id = (submitted.body as { id: string }).id;
    const documents = await db
      .selectFrom('dossiers as d')
      .innerJoin('procedure_versions as v', 'v.id', 'd.procedure_version_id')
      .select('v.content')
      .where('d.id', '=', id)
      .executeTakeFirstOrThrow();
    const checklist = (documents.content as { documents: { name: string; requirement: string }[] }).documents
      .filter((d) => d.requirement === 'mandatory')
      .map((d) => ({ name: d.name, original: 1 }));
    const run = async (username: string, command: Record<string, unknown>) =>
      executeCommand(db!, {
        dossierId: id,
        command: command as never,
        ctx: { actor: await actorOf(db!, username), requestId: null },
        idempotencyKey: null,
      });
    await run('tiepnhan.ttphc', {
      type: 'receive',
      checklist,
      note: 'NỘI BỘ: kính trình lãnh đạo Sở ưu tiên',
      message: 'Hồ sơ đã đủ, hẹn trả kết quả theo giấy tiếp nhận',
    });
    await run('tiepnhan.ttphc', { type: 'forward' });
    await run('chuyenvien.snnmt', { type: 'claim' });

    await page.goto(`/my/${id}`);
    await page
      .getByTestId('dossier-status')
      .filter({ hasText: /^Đang xử lý$/ })
      .waitFor();
    // The sub-status "Đang xử lý" under "Đang xử lý" is not repeated.
    const cell = page.getByTestId('dossier-status').locator('xpath=ancestor::td[1]');
    expect((await cell.innerText()).trim()).toBe('Đang xử lý');
    await page.getByText(/Còn \d+ ngày.*· Trong hạn/).waitFor();
    await page.getByText('Thông báo của cơ quan: Hồ sơ đã đủ, hẹn trả kết quả theo giấy tiếp nhận').waitFor();
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('NỘI BỘ');
    expect(text).not.toContain('Lý Thị Thu');
    await expectAccessible(page, 'my dossier');
    await screenshot(page, 'portal-my-dossier-processing-360');

    // To the end: the result document (a row pointing at a blob never read), approval, return.
    await run('chuyenvien.snnmt', { type: 'forward' });
    const leader = await actorOf(db, 'lanhdao.snnmt');
    await db
      .insertInto('attachments')
      .values({
        dossier_id: id,
        kind: 'result',
        slot: 'result',
        version_no: 1,
        file_name: 'giay-chung-nhan.pdf',
        media_type: 'application/pdf',
        size_bytes: 42,
        sha256: 'e'.repeat(64),
        uploaded_by: leader.kind === 'officer' ? leader.userId : null,
      })
      .execute();
    await run('lanhdao.snnmt', { type: 'approve' });
    await run('lanhdao.snnmt', { type: 'sign' });
    await run('lanhdao.snnmt', { type: 'finish' });
    await run('tiepnhan.ttphc', { type: 'return_result', method: 'counter' });
    await page.reload();
    await page
      .getByTestId('dossier-status')
      .filter({ hasText: /^Đã trả kết quả$/ })
      .waitFor();
    // Finished early: its timeliness with the date, and no remaining time any more.
    const today = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
    await page
      .getByTestId('settlement')
      .filter({ hasText: `Hoàn thành trước hạn · ngày ${today}` })
      .waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/Còn \d+ ngày|Trong hạn/);
  });

  it('rates her dossier: the number of contacts is asked as a count, not as a satisfaction', async () => {
    const contacts = page.getByTestId('rate-contacts_needed');
    expect(
      await contacts.getByRole('radio').evaluateAll((rs) => rs.map((r) => r.closest('label')?.innerText.trim())),
    ).toEqual(['1 lần (chỉ khi nộp hồ sơ)', '2 lần', 'Từ 3 lần trở lên']);
    await contacts.getByRole('radio', { name: '2 lần' }).check();
    await page.getByTestId('rate-staff_attitude').getByRole('radio', { name: 'Hài lòng', exact: true }).check();
    await page.getByTestId('rate-time_vs_limit').getByRole('radio', { name: 'Sớm hơn ngày hẹn' }).check();
    await expectAccessible(page, 'rating');
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.getByText('Cảm ơn bạn đã đánh giá').waitFor();
    const rated = await db!
      .selectFrom('dossiers as d')
      .innerJoin('users as u', 'u.id', 'd.applicant_user_id')
      .select('d.state')
      .where('u.username', '=', PERSONAL_ID)
      .executeTakeFirstOrThrow();
    expect((rated.state as { rating: unknown }).rating).toMatchObject({
      answers: { contacts_needed: 'two', staff_attitude: 'satisfied', time_vs_limit: 'early' },
      scores: { contacts_needed: 1, staff_attitude: 2, time_vs_limit: 2 },
    });
  });

  it('the home page offers only the two levels of local government (no "Cấp huyện" since 1 July 2025)', async () => {
    await page.goto('/');
    await page.getByLabel('Cấp thực hiện').waitFor();
    const options = await page.getByLabel('Cấp thực hiện').locator('option').allInnerTexts();
    expect(options).toEqual(['—', 'Cấp tỉnh', 'Cấp xã']);
  });
});
