import type { Cell } from '../../src/core/cells';
import { dec, type Decimal } from '../../src/core/money';
import { SCHEMA } from '../../src/core/schema';
import { describeValue, ensureColumns, formatError, headerIndex, normalizeHeader, parseTable, toRowValues, type RawTable } from '../../src/core/table';

const en = { locale: 'en' as const };

/** Accounts with the schema's columns shuffled and two user columns mixed in. */
const ACCOUNT_HEADERS: Cell[] = ['Country', 'My Notes', ' customer  TYPE ', 'Name', 'Status', 'ACCOUNT ID', 'VAT ID', 'Region (mine)'];
const acc = (id: Cell, name: Cell, extra: { country?: Cell; type?: Cell; status?: Cell; vat?: Cell; notes?: Cell } = {}): Cell[] => [
  extra.country ?? 'DE',
  extra.notes ?? '',
  extra.type ?? 'B2B',
  name,
  extra.status ?? 'Active',
  id,
  extra.vat ?? '',
  'North',
];

describe('normalizeHeader and headerIndex', () => {
  it('ignores case, surrounding and repeated spaces', () => {
    expect(normalizeHeader('  Account   ID ')).toBe('account id');
    expect(normalizeHeader(null)).toBe('');
    expect(normalizeHeader(42)).toBe('42');
  });

  it('finds schema columns by header in any order; the first of duplicate headers wins', () => {
    const idx = headerIndex('Accounts', [...ACCOUNT_HEADERS, 'Name']);
    expect(idx.get('accountId')).toBe(5);
    expect(idx.get('name')).toBe(3);
    expect(idx.get('customerType')).toBe(2);
    expect(idx.has('street')).toBe(false);
  });
});

