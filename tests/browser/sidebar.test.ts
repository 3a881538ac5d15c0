// The built sidebar in a real browser (Debian's chromium through playwright-core, 300 px wide like
// the Sheets sidebar), served by the preview of `npm run sidebar` (tests/support/sidebarPreview.ts):
// every google.script.run call is one execution of the built dist/Code.js on the strict fakes. Each
// flow fails on any console error or page error, and saves a screenshot of its page under
// out/browser/<flow>.png when it fails.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ServerApi } from '../../src/gas/serverApi';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { einvoiceDir } from '../support/einvoiceValidation';
import { oneInvoiceDoc, oneTenant } from '../support/fixtures';
import type { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf } from '../support/gasHarness';
import { type Preview, startPreview } from '../support/sidebarPreview';
import { demoWorkbook, slowClock } from '../support/sidebarRuntime';

const SHOTS = join(__dirname, '../../out/browser');
const NOVEMBER = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
const executablePath = process.env.BILLING_CHROMIUM;
if (!executablePath) console.warn(process.env.BILLING_NO_BROWSER ?? "browser tests skipped: the browser lane's globalSetup found no chromium");

let browser: Browser;
beforeAll(async () => {
  if (executablePath) browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
});

/** The demo workbook with November run by its owner (drafts, one per subscription billed). */
function withDrafts(): FakeSpreadsheet {
  const ss = demoWorkbook();
  const owner = addOn(ss, ss.owner);
  let report = owner.exec('runInvoicing', NOVEMBER);
  while (!report.done) report = owner.exec('continueRun', report.runId);
  return ss;
}

/** November's drafts finalized by the owner, their documents made. */
function finalized(): FakeSpreadsheet {
  const ss = withDrafts();
  const owner = addOn(ss, ss.owner);
  owner.exec('finalizeInvoices', {});
  while (owner.exec('renderDocuments', {}).remaining) {}
  return ss;
}

const drafts = (ss: FakeSpreadsheet) => rowsOf(ss, 'Invoices').filter((r) => r.Status === 'Draft');

interface Flow {
  page: Page;
  preview: Preview;
  ss: FakeSpreadsheet;
  /** Popups the page opened (previews), with the Drive file each showed. */
  opened: string[];
}

/**
 * One flow: the preview on `ss` and a fresh page on it. Drive addresses (https://drive.google.com/…)
 * are answered from the fake Drive, everything else outside 127.0.0.1 is refused.
 */
