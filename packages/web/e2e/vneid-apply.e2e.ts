import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import {
  e2e,
  expectAccessible,
  expectNoHorizontalScroll,
  login,
  newPage,
  screenshot,
  tinyPdf,
  useBrowser,
  VNEID_PASSWORD,
} from './helpers.ts';

/**
 * Applying online with VNeID (issue 17), in Chromium, as a new user would: from the portal's
 * search to the procedure, "Đăng nhập bằng VNeID" at the sign-in page, the local identity provider
 * (the VNeID stand-in, another origin), back on the apply page signed in with the requester's
 * name, personal ID and residence filled in from the population database, tagged with their
 * origin and read-only; the rest typed, the files attached, the unit chosen, the review showing
 * the verified values, the receipt. The user's steps (clicks, typed fields, file picks) from
 * "Đăng nhập bằng VNeID" to the receipt are counted and bounded (Decision 1565/QĐ-TTg: data
 * reused, not typed again); the elapsed time is printed, not asserted.
 * Also: the prefilled form on a 375 px phone and after a reload (the markers come from the
 * draft), a cancelled VNeID sign-in, Ánh's VNeID sign-in landing in her existing account, and a
 * level-2 procedure refused to a password session before the form.
 */

const BIRTH = 'Đăng ký khai sinh';
const BIRTH_CODE = '1.001193';
const COPY = /^Chứng thực bản sao từ bản chính/;
const RESIDENCE = 'Đăng ký thường trú';
const IDP_PASSWORD = VNEID_PASSWORD;
const BINH = {
  id: '048085004321',
  name: 'Trần Văn Bình',
  residence: '7 Bạch Đằng, tổ 2, Phường Hải Châu, Thành phố Đà Nẵng',
};
const ANH = { id: '048090001234', name: 'Nguyễn Thị Ánh' };
const IDP_TITLE = 'Đăng nhập bằng tài khoản định danh điện tử VNeID / Sign in with your VNeID electronic identity';
const VERIFIED_TAG = /^Từ (VNeID|CSDL quốc gia về dân cư)$/;

// biome-ignore lint/suspicious/noExplicitAny: API bodies are read loosely in this test
type Json = Record<string, any>;

async function procedureNamed(page: Page, name: string | RegExp): Promise<Json> {
  const q = typeof name === 'string' ? name : 'chung thuc ban sao tu ban chinh';
  const r = await page.request.get(`/api/v1/procedures?q=${encodeURIComponent(q)}&pageSize=50`);
  expect(r.status()).toBe(200);
  const hit = ((await r.json()).items as Json[]).find((p) =>
    typeof name === 'string' ? p.name === name : name.test(p.name),
  );
  expect(hit, `procedure ${name}`).toBeTruthy();
  return (await page.request.get(`/api/v1/procedures/${hit!.id}`)).json();
}

const mandatory = (p: Json) => (p.documents as Json[]).flatMap((d, i) => (d.requirement === 'mandatory' ? [i] : []));

/** What is on screen from this element down (not the whole page): the detail a full-page shot shrinks away. */
async function viewShot(page: Page, l: Locator, name: string) {
  await l.evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(e2e.screenshotDir, `${name}.png`) });
}

/** Discard the signed-in person's drafts of the procedure (commands carry the session's CSRF token). */
async function discardDrafts(page: Page, procedureId: string) {
  const csrf = ((await (await page.request.get('/api/v1/auth/me')).json()) as Json).csrfToken as string;
  const drafts = (await (await page.request.get(`/api/v1/drafts?procedureId=${procedureId}`)).json()).items as Json[];
  for (const d of drafts) {
    const r = await page.request.delete(`/api/v1/drafts/${d.id}`, { headers: { 'x-csrf-token': csrf } });
    expect(r.status(), await r.text()).toBeLessThan(300);
  }
}

