// The Open items panel's Adjust and Refund controls in Debian's chromium at 300 px, against the
// built add-on on the fakes with the demo data (a German sheet: 1.234,50 EUR): Skonto as a percent
// with a reason that looks like HTML (shown as text), a write-off of the rest whose answer is lost
// (the retry with the form's key books nothing twice), its undo, a fee typed the German way, and a
// refund of an account credit refused above the credit before any call.
import { camt053 } from '../../src/node/sampleStatement';
import { confirm, flow, itemsOf, text, useBrowser, waitText } from '../support/browserPage';
import { addOn, rowsOf } from '../support/gasHarness';
import { receivablesDemo } from '../support/sidebarPreview';

useBrowser();

const billed = () => receivablesDemo({ billed: true });
/** ACC-003 paid RE-2026-00003 (1.500,00 EUR) with 1.600,00 EUR: 100,00 EUR credit on the account. */
const overpaid = () => {
  const ss = billed();
  const text = camt053({
    id: 'STMT-1',
    iban: 'DE89370400440532013000',
    owner: 'Nordlicht Software GmbH',
    created: '2026-12-01T06:00:00',
    bookings: [{ date: '2026-12-01', amount: '1600.00', name: 'Editions Leon SARL', text: 'RE-2026-00003' }],
  });
  addOn(ss, ss.owner).exec('importPayments', [{ name: 'STMT-1.xml', text }]);
  return ss;
};
const invoice = (ss: Parameters<typeof rowsOf>[0], number: string) => rowsOf(ss, 'Invoices').find((r) => r.Number === number)!;
const rowsOfKind = (ss: Parameters<typeof rowsOf>[0], kind: string) => rowsOf(ss, 'Balances').filter((b) => b.Kind === kind);
/** The outcome sentence of the panel without its Undo link. */
const outcome = (page: Parameters<typeof text>[0]) => page.evaluate(() => document.getElementById('oiStatus')!.firstChild?.textContent ?? '');
const HOSTILE = '<img src=x onerror=alert(1)> 2 % Skonto';

