import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { sampleFill } from '../../core/src/eform/sample.ts';
import {
  e2e,
  expectAccessible,
  expectNoHorizontalScroll,
  expectTestIdText,
  login,
  newPage,
  screenshot,
  useBrowser,
} from './helpers.ts';

/**
 * Reuse of the national registers' data and the person's right to know who read it (issue 17):
 * at the counter a receptionist types the ID of a person only the population DB knows and gets the
 * register's record shown as verified and the name and address filled in; when the register does
 * not answer, a warning says to type from the papers. An administrator maps e-form boxes to register
 * facts and sets the least VNeID level of a procedure; both survive a save and a reload. The
 * citizen then sees in "Hồ sơ của tôi" who read her data, when and why (Decree 13/2023/NĐ-CP), on a
 * phone too.
 */
const REGISTER_ONLY = '048088002468';
const CITIZEN = '048090001234';
const BIRTH = 'Đăng ký khai sinh';

/** Pick an option of the open antd select by its visible text (the dropdown stays open for a multiple select). */
async function pick(page: Page, text: string) {
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .first()
    .click();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('.ant-select-dropdown:not(.ant-select-dropdown-hidden)'));
}

async function saveDraft(page: Page) {
  const put = page.waitForResponse((r) => r.request().method() === 'PUT' && /\/draft$/.test(new URL(r.url()).pathname));
  await page.getByRole('button', { name: 'Lưu bản nháp' }).click();
  const res = await put;
  expect(res.status(), await res.text()).toBe(200);
}

