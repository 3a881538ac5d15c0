// The I/O shape of a statement import: in Apps Script every table call of the use case is one
// spreadsheet call, so importing a statement reads each sheet once and writes each sheet it writes
// once (Payments, Balances, Invoices, Log), however many entries it has. Timing is the bench's
// (npm run bench -- receivables); this checks the counts on 300 entries against 300 open invoices.
import { verifyLedger } from '../../src/app/ledgerActions';
import { openItems } from '../../src/app/receivables/openItems';
import { importPayments } from '../../src/app/receivables/payments';
import { RECEIVABLES_TABLES } from '../../src/app/workbook';
import { memoryPorts } from '../../src/node/memoryHost';
import type { MemoryTables } from '../../src/node/memoryTables';
import { entryKind, RECEIVABLES_NOW, receivablesStatement, receivablesWorkbook } from '../../scripts/bench/receivablesData';

const N = 300;

function setup() {
  const { tables, invoices } = receivablesWorkbook(N);
  const ports = memoryPorts(tables, { now: () => new Date(RECEIVABLES_NOW), user: 'bench@example.com' });
  return { ports, tables, statement: receivablesStatement(invoices, N) };
}

/** The table calls made by `fn`, per sheet: reads (any read op) and writes (patches). */
function callsOf(tables: MemoryTables, fn: () => void): { reads: Map<string, number>; writes: Map<string, number> } {
  tables.calls.length = 0;
  fn();
  const reads = new Map<string, number>();
  const writes = new Map<string, number>();
  for (const c of tables.calls) {
    const m = c.op === 'apply' ? writes : reads;
    m.set(c.table, (m.get(c.table) ?? 0) + 1);
  }
  return { reads, writes };
}

/** "Sheet: n calls" for every sheet called more than once (empty when none was). */
const moreThanOnce = (m: Map<string, number>) => [...m].filter(([, n]) => n > 1).map(([sheet, n]) => `${sheet}: ${n} calls`);

describe('receivables import: bulk calls per sheet', () => {
  it('the generated workbook is a consistent ledger (hash chain, Balances, open amounts)', () => {
    const { ports } = setup();
    const v = verifyLedger(ports);
    expect(v.problems).toEqual([]);
    expect(v.checked).toBe(N);
  });

  it(`importing ${N} entries against ${N} open invoices reads each sheet once and writes Payments, Balances, Invoices and Log once each`, () => {
    const { ports, tables, statement } = setup();
    let report!: ReturnType<typeof importPayments>;
    const { reads, writes } = callsOf(tables, () => {
      report = importPayments(ports, [statement]);
    });
    // The statement is what the bench imports: every kind of entry, all read.
    const kinds = new Set(Array.from({ length: N }, (_, i) => entryKind(i)));
    expect([...kinds].sort()).toEqual(['customer', 'number', 'overpaid', 'partial', 'return', 'rf', 'rf-text', 'unmatched']);
    expect(report.failed).toEqual([]);
    expect(report.files.map((f) => [f.entries, f.imported, f.duplicates, f.outgoing])).toEqual([[N, N, 0, 0]]);
    const statuses = new Set(report.payments.map((p) => p.status));
    expect([...statuses].sort()).toEqual(['matched', 'partially matched', 'unmatched']);

    expect(moreThanOnce(reads)).toEqual([]);
    expect([...reads.keys()].sort()).toEqual([...RECEIVABLES_TABLES].sort());
    expect(moreThanOnce(writes)).toEqual([]);
    expect([...writes.keys()].sort()).toEqual(['Balances', 'Invoices', 'Log', 'Payments']);
    expect(tables.sheets.get('Payments')!.rows).toHaveLength(N);
  });

  it('a second import of the same statement reads each sheet once and writes nothing', () => {
    const { ports, tables, statement } = setup();
    importPayments(ports, [statement]);
    const sizes = () => ['Payments', 'Balances', 'Log'].map((t) => `${t} ${tables.sheets.get(t)!.rows.length}`);
    const before = sizes();
    let report!: ReturnType<typeof importPayments>;
    const { reads, writes } = callsOf(tables, () => {
      report = importPayments(ports, [statement]);
    });
    expect(report.files.map((f) => [f.imported, f.duplicates])).toEqual([[0, N]]);
    expect(moreThanOnce(reads)).toEqual([]);
    expect([...writes.keys()]).toEqual([]);
    expect(sizes()).toEqual(before);
  });

  it('open items after the import read each sheet once and write nothing', () => {
    const { ports, tables, statement } = setup();
    importPayments(ports, [statement]);
    const { reads, writes } = callsOf(tables, () => {
      openItems(ports);
    });
    expect(moreThanOnce(reads)).toEqual([]);
    expect([...writes.keys()]).toEqual([]);
  });
});
