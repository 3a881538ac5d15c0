// The invariant checker of the crash, fuzz and concurrency tests finds each kind of damage it names
// (a checker that cannot fail would make those tests worthless).
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import type { RawWorkbook } from '../../src/core/dataset';
import { demoRows } from '../../sheets-templates/demoGenerator';
import { memoryPorts } from '../../src/node/memoryHost';
import { workbook } from '../support/fixtures';
import { copySheets, ledgerViolations } from '../support/invariants';

function cycle() {
  const p = memoryPorts(workbook(demoRows()), { now: () => new Date('2026-12-01T09:00:00Z') });
  const before = copySheets(Object.fromEntries(p.tables.sheets) as RawWorkbook);
  runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });
  finalizeInvoices(p, {});
  creditInvoice(p, { invoiceId: 'I-000002', amount: '10' });
  runInvoicing(p, { periodStart: '2026-12-01', periodEnd: '2026-12-31' });
  const sheets = () => Object.fromEntries(p.tables.sheets) as RawWorkbook;
  return { p, before, sheets };
}

const col = (raw: RawWorkbook, sheet: string, header: string) => raw[sheet as 'Invoices']!.headers.indexOf(header);

describe('ledger invariants', () => {
  it('a whole demo cycle (run, finalize, credit, next run) has none violated', () => {
    const { before, sheets } = cycle();
    expect(ledgerViolations(sheets(), { userSheetsBefore: before })).toEqual([]);
  });

  const damages: [string, (raw: RawWorkbook) => void, RegExp][] = [
    ['a duplicated line', (raw) => raw.InvoiceLines!.rows.push([...raw.InvoiceLines!.rows[0]]), /has lines 1,1|lines add up to/],
    ['a lost line', (raw) => raw.InvoiceLines!.rows.splice(0, 1), /has no lines|lines add up to|verify:/],
    [
      'a number twice',
      (raw) => {
        raw.Invoices!.rows[1][col(raw, 'Invoices', 'Number')] = raw.Invoices!.rows[0][col(raw, 'Invoices', 'Number')];
      },
      /twice/,
    ],
    [
      'a counter behind',
      (raw) => {
        raw.NumberRanges!.rows[0][col(raw, 'NumberRanges', 'Last Sequence')] = 1;
      },
      /NumberRanges says 1/,
    ],
    [
      'a draft key twice',
      (raw) => {
        const inv = raw.Invoices!;
        const drafts = inv.rows.filter((r) => r[col(raw, 'Invoices', 'Status')] === 'Draft');
        const copy = [...drafts[0]];
        copy[col(raw, 'Invoices', 'Invoice ID')] = 'I-999999';
        inv.rows.push(copy);
      },
      /draft key .* twice/,
    ],
    [
      'a Billed Until set back',
      (raw) => {
        for (const r of raw.Items!.rows) r[col(raw, 'Items', 'Billed Until')] = '';
      },
      /Billed Until \(empty\) lags/,
    ],
    [
      'usage pointing at a missing invoice',
      (raw) => {
        raw.Transactions!.rows[raw.Transactions!.rows.length - 1][col(raw, 'Transactions', 'Invoice ID')] = 'I-888888';
      },
      /names invoice I-888888, which does not exist/,
    ],
    [
      'a changed amount',
      (raw) => {
        raw.Invoices!.rows[0][col(raw, 'Invoices', 'Buyer Name')] = 'Someone else';
      },
      /verify: .*content does not match/,
    ],
    [
      'a line without its invoice',
      (raw) => {
        raw.InvoiceLines!.rows.push(raw.InvoiceLines!.rows[0].map((v, i) => (i === 0 ? 'I-777777' : v)));
      },
      /lines of invoice I-777777, which does not exist/,
    ],
  ];
  it.each(damages)('finds %s', (_what, damage, message) => {
    const { sheets } = cycle();
    const raw = copySheets(sheets());
    damage(raw);
    const v = ledgerViolations(raw);
    expect(v.some((x) => message.test(x)) ? 'found' : v).toBe('found');
  });

  it('finds a user cell the engine changed, and mail delivered twice', () => {
    const { before, sheets } = cycle();
    const raw = copySheets(sheets());
    raw.Accounts!.rows[0][1] = 'Renamed';
    expect(ledgerViolations(raw, { userSheetsBefore: before })).toEqual([expect.stringMatching(/^Accounts row 2, column Name: ".*" became "Renamed"$/)]);
    expect(ledgerViolations(raw, { deliveries: ['m1', 'm2', 'm1'] })).toEqual(['mail m1 delivered 2 times']);
    expect(ledgerViolations(raw, { deliveries: ['m1', 'm1'], uncertain: new Set(['m1']) })).toEqual([]);
  });
});
