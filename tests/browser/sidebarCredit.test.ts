// Cancel or credit an invoice in the built sidebar, in Debian's chromium at 300 px, against the built
// add-on on the fakes with the demo data (a German sheet: amounts are typed and shown as 1.000,00).
// The panel asks the server what the invoice is and what may be credited before the sidebar's
// confirmation (its own box: window.confirm may be blocked in Apps Script's frame).
import { confirm, finalizedDemo, flow, itemsOf, text, useBrowser, waitText } from '../support/browserPage';
import { rowsOf } from '../support/gasHarness';

useBrowser();

const invoice = (ss: Parameters<typeof rowsOf>[0], number: string) => rowsOf(ss, 'Invoices').find((r) => r.Number === number)!;
const calls = (log: { name: string }[], name: string) => log.filter((c) => c.name === name).length;

describe('cancel or credit an invoice in chromium', () => {
  flow('shows the invoice and what may be credited, then cancels it after the confirmation', finalizedDemo, async ({ page, preview, ss }) => {
    await page.click('#creditPanel summary');
    await page.fill('#ccInvoice', 'RE-2026-00001');
    await page.press('#ccInvoice', 'Tab');
    await waitText(page, '#ccInfo', /May still be credited/);
    expect(await page.locator('#ccInfo p').allTextContents()).toEqual([
      'Invoice RE-2026-00001 of 01.12.2026 to Bäckerei Müller & Söhne KG: payable 743,71 EUR (net 624,97 EUR).',
      'Nothing credited so far.',
      'May still be credited: 624,97 EUR (net).',
    ]);
    expect((await itemsOf(page, '#ccLines')).length).toBeGreaterThan(1);
    expect((await itemsOf(page, '#ccLines')).filter((l) => !/^\d+\. .+ \| -?[\d.]+,\d\d EUR \| Creditable: -?[\d.]+,\d\d EUR$/.test(l))).toEqual([]);
    // Nothing fits outside the sidebar's 300 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);

    // Declined: nothing is cancelled.
    await page.fill('#ccReason', 'Doppelt berechnet');
    await page.click('#ccCancel');
    expect(await confirm(page, false)).toEqual({
      question: 'Cancel invoice RE-2026-00001?',
      facts: [
        'Invoice of 01.12.2026 to Bäckerei Müller & Söhne KG',
        'Payable 743,71 EUR (net 624,97 EUR)',
        'Reason: Doppelt berechnet',
        'A credit note for the whole invoice is issued. This cannot be undone.',
      ],
      ok: 'Yes, cancel the invoice',
    });
    await page.waitForFunction(() => !(document.getElementById('ccCancel') as HTMLButtonElement).disabled);
    expect([calls(preview.log, 'cancelInvoice'), invoice(ss, 'RE-2026-00001').Status]).toEqual([0, 'Open']);

    await page.click('#ccCancel');
    await confirm(page, true);
    await waitText(page, '#ccStatus', /Cancelled/);
    expect(await text(page, '#ccStatus')).toBe('Cancelled RE-2026-00001 with credit note GS-2026-00001: -743,71 EUR (net -624,97 EUR).');
    expect(preview.log.find((c) => c.name === 'cancelInvoice')!.args).toEqual([{ invoiceId: 'I-000001', reason: 'Doppelt berechnet', releaseTransactions: false }]);
    expect(invoice(ss, 'RE-2026-00001').Status).toBe('Cancelled');
    // The reason typed in the panel is the credit note's Reason (printed on it) and in the Log.
    expect([invoice(ss, 'GS-2026-00001').Type, invoice(ss, 'GS-2026-00001').Reason]).toEqual(['credit_note', 'Doppelt berechnet']);
    expect(
      rowsOf(ss, 'Log')
        .filter((r) => r.Action === 'cancel' && r.Number === 'RE-2026-00001')
        .map((r) => r.Details),
    ).toEqual([expect.stringContaining('Doppelt berechnet')]);
    expect(await itemsOf(page, '#ccResults')).toEqual(['Credit note GS-2026-00001 | -743,71 EUR | Net -624,97 EUR, tax -118,74 EUR', 'Invoice RE-2026-00001 (cancelled) | 743,71 EUR']);
    expect(await text(page, '#error')).toBe('');
  });

  flow('credits "1.000,00" typed the German way, then refuses more than is left before asking', finalizedDemo, async ({ page, preview, ss }) => {
    await page.click('#creditPanel summary');
    await page.fill('#ccInvoice', 'RE-2026-00003');
    await page.fill('#ccReason', 'Teilleistung');
    await page.fill('#ccAmount', '1.000,00');
    await page.click('#ccCredit');
    expect(await confirm(page, true)).toEqual({
      question: 'Credit 1.000,00 EUR (net) on invoice RE-2026-00003?',
      facts: ['Invoice of 01.12.2026 to Éditions Léon SARL', 'Up to 1.500,00 EUR (net) may be credited', 'Reason: Teilleistung', 'A credit note is issued. This cannot be undone.'],
      ok: 'Yes, issue the credit note',
    });
    await waitText(page, '#ccStatus', /Credited/);
    expect(preview.log.find((c) => c.name === 'creditInvoice')!.args).toEqual([{ invoiceId: 'I-000003', amount: '1000.00', reason: 'Teilleistung' }]);
    expect(await text(page, '#ccStatus')).toBe('Credited 1.000,00 EUR (net) on RE-2026-00003 with credit note GS-2026-00001: -1.000,00 EUR (net -1.000,00 EUR).');
    expect([invoice(ss, 'GS-2026-00001').Net, invoice(ss, 'GS-2026-00001').Reason]).toEqual([-1000, 'Teilleistung']);
    expect(invoice(ss, 'RE-2026-00003').Status).toBe('Open');

    // 500,00 are left: "600,00" is refused before any confirmation or credit.
    await page.fill('#ccInvoice', 'RE-2026-00003');
    await page.press('#ccInvoice', 'Tab');
    await waitText(page, '#ccInfo', /Credited so far/);
    expect(await page.locator('#ccInfo p').allTextContents()).toEqual([
      'Invoice RE-2026-00003 of 01.12.2026 to Éditions Léon SARL: payable 1.500,00 EUR (net 1.500,00 EUR).',
      'Credited so far: 1.000,00 EUR (net) on GS-2026-00001.',
      'May still be credited: 500,00 EUR (net).',
    ]);
    await page.fill('#ccAmount', '600,00');
    await page.click('#ccCredit');
    await waitText(page, '#error', /more than/);
    expect(await text(page, '#error')).toBe('The credit amount 600,00 EUR is more than may still be credited on RE-2026-00003: 500,00 EUR (net).');
    // A malformed amount is refused too, saying how the sheet writes amounts.
    await page.fill('#ccAmount', '1,000.00');
    await page.click('#ccCredit');
    await waitText(page, '#error', /not an amount/);
    expect(await text(page, '#error')).toBe('"1,000.00" is not an amount as this sheet writes them (for example 1.234,50 EUR).');
    expect([await page.isHidden('#confirmBox'), calls(preview.log, 'creditInvoice')]).toEqual([true, 1]);
    // Cancelling is no longer offered once part is credited.
    await page.fill('#ccAmount', '');
    await page.click('#ccCancel');
    await waitText(page, '#error', /already has credit notes/);
    expect(await text(page, '#error')).toBe('RE-2026-00003 already has credit notes (GS-2026-00001): credit what is left (500,00 EUR net) instead of cancelling.');
    expect([await page.isHidden('#confirmBox'), calls(preview.log, 'cancelInvoice')]).toEqual([true, 0]);
  });

  flow('says plainly that an unknown invoice number does not exist, and asks nothing', finalizedDemo, async ({ page, preview }) => {
    await page.click('#creditPanel summary');
    await page.fill('#ccInvoice', 'RE-2026-09999');
    await page.click('#ccCancel');
    await waitText(page, '#error', /does not exist/);
    expect(await text(page, '#error')).toBe('Invoice RE-2026-09999 does not exist.');
    expect(await page.isHidden('#ccInfo')).toBe(true);
    expect([await page.isHidden('#confirmBox'), calls(preview.log, 'cancelInvoice') + calls(preview.log, 'creditInvoice')]).toEqual([true, 0]);
  });
});
