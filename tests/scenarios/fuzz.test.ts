// Issue 10: a corpus of bad cells and sheets, each run through a whole cycle (run, finalize, re-run,
// credit, next month's run). Whatever a user typed, every command either goes through or refuses
// with a clear message, bad rows are named by sheet, row and column, and the ledger's invariants
// hold after every step. The corpus is deterministic: a failure names the case to replay.
import { runInvoicing } from '../../src/app/runInvoicing';
import { creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import type { Cell } from '../../src/core/cells';
import type { RawWorkbook } from '../../src/core/dataset';
import { BillingError } from '../../src/core/errors';
import { SCHEMA, type ColumnDef, type TableName } from '../../src/core/schema';
import { memoryPorts } from '../../src/node/memoryHost';
import { coreDemoRows } from '../../sheets-templates/demoData';
import { workbook } from '../support/fixtures';
import { copySheets, ledgerViolations } from '../support/invariants';

type Sheets = Map<string, { headers: Cell[]; rows: Cell[][] }>;
type Mutation = [name: string, mutate: (s: Sheets) => void];

const USER: TableName[] = ['Settings', 'Accounts', 'Contacts', 'Products', 'Subscriptions', 'Items', 'Transactions', 'TaxRules'];

/** Sets a cell of the first data row (or row `r`) by header. */
function set(s: Sheets, sheet: TableName, header: string, v: Cell, r = 0) {
  const t = s.get(sheet)!;
  const c = t.headers.indexOf(header);
  if (c < 0) throw new Error(`fuzz corpus: ${sheet} has no column ${header}`);
  t.rows[r][c] = v;
}

/** A value of the wrong kind for a column. */
function wrong(col: ColumnDef): Cell[] {
  switch (col.type) {
    case 'number':
    case 'money':
    case 'integer':
    case 'percent':
      return ['abc', true, new Date('2026-01-01'), '1.2.3', '#DIV/0!'];
    case 'date':
      return ['someday', 99999999, true, '31.02.2026', '#N/A'];
    case 'enum':
      return ['nonsense', 42];
    case 'boolean':
      return ['maybe', 7];
    default:
      return col.code ? ['not a code', 12] : [];
  }
}

function corpus(): Mutation[] {
  const m: Mutation[] = [];
  // Every typed column of every user sheet, with values of the wrong kind.
  for (const sheet of USER) {
    for (const col of SCHEMA[sheet].columns) {
      if (col.engine) continue;
      wrong(col).forEach((v, i) => {
        m.push([`${sheet}.${col.header} = ${JSON.stringify(v)} (#${i})`, (s) => set(s, sheet, col.header, v)]);
      });
    }
  }
  // Special and huge numbers where amounts come from.
  const numbers: Cell[] = [NaN, Infinity, -Infinity, 1e308, -1e308, 1e-320, -0, 2 ** 53 + 1, 9.999999999999e12, '1E308', '1e400', '-'];
  for (const [sheet, header] of [
    ['Items', 'Quantity'],
    ['Items', 'Unit Price'],
    ['Products', 'Price'],
    ['Transactions', 'Quantity'],
    ['TaxRules', 'Rate'],
    ['Items', 'Discount %'],
  ] as const) {
    for (const v of numbers) m.push([`${sheet}.${header} = ${String(v)}`, (s) => set(s, sheet, header, v)]);
  }
  // Excel error values in ids and references.
  for (const v of ['#N/A', '#REF!', '#VALUE!', '#NAME?']) {
    m.push([`Items.Subscription ID = ${v}`, (s) => set(s, 'Items', 'Subscription ID', v)]);
    m.push([`Accounts.Account ID = ${v}`, (s) => set(s, 'Accounts', 'Account ID', v)]);
  }
  // Missing and renamed sheets; missing, renamed and doubled headers; an extra header row.
  for (const sheet of USER) {
    m.push([`${sheet} deleted`, (s) => void s.delete(sheet)]);
    m.push([
      `${sheet} renamed`,
      (s) => {
        const t = s.get(sheet)!;
        s.delete(sheet);
        s.set(`${sheet} 2026`, t);
      },
    ]);
    m.push([`${sheet} header row repeated as the first data row`, (s) => void s.get(sheet)!.rows.unshift([...s.get(sheet)!.headers])]);
    m.push([`${sheet} header row empty`, (s) => void (s.get(sheet)!.headers = s.get(sheet)!.headers.map(() => ''))]);
    for (const col of SCHEMA[sheet].columns.filter((c) => (c.required || c.amounts) && !c.engine)) {
      m.push([
        `${sheet}: header ${col.header} renamed`,
        (s) => {
          const t = s.get(sheet)!;
          t.headers[t.headers.indexOf(col.header)] = `${col.header} (old)`;
        },
      ]);
    }
    m.push([
      `${sheet}: first header doubled`,
      (s) => {
        const t = s.get(sheet)!;
        t.headers.push(t.headers[0]);
        for (const r of t.rows) r.push('X-other');
      },
    ]);
  }
  // Duplicate ids, blank rows, merged cells (the value only in the first cell of the span).
  for (const sheet of ['Accounts', 'Products', 'Subscriptions', 'Items', 'Transactions', 'TaxRules', 'Contacts', 'Settings'] as const) {
    m.push([`${sheet}: first row twice`, (s) => void s.get(sheet)!.rows.push([...s.get(sheet)!.rows[0]])]);
  }
  m.push([
    'blank rows between rows',
    (s) => {
      const t = s.get('Items')!;
      t.rows.splice(
        1,
        0,
        t.headers.map(() => ''),
        t.headers.map(() => null),
      );
    },
  ]);
  m.push(['merged Subscription ID cells (second row blank)', (s) => set(s, 'Items', 'Subscription ID', '', 1)]);
  m.push([
    'merged Account cells across Status',
    (s) => {
      set(s, 'Accounts', 'Status', '');
      set(s, 'Accounts', 'Customer Type', '');
    },
  ]);
  // Hostile text.
  m.push(['a 40,000-character product name', (s) => set(s, 'Products', 'Name', 'x'.repeat(40000))]);
  m.push(['a formula-looking name', (s) => set(s, 'Accounts', 'Name', '=HYPERLINK("http://evil.example","pay here")')]);
  m.push(['control characters in a description', (s) => set(s, 'Items', 'Description', 'a\u0000b\u0007c\u001bd')]);
  m.push(['a tenant id with a path', (s) => set(s, 'Settings', 'Tenant ID', '../../etc')]);
  m.push(['a country name', (s) => set(s, 'Accounts', 'Country', 'Germany')]);
  m.push(['a currency name', (s) => set(s, 'Settings', 'Currency', 'EURO')]);
  return m;
}

/** Text a clear message never contains outside the quoted value: internals leaking out. */
const INTERNALS = /undefined|Cannot read prop|\[object Object\]|is not a function|NaN|Infinity/;
const UNCLEAR = { test: (m: string) => INTERNALS.test(m.replace(/"[^"]*"/g, '""')) };

function cycle(name: string, mutate: (s: Sheets) => void): string[] {
  const book = workbook(coreDemoRows());
  mutate(book.sheets);
  const before = copySheets(Object.fromEntries(book.sheets) as RawWorkbook);
  const p = memoryPorts(book, { now: () => new Date('2026-12-01T09:00:00Z') });
  const problems: string[] = [];
  const sheets = () => Object.fromEntries(p.tables.sheets) as RawWorkbook;
  const step = (what: string, fn: () => { rowErrors?: { text: string }[]; failed?: { reason: string }[] } | unknown) => {
    try {
      const r = fn() as { rowErrors?: { text: string }[]; failed?: { reason: string }[] };
      for (const e of r?.rowErrors ?? []) if (UNCLEAR.test(e.text) || !/^\w+( row \d+)?, column .+: /.test(e.text)) problems.push(`${what}: unclear row error "${e.text}"`);
      for (const f of r?.failed ?? []) if (UNCLEAR.test(f.reason)) problems.push(`${what}: unclear failure "${f.reason}"`);
    } catch (e) {
      if (!(e instanceof BillingError)) problems.push(`${what} crashed: ${(e as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
      else if (UNCLEAR.test(e.message)) problems.push(`${what}: unclear refusal "${e.message}"`);
    }
    for (const v of ledgerViolations(sheets(), { userSheetsBefore: before })) problems.push(`after ${what}: ${v}`);
    for (const t of ['Invoices', 'InvoiceLines', 'Runs', 'Log', 'NumberRanges'] as const) {
      for (const row of p.tables.sheets.get(t)?.rows ?? []) {
        for (const v of row)
          if ((typeof v === 'number' && !Number.isFinite(v)) || (typeof v === 'string' && /^(NaN|-?Infinity)$/.test(v))) problems.push(`after ${what}: ${t} has the cell ${String(v)}`);
      }
    }
  };
  step('run', () => runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' }));
  step('finalize', () => finalizeInvoices(p, {}));
  step('re-run', () => runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }));
  step('credit', () => {
    const open = p.tables.objects('Invoices').find((i) => i['Status'] === 'Open' && i['Type'] === 'invoice');
    return open ? creditInvoice(p, { invoiceId: String(open['Invoice ID']), amount: '1' }) : undefined;
  });
  step('next month', () => runInvoicing(p, { periodStart: '2026-12-01', periodEnd: '2026-12-31' }));
  return problems.map((x) => `${name}: ${x}`);
}

describe('fuzz corpus of bad cells and sheets', () => {
  const cases = corpus();

  it('has many kinds of bad input', () => {
    expect(cases.length).toBeGreaterThan(300);
  });

  it('every case: commands go through or refuse clearly, and the ledger invariants hold after each step', () => {
    const problems = cases.flatMap(([name, mutate]) => cycle(name, mutate));
    console.log(`fuzz corpus: ${cases.length} bad inputs, each through run, finalize, re-run, credit and next month's run; ${problems.length} problems`);
    expect(problems.slice(0, 30)).toEqual([]);
  });

  it('10,000 bad rows are all reported, the good rows bill, and the Runs row stays within a cell', () => {
    const book = workbook(coreDemoRows());
    const tx = book.sheets.get('Transactions')!;
    const at = (h: string) => tx.headers.indexOf(h);
    for (let i = 0; i < 10000; i++) {
      const row: Cell[] = tx.headers.map(() => '');
      row[at('Transaction ID')] = `BAD-${i}`;
      row[at('Subscription ID')] = `NOPE-${i}`;
      row[at('Product ID')] = 'X';
      row[at('Date')] = 'soon';
      row[at('Quantity')] = 'many';
      tx.rows.push(row);
    }
    const p = memoryPorts(book, { now: () => new Date('2026-12-01T09:00:00Z') });
    const r = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    expect(r.rowErrors.length).toBeGreaterThanOrEqual(10000);
    expect(r.drafts.length).toBe(8);
    const run = p.tables.objects('Runs')[0];
    for (const h of ['Last Error', 'Remaining']) expect([h, String(run[h] ?? '').length <= 50000]).toEqual([h, true]);
    expect(ledgerViolations(Object.fromEntries(p.tables.sheets) as RawWorkbook)).toEqual([]);
  });
});
