// Payments, open items and direct-debit collections in the built sidebar, in Debian's chromium at
// 300 px, against the built add-on on the fakes with the demo data (a German sheet: 1.234,50 EUR):
// statements picked through the file input (camt XML as text, a Windows-1252 CSV as base64), a
// suggested invoice assigned with one click and undone, the open items per account, and a
// collection previewed, confirmed and linked.
import { camt053 } from '../../src/node/sampleStatement';
import { confirm, flow, itemsOf, text, useBrowser, waitText } from '../support/browserPage';
import { rowsOf } from '../support/gasHarness';
import { receivablesDemo } from '../support/sidebarPreview';

useBrowser();

const billed = () => receivablesDemo({ billed: true });
const invoice = (ss: Parameters<typeof rowsOf>[0], number: string) => rowsOf(ss, 'Invoices').find((r) => r.Number === number)!;
const calls = (log: { name: string }[], name: string) => log.filter((c) => c.name === name).length;

const camt = camt053({
  id: 'STMT-2026-12-02',
  iban: 'DE89370400440532013000',
  owner: 'Nordlicht Software GmbH',
  created: '2026-12-02T06:00:00',
  bookings: [
    { date: '2026-12-02', amount: '1500.00', name: 'Editions Leon SARL', text: 'Facture RE-2026-00003' },
    { date: '2026-12-02', amount: '91.88', name: 'Jan de Vries', text: 'Dezember Beratung, vielen Dank und schöne Feiertage an das ganze Team von Nordlicht Software in Berlin' },
  ],
});
/** A German bank's export: preamble, ';', decimal comma, CRLF, Windows-1252 bytes (ü is 0xFC). */
const csv = Buffer.from(
  Array.from(
    [
      'Umsatzanzeige;Konto DE89370400440532013000',
      '',
      'Buchungstag;Valuta;Beguenstigter/Zahlungspflichtiger;IBAN;Verwendungszweck;Betrag',
      '02.12.2026;02.12.2026;"Stadtwerke Musterstadt";DE12500105170648489890;"RE-2026-00006 Grüße";163,27',
    ].join('\r\n'),
    (c) => c.charCodeAt(0),
  ),
);

