// A percent typed in a cell Sheets formats as percent arrives as a fraction (50 % → 0.5): the Sheets
// host hands it to the engine as typed, so it is read right without the warning a plain 0.5 gets.
import { FakeSpreadsheet } from '../support/gasFakes';
import { addOn, rowsOf, seedCustomers } from '../support/gasHarness';

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');

describe('percent cells in Google Sheets', () => {
  it('reads "50 %" in a percent-formatted Discount % cell as 50 % without a warning, and warns on a plain 0.5', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 3);
    const items = ss.getSheetByName('Items')!;
    const col = items.cells[0].indexOf('Discount %');
    const rowOf = (id: string) => items.cells.findIndex((r) => r[0] === id);
    // I0a: the user typed "50 %" into a cell formatted as percent; I1a: a plain 0.5 (the trap);
    // I2a: "0,125 %" formatted as percent (0.00125): three decimals must not read as a thousands group.
    items.cells[rowOf('I0a')][col] = 0.5;
    items.getRange(rowOf('I0a') + 1, col + 1).setNumberFormat('0.00%');
    items.cells[rowOf('I1a')][col] = 0.5;
    items.cells[rowOf('I2a')][col] = 0.00125;
    items.getRange(rowOf('I2a') + 1, col + 1).setNumberFormat('0.000%');
    const admin = addOn(ss);
    const r = admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const lines = rowsOf(ss, 'InvoiceLines');
    const discount = (item: string) => String(lines.find((l) => l['Item ID'] === item)?.['Discount %']);
    expect({ I0a: discount('I0a'), I1a: discount('I1a'), I2a: discount('I2a') }).toEqual({ I0a: '50', I1a: '50', I2a: '0.125' });
    const percentWarnings = (r.warnings as string[]).filter((w) => /is read as/.test(w));
    expect(percentWarnings).toEqual([expect.stringMatching(new RegExp(`Items.*row ${rowOf('I1a') + 1}.*0\\.5 is read as 50 %`))]);
  });
});