function flow(name: string, ss: () => FakeSpreadsheet, body: (f: Flow) => Promise<void>, answers?: Partial<ServerApi>) {
  (executablePath ? it : it.skip)(name, async () => {
    const preview = await startPreview({ ss: ss(), answers });
    const context: BrowserContext = await browser.newContext({ viewport: { width: 300, height: 900 } });
    const problems: string[] = [];
    const opened: string[] = [];
    await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => {
      const id = /^https:\/\/drive\.google\.com\/file\/d\/([\w-]+)\/view$/.exec(route.request().url())?.[1];
      const blob = id ? preview.ss.drive.items.get(id)?.blob : undefined;
      if (!blob) return route.abort();
      opened.push(id!);
      return route.fulfill({ status: 200, contentType: 'text/plain', body: `Drive file ${id}: ${blob.getName() ?? ''}` });
    });
    const page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    try {
      await page.goto(preview.url);
      // Started: the form holds the sheet's companies and the schedule's next run.
      await page.waitForFunction(() => document.querySelectorAll('#tenant option').length > 1 && /Next run/.test(document.getElementById('nextRun')!.textContent!));
      await body({ page, preview, ss: preview.ss, opened });
      expect(problems).toEqual([]);
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

const text = async (page: Page, selector: string) => (await page.locator(selector).textContent()) ?? '';
const waitText = (page: Page, selector: string, re: RegExp) => page.waitForFunction(([s, src]) => new RegExp(src).test(document.querySelector(s)?.textContent ?? ''), [selector, re.source] as const);
/** A list's items as text without their buttons: the spans and further lines, joined by " | ". */
const itemsOf = (page: Page, selector: string) =>
  page.locator(`${selector} li`).evaluateAll((lis) =>
    lis.map((li) =>
      [...li.children]
        .filter((c) => c.tagName === 'SPAN' || c.tagName === 'LABEL' || c.classList.contains('line'))
        .map((c) => c.textContent)
        .join(' | '),
    ),
  );

describe('the sidebar in chromium, 300 px wide', () => {
  flow('opens on a workbook with drafts, fits 300 px, and finalizes them all', withDrafts, async ({ page, ss }) => {
    const before = drafts(ss).length;
    expect(before).toBeGreaterThan(3);
    // Nothing runs over the sidebar's width: no horizontal scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);
    expect(await page.inputValue('#month')).toBe('2026-11');
    await page.click('#finalize');
    await waitText(page, '#status', /Documents: \d+ made/);
    expect(await text(page, '#status')).toBe(`Finalized ${before} invoices. Documents: ${before} made.`);
    expect(drafts(ss)).toEqual([]);
  });

  flow('runs a month in slices and lists its drafts', demoWorkbook, async ({ page, preview, ss }) => {
    await page.fill('#month', '2026-11');
    const fast = slowClock(preview.addon, ss, 12_000);
    await page.click('#start');
    await waitText(page, '#status', /done/);
    fast();
    expect(preview.log.filter((c) => c.name === 'continueRun').length).toBeGreaterThan(0);
    const made = drafts(ss);
    expect(await text(page, '#status')).toMatch(new RegExp(`^Run R-000001 done: ${made.length} drafts, \\d+ not billed\\.$`));
    expect(await page.locator('#drafts li').count()).toBe(made.length);
    expect((await itemsOf(page, '#drafts'))[0]).toMatch(/^Bäckerei Müller & Söhne KG \| EUR [\d.]+$/);
  });

  flow('previews a draft in a new tab and links it', demoWorkbook, async ({ page, opened }) => {
    await page.click('#start');
    await waitText(page, '#status', /done/);
    const popup = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Preview draft I-000001' }).click();
    const tab = await popup;
    await tab.waitForLoadState();
    expect(tab.url()).toMatch(/^https:\/\/drive\.google\.com\/file\/d\/[\w-]+\/view$/);
    expect(await tab.locator('body').textContent()).toMatch(/^Drive file F\d+/);
    expect(opened).toHaveLength(1);
    expect(await page.locator('#status a').getAttribute('href')).toBe(tab.url());
    expect(await text(page, '#status')).toBe('Preview of draft I-000001 opened in a new tab. If it did not: Open the preview of I-000001');
  });

  flow('finalizes the selected drafts only', withDrafts, async ({ page, preview, ss }) => {
    // The drafts of a run started before the sidebar opened are not listed: run again to list them.
    await page.click('#start');
    await waitText(page, '#status', /done/);
    const ids = drafts(ss).map((d) => String(d['Invoice ID']));
    await page.click('#finalizeSelected');
    expect(await text(page, '#error')).toBe('Select the drafts to finalize first.');
    await page.check(`#pick-${ids[0]}`);
    await page.check(`#pick-${ids[2]}`);
    await page.click('#finalizeSelected');
    await waitText(page, '#status', /Documents: \d+ made/);
    expect(preview.log.find((c) => c.name === 'finalizeInvoices')!.args).toEqual([{ invoiceIds: [ids[0], ids[2]] }]);
    expect(await text(page, '#status')).toBe('Finalized 2 invoices. Documents: 2 made.');
    expect(drafts(ss).map((d) => d['Invoice ID'])).toEqual(ids.filter((_, i) => i !== 0 && i !== 2));
    expect(await page.locator('input[name=pick]').evaluateAll((l) => l.map((i) => (i as HTMLInputElement).value))).toEqual(ids.filter((_, i) => i !== 0 && i !== 2));
  });

  flow('shows the documents progress slice by slice to the end', withDrafts, async ({ page, preview, ss }) => {
    const n = drafts(ss).length;
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const s = document.getElementById('status')!;
      new MutationObserver(() => seen.push(s.textContent!)).observe(s, { childList: true, characterData: true, subtree: true });
    });
    const fast = slowClock(preview.addon, ss, 21_000); // past the ~20 s budget at the first check: one document a slice
    await page.click('#finalize');
    await waitText(page, '#status', /Documents: \d+ made/);
    fast();
    expect(await text(page, '#status')).toBe(`Finalized ${n} invoices. Documents: ${n} made.`);
    expect(preview.log.filter((c) => c.name === 'renderDocuments')).toHaveLength(n);
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.filter((s) => /Making documents/.test(s))).toEqual(Array.from({ length: n - 1 }, (_, i) => `Finalized ${n} invoices. Making documents: ${i + 1} so far…`));
    expect(
      rowsOf(ss, 'Invoices')
        .filter((r) => !r['PDF URL'])
        .map((r) => r.Number),
    ).toEqual([]);
  });

  flow("sends until the mail quota runs out and says what waits for tomorrow's", finalized, async ({ page, ss }) => {
    ss.quotas.mailRecipientsPerDay = 3;
    await page.click('#send');
    await waitText(page, '#status', /^Sent \d+ invoices?[.,]/);
    const sent = rowsOf(ss, 'Invoices').filter((r) => r.Delivery === 'sent').length;
    const waiting = rowsOf(ss, 'Invoices').filter((r) => r.Type === 'invoice' && r.Delivery !== 'sent').length;
    expect([sent > 0, waiting > 0]).toEqual([true, true]);
    expect(await text(page, '#status')).toMatch(/waits? for tomorrow's mail quota; the hourly trigger sends them \(mail quota left today: \d+\)\.$/);
    expect(await page.isEnabled('#send')).toBe(true);
    expect(await page.isDisabled('#stop')).toBe(true);
  });

  flow(
    'marks an invoice whose delivery is uncertain as sent',
    () => {
      const ss = finalized();
      // The first invoice's mail was handed over when an execution died: delivery uncertain.
      const cells = ss.getSheetByName('Invoices')!.cells;
      cells[1][cells[0].indexOf('Delivery')] = 'sending';
      return ss;
    },
    async ({ page, ss }) => {
      const number = String(rowsOf(ss, 'Invoices')[0].Number);
      await page.click('#send');
      await waitText(page, '#status', /^Sent \d+ invoices?[.,]/);
      expect(await itemsOf(page, '#sendList')).toEqual([expect.stringMatching(new RegExp(`^${number}: delivery uncertain`))]);
      await page.getByRole('button', { name: `Mark invoice ${number} as sent` }).click();
      await waitText(page, '#sendList', /marked as sent/);
      expect(rowsOf(ss, 'Invoices')[0].Delivery).toBe('sent');
    },
  );

  flow('cancels an invoice after confirming and credits part of another', finalized, async ({ page, ss }) => {
    const [first, second] = rowsOf(ss, 'Invoices').map((r) => String(r.Number));
    const asked: string[] = [];
    page.on('dialog', (d) => {
      asked.push(d.message());
      void d.accept();
    });
    await page.click('#creditPanel summary');
    await page.fill('#ccInvoice', first);
    await page.fill('#ccReason', 'duplicate');
    await page.click('#ccCancel');
    await waitText(page, '#ccStatus', /Cancelled/);
    expect(asked[0]).toMatch(new RegExp(`^Cancel invoice ${first}\\? A credit note for the whole invoice is issued`));
    expect(await text(page, '#ccStatus')).toMatch(new RegExp(`^Cancelled ${first} with credit note GS-2026-00001 \\(total EUR -[\\d.]+\\)\\.$`));
    expect(rowsOf(ss, 'Invoices').find((r) => r.Number === first)!.Status).toBe('Cancelled');

    await page.fill('#ccInvoice', second);
    await page.fill('#ccAmount', '5,00');
    await page.click('#ccCredit');
    await waitText(page, '#ccStatus', /Credited/);
    expect(asked[1]).toBe(`Credit 5.00 (net) on invoice ${second}? A credit note is issued; this cannot be undone.`);
    expect(await text(page, '#ccStatus')).toMatch(new RegExp(`^Credited ${second} with credit note [A-Z]+-2026-\\d+ \\(total [A-Z]{3} -[\\d.]+\\)\\.$`));
    expect(await text(page, '#error')).toBe('');
  });

  flow('saves the schedule: the next run shows and one hourly trigger is kept', demoWorkbook, async ({ page, ss }) => {
    await page.click('#schedulePanel summary');
    await page.fill('#schedDay', '10');
    await page.fill('#schedHour', '7');
    await page.check('#schedAutoFinalize');
    await page.check('#schedEnabled');
    await page.click('#saveSchedule');
    await waitText(page, '#nextRun', /saved/);
    expect(await text(page, '#nextRun')).toBe('Schedule saved. Next run: 2026-12-10 07:00');
    expect(ss.triggers.map((t) => [t.handler, t.user])).toEqual([['onHourlyTrigger', ss.owner]]);
  });

  flow('reads a picked Factur-X PDF into Received', demoWorkbook, async ({ page, ss }) => {
    const xml = readFileSync(join(einvoiceDir(), 'examples/cii/CII_example1.xml'), 'utf8');
    const pdf = await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant, facturX: xml });
    await page.click('#receivePanel summary');
    await page.setInputFiles('#receiveFiles', { name: 'supplier.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await page.getByRole('button', { name: 'Read in' }).click();
    await waitText(page, '#receiveStatus', /^Read \d/);
    expect(await text(page, '#receiveStatus')).toBe('Read 1 into the Received sheet.');
    expect(await itemsOf(page, '#receiveResults')).toEqual([expect.stringMatching(/^supplier\.pdf: .*12115118/)]);
    expect(rowsOf(ss, 'Received')).toHaveLength(1);
  });

  flow(
    'fails a call whose result holds a Date, as google.script.run does, and shows why',
    demoWorkbook,
    async ({ page }) => {
      await page.click('#verify');
      await waitText(page, '#error', /Date/);
      expect(await text(page, '#error')).toBe('google.script.run: result.checked is a Date, which cannot be returned to the browser (send an ISO string)');
    },
    // An answer the real server never gives: typed as ServerApi's, a Date where a number belongs.
    { verifyLedger: () => ({ checked: new Date() as unknown as number, problems: [] }) },
  );
});