describe('write-offs, Skonto, fees and refunds in chromium', () => {
  flow('books Skonto as a percent, writes off the rest once although the first answer was lost, and undoes it', billed, async ({ page, preview, ss }) => {
    await page.click('#openItemsPanel summary');
    await waitText(page, '#oiTotals', /Open as of/);
    await page.click('[aria-label="Adjust RE-2026-00001"]');
    await page.selectOption('[aria-label="Kind of adjustment on RE-2026-00001"]', 'skonto');
    await page.fill('[aria-label="Amount for RE-2026-00001"]', '2 %');
    await page.fill('[aria-label="Reason for RE-2026-00001"]', HOSTILE);
    await page.click('[aria-label="Book adjustment on RE-2026-00001"]');
    expect(await confirm(page, true)).toEqual({
      question: 'Book Skonto of 2 % of 743,71 EUR on RE-2026-00001?',
      facts: [`Open now: 743,71 EUR`, `Reason: ${HOSTILE}`, 'It lowers what is open.'],
      ok: 'Yes, book it',
    });
    await waitText(page, '#oiStatus', /Booked/);
    const skonto = rowsOfKind(ss, 'skonto');
    expect(skonto.map((b) => [b.Number, Number(b.Amount).toFixed(2), b.Reason])).toEqual([['RE-2026-00001', '-14.87', HOSTILE]]);
    expect(await outcome(page)).toBe(`Booked ${skonto[0]['Balance ID']}: Skonto of 14,87 EUR on RE-2026-00001; open now 728,84 EUR (Partially paid).`);
    const sent = preview.log.find((c) => c.name === 'bookAdjustment')!.args[0] as Record<string, string>;
    expect(sent).toEqual({ kind: 'skonto', target: 'RE-2026-00001', percent: '2', reason: HOSTILE, key: expect.stringMatching(/^sb-[a-z0-9-]+$/) });
    // The reason stayed text: no element was made of it.
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
    expect(await itemsOf(page, '#oiList')).toContain('RE-2026-00001 | 728,84 EUR | Due 15.12.2026 · Partially paid · of 743,71 EUR');

    // The server books the write-off, but its answer is lost (an execution cut off after the write).
    let lost = 0;
    await page.route('**/run', async (route) => {
      if (!lost && /bookAdjustment/.test(route.request().postData() ?? '')) {
        lost++;
        await route.fetch();
        return route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ error: 'Exceeded maximum execution time' }) });
      }
      return route.continue();
    });
    await page.click('[aria-label="Adjust RE-2026-00001"]');
    await page.click('[aria-label="Book adjustment on RE-2026-00001"]');
    expect((await confirm(page, true)).question).toBe('Write off all that is open (728,84 EUR) on RE-2026-00001?');
    await waitText(page, '#error', /Exceeded maximum execution time/);
    expect(rowsOfKind(ss, 'write_off')).toHaveLength(1);
    // Book again on the same form: the same key, so the row booked comes back and nothing more is written.
    await page.click('[aria-label="Book adjustment on RE-2026-00001"]');
    await confirm(page, true);
    await waitText(page, '#oiStatus', /Already booked/);
    const writeOff = rowsOfKind(ss, 'write_off');
    expect(writeOff.map((b) => Number(b.Amount).toFixed(2))).toEqual(['-728.84']);
    const keys = preview.log.filter((c) => c.name === 'bookAdjustment').map((c) => (c.args[0] as { key: string }).key);
    expect([keys.length, keys[1] === keys[2], keys[0] === keys[1]]).toEqual([3, true, false]);
    expect(await outcome(page)).toBe(`Already booked as ${writeOff[0]['Balance ID']}: write-off of 728,84 EUR on RE-2026-00001; open now 0,00 EUR (Paid).`);
    expect(invoice(ss, 'RE-2026-00001')['Payment Status']).toBe('Paid');
    expect((await itemsOf(page, '#oiList')).filter((i) => i.startsWith('RE-2026-00001'))).toEqual([]);

    await page.click(`[aria-label="Undo ${writeOff[0]['Balance ID']}"]`);
    expect((await confirm(page, true)).question).toBe(`Undo ${writeOff[0]['Balance ID']}?`);
    await waitText(page, '#oiStatus', /Undone/);
    expect(await outcome(page)).toMatch(new RegExp(`^Undone ${writeOff[0]['Balance ID']} \\(B-\\d{7}\\) on RE-2026-00001; open now 728,84 EUR \\(Partially paid\\)\\.$`));
    expect(invoice(ss, 'RE-2026-00001')['Payment Status']).toBe('Partially paid');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);
  });

  flow('a fee typed the German way, and a refund of an account credit, refused above the credit before any call', overpaid, async ({ page, preview, ss }) => {
    await page.click('#openItemsPanel summary');
    await waitText(page, '#oiTotals', /Open as of/);
    expect(await itemsOf(page, '#oiList')).toContain('Éditions Léon SARL (ACC-003) | Credit on the account: 100,00 EUR');

    await page.click('[aria-label="Adjust RE-2026-00001"]');
    await page.selectOption('[aria-label="Kind of adjustment on RE-2026-00001"]', 'fee');
    await page.fill('[aria-label="Amount for RE-2026-00001"]', '1.007,50');
    await page.fill('[aria-label="Reason for RE-2026-00001"]', 'Mahngebühr');
    await page.click('[aria-label="Book adjustment on RE-2026-00001"]');
    expect(await confirm(page, true)).toEqual({
      question: 'Charge a fee of 1.007,50 EUR on RE-2026-00001?',
      facts: ['Open now: 743,71 EUR', 'Reason: Mahngebühr', 'The fee raises what is open.'],
      ok: 'Yes, book it',
    });
    await waitText(page, '#oiStatus', /Booked/);
    expect(await outcome(page)).toMatch(/^Booked B-\d{7}: fee of 1\.007,50 EUR on RE-2026-00001; open now 1\.751,21 EUR \(Open\)\.$/);

    await page.click('[aria-label="Refund credit of ACC-003 EUR"]');
    expect(await page.inputValue('[aria-label="Refund amount for ACC-003 EUR"]')).toBe('100,00');
    await page.fill('[aria-label="Refund amount for ACC-003 EUR"]', '100,01');
    await page.click('[aria-label="Book refund of ACC-003 EUR"]');
    await waitText(page, '#error', /more than the credit/);
    expect(await text(page, '#error')).toBe('100,01 EUR is more than the credit of Éditions Léon SARL: 100,00 EUR.');
    expect(preview.log.filter((c) => c.name === 'bookAdjustment')).toHaveLength(1);

    await page.fill('[aria-label="Refund amount for ACC-003 EUR"]', '60,00');
    await page.fill('[aria-label="Refund reason for ACC-003 EUR"]', 'überwiesen');
    await page.click('[aria-label="Book refund of ACC-003 EUR"]');
    expect(await confirm(page, true)).toEqual({
      question: 'Refund 60,00 EUR to Éditions Léon SARL?',
      facts: ['Credit on the account now: 100,00 EUR', 'Reason: überwiesen', 'Book it after the money went out (or when you send it).'],
      ok: 'Yes, book the refund',
    });
    await waitText(page, '#oiStatus', /refund/);
    expect(await outcome(page)).toMatch(/^Booked B-\d{7}: refund of 60,00 EUR to account ACC-003; credit left 40,00 EUR\.$/);
    expect(rowsOfKind(ss, 'refund').map((b) => [b['Account ID'], Number(b.Amount).toFixed(2), b.Reason])).toEqual([['ACC-003', '60.00', 'überwiesen']]);
    expect(await itemsOf(page, '#oiList')).toContain('Éditions Léon SARL (ACC-003) | Credit on the account: 40,00 EUR');
    expect(await text(page, '#error')).toBe('');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(300);
  });
});