describe('payments in chromium', () => {
  flow('imports a camt statement and a cp1252 CSV picked in the browser, assigns a suggestion, then undoes it', billed, async ({ page, preview, ss }) => {
    await page.click('#paymentsPanel summary');
    await waitText(page, '#payListStatus', /matched|No payments/);
    await page.setInputFiles('#payFiles', [
      { name: 'STMT-2026-12-02.xml', mimeType: 'application/xml', buffer: Buffer.from(camt, 'utf8') },
      { name: 'umsaetze.csv', mimeType: 'text/csv', buffer: csv },
    ]);
    await page.click('#payImport');
    await waitText(page, '#payStatus', /Imported/);
    // The CSV crossed as base64 (its bytes), the XML as text.
    const sent = preview.log.find((c) => c.name === 'importPayments')!.args[0] as { name: string; text?: string; base64?: string }[];
    expect(sent.map((f) => [f.name, typeof f.text, typeof f.base64])).toEqual([
      ['STMT-2026-12-02.xml', 'string', 'undefined'],
      ['umsaetze.csv', 'undefined', 'string'],
    ]);
    expect(Buffer.from(sent[1].base64!, 'base64').equals(csv)).toBe(true);
    expect(await text(page, '#payStatus')).toBe('Imported 3 payments, 2 matched in full.');
    expect(await itemsOf(page, '#payFileCounts')).toEqual([expect.stringMatching(/^STMT-2026-12-02\.xml \(camt[^)]*\): 2 new payments$/), 'umsaetze.csv (csv): 1 new payment']);
    const added = await itemsOf(page, '#payNew');
    expect(added[0]).toMatch(/^Editions Leon SARL \| 1\.500,00 EUR \| P-000001 · 02\.12\.2026 \| Facture RE-2026-00003 \| Matched: RE-2026-00003 1\.500,00 EUR$/);
    // A long remittance text is cut with "…".
    expect(added[1]).toMatch(/^Jan de Vries \| 91,88 EUR \| P-000002 · 02\.12\.2026 \| Dezember Beratung, .*… \| Unmatched/);
    expect(added[2]).toMatch(/^Stadtwerke Musterstadt, DE12500105170648489890 \| 163,27 EUR \| P-000003 · 02\.12\.2026 \| RE-2026-00006 Grüße \| Matched: RE-2026-00006 163,27 EUR$/);
    expect([invoice(ss, 'RE-2026-00003')['Payment Status'], invoice(ss, 'RE-2026-00006')['Payment Status']]).toEqual(['Paid', 'Paid']);

    // The unmatched payment waits with its suggestion: one click takes it, Assign asks first.
    expect(await itemsOf(page, '#payList')).toEqual([expect.stringMatching(/^Jan de Vries \| 91,88 EUR \| P-000002 · /)]);
    await page.click('[aria-label="Take suggestion RE-2026-00004 for payment P-000002"]');
    expect(await page.inputValue('[aria-label="Invoices for payment P-000002"]')).toBe('RE-2026-00004');
    await page.click('[aria-label="Assign payment P-000002"]');
    expect(await confirm(page, false)).toEqual({
      question: 'Assign payment P-000002 to RE-2026-00004?',
      facts: ['91,88 EUR from Jan de Vries on 02.12.2026', 'Oldest invoice first; what they do not need stays a credit on the account.'],
      ok: 'Yes, assign',
    });
    expect(calls(preview.log, 'assignPayment')).toBe(0);
    await page.click('[aria-label="Assign payment P-000002"]');
    await confirm(page, true);
    await waitText(page, '#payStatus', /settles/);
    expect(await text(page, '#payStatus')).toBe('Payment P-000002 settles RE-2026-00004 91,88 EUR.');
    expect(preview.log.find((c) => c.name === 'assignPayment')!.args).toEqual([{ paymentId: 'P-000002', invoices: ['RE-2026-00004'] }]);
    expect(invoice(ss, 'RE-2026-00004')['Payment Status']).toBe('Paid');
    await waitText(page, '#payListStatus', /Every payment is matched/);

    // All payments: a matched one can be undone, after the confirmation.
    await page.uncheck('#payOnlyUnmatched');
    await waitText(page, '#payListStatus', /3 payments/);
    await page.click('[aria-label="Undo payment P-000002"]');
    expect(await confirm(page, true)).toEqual({
      question: 'Undo payment P-000002?',
      facts: ['91,88 EUR from Jan de Vries on 02.12.2026', 'It settles now: RE-2026-00004 91,88 EUR', 'These invoices are open again and the payment is unmatched.'],
      ok: 'Yes, undo',
    });
    await waitText(page, '#payStatus', /unmatched again/);
    expect(invoice(ss, 'RE-2026-00004')['Payment Status']).toBe('Open');
    expect(rowsOf(ss, 'Payments').find((p) => p['Payment ID'] === 'P-000002')!.Status).toBe('unmatched');
    // Importing the same statement again adds nothing.
    await page.click('#payImport');
    await waitText(page, '#payStatus', /Imported 0 payments/);
    expect(await itemsOf(page, '#payFileCounts')).toEqual([expect.stringMatching(/: 0 new payments, 2 read before$/), 'umsaetze.csv (csv): 0 new payments, 1 read before']);
    // An owner edits the protected Matched Invoices cell of P-000001: the next import says it left the payment as booked.
    const cells = ss.getSheetByName('Payments')!.cells;
    cells[1][cells[0].indexOf('Matched Invoices')] = 'erste Rechnung';
    await page.click('#payImport');
    await waitText(page, '#payStatus', /Imported 0 payments/);
    expect((await itemsOf(page, '#payFileCounts')).slice(2)).toEqual([expect.stringMatching(/^Payments row 2, column Matched Invoices \(value "erste Rechnung"\): .+ P-000001 was left as it is\.$/)]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);
    expect(await text(page, '#error')).toBe('');
  });

  flow('shows a statement the server cannot read in the panel, and asks for a file when none is picked', billed, async ({ page, preview }) => {
    await page.click('#paymentsPanel summary');
    await page.setInputFiles('#payFiles', [{ name: 'kaputt.xml', mimeType: 'application/xml', buffer: Buffer.from('<Document><nope/></Document>') }]);
    await page.click('#payImport');
    await waitText(page, '#payStatus', /not read/);
    expect(await itemsOf(page, '#payFileCounts')).toEqual([expect.stringMatching(/^kaputt\.xml: .+\.$/)]);
    await page.setInputFiles('#payFiles', []);
    await page.click('#payImport');
    await waitText(page, '#error', /Choose the bank statements/);
    expect(calls(preview.log, 'importPayments')).toBe(1);
  });
});

describe('open items in chromium', () => {
  flow('lists the open invoices per account with totals per currency, and filters by account', billed, async ({ page }) => {
    await page.click('#openItemsPanel summary');
    await waitText(page, '#oiTotals', /Open as of/);
    expect(await text(page, '#oiTotals')).toBe('Open as of 01.12.2026: 161,50 CHF · 3.438,93 EUR · 15,00 USD');
    const items = await itemsOf(page, '#oiList');
    expect(items).toContain('Bäckerei Müller & Söhne KG (ACC-001) | 743,71 EUR');
    expect(items).toContain('RE-2026-00001 | 743,71 EUR | Due 15.12.2026 · Open');
    await page.selectOption('#oiAccount', 'ACC-003');
    await waitText(page, '#oiTotals', /1\.500,00 EUR/);
    expect(await itemsOf(page, '#oiList')).toEqual(['Éditions Léon SARL (ACC-003) | 1.500,00 EUR', 'RE-2026-00003 | 1.500,00 EUR | Due 15.12.2026 · Open']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);
  });
});

