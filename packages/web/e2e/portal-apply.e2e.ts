import { sampleFill } from '@motcua/core';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it, onTestFailed } from 'vitest';
import {
  e2e,
  expectAccessible,
  expectNoHorizontalScroll,
  login,
  loginWithVneid,
  screenshot,
  tinyPdf,
  useBrowser,
} from './helpers.ts';

// The app's CSP (script-src 'self', no eval) applies here as to every other spec: the e-form's
// validator is eval-free (docs/security.md).
async function newPage(browser: Browser, opts: { width?: number; height?: number } = {}) {
  const context = await browser.newContext({
    baseURL: e2e.baseUrl,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  context.setDefaultTimeout(15_000);
  return { context, page: await context.newPage() };
}

/**
 * The citizen's application wizard in Chromium, for procedures other than the README's: the
 * handling unit chosen in a searchable picker (typed without accents, Decree 118/2025 art. 14(2):
 * any unit of the procedure, not only the ward of residence), the e-form filled from whatever
 * schema the procedure has, the draft autosaved and found again after a reload, the browser's
 * Back and Forward moving between steps, the upload hint and a refused file, the review showing
 * everything entered, the submission, and "Hồ sơ của tôi" listing the dossier once with no
 * draft left behind.
 */

const CITIZEN = '048090001234';
const BIRTH = 'Đăng ký khai sinh';
const RESIDENCE = 'Đăng ký thường trú';
const COPY = /^Chứng thực bản sao từ bản chính/;
const MARRIAGE = 'Đăng ký kết hôn';
const HINT = 'Định dạng được nhận: PDF, JPG, PNG, TIFF, WEBP, DOCX, XLSX, ODT. Dung lượng tối đa 20 MB mỗi tệp.';

// biome-ignore lint/suspicious/noExplicitAny: API bodies are read loosely in this test
type Json = Record<string, any>;
type Schema = { type?: string | string[]; enum?: unknown[]; format?: string; properties?: Record<string, Schema> };

async function procedureNamed(page: Page, name: string | RegExp): Promise<Json> {
  const q = typeof name === 'string' ? name : 'chung thuc ban sao tu ban chinh';
  const r = await page.request.get(`/api/v1/procedures?q=${encodeURIComponent(q)}&pageSize=50`);
  expect(r.status()).toBe(200);
  const hit = ((await r.json()).items as Json[]).find((p) =>
    typeof name === 'string' ? p.name === name : name.test(p.name),
  );
  expect(hit, `procedure ${name}`).toBeTruthy();
  const full = await page.request.get(`/api/v1/procedures/${hit!.id}`);
  return full.json();
}

/** Click an option of the open Ant Design dropdown by its exact text. */
async function pickOption(page: Page, text: string) {
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .first()
    .click();
}

/** The text the Select whose input has this id shows as its value. */
async function selectedText(page: Page, id: string): Promise<string> {
  return (
    (await page
      .locator('.ant-select')
      .filter({ has: page.locator(`#${id}`) })
      .locator('.ant-select-content, .ant-select-selection-item')
      .first()
      .textContent()) ?? ''
  ).trim();
}

/**
 * Fill the procedure's e-form through its widgets (rjsf ids are `root_<path>`), with values the
 * schema accepts (core sampleFill, required fields only). Returns what was typed, to find again.
 */
/** Fill the e-form with generated answers; `locked` fields (prefilled from a register, read-only) are left. */
async function fillEForm(page: Page, eForm: Json | null, locked: string[] = []): Promise<Record<string, unknown>> {
  if (!eForm) return {};
  const values = sampleFill(eForm.schema, { requiredOnly: true });
  async function fill(node: Schema, value: unknown, path: string[]) {
    if (locked.includes(path.join('.'))) return;
    if (node.type === 'object' && value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        await fill(node.properties?.[k] ?? {}, v, [...path, k]);
      }
      return;
    }
    const id = `root_${path.join('_')}`;
    const field = page.locator(`#${id}`);
    if (node.enum) {
      if ((await selectedText(page, id)) === String(value)) return;
      await field.click();
      await pickOption(page, String(value));
      return;
    }
    if (node.type === 'boolean') {
      if (value) await field.check();
      return;
    }
    if (node.format === 'date') {
      const [y, m, d] = String(value).split('-');
      await field.click();
      await field.fill(`${d}/${m}/${y}`);
      await field.press('Enter');
      if ((await field.inputValue()) === '') {
        await field.fill(String(value));
        await field.press('Enter');
      }
      return;
    }
    if ((await field.inputValue()) !== '' && node.type === 'string') return; // a default (Quốc tịch: Việt Nam)
    await field.fill(String(value));
  }
  await fill(eForm.schema as Schema, values, []);
  return values;
}

const mandatory = (p: Json) => (p.documents as Json[]).flatMap((d, i) => (d.requirement === 'mandatory' ? [i] : []));

/** On failure, a screenshot of where the page was (in the screenshot directory, `fail-<name>`). */
function keepOnFailure(page: Page, name: string) {
  const logs: string[] = [];
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  onTestFailed(async () => {
    console.log(`[${name}] browser console:`, logs.slice(-20));
    await screenshot(page, `fail-${name}`).catch(() => {});
    const drafts = await page.request.get('/api/v1/drafts').catch(() => null);
    if (drafts) console.log(`[${name}] drafts:`, await drafts.text());
    const errors = await page.locator('.ant-form-item-explain-error, [role=alert]').allTextContents();
    console.log(`[${name}] errors on the page:`, errors);
  });
}

async function waitSaved(page: Page) {
  await page
    .getByTestId('save-status')
    .filter({ hasText: /^Đã lưu lúc \d{2}:\d{2}$/ })
    .waitFor();
}

async function stepIs(page: Page, n: number) {
  await page
    .getByTestId('step-heading')
    .filter({ hasText: `Bước ${n}/3` })
    .waitFor();
}

async function myDraftsOf(page: Page, procedureId: string): Promise<number> {
  const r = await page.request.get(`/api/v1/drafts?procedureId=${procedureId}`);
  return ((await r.json()).items as unknown[]).length;
}

/** Submit from the review step; the receipt's code, then the dossier appears once in "Hồ sơ của tôi". */
async function submitAndFindOnce(page: Page, p: Json, label: string): Promise<string> {
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  const code = (await page.getByTestId('dossier-code').textContent()) ?? '';
  expect(code).toMatch(/-\d{6}-\d{4}$/);
  await expectAccessible(page, `${label}: receipt`);
  await page.getByRole('link', { name: 'Hồ sơ của tôi' }).first().click();
  await page.getByRole('heading', { name: 'Hồ sơ của tôi' }).waitFor();
  await page.getByRole('link', { name: code }).waitFor();
  expect(await page.getByRole('link', { name: code }).count()).toBe(1);
  // The draft became the dossier: none left for the procedure, none listed.
  expect(await myDraftsOf(page, p.id)).toBe(0);
  expect(await page.getByRole('link', { name: 'Tiếp tục' }).count()).toBe(0);
  await expectAccessible(page, `${label}: my dossiers`);
  return code;
}

describe.skipIf(e2e.skip !== null)('the citizen applies online with the wizard', () => {
  const b = useBrowser();

  it('birth registration at a ward picked without accents, not the residence ward (360 px): autosave, reload, Back/Forward, a refused file, review, submit', async () => {
    const { page } = await newPage(b.browser!, { width: 360, height: 740 });
    keepOnFailure(page, 'birth');
    const p = await procedureNamed(page, BIRTH);
    await login(page, CITIZEN, `/procedures/${p.id}/apply`);
    await stepIs(page, 1);
    const answers = await fillEForm(page, p.eForm);
    await page.getByLabel('Thư điện tử').fill('anh.nguyen@example.vn');
    await page.getByLabel('Địa chỉ', { exact: true }).fill('12 Lê Duẩn');
    // The residence ward, typed without accents and in lower case.
    await page.getByLabel('Xã, phường nơi cư trú').fill('hai chau');
    await pickOption(page, 'Phường Hải Châu');
    // The handling unit follows the residence by default …
    expect(await selectedText(page, 'apply-unit')).toBe('UBND Phường Hải Châu');
    // … and any ward that handles the procedure may be chosen instead (phi địa giới).
    await page.getByLabel('Cơ quan giải quyết').fill('THANH KHE');
    await pickOption(page, 'UBND Phường Thanh Khê');
    expect(await selectedText(page, 'apply-unit')).toBe('UBND Phường Thanh Khê');
    await waitSaved(page);
    await expectNoHorizontalScroll(page, 'birth: step 1');
    await expectAccessible(page, 'birth: step 1');
    await screenshot(page, 'portal-apply-unit-360');

    // Reload: same step, same data (the draft was resumed, not started again).
    await page.reload();
    await stepIs(page, 1);
    await page
      .getByTestId('save-status')
      .filter({ hasText: /^Đang tiếp tục hồ sơ nháp đã lưu lúc/ })
      .waitFor();
    expect(await page.getByLabel('Địa chỉ', { exact: true }).inputValue()).toBe('12 Lê Duẩn');
    expect(await page.getByLabel('Thư điện tử').inputValue()).toBe('anh.nguyen@example.vn');
    expect(await selectedText(page, 'apply-unit')).toBe('UBND Phường Thanh Khê');
    expect(await selectedText(page, 'apply-commune')).toBe('Phường Hải Châu');
    const firstText = Object.entries(answers).find(([, v]) => typeof v === 'string' && !/^\d{4}-/.test(v));
    if (firstText && p.eForm.schema.properties[firstText[0]]?.enum === undefined) {
      expect(await page.locator(`#root_${firstText[0]}`).inputValue()).toBe(firstText[1]);
    }
    expect(await myDraftsOf(page, p.id)).toBe(1);

    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await stepIs(page, 2);
    expect(new URL(page.url()).searchParams.get('step')).toBe('docs');
    // Formats and size are said before any file is chosen.
    await page.getByText(HINT).first().waitFor();
    // A text file is refused at once, with the hint's words.
    await page
      .getByTestId('doc-0')
      .setInputFiles({ name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await page
      .getByRole('alert')
      .filter({ hasText: 'Tệp “ghi-chu.txt” không đúng định dạng được nhận. Chỉ nhận: PDF, JPG, PNG' })
      .waitFor();
    await screenshot(page, 'portal-apply-refused-file-360');
    const docs = mandatory(p);
    expect(docs.length).toBeGreaterThan(0);
    for (const i of docs) {
      await page.getByTestId(`doc-${i}`).setInputFiles({ ...tinyPdf(), name: `giay-to-${i}.pdf` });
      await page.getByText(`Đã tải lên: giay-to-${i}.pdf`).waitFor();
    }
    await expectAccessible(page, 'birth: documents');

    // The browser's Back returns to step 1 with its data; Forward to step 2 with the files.
    await page.goBack();
    await stepIs(page, 1);
    expect(await page.getByLabel('Địa chỉ', { exact: true }).inputValue()).toBe('12 Lê Duẩn');
    await page.goForward();
    await stepIs(page, 2);
    await page.getByText(`Đã tải lên: giay-to-${docs[0]}.pdf`).waitFor();
    // Reload on step 2: still there, files listed.
    await page.reload();
    await stepIs(page, 2);
    await page.getByText(`Đã tải lên: giay-to-${docs.at(-1)}.pdf`).waitFor();

    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await stepIs(page, 3);
    const review = page.getByTestId('review');
    for (const text of [
      '12 Lê Duẩn',
      'anh.nguyen@example.vn',
      'Phường Hải Châu',
      'UBND Phường Thanh Khê',
      ...docs.map((i) => `giay-to-${i}.pdf`),
    ]) {
      await review.getByText(text, { exact: false }).first().waitFor();
    }
    if (p.eForm) await review.getByText(p.eForm.schema.properties[Object.keys(answers)[0]!].title).first().waitFor();
    expect(await page.getByTestId('submit-blockers').count()).toBe(0);
    await expectNoHorizontalScroll(page, 'birth: review');
    await expectAccessible(page, 'birth: review');
    await screenshot(page, 'portal-apply-review-360');
    const code = await submitAndFindOnce(page, p, 'birth');

    // It went to the ward the citizen chose: received by Thanh Khê's one-stop unit, not Hải Châu's.
    const ward = (
      (await (await page.request.get('/api/v1/agencies?level=commune&q=thanh khe')).json()).items as Json[]
    )[0]!;
    expect(ward.name).toBe('UBND Phường Thanh Khê');
    const units = (await (await page.request.get(`/api/v1/agencies?parentId=${ward.id}`)).json()).items as Json[];
    const list = await page.request.get('/api/v1/dossiers?queue=all&pageSize=50');
    const mine = ((await list.json()).items as Json[]).find((d) => d.code === code)!;
    const detail = await (await page.request.get(`/api/v1/dossiers/${mine.id}`)).json();
    expect(units.map((u) => u.id)).toContain(detail.receivingAgency.id);
    expect(code.startsWith(`${detail.receivingAgency.code}-`)).toBe(true);
  });

  it('permanent residence: the unit is the residence ward by default; submission waits for the mandatory document', async () => {
    const { page } = await newPage(b.browser!);
    keepOnFailure(page, 'residence');
    const p = await procedureNamed(page, RESIDENCE);
    // The procedure asks for a level-2 electronic identity (catalog identityLevel): VNeID, not a password.
    await loginWithVneid(page, CITIZEN, `/procedures/${p.id}/apply`);
    await stepIs(page, 1);
    // Name, birth date, sex and ID come verified from the population DB, read-only.
    await page.getByTestId('origin-tag').first().waitFor();
    await fillEForm(page, p.eForm, ['fullName', 'birthDate', 'sex', 'idNumber']);
    await page.getByLabel('Địa chỉ', { exact: true }).fill('45 Nguyễn Văn Linh');
    await page.getByLabel('Xã, phường nơi cư trú').fill('Son Tra');
    await pickOption(page, 'Phường Sơn Trà');
    expect(await selectedText(page, 'apply-unit')).toBe('UBND Phường Sơn Trà');
    await waitSaved(page);
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await stepIs(page, 2);
    // Straight to the review without the files: the submission is held, the missing ones named.
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await stepIs(page, 3);
    const blockers = page.getByTestId('submit-blockers');
    await blockers.getByText(p.documents[mandatory(p)[0]!].name, { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Nộp hồ sơ' }).isDisabled()).toBe(true);
    await expectAccessible(page, 'residence: review blocked');
    await screenshot(page, 'portal-apply-missing-documents');
    // The review's "Sửa" of the documents goes back to step 2.
    await page.getByRole('button', { name: 'Sửa' }).last().click();
    await stepIs(page, 2);
    for (const i of mandatory(p)) {
      await page.getByTestId(`doc-${i}`).setInputFiles({ ...tinyPdf(), name: `tam-tru-${i}.pdf` });
      await page.getByText(`Đã tải lên: tam-tru-${i}.pdf`).waitFor();
    }
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await stepIs(page, 3);
    await page.getByTestId('review-unit').filter({ hasText: 'UBND Phường Sơn Trà' }).waitFor();
    expect(await page.getByTestId('submit-blockers').count()).toBe(0);
    await submitAndFindOnce(page, p, 'residence');
  });

  it('certified copy: a second visit resumes the one draft; the receipt names the chosen ward', async () => {
    const { page } = await newPage(b.browser!);
    keepOnFailure(page, 'copy');
    const p = await procedureNamed(page, COPY);
    await login(page, CITIZEN, `/procedures/${p.id}/apply`);
    await stepIs(page, 1);
    // Opening the wizard is not starting an application: no draft until the citizen enters something.
    await page.waitForTimeout(1_500);
    expect(await myDraftsOf(page, p.id)).toBe(0);
    await fillEForm(page, p.eForm);
    await page.getByLabel('Cơ quan giải quyết').fill('hoa khanh');
    // The options filter as she types: wait until the filtered list is showing, then take its first.
    const firstOption = page
      .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden):has(#apply-unit_list) .ant-select-item-option')
      .first();
    await firstOption.filter({ hasText: /Hòa Khánh/ }).waitFor();
    const ward = ((await firstOption.textContent()) ?? '').trim();
    expect(ward).toMatch(/Hòa Khánh/);
    await pickOption(page, ward);
    await waitSaved(page);
    // Leave and come back from the procedure page: the same draft, not a new one.
    await page.goto(`/procedures/${p.id}`);
    await page.getByRole('button', { name: 'Nộp hồ sơ trực tuyến' }).click();
    await stepIs(page, 1);
    expect(await selectedText(page, 'apply-unit')).toBe(ward);
    expect(await myDraftsOf(page, p.id)).toBe(1);
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await stepIs(page, 2);
    for (const i of mandatory(p)) {
      await page.getByTestId(`doc-${i}`).setInputFiles({ ...tinyPdf(), name: `ban-chinh-${i}.pdf` });
      await page.getByText(`Đã tải lên: ban-chinh-${i}.pdf`).waitFor();
    }
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await stepIs(page, 3);
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    await page.getByTestId('dossier-code').waitFor();
    await page.getByText(ward).first().waitFor();
    await page.getByRole('link', { name: 'Xem hồ sơ của tôi' }).click();
    await page.getByTestId('dossier-status').waitFor();
    expect(await myDraftsOf(page, p.id)).toBe(0);
  });

  it('a procedure that takes no online dossiers shows why, not a form', async () => {
    const { page } = await newPage(b.browser!);
    keepOnFailure(page, 'refused');
    const p = await procedureNamed(page, MARRIAGE);
    expect(p.channels).not.toContain('online');
    await login(page, CITIZEN, `/procedures/${p.id}/apply`);
    await page
      .getByTestId('apply-refused')
      .filter({ hasText: 'Thủ tục này chưa nhận hồ sơ trực tuyến; vui lòng nộp tại Bộ phận Một cửa.' })
      .waitFor();
    expect(await page.locator('input[type="file"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Nộp hồ sơ' }).count()).toBe(0);
    await expectAccessible(page, 'apply refused');
  });
});