/** On failure, a screenshot of where the page was (`fail-<name>`) and what it said. */
function keepOnFailure(page: Page, name: string) {
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  onTestFailed(async () => {
    console.log(`[${name}] at ${page.url()}; browser console:`, logs.slice(-20));
    await screenshot(page, `fail-${name}`).catch(() => {});
    const errors = await page.locator('.ant-form-item-explain-error, [role=alert]').allTextContents();
    console.log(`[${name}] errors on the page:`, errors);
  });
}

/** The user's own actions, counted: each click, each field typed, each file picked. */
class Steps {
  n = 0;
  readonly log: string[] = [];
  async click(l: Locator, what: string) {
    await l.click();
    this.count(`click ${what}`);
  }
  async type(l: Locator, text: string, what: string) {
    await l.fill(text);
    this.count(`type ${what}`);
  }
  /** A date typed as dd/MM/yyyy into the date picker (one typed field), confirmed with Enter. */
  async date(l: Locator, ddmmyyyy: string, what: string) {
    await l.click();
    await l.fill(ddmmyyyy);
    await l.press('Enter');
    this.count(`type ${what}`);
  }
  async file(l: Locator, f: ReturnType<typeof tinyPdf>, what: string) {
    await l.setInputFiles(f);
    this.count(`file ${what}`);
  }
  private count(what: string) {
    this.n += 1;
    this.log.push(what);
  }
}

/** The open Ant Design dropdown's option with exactly this text. */
const option = (page: Page, text: string) =>
  page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .first();

async function stepIs(page: Page, n: number) {
  await page
    .getByTestId('step-heading')
    .filter({ hasText: `Bước ${n}/3` })
    .waitFor();
}

/** The description under the e-form field with this rjsf id (where its origin tag is). */
const fieldItem = (page: Page, id: string) => page.locator(`[id="${id}__description"]`);

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core on the local identity provider's page (another origin; served by packages/server,
 * not by this app, so the app's CSP list does not apply): no serious or critical violation.
 */
