// The built sidebar in a real browser (Debian's chromium through playwright-core, 300 px wide like
// the Sheets sidebar), served by the preview of `npm run sidebar` (tests/support/sidebarPreview.ts):
// every google.script.run call is one execution of the built dist/Code.js on the strict fakes. Each
// flow fails on any console error or page error, and saves a screenshot of its page under
// out/browser/<flow>.png when it fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { flow, itemsOf, text, useBrowser, waitText } from '../support/browserPage';
import { renderInvoicePdf } from '../../src/node/invoicePdf';
import { einvoiceDir } from '../support/einvoiceValidation';
import { oneInvoiceDoc, oneTenant } from '../support/fixtures';
import type { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf } from '../support/gasHarness';
import { demoWorkbook, slowClock } from '../support/sidebarRuntime';
import { totalsPerCurrency } from '../../sidebar/src/format';

const NOVEMBER = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };
useBrowser();

/** Sets one cell, found by the value `id` in column `key`, of a sheet the user typed. */
function setWhere(ss: FakeSpreadsheet, sheet: string, key: string, id: string, header: string, value: string) {
  const cells = ss.getSheetByName(sheet)!.cells;
  const row = cells.findIndex((r) => r[cells[0].indexOf(key)] === id);
  if (row < 1) throw new Error(`${sheet} has no row with ${key} ${id}`);
  cells[row][cells[0].indexOf(header)] = value;
}

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
const unsent = (ss: FakeSpreadsheet) => rowsOf(ss, 'Invoices').filter((r) => r.Delivery !== 'sent');

/** "1 draft", "3 drafts". */
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
/** Amounts as the German demo companies write them, from the sheet's cells (numbers there). */
const totalsOf = (rows: Record<string, unknown>[]) =>
  totalsPerCurrency(
    rows.map((r) => ({ amount: String(r.Payable), currency: String(r.Currency) })),
    'de',
  );
/** The in-sidebar confirmation as the user reads it, once it shows. */
async function confirmation(page: Page) {
  await page.waitForSelector('#confirmBox:not([hidden])');
  return { question: await text(page, '#confirmText'), facts: await itemsOf(page, '#confirmFacts'), ok: await text(page, '#confirmOk') };
}
/** Every text #workStatus showed from now on, in order. */
async function watchStatus(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    const s = document.getElementById('workStatus')!;
    new MutationObserver(() => seen.push(s.textContent!)).observe(s, { childList: true, characterData: true, subtree: true });
  });
  return () => page.evaluate(() => (window as unknown as { seen: string[] }).seen);
}
const bar = (page: Page, id: string) => page.locator(`#${id}`).evaluate((p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max, (p as HTMLElement).hidden]);

