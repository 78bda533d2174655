import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { e2e, expectAccessible, login, newPage, useBrowser } from './helpers.ts';

/**
 * The e-form in Chromium (issue 13): errors in Vietnamese, or English when English is chosen,
 * naming the field by its title, not Ajv's "must have required property"; fields in the designed
 * order; a required select with no blank choice, an optional one that can be cleared; dates in
 * dd/MM/yyyy.
 */

// biome-ignore lint/suspicious/noExplicitAny: API bodies are read loosely in this test
type Json = Record<string, any>;

async function birthRegistration(page: Page): Promise<Json> {
  const r = await page.request.get(`/api/v1/procedures?q=${encodeURIComponent('Đăng ký khai sinh')}&pageSize=50`);
  const hit = ((await r.json()).items as Json[]).find((p) => p.name === 'Đăng ký khai sinh');
  expect(hit).toBeTruthy();
  return (await page.request.get(`/api/v1/procedures/${hit!.id}`)).json();
}

/** The options of the open Ant Design dropdown, as the applicant sees them. */
async function openOptions(page: Page, id: string): Promise<string[]> {
  await page.locator(`#${id}`).click();
  const list = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  await list.locator('.ant-select-item-option').first().waitFor();
  const texts = await list.locator('.ant-select-item-option').allTextContents();
  await page.keyboard.press('Escape');
  return texts.map((t) => t.trim());
}

/** Choose an option of a searchable select by typing it. */
async function choose(page: Page, id: string, text: string) {
  await page.locator(`#${id}`).fill(text);
  await page.keyboard.press('Enter');
  await expect
    .poll(async () =>
      (
        await page
          .locator('.ant-select')
          .filter({ has: page.locator(`#${id}`) })
          .textContent()
      )?.includes(text),
    )
    .toBe(true);
}

describe.skipIf(e2e.skip !== null)('the e-form', () => {
  const b = useBrowser();

  it('errors name the field in Vietnamese, then in English; order, selects and dates as designed', async () => {
    const { page } = await newPage(b.browser!);
    const p = await birthRegistration(page);
    await login(page, '048090001234', `/procedures/${p.id}/apply`);
    await page.locator('#root_childName').waitFor();

    // Fields in the designed order (the tờ khai's), whatever order jsonb keeps the properties in.
    const ids = await page
      .locator('[id^="root_"]:is(input, textarea)')
      .evaluateAll((els) => els.map((e) => e.id.replace(/^root_/, '')));
    const order = p.eForm.uiSchema['ui:order'] as string[];
    expect(ids.filter((k) => order.includes(k))).toEqual(order);

    // A required select: only the official options, no blank one; an optional one can be cleared.
    expect(await openOptions(page, 'root_childSex')).toEqual(['Nam', 'Nữ']);
    const required = page.locator('.ant-select').filter({ has: page.locator('#root_childEthnicity') });
    await choose(page, 'root_childEthnicity', 'Kinh');
    await required.hover();
    expect(await required.locator('.ant-select-clear').count()).toBe(0);
    const optional = page.locator('.ant-select').filter({ has: page.locator('#root_motherEthnicity') });
    await choose(page, 'root_motherEthnicity', 'Kinh');
    await optional.hover();
    await optional.locator('.ant-select-clear').click();
    await expect.poll(async () => (await optional.textContent())?.includes('Kinh')).toBe(false);

    // Dates are typed and shown dd/MM/yyyy.
    await page.locator('#root_childBirthDate').fill('15/01/2026');
    await page.locator('#root_childBirthDate').press('Enter');
    expect(await page.locator('#root_childBirthDate').inputValue()).toBe('15/01/2026');

    // Nothing else filled: the errors say which field, in Vietnamese …
    await page.locator('#root_requesterIdNumber').fill('12345');
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await page.getByText('Vui lòng nhập “Họ, chữ đệm, tên”', { exact: true }).waitFor();
    await page.getByText('Vui lòng chọn “Giới tính”', { exact: true }).waitFor();
    await page
      .getByText('“Giấy tờ tùy thân (số định danh cá nhân)” phải gồm đúng 12 chữ số', { exact: true })
      .waitFor();
    expect(await page.getByText(/must have required property|must match pattern/).count()).toBe(0);
    await expectAccessible(page, 'e-form errors');

    // … and in English when English is chosen.
    await page.getByLabel('Ngôn ngữ').selectOption('en');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText('Please enter “Họ, chữ đệm, tên”', { exact: true }).waitFor();
    await page.getByText('Please choose “Giới tính”', { exact: true }).waitFor();
    expect(await page.getByText('Vui lòng nhập “Họ, chữ đệm, tên”').count()).toBe(0);
  });
});
