import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';

const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const e2e = inject('e2e');
export const PASSWORD = 'motcua2026';

/** One headless Chromium per spec file; a fresh context (cookies) per person. */
export function useBrowser() {
  const holder: { browser: Browser | null } = { browser: null };
  beforeAll(async () => {
    if (e2e.skip) return;
    holder.browser = await chromium.launch({
      executablePath: e2e.chromium,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
  });
  afterAll(async () => {
    await holder.browser?.close();
  });
  return holder;
}

export async function newPage(
  browser: Browser,
  opts: { width?: number; height?: number } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: e2e.baseUrl,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    locale: 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  // A hang guard, not a speed check: a loaded two-core CI machine once took longer than 15 s.
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  (page as Page & { jsErrors?: string[] }).jsErrors = errors;
  // Every Content-Security-Policy violation Chromium reports (docs/security.md): the journeys must
  // run under the production CSP without one; expectAccessible checks the list on every page.
  const csp: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) csp.push(`${page.url()}: ${m.text()}`);
  });
  (page as Page & { cspViolations?: string[] }).cspViolations = csp;
  return { context, page };
}

/** Sign in through the login form; lands where the app sends the user (portal or back office). */
export async function login(page: Page, username: string, next?: string) {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  await page.getByLabel('Tên đăng nhập hoặc số định danh cá nhân').fill(username);
  await page.getByLabel('Mật khẩu').fill(PASSWORD);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * Sign in through "Đăng nhập bằng VNeID": the local identity provider's citizen form (personal ID
 * and its demo password), back on `next` signed in at the identity's level (issue 17).
 */
export async function loginWithVneid(page: Page, personalId: string, next?: string) {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : '/login');
  const portal = new URL(page.url()).origin;
  await page.getByTestId('vneid-login').click();
  await page.waitForURL((u) => u.origin !== portal);
  const panel = page.locator('#panel-citizen');
  await panel.getByLabel('Số định danh cá nhân').fill(personalId);
  await panel.getByLabel('Mật khẩu').fill(VNEID_PASSWORD);
  await panel.getByRole('button', { name: /^Đăng nhập/ }).click();
  await page.waitForURL(
    (u) => u.origin === portal && !u.pathname.startsWith('/api/') && !u.pathname.startsWith('/login'),
  );
}
export const VNEID_PASSWORD = 'vneid-demo';

/** axe-core on the current page: no serious or critical violations. */
export async function expectAccessible(page: Page, label: string) {
  // Let closing dropdowns and messages finish their animation: axe judges what stays on screen.
  await page
    .waitForFunction(() => !document.querySelector('.ant-select-dropdown:not(.ant-select-dropdown-hidden)'), null, {
      timeout: 3_000,
    })
    .catch(() => {});
  await page.mouse.move(0, 0);
  // Ant Design fades form errors and messages in (CSS animations): axe would judge a half-faded
  // text's contrast. Wait for every running animation to end first.
  await page
    .evaluate(() =>
      Promise.race([
        Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined))),
        new Promise((r) => setTimeout(r, 3_000)),
      ]),
    )
    .catch(() => {});
  // Evaluated through the DevTools protocol, not as an inline <script>: the app's CSP
  // (script-src 'self') rightly blocks inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (r.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${label}: ${JSON.stringify(bad, null, 1)}`).toEqual([]);
  expect((page as Page & { cspViolations?: string[] }).cspViolations ?? [], `${label}: CSP violations`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(e2e.screenshotDir, `${name}.png`), fullPage: true });
}

/** The page fits the viewport's width: nothing forces horizontal scrolling. */
export async function expectNoHorizontalScroll(page: Page, label: string) {
  const { scroll, client } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  expect(scroll, `${label}: page is ${scroll}px wide in a ${client}px viewport`).toBeLessThanOrEqual(client + 1);
}

export const tinyPdf = () => ({
  name: 'giay-to.pdf',
  mimeType: 'application/pdf',
  buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
});

/** Only claiming is one click; approving, confirming the result and finishing open a confirmation. */
const ONE_CLICK = new Set(['claim']);
const isCommandPost = (r: { method(): string; url(): string }) =>
  r.method() === 'POST' && new URL(r.url()).pathname.endsWith('/actions');