describe('the sidebar in chromium, 300 px wide', () => {
  flow('opens on a workbook with drafts: lists them with their totals per currency, in the company number format, within 300 px', withDrafts, async ({ page, ss }) => {
    const all = drafts(ss);
    expect(all.length).toBeGreaterThan(3);
    await waitText(page, '#overview', /drafts to finalize/);
    const warned = all.filter((r) => r.Warnings).length;
    expect(await itemsOf(page, '#overview')).toEqual([
      `${all.length} drafts to finalize (listed under Drafts) | Total payable: ${totalsOf(all)}` + (warned ? ` | ${warned} draft${warned === 1 ? ' has' : 's have'} warnings (see the list)` : ''),
      'Hourly trigger: off, so nothing happens unless someone presses a button here. You can turn it on (Schedule).',
    ]);
    // Each draft: customer, amount, and the invoice's warnings (a missing IBAN, periods caught up …).
    const items = await itemsOf(page, '#drafts');
    expect(items.length).toBe(all.length);
    expect(items.filter((t, i) => t !== `${all[i]['Buyer Name']} | ${totalsOf([all[i]])}${all[i].Warnings ? ` | Warning: ${all[i].Warnings}` : ''}`)).toEqual([]);
    expect(items[0]).toBe('Bäckerei Müller & Söhne KG | 743,71 EUR');
    expect(await text(page, '#draftScope')).toBe(`${all.length} drafts in the workbook, all companies.`);
    expect(await text(page, '#draftTotals')).toBe(`Total payable: ${totalsOf(all)}`);
    // Nothing runs over the sidebar's width: no horizontal scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);
    // A long name is cut, never pushing its amount: every amount ends at the same right edge, right of its name.
    const geometry = await page.locator('#drafts li').evaluateAll((lis) =>
      lis.map((li) => {
        const name = li.querySelector('label')!.getBoundingClientRect();
        const amount = li.querySelector('.amount')!.getBoundingClientRect();
        return { text: li.textContent, right: Math.round(amount.right), overlap: name.right > amount.left, top: Math.round(name.top) === Math.round(amount.top) };
      }),
    );
    expect(geometry.filter((g) => g.right !== geometry[0].right || g.overlap || !g.top)).toEqual([]);
    // Lists grow with the page: no inner scroll box hides the last entry.
    expect(await page.locator('ul').evaluateAll((uls) => uls.filter((u) => u.scrollHeight > u.clientHeight + 1).map((u) => u.id))).toEqual([]);
  });

  flow(
    'opens on a workbook where a run waits, documents and mail wait and a delivery is uncertain, and Resume finishes the run',
    () => {
      const ss = finalized();
      // The first invoice's mail was handed over when an execution died; the second lost its PDF link.
      setWhere(ss, 'Invoices', 'Invoice ID', 'I-000001', 'Delivery', 'sending');
      setWhere(ss, 'Invoices', 'Invoice ID', 'I-000002', 'PDF URL', '');
      // December's run, cut after its first slice by a slow spreadsheet.
      const owner = addOn(ss, ss.owner);
      const fast = slowClock(owner, ss, 12_000);
      const cut = owner.exec('runInvoicing', { periodStart: '2026-12-01', periodEnd: '2026-12-31' });
      fast();
      expect(cut.done).toBe(false);
      return ss;
    },
    async ({ page, ss }) => {
      const invoices = rowsOf(ss, 'Invoices').filter((r) => r.Status !== 'Draft');
      const december = drafts(ss);
      await waitText(page, '#overview', /uncertain/);
      const first = String(invoices[0].Number);
      expect(await itemsOf(page, '#overview')).toEqual([
        `${plural(december.length, 'draft')} to finalize (listed under Drafts) | Total payable: ${totalsOf(december)}` +
          (december.some((d) => d.Warnings)
            ? ` | ${plural(december.filter((d) => d.Warnings).length, 'draft')} ha${december.filter((d) => d.Warnings).length === 1 ? 's' : 've'} warnings (see the list)`
            : ''),
        `Run R-000002 (2026-12-01 – 2026-12-31) waits to continue: ${plural(december.length, 'draft')} so far`,
        `1 finalized invoice waits for documents | Total payable: ${totalsOf([invoices[1]])} | Send makes them on the way.`,
        `${invoices.length - 1} finalized invoices wait to be sent | Total payable: ${totalsOf(invoices.slice(1))} (Nordlicht Software GmbH, Alpenblick Services AG)`,
        '1 delivery is uncertain: see Not sent below',
        expect.stringMatching(/^Hourly trigger: off/),
      ]);
      expect(await itemsOf(page, '#sendList')).toEqual([`${first}: delivery uncertain; check with the customer, then mark as sent or resend`]);
      await page.getByRole('button', { name: 'Resume run R-000002' }).click();
      await waitText(page, '#status', /^Run R-000002 done/);
      const all = drafts(ss);
      expect(all.length).toBeGreaterThan(december.length);
      expect(await page.locator('#drafts li').count()).toBe(all.length);
      expect(await text(page, '#draftScope')).toBe(`${all.length} drafts of run R-000002, all companies.`);
      expect(await bar(page, 'progress')).toEqual([expect.any(Number), expect.any(Number), false]);
      const [value, max] = await bar(page, 'progress');
      expect(value).toBe(max);
      await waitText(page, '#overview', new RegExp(`^${all.length} drafts to finalize`));
      expect(await itemsOf(page, '#overview')).not.toContainEqual(expect.stringMatching(/waits to continue/));
    },
  );

  flow(
    'runs a month in slices to 100 %, counts drafts, rows with errors and failed subscriptions, shows warnings, re-runs exactly the failed ones and refreshes Last runs',
    () => {
      const ss = demoWorkbook();
      setWhere(ss, 'Items', 'Item ID', 'IT-006', 'Quantity', 'lots'); // a row error: SUB-003 is not billed
      setWhere(ss, 'TaxRules', 'Rule ID', 'DE-EXPORT', 'Seller Country', 'AT'); // SUB-005 (US) has no tax rule
      setWhere(ss, 'Items', 'Item ID', 'IT-001', 'Billed Until', '2026-08-31'); // SUB-001 catches up September and October
      return ss;
    },
    async ({ page, preview, ss }) => {
      await page.click('#schedulePanel summary');
      expect(await itemsOf(page, '#lastRuns')).toEqual(['No runs yet.']);
      await page.fill('#month', '2026-11');
      const fast = slowClock(preview.addon, ss, 12_000);
      await page.click('#start');
      await waitText(page, '#status', /done/);
      fast();
      expect(preview.log.filter((c) => c.name === 'continueRun').length).toBeGreaterThan(0);
      const made = drafts(ss);
      const warned = made.filter((d) => d.Warnings).length;
      expect(warned).toBeGreaterThan(0);
      expect(await text(page, '#status')).toBe(`Run R-000001 done: ${made.length} drafts (${warned} with warnings), 1 row with errors, 2 subscriptions failed.`);
      const [value, max] = await bar(page, 'progress');
      expect([value, max]).toEqual([8, 8]);
      expect(await itemsOf(page, '#drafts')).toContainEqual(
        expect.stringMatching(/^Bäckerei Müller & Söhne KG \| [\d.]+,\d\d EUR \| Warning: .*item IT-001: catching up 2 earlier period\(s\) from 2026-09-01 never billed/),
      );
      expect(await itemsOf(page, '#rowErrors')).toEqual(['Items row 7, column Quantity (value "lots"): "lots" is not a number']);
      expect(await itemsOf(page, '#failed')).toEqual([
        expect.stringMatching(/^SUB-003: not billed while Items row 7 has an error/),
        expect.stringMatching(/^SUB-005: no tax rule for seller DE, buyer US/),
      ]);
      await waitText(page, '#lastRuns', /R-000001/);
      expect((await itemsOf(page, '#lastRuns'))[0]).toMatch(new RegExp(`^2026-11-01 – 2026-11-30: done with errors \\| ${made.length} drafts, 3 errors`));

      // Both fixed: "Re-run these" bills exactly the two failed subscriptions.
      setWhere(ss, 'Items', 'Item ID', 'IT-006', 'Quantity', '1');
      setWhere(ss, 'TaxRules', 'Rule ID', 'DE-EXPORT', 'Seller Country', 'DE');
      await page.getByRole('button', { name: 'Re-run these' }).click();
      await waitText(page, '#status', /^Run R-000002 done/);
      expect(preview.log.filter((c) => c.name === 'runInvoicing').map((c) => (c.args[0] as { subscriptionIds?: string[] }).subscriptionIds)).toEqual([undefined, ['SUB-003', 'SUB-005']]);
      expect(await text(page, '#status')).toMatch(/^Run R-000002 done: 2 drafts( \(\d with warnings\))?, 0 rows with errors, 0 subscriptions failed\.$/);
      expect(await itemsOf(page, '#drafts')).toEqual([
        expect.stringMatching(/^Éditions Léon SARL \| 1\.500,00 EUR( \| Warning: .*)?$/),
        expect.stringMatching(/^Acme Corp\. \| 15,00 USD( \| Warning: .*)?$/),
      ]);
      expect([await page.isHidden('#failedBox'), await page.isHidden('#rowErrorBox')]).toEqual([true, true]);
    },
  );

  flow('previews a draft in a new tab and links it', withDrafts, async ({ page, opened }) => {
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

  flow('finalizes the selected drafts after a confirmation that says what will happen; Cancel changes nothing', withDrafts, async ({ page, preview, ss }) => {
    const before = drafts(ss);
    const ids = before.map((d) => String(d['Invoice ID']));
    await page.waitForSelector(`#pick-${ids[0]}`);
    await page.click('#finalizeSelected');
    expect(await text(page, '#error')).toBe('Select the drafts to finalize first.');
    await page.check(`#pick-${ids[0]}`);
    await page.check(`#pick-${ids[2]}`);
    const picked = [before[0], before[2]];
    await page.click('#finalizeSelected');
    expect(await confirmation(page)).toEqual({
      question: 'Finalize 2 invoices?',
      facts: [
        'The 2 drafts you selected; the others stay drafts.',
        'Companies: Nordlicht Software GmbH (2)',
        `Total payable: ${totalsOf(picked)}`,
        'Each gets the next number of its company; after that it can only be corrected by a credit note.',
      ],
      ok: 'Finalize 2 invoices',
    });
    await page.click('#confirmCancel');
    expect(await page.isHidden('#confirmBox')).toBe(true);
    expect(await text(page, '#workStatus')).toBe('Nothing finalized.');
    expect([preview.log.filter((c) => c.name === 'finalizeInvoices'), drafts(ss).length]).toEqual([[], before.length]);

    await page.click('#finalizeSelected');
    await confirmation(page);
    await page.click('#confirmOk');
    await waitText(page, '#workStatus', /Documents: \d+ of \d+ made/);
    expect(preview.log.find((c) => c.name === 'finalizeInvoices')!.args).toEqual([{ invoiceIds: [ids[0], ids[2]] }]);
    expect(await text(page, '#workStatus')).toBe('Finalized 2 invoices. Documents: 2 of 2 made.');
    expect(drafts(ss).map((d) => d['Invoice ID'])).toEqual(ids.filter((_, i) => i !== 0 && i !== 2));
    expect(await page.locator('input[name=pick]').evaluateAll((l) => l.map((i) => (i as HTMLInputElement).value))).toEqual(ids.filter((_, i) => i !== 0 && i !== 2));
    // The results: each number with its customer and amount, and links to its PDF and Doc.
    const issued = rowsOf(ss, 'Invoices').filter((r) => r['Invoice ID'] === ids[0] || r['Invoice ID'] === ids[2]);
    expect(await itemsOf(page, '#doneList')).toEqual(issued.map((r) => `${r.Number} ${r['Buyer Name']} | ${totalsOf([r])} | PDFDoc`));
    expect(await text(page, '#doneTotals')).toBe(`Total payable: ${totalsOf(issued)}`);
    const links = await page.locator('#doneList a').evaluateAll((as) => as.map((a) => [a.getAttribute('aria-label'), a.getAttribute('href'), a.getAttribute('target'), a.getAttribute('rel')]));
    expect(links).toEqual(
      issued.flatMap((r) => [
        [`PDF of ${r.Number}`, r['PDF URL'], '_blank', 'noopener'],
        [`Doc of ${r.Number}`, r['Doc URL'], '_blank', 'noopener'],
      ]),
    );
    expect(links.filter((l) => !/^https:\/\//.test(String(l[1])))).toEqual([]);
  });

  flow('finalizes all listed drafts of the chosen company only, and says so', withDrafts, async ({ page, preview, ss }) => {
    const swiss = drafts(ss).filter((d) => d.Tenant === 'CH');
    const german = drafts(ss).filter((d) => d.Tenant === 'DE');
    expect([swiss.length > 0, german.length > 0]).toEqual([true, true]);
    await page.selectOption('#tenant', 'CH');
    expect(await page.locator('#drafts li').count()).toBe(swiss.length);
    expect(await text(page, '#draftScope')).toBe(`${plural(swiss.length, 'draft')} in the workbook, company Alpenblick Services AG (${plural(german.length, 'draft')} of other companies not listed).`);
    await page.click('#finalize');
    expect(await confirmation(page)).toEqual({
      question: `Finalize ${plural(swiss.length, 'invoice')}?`,
      facts: [
        `The ${plural(swiss.length, 'draft')} listed (in the workbook, company Alpenblick Services AG). Drafts not listed stay drafts.`,
        `Companies: Alpenblick Services AG (${swiss.length})`,
        `Total payable: ${totalsOf(swiss)}`,
        'Each gets the next number of its company; after that it can only be corrected by a credit note.',
      ],
      ok: `Finalize ${plural(swiss.length, 'invoice')}`,
    });
    await page.click('#confirmOk');
    await waitText(page, '#workStatus', /Documents: /);
    expect(preview.log.find((c) => c.name === 'finalizeInvoices')!.args).toEqual([{ invoiceIds: swiss.map((d) => d['Invoice ID']) }]);
    expect(drafts(ss).map((d) => d['Invoice ID'])).toEqual(german.map((d) => d['Invoice ID']));
  });

  flow('shows the documents progress as n of N with a bar, slice by slice, until N of N', withDrafts, async ({ page, preview, ss }) => {
    const n = drafts(ss).length;
    const seen = await watchStatus(page);
    const fast = slowClock(preview.addon, ss, 21_000); // past the ~20 s budget at the first check: one document a slice
    await page.click('#finalize');
    await confirmation(page);
    await page.click('#confirmOk');
    await waitText(page, '#workStatus', /Documents: \d+ of \d+ made/);
    fast();
    expect(await text(page, '#workStatus')).toBe(`Finalized ${n} invoices. Documents: ${n} of ${n} made.`);
    expect(preview.log.filter((c) => c.name === 'renderDocuments')).toHaveLength(n);
    const making = (await seen()).filter((s) => /Making documents: \d/.test(s));
    expect(making.map((s) => s.replace(/, (under a minute|about \d+ minutes?) left/, ''))).toEqual(
      Array.from({ length: n - 1 }, (_, i) => `Finalized ${n} invoices. Making documents: ${i + 1} of ${n}…`),
    );
    expect(making.filter((s) => !/ left…$/.test(s))).toEqual([]);
    expect(await bar(page, 'workProgress')).toEqual([n, n, false]);
    // The progress shows beside the button pressed, not above the drafts list out of view.
    const where = await page.locator('#workStatus').evaluate((e) => {
      const r = e.getBoundingClientRect();
      return { inView: r.top >= 0 && r.bottom <= window.innerHeight, belowFinalize: r.top > document.getElementById('finalize')!.getBoundingClientRect().bottom };
    });
    expect(where).toEqual({ inView: true, belowFinalize: true });
    expect(
      rowsOf(ss, 'Invoices')
        .filter((r) => !r['PDF URL'])
        .map((r) => r.Number),
    ).toEqual([]);
  });

  flow('asks before sending, sends until the mail quota runs out, and says honestly that no trigger sends the rest; the admin turns it on', finalized, async ({ page, preview, ss }) => {
    ss.quotas.mailRecipientsPerDay = 3;
    const invoices = unsent(ss);
    await page.click('#send');
    const n = plural(invoices.length, 'invoice');
    expect(await confirmation(page)).toEqual({
      question: `Send ${n}?`,
      facts: [
        `Every finalized invoice not sent yet: ${invoices.length}.`,
        'Companies: Nordlicht Software GmbH, Alpenblick Services AG',
        `Total payable: ${totalsOf(invoices)}`,
        "Each goes by email to its customer's invoice contacts with its PDF; documents still missing are made first.",
      ],
      ok: `Send ${n}`,
    });
    await page.keyboard.press('Escape'); // Escape is Cancel
    expect([await text(page, '#workStatus'), preview.log.filter((c) => c.name === 'sendInvoices').length, unsent(ss).length]).toEqual(['Nothing sent.', 0, invoices.length]);

    await page.click('#send');
    await confirmation(page);
    await page.click('#confirmOk');
    await waitText(page, '#workStatus', /^Sent \d+ invoices?[.,]/);
    const sent = invoices.length - unsent(ss).length;
    expect([sent > 0, unsent(ss).length > 0]).toEqual([true, true]);
    expect(await text(page, '#workStatus')).toBe(
      `Sent ${plural(sent, 'invoice')}. ${unsent(ss).length} invoices wait for tomorrow's mail quota (mail quota left today: 0). No hourly trigger is on: see below.`,
    );
    expect(await text(page, '#triggerText')).toBe('No hourly trigger is on, so nothing sends them by itself: press Send finalized invoices again tomorrow, or turn on the hourly trigger.');
    expect(await bar(page, 'workProgress')).toEqual([sent, invoices.length, false]);
    expect(await page.isEnabled('#send')).toBe(true);
    expect(await page.isDisabled('#stop')).toBe(true);

    await page.click('#installTrigger');
    const asked = await confirmation(page);
    expect(asked.question).toBe('Turn on the hourly trigger?');
    expect(asked.facts[1]).toBe('It comes with the monthly schedule: on day 1 from 6:00 it bills last month as drafts (change it under Schedule).');
    await page.click('#confirmOk');
    await waitText(page, '#triggerText', /^The hourly trigger is on/);
    expect(await text(page, '#triggerText')).toBe('The hourly trigger is on (run by you); next scheduled run: within the hour.');
    expect(ss.triggers.map((t) => [t.handler, t.user])).toEqual([['onHourlyTrigger', ss.owner]]);
    await waitText(page, '#overview', /Hourly trigger: on/);
  });

  flow(
    "with the hourly trigger on, says it sends what today's mail quota leaves",
    () => {
      const ss = finalized();
      addOn(ss, ss.owner).exec('saveScheduleSettings', { dayOfMonth: 3, hour: 7, autoFinalize: false, autoSend: false, enabled: true });
      ss.quotas.mailRecipientsPerDay = 3;
      return ss;
    },
    async ({ page, ss }) => {
      await waitText(page, '#overview', /Hourly trigger: on/);
      await page.click('#send');
      await confirmation(page);
      await page.click('#confirmOk');
      await waitText(page, '#workStatus', /^Sent \d+ invoices?[.,]/);
      expect(await text(page, '#workStatus')).toMatch(
        new RegExp(
          `^Sent \\d+ invoices?\\. ${unsent(ss).length} invoices wait for tomorrow's mail quota \\(mail quota left today: 0\\)\\. The hourly trigger \\(run by you@example\\.com\\) sends them once the quota allows\\.$`,
        ),
      );
      expect(await page.isHidden('#triggerBox')).toBe(true);
    },
  );

  flow(
    'marks an invoice whose delivery is uncertain as sent: the entry and the summary change',
    () => {
      const ss = finalized();
      // The first invoice's mail was handed over when an execution died: delivery uncertain.
      setWhere(ss, 'Invoices', 'Invoice ID', 'I-000001', 'Delivery', 'sending');
      return ss;
    },
    async ({ page, ss }) => {
      const number = String(rowsOf(ss, 'Invoices')[0].Number);
      const others = rowsOf(ss, 'Invoices').length - 1;
      await page.click('#send');
      await confirmation(page);
      await page.click('#confirmOk');
      await waitText(page, '#workStatus', /^Sent \d+ invoices?[.,]/);
      expect(await text(page, '#workStatus')).toBe(`Sent ${others} invoices, 1 with delivery uncertain.`);
      expect(await itemsOf(page, '#sendList')).toEqual([`${number}: delivery uncertain; check with the customer, then mark as sent or resend`]);
      await page.getByRole('button', { name: `Mark invoice ${number} as sent` }).click();
      await waitText(page, '#sendList', /marked as sent/);
      expect(await itemsOf(page, '#sendList')).toEqual([`${number}: marked as sent`]);
      expect(await text(page, '#workStatus')).toBe(`Sent ${others} invoices, 1 marked as sent.`);
      expect(rowsOf(ss, 'Invoices')[0].Delivery).toBe('sent');
      await waitText(page, '#overview', /^Nothing waits/);
    },
  );

  flow('saves the schedule: the next run shows and one hourly trigger is kept', demoWorkbook, async ({ page, ss }) => {
    await page.click('#schedulePanel summary');
    await page.fill('#schedDay', '10');
    await page.fill('#schedHour', '7');
    await page.check('#schedAutoFinalize');
    await page.check('#schedEnabled');
    await page.click('#saveSchedule');
    await waitText(page, '#nextRun', /saved/);
    expect(await text(page, '#nextRun')).toBe('Schedule saved. Next run: 2026-12-10 07:00');
    await waitText(page, '#overview', /Hourly trigger: on \(run by you@example\.com\)/);
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
    { answers: { verifyLedger: () => ({ checked: new Date() as unknown as number, problems: [] }) } },
  );
});