describe('parseTable', () => {
  it('parses rows with columns in any order and extra user columns, keeping the raw cells', () => {
    const raw: RawTable = { headers: ACCOUNT_HEADERS, rows: [acc('A1', 'Acme', { vat: 'DE1' }), acc('A2', 'Beta', { type: 'b2c', country: 'AT' })] };
    const t = parseTable('Accounts', raw, en);
    expect(t.errors).toEqual([]);
    expect(t.rows.map((r) => [r.row, r.record.accountId, r.record.name, r.record.customerType, r.record.country, r.record.vatId, r.record.status])).toEqual([
      [2, 'A1', 'Acme', 'B2B', 'DE', 'DE1', 'Active'],
      [3, 'A2', 'Beta', 'B2C', 'AT', undefined, 'Active'],
    ]);
    expect(t.rows[0].cells[7]).toBe('North');
    expect(t.headers).toBe(raw.headers);
    expect(Object.keys(t.rows[0].record)).not.toContain('street');
  });

  it('a missing required column is one error per column on row 1, naming it, and no rows', () => {
    const headers = ACCOUNT_HEADERS.filter((h) => h !== 'Country' && h !== 'Status');
    const t = parseTable('Accounts', { headers, rows: [['x', 'y', 'z', 'w', 'v', 'u']] }, en);
    expect(t.rows).toEqual([]);
    expect(t.errors).toEqual([
      { sheet: 'Accounts', row: 1, column: 'Status', value: '', message: 'required column "Status" is missing from the header row' },
      { sheet: 'Accounts', row: 1, column: 'Country', value: '', message: 'required column "Country" is missing from the header row' },
    ]);
  });

  it('an empty engine sheet needs none of its columns; once it has rows, its key columns must be there and filled', () => {
    expect(parseTable('Invoices', { headers: ['Invoice ID', 'Net'], rows: [] }, en).errors).toEqual([]);
    const missing = parseTable('Invoices', { headers: ['Invoice ID', 'Net'], rows: [['INV1', 10]] }, en);
    expect(missing.errors.map((e) => `${e.row} ${e.column}`)).toEqual(['1 Type', '1 Status', '1 Tenant', '1 Account ID', '1 Currency', '1 Tax', '1 Gross', '1 Payable']);
    const headers = ['Invoice ID', 'Type', 'Status', 'Tenant', 'Account ID', 'Currency', 'Net', 'Tax', 'Gross', 'Payable', 'Hash'];
    const blank = parseTable(
      'Invoices',
      {
        headers,
        rows: [
          ['INV1', 'invoice', 'Open', 'DE', 'A1', 'EUR', 10, 1.9, 11.9, 11.9, ''],
          ['', 'invoice', 'Open', 'DE', 'A1', 'EUR', 10, 1.9, 11.9, 11.9, 'h'],
        ],
      },
      en,
    );
    expect(blank.rows.map((r) => r.row)).toEqual([2]);
    expect(blank.errors).toEqual([{ sheet: 'Invoices', row: 3, column: 'Invoice ID', value: '', message: 'Invoice ID is required' }]);
  });

  it('a bad cell names sheet, sheet row, column header, raw value and problem; the row is skipped, others parse', () => {
    const headers = ['Product ID', 'Name', 'Price', 'Tax Class', 'Price Model'];
    const rows: Cell[][] = [
      ['P1', 'Good', '10.00', 'standard', 'per_unit'],
      ['P2', 'Bad price', 'ten', 'standard', 'per_unit'],
      ['P3', 'Good too', 5, 'standard', 'flat'],
    ];
    const t = parseTable('Products', { headers, rows }, en);
    expect(t.errors).toEqual([{ sheet: 'Products', row: 3, column: 'Price', value: 'ten', message: '"ten" is not a number' }]);
    expect(t.rows.map((r) => [r.row, r.record.productId, (r.record.price as Decimal).toFixed(2), r.record.priceModel])).toEqual([
      [2, 'P1', '10.00', 'per_unit'],
      [4, 'P3', '5.00', 'flat'],
    ]);
  });

  it('reports every problem of a row, including blank required cells', () => {
    const headers = ['Product ID', 'Name', 'Price', 'Tax Class', 'Price Model', 'Active'];
    const t = parseTable('Products', { headers, rows: [['P1', '', 'x', 'standard', 'tiered', 'maybe']] }, en);
    expect(t.errors).toEqual([
      { sheet: 'Products', row: 2, column: 'Name', value: '', message: 'Name is required' },
      { sheet: 'Products', row: 2, column: 'Price', value: 'x', message: '"x" is not a number' },
      { sheet: 'Products', row: 2, column: 'Price Model', value: 'tiered', message: '"tiered" is not one of per_unit, flat, graduated, volume, package' },
      { sheet: 'Products', row: 2, column: 'Active', value: 'maybe', message: '"maybe" is not TRUE or FALSE' },
    ]);
    expect(t.rows).toEqual([]);
  });

  it('describes a bad Date cell value as ISO text', () => {
    const headers = ['Product ID', 'Name', 'Price', 'Tax Class', 'Price Model'];
    const t = parseTable('Products', { headers, rows: [['P1', 'N', new Date(Date.UTC(2026, 0, 2)), 'standard', 'per_unit']] }, en);
    expect(t.errors[0]).toMatchObject({ row: 2, column: 'Price', value: '2026-01-02T00:00:00.000Z' });
  });

  it('skips blank rows but keeps counting sheet rows; short rows are padded with blanks', () => {
    const rows: Cell[][] = [acc('A1', 'Acme'), ['', null, undefined, '  '], [], acc('A2', 'Beta')];
    const t = parseTable('Accounts', { headers: ACCOUNT_HEADERS, rows }, en);
    expect(t.errors).toEqual([]);
    expect(t.rows.map((r) => [r.row, r.record.accountId])).toEqual([
      [2, 'A1'],
      [5, 'A2'],
    ]);
    const short = parseTable('Accounts', { headers: ['Account ID', 'Name', 'Status', 'Customer Type', 'Country', 'VAT ID'], rows: [['A1', 'N', 'Active', 'B2B', 'DE']] }, en);
    expect(short.errors).toEqual([]);
    expect(short.rows[0].record.vatId).toBeUndefined();
  });

  it('a row with only user columns filled is not blank: its required cells are reported', () => {
    const t = parseTable('Accounts', { headers: ACCOUNT_HEADERS, rows: [['', 'just a note', '', '', '', '', '', '']] }, en);
    expect(t.errors.map((e) => [e.row, e.column, e.message])).toEqual([
      [2, 'Account ID', 'Account ID is required'],
      [2, 'Name', 'Name is required'],
      [2, 'Status', 'Status is required'],
      [2, 'Customer Type', 'Customer Type is required'],
      [2, 'Country', 'Country is required'],
    ]);
  });

  it('a duplicate id is an error on the later row, naming the first; the first row is kept', () => {
    const rows = [acc('A1', 'First'), acc('A2', 'Other'), acc('A1', 'Second'), acc(' A1 ', 'Third')];
    const t = parseTable('Accounts', { headers: ACCOUNT_HEADERS, rows }, en);
    expect(t.rows.map((r) => r.record.name)).toEqual(['First', 'Other']);
    expect(t.errors).toEqual([
      { sheet: 'Accounts', row: 4, column: 'Account ID', value: 'A1', message: 'duplicate id (also in row 2)' },
      { sheet: 'Accounts', row: 5, column: 'Account ID', value: 'A1', message: 'duplicate id (also in row 2)' },
    ]);
  });

  it('a numeric id equals the same id typed as text', () => {
    const t = parseTable('Accounts', { headers: ACCOUNT_HEADERS, rows: [acc(1001, 'N'), acc('1001', 'M')] }, en);
    expect(t.errors.map((e) => e.message)).toEqual(['duplicate id (also in row 2)']);
  });

  it('tables without an id allow repeated rows', () => {
    const headers = ['Filter', 'Applies To', 'Column', 'Operator', 'Value'];
    const row = ['big', 'Subscriptions', 'Tag', 'equals', 'x'];
    expect(parseTable('Filters', { headers, rows: [row, row] }, en).rows).toHaveLength(2);
  });

  it('reads numbers in the given locale', () => {
    const headers = ['Product ID', 'Name', 'Price', 'Tax Class', 'Price Model'];
    const t = parseTable('Products', { headers, rows: [['P1', 'N', '1.234,50', 'standard', 'per_unit']] }, { locale: 'de' });
    expect(t.rows[0].record.price.toFixed(2)).toBe('1234.50');
  });

  it('a missing sheet is an empty table', () => {
    expect(parseTable('Accounts', undefined, en)).toEqual({ name: 'Accounts', headers: [], rows: [], errors: [], warnings: [] });
  });
});

