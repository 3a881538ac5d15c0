// One browser flow of the sidebar (every file of tests/browser): the preview of `npm run sidebar` on a
// workbook, a fresh 300 px page in Debian's chromium (playwright-core), the flow failing on any
// console or page error or native dialog and leaving a screenshot under out/browser/<flow>.png when
// it fails.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Dialog, type Page } from 'playwright-core';
import type { ServerApi } from '../../src/gas/serverApi';
import type { FakeSpreadsheet } from './gasFakes';
import { addOn } from './gasHarness';
import { type Preview, startPreview } from './sidebarPreview';
import { demoWorkbook } from './sidebarRuntime';

const SHOTS = join(__dirname, '../../out/browser');
const executablePath = process.env.BILLING_CHROMIUM;

export interface Flow {
  page: Page;
  preview: Preview;
  ss: FakeSpreadsheet;
  /** Native dialogs the page opened (window.confirm, alert): the sidebar asks in its own box, so none. */
  dialogs: string[];
  /** Drive files the page opened in a tab (previews, PDF links), by id. */
  opened: string[];
}

/** Registers the browser start and stop of a test file; call once at its top. */
export function useBrowser(): void {
  if (!executablePath) console.warn(process.env.BILLING_NO_BROWSER ?? "browser tests skipped: the browser lane's globalSetup found no chromium");
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (executablePath) browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    shared.browser = browser;
  });
  afterAll(async () => {
    await browser?.close();
  });
}
const shared: { browser?: Browser } = {};

/**
 * One flow on a fresh preview of `ss()` as `opts.user` (default: its owner), the server answering
 * `opts.answers` itself where given. Drive file addresses (https://drive.google.com/file/d/…/view)
 * are answered from the fake Drive; everything else outside 127.0.0.1 is refused.
 */
export function flow(name: string, ss: () => FakeSpreadsheet, body: (f: Flow) => Promise<void>, opts: { user?: string; answers?: Partial<ServerApi> } = {}): void {
  (executablePath ? it : it.skip)(name, async () => {
    const preview = await startPreview({ ss: ss(), user: opts.user, answers: opts.answers });
    const context = await shared.browser!.newContext({ viewport: { width: 300, height: 900 } });
    const problems: string[] = [];
    const dialogs: string[] = [];
    const opened: string[] = [];
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
      const id = /^https:\/\/drive\.google\.com\/file\/d\/([\w-]+)\/view$/.exec(route.request().url())?.[1];
      const blob = id ? preview.ss.drive.items.get(id)?.blob : undefined;
      if (!id || !blob) return route.abort();
      opened.push(id);
      return route.fulfill({ status: 200, contentType: 'text/plain', body: `Drive file ${id}: ${blob.getName() ?? ''}` });
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d: Dialog) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await page.goto(preview.url);
      // Started: the form holds the sheet's companies and the schedule's next run.
      await page.waitForFunction(() => document.querySelectorAll('#tenant option').length > 1 && /Next run/.test(document.getElementById('nextRun')!.textContent!));
      await body({ page, preview, ss: preview.ss, dialogs, opened });
      expect({ problems, dialogs }).toEqual({ problems: [], dialogs: [] });
    } catch (e) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `${name.replace(/[^\w-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined);
      throw new Error(`${(e as Error).message}${problems.length ? `\nconsole and page errors: ${problems.join('\n')}` : ''}`);
    } finally {
      await context.close();
      await preview.close();
    }
  });
}

export const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? '';
/** The in-sidebar confirmation (dom.ts confirmAction) once it shows, answered OK or Cancel: what it asked. */
export async function confirm(page: Page, ok: boolean) {
  await page.waitForSelector('#confirmBox:not([hidden])');
  const asked = { question: await text(page, '#confirmText'), facts: await itemsOf(page, '#confirmFacts'), ok: await text(page, '#confirmOk') };
  await page.click(ok ? '#confirmOk' : '#confirmCancel');
  return asked;
}
export const waitText = (page: Page, selector: string, re: RegExp) =>
  page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ''), [selector, re.source] as const);
/** A list's items as text without their buttons: the spans and further lines, joined by " | ". */
export const itemsOf = (page: Page, selector: string) =>
  page.locator(`${selector} li`).evaluateAll((lis) =>
    lis.map((li) =>
      [...li.children]
        .filter((c) => c.tagName === 'SPAN' || c.tagName === 'LABEL' || c.classList.contains('line'))
        .map((c) => c.textContent)
        .join(' | '),
    ),
  );

/** The demo workbook (German sheet) with November run and finalized by its owner, documents made. */
export function finalizedDemo(): FakeSpreadsheet {
  const ss = demoWorkbook();
  const owner = addOn(ss, ss.owner);
  let report = owner.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  while (!report.done) report = owner.exec('continueRun', report.runId);
  owner.exec('finalizeInvoices', {});
  return ss;
}