const isDetailGet = (url: string, method: string) =>
  method === 'GET' && /^\/api\/v1\/dossiers\/[0-9a-f-]{36}$/.test(new URL(url).pathname);

/**
 * Click a dossier action button, fill and confirm its dialog when it has one, and wait until the
 * command succeeded and the page has re-read the dossier (so the next action sees the new version).
 */
export async function act(page: Page, action: string, fill?: (page: Page) => Promise<void>) {
  let posted = false;
  // The wait starts before the click and the dialog, so it covers them and the command itself: on
  // a loaded two-core CI machine that took longer than the default 15 s once.
  const timeout = 45_000;
  const post = page.waitForResponse(
    (r) => {
      const hit = isCommandPost(r.request());
      if (hit) posted = true;
      return hit;
    },
    { timeout },
  );
  const refetch = page.waitForResponse((r) => posted && isDetailGet(r.url(), r.request().method()), { timeout });
  // Awaited below; marked handled so a failed click does not also leave unhandled rejections.
  post.catch(() => {});
  refetch.catch(() => {});
  let sent = false;
  const onRequest = (r: { method(): string; url(): string }) => {
    if (isCommandPost(r)) sent = true;
  };
  page.on('request', onRequest);
  await page.locator(`button[data-action="${action}"]`).click();
  if (!ONE_CLICK.has(action)) {
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await fill?.(page);
    // The dialog's opening animation is over before the confirmation is clicked.
    await dialog.evaluate((el) => Promise.all(el.getAnimations({ subtree: true }).map((a) => a.finished)));
    const confirm = dialog.getByRole('button', { name: 'Xác nhận' });
    await confirm.click();
    // Once in CI (2 vCPUs) the confirmation click of a dialog just opened sent nothing: no request,
    // the dialog still open, no error, no script error (stallReport). Not reproduced here; a person
    // would click again, so the test does, once, and says so in the log (docs/reliability.md).
    if (!sent) await page.waitForRequest(isCommandPost, { timeout: 10_000 }).catch(() => null);
    if (!sent && (await confirm.isVisible()) && (await confirm.isEnabled())) {
      console.warn(`[e2e] ${action}: the confirmation click sent no request in 10 s; clicking again`);
      await confirm.click();
    }
  }
  const res = await post.catch(async (e: unknown) => {
    const why = sent ? 'the request was sent, no answer' : 'the browser never sent the request';
    throw new Error(`${action}: ${why}. ${await stallReport(page)}`, { cause: e });
  });
  page.off('request', onRequest);
  expect(res.status(), `${action}: ${await res.text()}`).toBe(200);
  await refetch;
}

/**
 * What the served app's database and the page were doing when a command got no answer: the
 * sessions not idle (a lock wait names what it waits for) and the dialog's text (a validation
 * message). A timeout alone says nothing about why.
 */
async function stallReport(page: Page): Promise<string> {
  const parts: string[] = [];
  if (e2e.databaseUrl) {
    const client = new pg.Client({ connectionString: e2e.databaseUrl });
    try {
      await client.connect();
      const r = await client.query(
        `SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS xact_age,
                pg_blocking_pids(pid) AS blocked_by, left(query, 200) AS query
           FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`,
      );
      parts.push(`database sessions: ${JSON.stringify(r.rows)}`);
    } catch (e) {
      parts.push(`database not reachable: ${String(e)}`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  const dialog = await page
    .getByRole('dialog')
    .innerText({ timeout: 1000 })
    .catch(() => '(no dialog)');
  parts.push(`dialog: ${dialog.replace(/\s+/g, ' ').slice(0, 500)}`);
  parts.push(`page errors: ${JSON.stringify((page as Page & { jsErrors?: string[] }).jsErrors ?? [])}`);
  return parts.join('\n');
}

/** Wait until the element with this test id shows exactly this text. */
export async function expectTestIdText(page: Page, testId: string, text: string) {
  await page
    .getByTestId(testId)
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .waitFor();
}