describe('formatError and describeValue', () => {
  it('formats row errors for people', () => {
    expect(formatError({ sheet: 'Products', row: 3, column: 'Price', value: 'ten', message: '"ten" is not a number' })).toBe('Products row 3, column Price (value "ten"): "ten" is not a number');
    expect(formatError({ sheet: 'Accounts', row: 0, column: 'Country', value: '', message: 'bad' })).toBe('Accounts, column Country: bad');
  });

  it('describes cells', () => {
    expect(describeValue(null)).toBe('');
    expect(describeValue(12.5)).toBe('12.5');
    expect(describeValue(false)).toBe('false');
    expect(describeValue(new Date('x'))).toBe('Invalid Date');
  });
});

describe('toRowValues', () => {
  it('gives every schema column, Decimals as numbers and blanks as empty strings', () => {
    const v = toRowValues('Products', { productId: 'P1', name: 'N', price: dec('12.50'), active: true });
    expect(Object.keys(v)).toEqual(SCHEMA.Products.columns.map((c) => c.key));
    expect([v.productId, v.price, v.active, v.tiers]).toEqual(['P1', 12.5, true, '']);
  });
});

describe('ensureColumns', () => {
  it('adds missing engine columns at the end and returns positions of all keys written', () => {
    const headers: Cell[] = ['Item ID', 'Notes', 'Subscription ID'];
    const idx = ensureColumns('Items', headers, { update: [{ values: { billedUntil: '2026-11-30' } }], append: [{ itemId: 'I9', subscriptionId: 'S1' }] });
    expect(headers).toEqual(['Item ID', 'Notes', 'Subscription ID', 'Billed Until']);
    expect([idx.get('itemId'), idx.get('subscriptionId'), idx.get('billedUntil')]).toEqual([0, 2, 3]);
  });

  it('leaves headers alone when every column exists, and rejects unknown keys', () => {
    const headers: Cell[] = ['Billed Until', 'Item ID'];
    ensureColumns('Items', headers, { update: [{ values: { billedUntil: '2026-11-30' } }] });
    expect(headers).toEqual(['Billed Until', 'Item ID']);
    expect(() => ensureColumns('Items', headers, { append: [{ nope: 1 }] })).toThrow('Items has no column nope');
  });
});