describe('direct-debit collection in chromium', () => {
  flow('previews the debits and every invoice left out with its row, then collects after the confirmation and links the file', billed, async ({ page, preview, ss }) => {
    await page.click('#collectPanel summary');
    // The suggested date is two business days ahead; Collect waits for a preview.
    expect(await page.inputValue('#dcDate')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await page.isDisabled('#dcCollect')).toBe(true);
    await page.fill('#dcDate', '2026-12-15');
    // While the call runs, the panel's buttons and the date wait.
    const during: boolean[][] = [];
    await page.route('**/run', async (route) => {
      const disabled = () => ['#dcPreview', '#dcCollect', '#dcDate'].map((id) => (document.querySelector(id) as HTMLButtonElement).disabled);
      if (/collectDirectDebits/.test(route.request().postData() ?? '')) during.push(await page.evaluate(disabled));
      await route.continue();
    });
    await page.click('#dcPreview');
    await waitText(page, '#dcStatus', /Preview/);
    expect(during).toEqual([[true, true, true]]);
    expect(await text(page, '#dcStatus')).toBe('Preview: 2 direct debits due by 15.12.2026, 1 invoice left out (below). Nothing is written yet.');
    expect(await itemsOf(page, '#dcFiles')).toEqual([
      'Nordlicht Software GmbH: 2 direct debits | 1.683,78 EUR',
      'RE-2026-00001 | 743,71 EUR | Bäckerei Müller & Söhne KG · CORE RCUR',
      'RE-2026-00002 | 940,07 EUR | Wiener Design OG · CORE RCUR',
    ]);
    expect(await itemsOf(page, '#dcProblems')).toEqual([expect.stringMatching(/^RE-2026-00006: Accounts row 7, IBAN "DE00123": .+/)]);
    expect([rowsOf(ss, 'Collections').length, calls(preview.log, 'collectDirectDebits')]).toEqual([0, 1]);

    await page.click('#dcCollect');
    expect(await confirm(page, true)).toEqual({
      question: 'Collect 2 direct debits on 15.12.2026?',
      facts: [
        'Nordlicht Software GmbH: 2 debits, 1.683,78 EUR',
        '1 invoice is left out (see the problems)',
        'A pain.008 file per company goes to its Drive folder (SEPA); upload it to your bank. Its invoices are not collected again unless the collection is cancelled.',
      ],
      ok: 'Yes, write the file',
    });
    await waitText(page, '#dcStatus', /Wrote/);
    expect(during).toEqual([
      [true, true, true],
      [true, true, true],
    ]);
    expect(await text(page, '#dcStatus')).toBe('Wrote 1 direct-debit file with 2 debits.');
    const a = page.locator('#dcFiles a');
    const [href, target, rel] = [await a.getAttribute('href'), await a.getAttribute('target'), await a.getAttribute('rel')];
    const file = [...ss.drive.items.values()].find((i) => i.name.startsWith('DD-'))!;
    expect([href, target, rel]).toEqual([`https://drive.google.com/file/d/${file.id}/view`, '_blank', 'noopener']);
    expect(ss.drive.items.get(file.parentId!)!.name).toBe('SEPA');
    expect(file.blob!.getDataAsString()).toContain('<EndToEndId>RE-2026-00001</EndToEndId>');
    expect(rowsOf(ss, 'Collections').map((c) => [c.Transactions, c.Status])).toEqual([[2, 'submitted']]);
    expect(await page.isDisabled('#dcCollect')).toBe(true);

    // Collected invoices are not collected again.
    await page.click('#dcPreview');
    await waitText(page, '#dcStatus', /Nothing to collect/);
    expect(await text(page, '#error')).toBe('');
  });

  flow('cancels a collection that was not submitted, after the confirmation: its invoices may be collected again', billed, async ({ page, ss }) => {
    await page.click('#collectPanel summary');
    await page.fill('#dcDate', '2026-12-15');
    await page.click('#dcPreview');
    await waitText(page, '#dcStatus', /Preview/);
    await page.click('#dcCollect');
    await confirm(page, true);
    await waitText(page, '#dcStatus', /Wrote/);
    const messageId = String(rowsOf(ss, 'Collections')[0]['Message ID']);
    await page.click(`[aria-label="Cancel the direct-debit collection ${messageId}"]`);
    expect(await confirm(page, true)).toEqual({
      question: `Cancel the collection ${messageId}?`,
      facts: ['2 direct debits, 1.683,78 EUR', 'Only if the file was not submitted to the bank (or the bank rejected it): its invoices may be collected again, and what it booked is undone.'],
      ok: 'Yes, cancel the collection',
    });
    await waitText(page, '#dcStatus', /Cancelled/);
    expect(await text(page, '#dcStatus')).toBe(`Cancelled the collection ${messageId}: its 2 invoices may be collected again.`);
    expect(rowsOf(ss, 'Collections').map((c) => c.Status)).toEqual(['cancelled']);
    await page.click('#dcPreview');
    await waitText(page, '#dcStatus', /Preview: 2 direct debits/);
  });
});
