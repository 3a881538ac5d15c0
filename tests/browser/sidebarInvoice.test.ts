// Manual, pro-forma and final invoices in the built sidebar, in Debian's chromium at 300 px, against the
// built add-on on the fakes with the demo data (a German sheet: amounts typed as 1.200,00). The
// preview is the engine's computation on the server; saving writes a draft like any other.
import { confirm, finalizedDemo, flow, itemsOf, text, useBrowser, waitText } from '../support/browserPage';
import { addOn, rowsOf } from '../support/gasHarness';
import { demoWorkbook } from '../support/sidebarRuntime';
import type { Page } from 'playwright-core';

useBrowser();

const CLERK = 'clerk@example.com';

/** Opens the panel and waits for the accounts and products the server offers. */
async function openPanel(page: Page) {
  await page.click('#invoicePanel summary');
  await page.waitForFunction(() => document.querySelectorAll('#miAccount option').length > 1 && !!document.getElementById('miProduct-1'));
}

describe('manual and pro-forma invoices in chromium', () => {
  flow("previews a product line and a free-text line with the server's totals, then saves them as a draft", demoWorkbook, async ({ page, preview, ss }) => {
    await openPanel(page);
    await page.selectOption('#miAccount', 'ACC-001');
    // Choosing a product fills in its name, price (as the sheet writes it) and tax class.
    await page.selectOption('#miProduct-1', 'SETUP');
    expect([await page.inputValue('#miDesc-1'), await page.inputValue('#miPrice-1'), await page.inputValue('#miTax-1')]).toEqual(['Onboarding workshop', '890,00', 'standard']);
    await page.fill('#miQty-1', '2');
    await page.click('#miAddLine');
    await page.fill('#miDesc-2', 'Individuelle Schulung');
    await page.fill('#miQty-2', '1,5');
    await page.fill('#miPrice-2', '1.200,00');
    await page.fill('#miStart-2', '2026-11-10');
    await page.fill('#miEnd-2', '2026-11-11');
    expect(await page.locator('#miLines legend').allTextContents()).toEqual(['Line 1', 'Line 2']);

    await page.click('#miPreview');
    await waitText(page, '#miPreviewLines', /Total/);
    // 2 × 890,00 + 1,5 × 1.200,00 = 3.580,00 net at 19 %: tax 680,20.
    expect(await text(page, '#miPreviewTitle')).toBe('Preview for Bäckerei Müller & Söhne KG: payable 4.260,20 EUR');
    expect(await itemsOf(page, '#miPreviewLines')).toEqual([
      '1. Onboarding workshop | 1.780,00 EUR | 2 × 890,00 EUR, tax S 19 %',
      '2. Individuelle Schulung | 1.800,00 EUR | 1,5 × 1.200,00 EUR, tax S 19 %, 10.11.2026 – 11.11.2026',
      'Tax S 19 % on 3.580,00 EUR | 680,20 EUR',
      'Net | 3.580,00 EUR',
      'Tax | 680,20 EUR',
      'Total | 4.260,20 EUR',
    ]);
    expect(preview.log.find((c) => c.name === 'previewManualInvoice')!.args).toEqual([
      {
        accountId: 'ACC-001',
        type: 'invoice',
        lines: [
          { productId: 'SETUP', description: 'Onboarding workshop', quantity: '2', unitPrice: '890.00', taxClass: 'standard' },
          { description: 'Individuelle Schulung', quantity: '1.5', unitPrice: '1200.00', serviceStart: '2026-11-10', serviceEnd: '2026-11-11' },
        ],
      },
    ]);
    expect(rowsOf(ss, 'Invoices')).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);

    await page.click('#miSaveDraft');
    await waitText(page, '#miStatus', /saved/);
    expect(await text(page, '#miStatus')).toBe('Invoice saved as draft I-000001 (4.260,20 EUR). It is listed under Drafts: finalize it like the others.');
    // It appears under Drafts, ready to preview or finalize, and the overview counts it.
    await waitText(page, '#drafts', /Bäckerei/);
    expect(await itemsOf(page, '#drafts')).toEqual([expect.stringMatching(/^Bäckerei Müller & Söhne KG \| 4\.260,20 EUR/)]);
    expect(await text(page, '#draftScope')).toBe('1 draft in the workbook, all companies.');
    expect(await page.locator('#overview li').first().textContent()).toMatch(/^1 draft to finalize/);
    expect(await itemsOf(page, '#miResults')).toEqual(['Draft I-000001 for Bäckerei Müller & Söhne KG | 4.260,20 EUR | Finalized with the other drafts.']);
    // It is a draft in the ledger, with the lines the preview showed.
    expect(rowsOf(ss, 'Invoices').map((r) => [r['Invoice ID'], r.Type, r.Status, r['Account ID'], r.Number, r.Payable])).toEqual([['I-000001', 'invoice', 'Draft', 'ACC-001', '', 4260.2]]);
    expect(rowsOf(ss, 'InvoiceLines').map((r) => [r.Description, r.Net])).toEqual([
      ['Onboarding workshop', 1780],
      ['Individuelle Schulung', 1800],
    ]);
    // The form starts again with one empty line; the old preview is gone.
    expect([await page.locator('#miLines fieldset').count(), await page.isHidden('#miPreviewBox')]).toEqual([1, true]);
    expect(await text(page, '#error')).toBe('');
  });

  flow('names the line and field of a bad entry, saves a pro-forma numbered from the pro-forma range, and cancels it without credit note', demoWorkbook, async ({ page, preview, ss }) => {
    await openPanel(page);
    await page.click('#miSaveProForma');
    await waitText(page, '#error', /account/);
    expect(await text(page, '#error')).toBe('Choose the customer account.');
    await page.selectOption('#miAccount', 'ACC-001');
    await page.fill('#miDesc-1', 'Anzahlung Projekt Phoenix');
    await page.fill('#miQty-1', 'zwei');
    await page.fill('#miPrice-1', '5.000,00');
    await page.click('#miSaveProForma');
    await waitText(page, '#error', /Line 1/);
    expect(await text(page, '#error')).toBe('Line 1: the quantity "zwei" is not a number as this sheet writes them (for example 1.234,50).');
    // The service period is checked too, naming the line.
    await page.fill('#miQty-1', '1');
    await page.click('#miAddLine');
    await page.fill('#miDesc-2', 'Reisekosten');
    await page.fill('#miQty-2', '1');
    await page.fill('#miPrice-2', '120,00');
    await page.fill('#miStart-2', '2026-11-20');
    await page.fill('#miEnd-2', '2026-11-19');
    await page.click('#miPreview');
    await waitText(page, '#error', /Line 2/);
    expect(await text(page, '#error')).toBe('Line 2: the service period ends before it starts.');
    await page.getByRole('button', { name: 'Remove line 2' }).click();
    expect(preview.log.filter((c) => c.name === 'createManualInvoice' || c.name === 'previewManualInvoice')).toEqual([]);

    await page.click('#miSaveProForma');
    await waitText(page, '#miStatus', /saved/);
    expect(await text(page, '#miStatus')).toBe('Pro-forma invoice saved as draft I-000001 (5.950,00 EUR). It is listed under Drafts: finalize it like the others.');
    expect(await itemsOf(page, '#miResults')).toEqual([
      'Pro-forma draft I-000001 for Bäckerei Müller & Söhne KG | 5.950,00 EUR | Numbered from the pro-forma range when finalized; no revenue, no mail.',
    ]);
    expect(rowsOf(ss, 'Invoices').map((r) => [r.Type, r.Status])).toEqual([['pro_forma', 'Draft']]);

    // Finalized, it takes the pro-forma range's first number; the invoice range is not touched.
    const owner = addOn(ss, ss.owner);
    expect(owner.exec('finalizeInvoices', { invoiceIds: ['I-000001'] }).invoices.map((i: { number: string }) => i.number)).toEqual(['PF-2026-00001']);
    expect(rowsOf(ss, 'NumberRanges').map((r) => r.Range)).toEqual(['DE/pro_forma/*']);

    // The credit panel knows it for a pro-forma: no credit, a cancellation without credit note.
    await page.click('#creditPanel summary');
    await page.fill('#ccInvoice', 'PF-2026-00001');
    await page.fill('#ccAmount', '100,00');
    await page.click('#ccCredit');
    await waitText(page, '#error', /pro-forma/);
    expect(await text(page, '#error')).toBe('PF-2026-00001 is a pro-forma invoice: it can be cancelled, not credited.');
    await page.fill('#ccAmount', '');
    await page.click('#ccCancel');
    expect(await confirm(page, true)).toEqual({
      question: 'Cancel pro-forma invoice PF-2026-00001?',
      facts: ['Pro-forma invoice of 01.12.2026 to Bäckerei Müller & Söhne KG', 'It gets no credit note. This cannot be undone.'],
      ok: 'Yes, cancel it',
    });
    await waitText(page, '#ccStatus', /Cancelled/);
    expect(await text(page, '#ccStatus')).toBe('Cancelled PF-2026-00001; a pro-forma invoice gets no credit note.');
    expect(rowsOf(ss, 'Invoices').map((r) => [r.Number, r.Type, r.Status])).toEqual([['PF-2026-00001', 'pro_forma', 'Cancelled']]);
  });

  flow(
    "saves a final invoice of a project: the preview deducts the project's finalized prepayment at its rate",
    () => {
      const ss = demoWorkbook();
      const owner = addOn(ss, ss.owner);
      const pre = owner.exec('createManualInvoice', {
        accountId: 'ACC-001',
        type: 'prepayment',
        project: 'Phoenix',
        invoiceDate: '2026-11-15',
        lines: [{ description: 'Anzahlung Projekt Phoenix', quantity: '1', unitPrice: '3000.00' }],
      });
      owner.exec('finalizeInvoices', { invoiceIds: [pre.invoiceId] });
      return ss;
    },
    async ({ page, preview, ss }) => {
      const prepayment = rowsOf(ss, 'Invoices')[0];
      expect([prepayment.Type, prepayment.Project, prepayment.Status]).toEqual(['prepayment', 'Phoenix', 'Open']);
      await openPanel(page);
      await page.selectOption('#miAccount', 'ACC-001');
      await page.selectOption('#miType', 'final');
      await page.fill('#miDesc-1', 'Projekt Phoenix');
      await page.fill('#miQty-1', '1');
      await page.fill('#miPrice-1', '10.000,00');
      // A final invoice without its project is refused before the server is asked.
      await page.click('#miPreview');
      await waitText(page, '#error', /project/);
      expect(await text(page, '#error')).toBe('A final invoice needs its project: the finalized prepayment and partial invoices of that project are deducted.');
      await page.fill('#miProject', 'Phoenix');
      await page.click('#miPreview');
      await waitText(page, '#miPreviewLines', /Total/);
      expect(await itemsOf(page, '#miPreviewLines')).toEqual([
        '1. Projekt Phoenix | 10.000,00 EUR | 1 × 10.000,00 EUR, tax S 19 %',
        `2. Abzüglich Anzahlungsrechnung ${prepayment.Number} vom 15.11.2026 | -3.000,00 EUR | -1 × 3.000,00 EUR, tax S 19 %`,
        'Tax S 19 % on 7.000,00 EUR | 1.330,00 EUR',
        'Net | 7.000,00 EUR',
        'Tax | 1.330,00 EUR',
        'Total | 8.330,00 EUR',
        // Nothing is paid on the prepayment yet: it stays due on itself (model A, src/core/manual.ts).
        `Warning: ${prepayment.Number} is deducted in full, EUR 3,570.00 of it is still open and stays due on it.`,
      ]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);
      await page.click('#miSaveDraft');
      await waitText(page, '#miStatus', /saved/);
      expect(await text(page, '#miStatus')).toBe('Final invoice saved as draft I-000002 (8.330,00 EUR). It is listed under Drafts: finalize it like the others.');
      expect(await itemsOf(page, '#miResults')).toEqual([
        "Final invoice draft I-000002 for Bäckerei Müller & Söhne KG | 8.330,00 EUR | Finalized with the other drafts; it deducts the project's finalized prepayment and partial invoices.",
      ]);
      expect(preview.log.find((c) => c.name === 'createManualInvoice')!.args[0]).toMatchObject({ accountId: 'ACC-001', type: 'final', project: 'Phoenix' });
      expect(rowsOf(ss, 'Invoices').map((r) => [r.Type, r.Status, r.Project, r.Payable])).toEqual([
        ['prepayment', 'Open', 'Phoenix', 3570],
        ['final', 'Draft', 'Phoenix', 8330],
      ]);
      expect(rowsOf(ss, 'InvoiceLines').map((r) => [r.Kind, r.Net, r['Preceding Invoice']])).toEqual([
        ['manual', 3000, ''],
        ['manual', 10000, ''],
        ['deduction', -3000, prepayment['Invoice ID']],
      ]);
    },
  );

  flow(
    'tells an editor who is not a billing admin that only the admins may, before anything is written or confirmed',
    () => {
      // The owner is named the billing admin; a colleague may edit the spreadsheet.
      const ss = finalizedDemo();
      ss.share(CLERK, 'edit');
      const cells = ss.getSheetByName('Settings')!.cells;
      for (const row of cells.slice(1)) row[cells[0].indexOf('Billing Admins')] = ss.owner;
      return ss;
    },
    async ({ page, preview, ss }) => {
      const before = rowsOf(ss, 'Invoices').length;
      const refusal = (action: string) => `Only the billing admins named in Settings (${ss.owner}) may ${action}; you are signed in as ${CLERK}.`;
      await openPanel(page);
      await page.selectOption('#miAccount', 'ACC-001');
      await page.fill('#miDesc-1', 'Beratung');
      await page.fill('#miQty-1', '1');
      await page.fill('#miPrice-1', '100,00');
      await page.click('#miPreview');
      await waitText(page, '#error', /billing admins/);
      expect(await text(page, '#error')).toBe(refusal('create invoices by hand'));
      await page.click('#miSaveDraft');
      await page.waitForFunction(() => !(document.getElementById('miSaveDraft') as HTMLButtonElement).disabled);
      expect(await text(page, '#error')).toBe(refusal('create invoices by hand'));

      await page.click('#creditPanel summary');
      await page.fill('#ccInvoice', 'RE-2026-00001');
      await page.click('#ccCancel');
      await waitText(page, '#error', /cancel or credit/);
      expect(await text(page, '#error')).toBe(refusal('cancel or credit invoices'));
      expect(await page.isHidden('#confirmBox')).toBe(true);
      expect(rowsOf(ss, 'Invoices')).toHaveLength(before);
      expect(preview.log.filter((c) => c.name === 'createManualInvoice' || c.name === 'cancelInvoice')).toHaveLength(1);
    },
    { user: CLERK },
  );
});