async function expectIdpAccessible(page: Page, label: string) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (r.violations as { id: string; impact: string; nodes: { target: string[] }[] }[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${label}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
}

/** Wait until we are at the local identity provider (another origin than the portal). */
async function atIdp(page: Page) {
  await page.waitForURL((u) => u.origin !== new URL(e2e.baseUrl).origin);
  await page.locator('#citizen-id').waitFor();
}

/** Sign in at the local IdP with the citizen form (personal ID and password typed). */
async function idpSignIn(page: Page, personalId: string, steps?: Steps) {
  const panel = page.locator('#panel-citizen');
  const id = panel.getByLabel('Số định danh cá nhân');
  const pw = panel.getByLabel('Mật khẩu');
  const submit = panel.getByRole('button', { name: /^Đăng nhập/ });
  if (steps) {
    await steps.type(id, personalId, 'personal ID at VNeID');
    await steps.type(pw, IDP_PASSWORD, 'password at VNeID');
    await steps.click(submit, 'sign in at VNeID');
  } else {
    await id.fill(personalId);
    await pw.fill(IDP_PASSWORD);
    await submit.click();
  }
  await page.waitForURL((u) => u.origin === new URL(e2e.baseUrl).origin && !u.pathname.startsWith('/api/'));
}

/** The requester's three fields are prefilled with Bình's verified data, tagged and read-only. */
async function expectRequesterPrefilled(page: Page, label: string) {
  for (const [id, value] of [
    ['root_requesterName', BINH.name],
    ['root_requesterIdNumber', BINH.id],
    ['root_requesterResidence', BINH.residence],
  ] as const) {
    const item = fieldItem(page, id);
    const tag = item.getByTestId('origin-tag');
    await tag.waitFor();
    expect((await tag.getByTestId('origin-label').textContent())?.trim(), `${label}: ${id} tag`).toMatch(VERIFIED_TAG);
    expect(await tag.getAttribute('data-locked')).toBe('true');
    expect(await page.locator(`#${id}`).inputValue(), `${label}: ${id}`).toBe(value);
    expect(await page.locator(`#${id}`).isEditable(), `${label}: ${id} read-only`).toBe(false);
  }
  await page
    .getByTestId('prefill-explain')
    .filter({ hasText: 'được lấy từ Cơ sở dữ liệu quốc gia và không sửa được; nếu sai, vui lòng liên hệ' })
    .waitFor();
}

describe.skipIf(e2e.skip !== null)('applying online with VNeID: prefilled from the national registers', () => {
  const b = useBrowser();

  it('Bình, new to the portal, finds the birth registration, signs in with VNeID, gets his details filled in and submits', async () => {
    const { page } = await newPage(b.browser!);
    keepOnFailure(page, 'vneid-birth');
    const p = await procedureNamed(page, BIRTH);
    expect(p.code ?? p.fullCode ?? BIRTH_CODE).toContain(BIRTH_CODE);
    expect(Object.keys(p.eForm.prefill ?? {}).length).toBeGreaterThan(0);

    // As a new user: the portal's search, the procedure, "apply" while signed out → sign-in page.
    await page.goto('/');
    await page.getByLabel('Tên thủ tục (gõ không dấu cũng được)').fill('dang ky khai sinh');
    await page.getByRole('link', { name: BIRTH, exact: true }).first().click();
    await page.getByRole('heading', { name: BIRTH, exact: true }).waitFor();
    await page.getByRole('button', { name: 'Đăng nhập để nộp hồ sơ trực tuyến' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/procedures/${p.id}/apply`);
    // The apply page itself, opened signed out, sends to the same sign-in.
    await page.goto(`/procedures/${p.id}/apply`);
    await page.waitForURL((u) => u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/procedures/${p.id}/apply`);

    const steps = new Steps();
    const started = Date.now();
    await steps.click(page.getByTestId('vneid-login'), 'Đăng nhập bằng VNeID');

    // The local identity provider: Vietnamese first, accessible.
    await atIdp(page);
    expect(await page.title()).toBe(IDP_TITLE);
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    await page.getByRole('heading', { name: /^Đăng nhập bằng tài khoản định danh điện tử VNeID/ }).waitFor();
    await expectIdpAccessible(page, 'local VNeID sign-in');
    await screenshot(page, 'vneid-idp-login');
    await idpSignIn(page, BINH.id, steps);

    // Back on the apply page, signed in: the requester is filled in from VNeID and the population DB.
    await page.waitForURL((u) => u.pathname === `/procedures/${p.id}/apply`);
    await stepIs(page, 1);
    await page.getByRole('button', { name: `Đăng xuất (${BINH.name})` }).waitFor();
    await expectRequesterPrefilled(page, 'after sign-in');
    expect(await page.getByTestId('prefill-failure').count()).toBe(0);
    expect(await page.getByTestId('prefill-vneid-invite').count()).toBe(0);
    await expectAccessible(page, 'prefilled e-form');
    await screenshot(page, 'vneid-prefilled-form');

    // The rest of the form: the child (and the parents' names), then the handling unit.
    await steps.type(page.locator('#root_relationship'), 'Cha', 'relationship');
    await steps.type(page.locator('#root_childName'), 'Trần Minh An', 'child name');
    await steps.date(page.locator('#root_childBirthDate'), '02/03/2026', 'child date of birth');
    await steps.click(page.locator('#root_childSex'), 'child sex');
    await steps.click(option(page, 'Nam'), 'Nam');
    await steps.click(page.locator('#root_childEthnicity'), 'child ethnicity');
    await steps.click(option(page, 'Kinh'), 'Kinh');
    expect(await page.locator('#root_childNationality').inputValue()).toBe('Việt Nam');
    await steps.type(page.locator('#root_childBirthPlace'), 'Bệnh viện Phụ sản - Nhi Đà Nẵng', 'place of birth');
    await steps.type(page.locator('#root_childHomeTown'), 'Đà Nẵng', 'home town');
    await steps.type(page.locator('#root_motherName'), 'Lê Thị Hoa', 'mother name');
    await steps.type(page.locator('#root_fatherName'), BINH.name, 'father name');
    await steps.type(page.getByLabel('Cơ quan giải quyết'), 'hai chau', 'unit search');
    await steps.click(option(page, 'UBND Phường Hải Châu'), 'UBND Phường Hải Châu');
    // The verified values are still there and still locked after typing around them.
    expect(await page.locator('#root_requesterName').inputValue()).toBe(BINH.name);
    await page
      .getByTestId('save-status')
      .filter({ hasText: /^Đã lưu lúc \d{2}:\d{2}$/ })
      .waitFor();
    await steps.click(page.getByRole('button', { name: 'Tiếp tục' }), 'next (documents)');
    await stepIs(page, 2);
    const docs = mandatory(p);
    for (const i of docs) {
      await steps.file(page.getByTestId(`doc-${i}`), { ...tinyPdf(), name: `khai-sinh-${i}.pdf` }, `document ${i + 1}`);
      await page.getByText(`Đã tải lên: khai-sinh-${i}.pdf`).waitFor();
    }
    await steps.click(page.getByRole('button', { name: 'Tiếp tục' }), 'next (review)');
    await stepIs(page, 3);

    // The review marks the verified values as the form did.
    const review = page.getByTestId('review');
    for (const value of [BINH.name, BINH.id, BINH.residence]) {
      const row = review.getByTestId('review-prefilled').filter({ hasText: value });
      await row.first().waitFor();
      expect((await row.first().getByTestId('origin-label').textContent())?.trim()).toMatch(VERIFIED_TAG);
    }
    await review.getByText('Trần Minh An').waitFor();
    expect(await page.getByTestId('submit-blockers').count()).toBe(0);
    await expectAccessible(page, 'review with verified values');
    await screenshot(page, 'vneid-review');
    await viewShot(page, page.getByTestId('review'), 'vneid-review-top');

    await steps.click(page.getByRole('button', { name: 'Nộp hồ sơ' }), 'submit');
    const code = (await page.getByTestId('dossier-code').textContent()) ?? '';
    const seconds = (Date.now() - started) / 1000;
    expect(code).toMatch(/-\d{6}-\d{4}$/);
    await expectAccessible(page, 'receipt');
    await screenshot(page, 'vneid-receipt');

    console.log(
      `[vneid-apply] ${BIRTH} with VNeID: ${steps.n} user steps from "Đăng nhập bằng VNeID" to the receipt ` +
        `(${docs.length} file(s); ${steps.log.join(', ')}); ${seconds.toFixed(1)} s in headless Chromium; dossier ${code}`,
    );
    // 4 to sign in, 11 for the child's details and the parents' names, 2 to choose the unit, 3 to
    // move on and submit, one per file: nothing of the requester is typed (3 more if it were).
    expect(steps.n).toBeLessThanOrEqual(20 + docs.length);

    // The dossier holds the verified values.
    const mine = (
      (await (await page.request.get('/api/v1/dossiers?queue=all&pageSize=50')).json()).items as Json[]
    ).find((d) => d.code === code)!;
    const detail = await (await page.request.get(`/api/v1/dossiers/${mine.id}`)).json();
    expect(detail.formData).toMatchObject({
      requesterName: BINH.name,
      requesterIdNumber: BINH.id,
      requesterResidence: BINH.residence,
      childName: 'Trần Minh An',
    });
  });

  it('on a 375 px phone the prefilled form fits; a reload keeps the markers from the draft; "fill again" reads again', async () => {
    const { page } = await newPage(b.browser!, { width: 375, height: 812 });
    keepOnFailure(page, 'vneid-phone');
    // Bình's birth registration again: the one of the first journey became a dossier, so a new draft.
    const p = await procedureNamed(page, BIRTH);
    const prefills: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/v1\/drafts\/[^/]+\/prefill$/.test(new URL(r.url()).pathname))
        prefills.push(r.url());
    });
    await page.goto(`/login?next=${encodeURIComponent(`/procedures/${p.id}/apply`)}`);
    await page.getByTestId('vneid-login').click();
    await atIdp(page);
    await expectNoHorizontalScroll(page, 'VNeID sign-in (375 px)');
    await screenshot(page, 'vneid-idp-login-375');
    await idpSignIn(page, BINH.id);
    await page.waitForURL((u) => u.pathname === `/procedures/${p.id}/apply`);
    await stepIs(page, 1);
    await expectRequesterPrefilled(page, 'phone');
    expect(prefills).toHaveLength(1);
    await expectNoHorizontalScroll(page, 'prefilled form (375 px)');
    await expectAccessible(page, 'prefilled form (375 px)');
    await screenshot(page, 'vneid-prefilled-form-375');
    await viewShot(page, page.getByTestId('prefill-notice'), 'vneid-prefilled-top-375');

    // Something typed, then a reload: the markers and values come back from the draft (verified),
    // without reading the registers again.
    await page.locator('#root_childName').fill('Trần Minh Châu');
    await page
      .getByTestId('save-status')
      .filter({ hasText: /^Đã lưu lúc \d{2}:\d{2}$/ })
      .waitFor();
    await page.reload();
    await stepIs(page, 1);
    await expectRequesterPrefilled(page, 'after reload');
    expect(await page.locator('#root_childName').inputValue()).toBe('Trần Minh Châu');
    await page.waitForTimeout(500);
    expect(prefills).toHaveLength(1);

    // "Điền lại từ CSDL quốc gia": read again on request, what was typed kept.
    await page.getByRole('button', { name: 'Điền lại từ CSDL quốc gia' }).click();
    await page.getByText('Đã điền lại thông tin từ Cơ sở dữ liệu quốc gia.').waitFor();
    expect(prefills).toHaveLength(2);
    await expectRequesterPrefilled(page, 'after fill again');
    expect(await page.locator('#root_childName').inputValue()).toBe('Trần Minh Châu');
    await expectNoHorizontalScroll(page, 'after fill again (375 px)');

    // Leave nothing behind for the other journeys.
    await discardDrafts(page, p.id);
  });

  it('a VNeID sign-in cancelled at the identity provider comes back to the sign-in page with a message', async () => {
    const { page } = await newPage(b.browser!);
    keepOnFailure(page, 'vneid-cancel');
    await page.goto('/login');
    await page.getByTestId('vneid-login').click();
    await atIdp(page);
    await page.getByRole('button', { name: /^Hủy/ }).click();
    await page.waitForURL((u) => u.origin === new URL(e2e.baseUrl).origin && u.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('sso')).toBe('sso_cancelled');
    await page.getByRole('alert').filter({ hasText: 'Bạn đã hủy đăng nhập tại VNeID.' }).waitFor();
    const me = await page.request.get('/api/v1/auth/me');
    expect(me.status()).toBe(401);
    await expectAccessible(page, 'sign-in after a cancelled VNeID sign-in');
    await screenshot(page, 'vneid-cancelled');
  });

  it('Ánh signing in with VNeID lands in her existing account, her dossiers there', async () => {
    // Her account as the password shows it.
    const { page: before } = await newPage(b.browser!);
    await login(before, ANH.id);
    const meBefore = (await (await before.request.get('/api/v1/auth/me')).json()).user as Json;
    const codes = (
      (await (await before.request.get('/api/v1/dossiers?queue=all&pageSize=50')).json()).items as Json[]
    ).map((d) => d.code as string);
    await before.context().close();

    const { page } = await newPage(b.browser!);
    keepOnFailure(page, 'vneid-anh');
    await page.goto('/login?next=%2Fmy');
    await page.getByTestId('vneid-login').click();
    await atIdp(page);
    // Her one-click demo identity this time.
    await page.getByRole('button', { name: new RegExp(`^${ANH.name}`) }).click();
    await page.waitForURL((u) => u.origin === new URL(e2e.baseUrl).origin && u.pathname === '/my');
    await page.getByRole('heading', { name: 'Hồ sơ của tôi' }).waitFor();
    await page.getByRole('button', { name: `Đăng xuất (${ANH.name})` }).waitFor();
    const me = (await (await page.request.get('/api/v1/auth/me')).json()) as Json;
    expect(me.user.id).toBe(meBefore.id);
    expect(me.session).toMatchObject({ authMethod: 'oidc:vneid', assuranceLevel: 2 });
    for (const code of codes.slice(0, 5)) await page.getByRole('link', { name: code }).waitFor();
    console.log(`[vneid-apply] Ánh via VNeID: same account, ${codes.length} earlier dossier(s) listed`);
    await expectAccessible(page, 'my dossiers after VNeID sign-in');
    await screenshot(page, 'vneid-anh-my-dossiers');
  });

  it('a password session is told the VNeID level a procedure needs before the form, and invited to VNeID where it helps', async () => {
    const { page } = await newPage(b.browser!);
    keepOnFailure(page, 'vneid-level');
    const residence = await procedureNamed(page, RESIDENCE);
    expect(residence.identityLevel).toBe(2);
    await login(page, ANH.id, `/procedures/${residence.id}/apply`);
    const gate = page.getByTestId('identity-level-required');
    await gate.filter({ hasText: 'Thủ tục này yêu cầu tài khoản định danh điện tử VNeID mức độ 2' }).waitFor();
    expect(await page.locator('#root_fullName').count()).toBe(0);
    expect(await page.getByTestId('step-heading').count()).toBe(0);
    const href = (await page.getByTestId('level-vneid-login').getAttribute('href')) ?? '';
    expect(new URL(href, e2e.baseUrl).searchParams.get('returnTo')).toBe(`/procedures/${residence.id}/apply`);
    await expectAccessible(page, 'level 2 required');
    await screenshot(page, 'vneid-level-required');

    // A procedure with a prefill map and no level: the form, with the invitation to sign in with VNeID.
    const copy = await procedureNamed(page, COPY);
    expect(copy.identityLevel).toBeNull();
    expect(Object.keys(copy.eForm.prefill ?? {}).length).toBeGreaterThan(0);
    await page.goto(`/procedures/${copy.id}/apply`);
    await stepIs(page, 1);
    const invite = page.getByTestId('prefill-vneid-invite');
    await invite
      .filter({ hasText: 'Đăng nhập bằng VNeID để thông tin được điền sẵn từ Cơ sở dữ liệu quốc gia' })
      .waitFor();
    const inviteHref = (await page.getByTestId('prefill-vneid-login').getAttribute('href')) ?? '';
    expect(new URL(inviteHref, e2e.baseUrl).searchParams.get('returnTo')).toBe(`/procedures/${copy.id}/apply`);
    expect(await page.getByTestId('origin-tag').count()).toBe(0);
    await expectAccessible(page, 'password session: VNeID invitation');
    // Once she enters something (the draft starts), her account's own name and ID fill the empty
    // requester fields, tagged "Từ tài khoản" and still hers to change.
    await page.getByLabel('Địa chỉ', { exact: true }).fill('12 Trần Phú');
    const accountTag = fieldItem(page, 'root_requesterName').getByTestId('origin-label');
    await accountTag.filter({ hasText: /^Từ tài khoản$/ }).waitFor();
    expect(await page.locator('#root_requesterName').inputValue()).toBe(ANH.name);
    expect(await page.locator('#root_requesterName').isEditable()).toBe(true);
    await screenshot(page, 'vneid-password-account-prefill');
    await discardDrafts(page, copy.id);

    // Following the gate's VNeID sign-in: back on the residence registration, the form prefilled.
    await page.goto(`/procedures/${residence.id}/apply`);
    await page.getByTestId('level-vneid-login').click();
    await atIdp(page);
    await page.getByRole('button', { name: new RegExp(`^${ANH.name}`) }).click();
    await page.waitForURL((u) => u.pathname === `/procedures/${residence.id}/apply`);
    await stepIs(page, 1);
    const tag = fieldItem(page, 'root_fullName').getByTestId('origin-tag');
    await tag.waitFor();
    expect(await page.locator('#root_fullName').inputValue()).toBe(ANH.name);
    expect(await page.locator('#root_fullName').isEditable()).toBe(false);
    await screenshot(page, 'vneid-residence-prefilled');
    await discardDrafts(page, residence.id);
  });
});