describe.skipIf(e2e.skip !== null)('national registers at the counter and in the designer; the access log', () => {
  const b = useBrowser();
  let dossierCode = '';

  it('the counter shows what the population DB says of a person it alone knows, and fills in the name', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'tiepnhan.haichau', '/office/walk-in');
    await page.getByRole('heading', { name: 'Tiếp nhận hồ sơ trực tiếp' }).waitFor();
    await page.getByTestId('walkin-id').fill(REGISTER_ONLY);
    const reg = page.getByTestId('walkin-register');
    await reg.getByRole('heading', { name: 'Thông tin từ Cơ sở dữ liệu quốc gia về dân cư' }).waitFor();
    await reg.getByText('Đã xác thực: CSDL dân cư').waitFor();
    await expectTestIdText(page, 'walkin-register-name', 'Phạm Văn Hùng');
    await expectTestIdText(page, 'walkin-register-dateOfBirth', '03/09/1988');
    await expectTestIdText(page, 'walkin-register-sex', 'Nam');
    await expectTestIdText(page, 'walkin-register-householdHeadName', 'Phạm Văn Hùng');
    expect(await page.getByTestId('walkin-register-permanentResidence').innerText()).toMatch(/^12 Trần Phú, tổ 5/);
    // Nobody else knows him: no account, no earlier dossier; the form is filled from the register.
    await page
      .getByTestId('walkin-known')
      .getByText(/Phạm Văn Hùng/)
      .waitFor();
    expect(await page.getByTestId('walkin-known').innerText()).not.toMatch(/Đã có tài khoản|Đã từng nộp/);
    await page.waitForFunction(() => (document.querySelector('#name') as HTMLInputElement | null)?.value !== '');
    expect(await page.locator('#name').inputValue()).toBe('Phạm Văn Hùng');
    expect(await page.locator('#address').inputValue()).toMatch(/^12 Trần Phú, tổ 5/);
    await expectAccessible(page, 'walk-in: register record');
    await screenshot(page, 'office-walk-in-register');
    await context.close();
  });

  it('when the population DB does not answer, the counter says to type from the papers and goes on', async () => {
    const { page, context } = await newPage(b.browser!);
    // The simulator answers in time here: the register's failure is played by the browser, on the
    // real answer for the citizen (whose lookup is also what her access log shows below).
    await page.route('**/api/v1/counter/applicants?*', async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      await route.fulfill({ response: res, json: { ...body, register: null, registerFailure: 'timeout' } });
    });
    await login(page, 'tiepnhan.haichau', '/office/walk-in');
    await page.getByRole('heading', { name: 'Tiếp nhận hồ sơ trực tiếp' }).waitFor();
    await page.getByTestId('walkin-id').fill(CITIZEN);
    await page
      .getByTestId('walkin-register-failure')
      .getByText('CSDL quốc gia về dân cư không phản hồi, vui lòng nhập theo giấy tờ.')
      .waitFor();
    await page.getByText(/Đã có tài khoản trên Cổng: Nguyễn Thị Ánh/).waitFor();
    expect(await page.locator('#name').inputValue()).toBe('Nguyễn Thị Ánh');
    expect(await page.getByTestId('walkin-register').count()).toBe(0);
    // The receptionist goes on: the fields stay editable.
    await page.locator('#address').fill('12 Trần Phú, tổ 5, phường Hải Châu');
    expect(await page.locator('#address').isEditable()).toBe(true);
    await expectAccessible(page, 'walk-in: register timeout');
    await screenshot(page, 'office-walk-in-register-timeout');
    await context.close();
  });

  it('the administrator maps e-form boxes to register facts and sets the VNeID level; both survive a reload', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, 'admin', '/admin/procedures');
    const list = await (
      await page.request.get(`/api/v1/admin/procedures?q=${encodeURIComponent(BIRTH)}&pageSize=50`)
    ).json();
    const proc = (list.items as { id: string; name: string }[]).find((p) => p.name === BIRTH);
    expect(proc, JSON.stringify(list.items)).toBeDefined();
    const before = await (await page.request.get(`/api/v1/admin/procedures/${proc!.id}`)).json();
    const original = before.draft ?? before.published;
    await page.goto(`/admin/procedures/${proc!.id}`);

    // The info tab: the least VNeID level, none by default for this procedure.
    const level = page.getByLabel('Mức độ định danh VNeID tối thiểu khi nộp trực tuyến');
    await level.waitFor();
    expect(await page.getByTestId('identity-level').innerText()).toContain(
      original.identityLevel ? `Mức độ ${original.identityLevel}` : 'Không yêu cầu',
    );
    await level.click();
    const levels = await page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
      .allTextContents();
    expect(levels).toEqual(['Không yêu cầu', 'Mức độ 1', 'Mức độ 2']);
    await pick(page, 'Mức độ 1');
    await level.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${e2e.screenshotDir}/admin-identity-level.png` });

    // The e-form tab: the requester's boxes come from the population DB as seeded.
    await page.getByRole('tab', { name: /^Tờ khai điện tử/ }).click();
    const requester = page.getByTestId('prefill-requesterName');
    await requester.waitFor();
    expect(await requester.innerText()).toContain('Họ tên (CSDL dân cư)');
    expect(await page.getByTestId('prefill-requesterIdNumber').innerText()).toContain(
      'Số định danh cá nhân (CSDL dân cư)',
    );
    expect(await page.getByTestId('prefill-requesterResidence').innerText()).toContain('Nơi ở hiện tại (CSDL dân cư)');
    // A box about someone else is not prefilled; the administrator maps one for the test.
    const mother = page.getByTestId('prefill-motherResidence');
    expect(await mother.innerText()).not.toContain('CSDL');
    await mother.click();
    await pick(page, 'Nơi thường trú (CSDL dân cư)');
    expect(await mother.innerText()).toContain('Nơi thường trú (CSDL dân cư)');
    // Boxes that are no text (a number) offer no prefill.
    expect(await page.getByTestId('prefill-copies').count()).toBe(0);
    await expectAccessible(page, 'e-form designer: prefill');
    await screenshot(page, 'admin-eform-prefill');
    await saveDraft(page);

    const saved = (await (await page.request.get(`/api/v1/admin/procedures/${proc!.id}`)).json()).draft;
    expect(saved.identityLevel).toBe(1);
    expect(saved.eForm.prefill).toEqual({ ...original.eForm.prefill, motherResidence: 'person.permanentResidence' });

    await page.reload();
    await page.getByTestId('identity-level').waitFor();
    expect(await page.getByTestId('identity-level').innerText()).toContain('Mức độ 1');
    await page.getByRole('tab', { name: /^Tờ khai điện tử/ }).click();
    await page.getByTestId('prefill-motherResidence').waitFor();
    expect(await page.getByTestId('prefill-motherResidence').innerText()).toContain('Nơi thường trú (CSDL dân cư)');
    expect(await page.getByTestId('prefill-requesterName').innerText()).toContain('Họ tên (CSDL dân cư)');

    // Put the draft back as it was (the editor cannot discard a draft): other files see the seed's content.
    await page.getByTestId('prefill-motherResidence').hover();
    await page.getByTestId('prefill-motherResidence').locator('.ant-select-clear').click();
    expect(await page.getByTestId('prefill-motherResidence').innerText()).not.toContain('CSDL');
    await page.getByRole('tab', { name: /^Thông tin thủ tục/ }).click();
    await page.getByLabel('Mức độ định danh VNeID tối thiểu khi nộp trực tuyến').click();
    await pick(page, original.identityLevel ? `Mức độ ${original.identityLevel}` : 'Không yêu cầu');
    await saveDraft(page);
    const back = (await (await page.request.get(`/api/v1/admin/procedures/${proc!.id}`)).json()).draft;
    expect(back.identityLevel ?? null).toBe(original.identityLevel ?? null);
    expect(back.eForm.prefill).toEqual(original.eForm.prefill);
    expect(back.eForm.schema).toEqual(original.eForm.schema);
    await context.close();
  });

  it('the officer reading the citizen’s dossier sees which e-form values came verified', async () => {
    // The citizen applies for a birth registration at Phường Hải Châu (through the API: the wizard
    // and its VNeID prefill are tested in vneid-apply.e2e.ts).
    const citizen = await newPage(b.browser!);
    await login(citizen.page, CITIZEN);
    const found = await (
      await citizen.page.request.get(`/api/v1/procedures?q=${encodeURIComponent(BIRTH)}&pageSize=50`)
    ).json();
    const procId = (found.items as { id: string; name: string }[]).find((p) => p.name === BIRTH)!.id;
    const detail = await (await citizen.page.request.get(`/api/v1/procedures/${procId}`)).json();
    const formData = sampleFill(detail.eForm.schema, { requiredOnly: true });
    const made = await citizen.page.evaluate(
      async ({ procId, formData }) => {
        const me = await (await fetch('/api/v1/auth/me')).json();
        const csrf = { 'x-csrf-token': me.csrfToken as string };
        const proc = await (await fetch(`/api/v1/procedures/${procId}`)).json();
        const wards = await (await fetch(`/api/v1/agencies?level=commune&q=${encodeURIComponent('Hải Châu')}`)).json();
        const ward = wards.items.find((a: { name: string }) => /Phường Hải Châu$/.test(a.name)) ?? wards.items[0];
        const draft = await (
          await fetch('/api/v1/drafts', {
            method: 'POST',
            headers: { ...csrf, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
            body: JSON.stringify({ procedureId: procId }),
          })
        ).json();
        for (const [i, d] of (proc.documents as { requirement: string }[]).entries()) {
          if (d.requirement !== 'mandatory') continue;
          const form = new FormData();
          form.append('slot', `doc-${i}`);
          form.append('kind', 'document');
          form.append('file', new Blob(['%PDF-1.4\n%%EOF\n'], { type: 'application/pdf' }), `giay-to-${i}.pdf`);
          const up = await fetch(`/api/v1/drafts/${draft.id}/attachments`, {
            method: 'POST',
            headers: csrf,
            body: form,
          });
          if (up.status !== 201) return { error: `upload ${i}: ${up.status} ${await up.text()}` };
        }
        const r = await fetch('/api/v1/dossiers', {
          method: 'POST',
          headers: { ...csrf, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
          body: JSON.stringify({
            procedureId: procId,
            agencyId: ward.id,
            formData,
            draftId: draft.id,
            applicant: { address: '12 Trần Phú, tổ 5, phường Hải Châu', residenceCommuneId: ward.id },
          }),
        });
        const body = await r.json();
        return r.status === 201 ? body : { error: JSON.stringify(body) };
      },
      { procId, formData },
    );
    expect(made.error, JSON.stringify(made)).toBeUndefined();
    dossierCode = made.code;
    await citizen.context.close();

    // A password sign-in verifies nothing: the browser plays what a VNeID submission stores (the
    // server's side is in identity-prefill.test.ts) to check how the officer's page shows it.
    const { page, context } = await newPage(b.browser!);
    await page.route(`**/api/v1/dossiers/${made.id}`, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      const verifiedFields = {
        requesterName: 'population_register',
        requesterIdNumber: 'vneid',
        requesterResidence: 'account',
      };
      await route.fulfill({ response: res, json: { ...body, verifiedFields } });
    });
    await login(page, 'tiepnhan.haichau', `/office/dossiers/${made.id}`);
    await page.getByTestId('dossier-status').waitFor();
    const tags = page.getByTestId('verified-tag');
    await tags.first().waitFor();
    expect(await tags.allInnerTexts()).toEqual(['Đã xác thực: CSDL dân cư', 'Đã xác thực: VNeID']);
    // Each tag is on its own field's line; the account's word ('account') is not verified.
    const line = (title: string) =>
      page.locator('.ant-descriptions-row').filter({ has: page.locator('th', { hasText: new RegExp(`^${title}$`) }) });
    await line('Họ, chữ đệm, tên người yêu cầu').getByText('Đã xác thực: CSDL dân cư').waitFor();
    await line('Giấy tờ tùy thân \\(số định danh cá nhân\\)').getByText('Đã xác thực: VNeID').waitFor();
    await line('Nơi cư trú').waitFor();
    expect(await line('Nơi cư trú').getByTestId('verified-tag').count()).toBe(0);
    await expectAccessible(page, 'officer dossier: verified fields');
    await page.getByTestId('verified-tag').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${e2e.screenshotDir}/office-dossier-verified-fields.png` });
    await context.close();
  });

  it('the citizen sees in "Hồ sơ của tôi" who read her personal data, also on a 375 px phone', async () => {
    const { page, context } = await newPage(b.browser!);
    await login(page, CITIZEN, '/my');
    const section = page.getByTestId('personal-data-access');
    await section.getByRole('heading', { name: 'Ai đã xem dữ liệu cá nhân của tôi' }).waitFor();
    await section.getByText(/Nghị định 13\/2023\/NĐ-CP/).waitFor();
    // The receptionist's lookup above: the population DB, at the counter, by an officer of the ward.
    const row = section
      .getByTestId('pda-row')
      .filter({ hasText: 'Tiếp nhận hồ sơ tại Bộ phận Một cửa: tra cứu người nộp' })
      .first();
    await row.waitFor();
    expect(await row.getByTestId('pda-source').innerText()).toBe('CSDL quốc gia về dân cư');
    expect(await row.getByTestId('pda-outcome').innerText()).toBe('Đã tra cứu được');
    // The receptionist by name and agency (tiepnhan.haichau, of the ward's one-stop unit).
    expect(await row.getByTestId('pda-who').innerText()).toMatch(/^\S.* — Bộ phận Một cửa/);
    expect(await row.getByTestId('pda-at').innerText()).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    // The officer's opening of her dossier: the dossier as the source, with a link to it.
    const viewed = section
      .getByTestId('pda-row')
      .filter({ hasText: `Xem hồ sơ ${dossierCode}` })
      .first();
    await viewed.waitFor();
    expect(await viewed.getByTestId('pda-source').innerText()).toBe('Hồ sơ');
    expect(await viewed.getByTestId('pda-outcome').innerText()).toBe('Đã xem');
    await viewed.getByRole('link', { name: 'Mở hồ sơ' }).waitFor();
    await expectAccessible(page, 'my dossiers: personal data access');
    await screenshot(page, 'portal-personal-data-access');
    // English by the switch.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await section.getByRole('heading', { name: 'Who read my personal data' }).waitFor();
    await page.getByLabel('Language').selectOption('vi');
    await context.close();

    const phone = await newPage(b.browser!, { width: 375, height: 812 });
    await login(phone.page, CITIZEN, '/my');
    await phone.page.getByTestId('pda-row').first().waitFor();
    await expectNoHorizontalScroll(phone.page, 'personal data access at 375 px');
    await expectAccessible(phone.page, 'personal data access at 375 px');
    await screenshot(phone.page, 'portal-personal-data-access-375');
    await phone.context.close();
  });
});
