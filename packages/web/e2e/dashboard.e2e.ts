import { describe, expect, it } from 'vitest';
import { e2e, expectAccessible, login, newPage, screenshot, useBrowser } from './helpers.ts';

/**
 * The leader dashboard: a walk-in dossier received at a ward's counter shows up in the province's
 * figures for today, its number opens the list with that dossier, the ranking leads down into the
 * ward, and the report downloads as Excel.
 */
describe.skipIf(e2e.skip !== null)('leader dashboard', () => {
  const b = useBrowser();

  it('counts, drill-down to the dossiers, ranking down to an agency, Excel report', async () => {
    // A dossier received today at Hải Châu's counter, through the API (the counter's UI is tested elsewhere).
    const counter = await newPage(b.browser!);
    await login(counter.page, 'tiepnhan.haichau', '/office');
    const code = await counter.page.evaluate(async () => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const procs = await (await fetch('/api/v1/procedures?q=xac%20nhan%20tinh%20trang%20hon%20nhan')).json();
      const r = await fetch('/api/v1/counter/dossiers', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': me.csrfToken,
          'idempotency-key': crypto.randomUUID(),
        },
        body: JSON.stringify({
          procedureId: procs.items[0].id,
          applicant: { name: 'Lê Thị Hoa' },
          // Every mandatory component ticked at the counter (receiving requires it).
          checklist: (
            (await (await fetch(`/api/v1/procedures/${procs.items[0].id}`)).json()).documents as {
              name: string;
              requirement: string;
              original: number | null;
              copy: number | null;
            }[]
          )
            .filter((d) => d.requirement === 'mandatory')
            .map((d) => ({ name: d.name, original: d.original ?? (d.copy ? 0 : 1), copy: d.copy ?? 0 })),
        }),
      });
      return (await r.json()).code as string;
    });
    expect(code).toMatch(/-\d{6}-\d{4}$/);
    await counter.context.close();

    const { context, page } = await newPage(b.browser!);
    await login(page, 'lanhdao.thanhpho', '/dashboard');
    await page.getByRole('heading', { name: 'Bảng điều hành — chỉ số phục vụ' }).waitFor();
    await page.getByText('Điểm chỉ số (Quyết định 766/QĐ-TTg)').waitFor();
    await page.getByRole('row', { name: /UBND Phường Hải Châu/ }).waitFor();
    await expectAccessible(page, 'dashboard');
    await screenshot(page, 'dashboard');

    // "Tiếp nhận" of today's month opens the dossiers behind it, our walk-in among them.
    const received = page.locator('.ant-statistic', { hasText: 'Tiếp nhận' }).getByRole('button').first();
    expect(Number((await received.innerText()).replace(/\D/g, ''))).toBeGreaterThanOrEqual(1);
    await received.click();
    const drawer = page.getByRole('dialog');
    await drawer.getByRole('link', { name: code }).waitFor();
    await screenshot(page, 'dashboard-drill-down');
    await drawer.getByRole('button', { name: /close|đóng/i }).click();

    // Down into the ward from the ranking; the breadcrumb leads back.
    await page
      .getByRole('row', { name: /UBND Phường Hải Châu/ })
      .getByRole('button')
      .click();
    await page.locator('.ant-breadcrumb').getByText('UBND Phường Hải Châu').waitFor();

    // The periodic report as Excel.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Báo cáo tình hình giải quyết TTHC (Excel)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^bao-cao-giai-quyet-tthc-.*\.xlsx$/);
    expect((page as unknown as { jsErrors: string[] }).jsErrors).toEqual([]);
    await context.close();
  });
});
