// Issue 10, defects 1 and 3: a ledger row the engine cannot read stops every ledger command with the
// cell named, and nothing is deleted; missing sheets and columns are said, never billed as zero.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import type { MemoryTables } from '../../src/node/memoryTables';
import { NOV, DEC, account, edit, invoices, item, ports, product, subscription, table, threeCustomers } from './helpers';

function finalizedNovember() {
  const p = threeCustomers();
  runInvoicing(p, NOV);
  finalizeInvoices(p, { invoiceDate: '2026-11-30' });
  return p;
}

const snapshot = (t: MemoryTables) => JSON.stringify([...t.sheets.entries()].filter(([n]) => n !== 'Log'));

describe('a finalized invoice row with a typo', () => {
  const commands: [string, (p: ReturnType<typeof threeCustomers>) => unknown][] = [
    ['run', (p) => runInvoicing(p, DEC)],
    ['finalize', (p) => finalizeInvoices(p)],
    ['cancel', (p) => cancelInvoice(p, { invoiceId: 'I-000002' })],
    ['credit', (p) => creditInvoice(p, { invoiceId: 'I-000002', amount: '10' })],
  ];
  it.each(commands)('stops %s with the cell named and changes nothing, lines included', (_name, command) => {
    const p = finalizedNovember();
    const net = invoices(p).find((r) => r['Invoice ID'] === 'I-000001')!['Net'];
    edit(p, 'Invoices', 'Invoice ID', 'I-000001', { Net: '624.97 EUR (typo)' });
    const before = snapshot(p.tables);
    expect(() => command(p)).toThrow(/Invoices row 2, column Net \(value "624.97 EUR \(typo\)"\): "624.97 EUR \(typo\)" is not a number/);
    expect(snapshot(p.tables)).toBe(before);
    // Fixing the typo brings everything back: the lines were never touched.
    edit(p, 'Invoices', 'Invoice ID', 'I-000001', { Net: net });
    expect(table(p, 'InvoiceLines').filter((l) => l['Invoice ID'] === 'I-000001')).toHaveLength(1);
    expect(verifyLedger(p).problems).toEqual([]);
    command(p);
    expect(verifyLedger(p).problems).toEqual([]);
  });

  it('a blank invoice id, a duplicate id and a bad line cell stop ledger commands too', () => {
    for (const damage of [
      (p: ReturnType<typeof threeCustomers>) => edit(p, 'Invoices', 'Invoice ID', 'I-000003', { 'Invoice ID': 'I-000002' }),
      (p: ReturnType<typeof threeCustomers>) => edit(p, 'Invoices', 'Invoice ID', 'I-000003', { 'Invoice ID': '' }),
      (p: ReturnType<typeof threeCustomers>) => edit(p, 'InvoiceLines', 'Invoice ID', 'I-000003', { Net: 'n/a' }),
      (p: ReturnType<typeof threeCustomers>) => edit(p, 'NumberRanges', 'Range', String(table(p, 'NumberRanges')[0]['Range']), { 'Last Sequence': 'three' }),
    ]) {
      const p = finalizedNovember();
      damage(p);
      const before = snapshot(p.tables);
      expect(() => runInvoicing(p, DEC)).toThrow(/The ledger has cells the engine cannot read, so nothing was changed/);
      expect(snapshot(p.tables)).toBe(before);
    }
  });

  it('repair removes only lines whose invoice id is absent from the sheet', () => {
    const p = finalizedNovember();
    // An interrupted write left lines of an invoice that was never written: those go.
    const lines = p.tables.sheets.get('InvoiceLines')!;
    lines.rows.push(lines.rows[0].map((v, i) => (i === 0 ? 'I-000099' : v)));
    runInvoicing(p, DEC);
    expect(
      table(p, 'InvoiceLines')
        .map((l) => l['Invoice ID'])
        .filter((id) => id === 'I-000099'),
    ).toEqual([]);
    expect(table(p, 'Log').some((l) => l['Action'] === 'repair' && /1 invoice lines without an invoice removed/.test(String(l['Details'])))).toBe(true);
  });
});

describe('missing sheets and columns', () => {
  const rows = () => ({
    Accounts: [account('A1')],
    Products: [product('P1', '100.00'), product('U1', '0.10')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A1')],
    Items: [item('I1', 'S1', 'P1', { quantity: 3 }), item('I2', 'S2', 'U1', { billingType: 'usage' })],
    Transactions: [{ transactionId: 'T1', subscriptionId: 'S2', productId: 'U1', date: '2026-11-10', quantity: 100 }],
  });

  it.each(['Settings', 'Accounts', 'Products', 'Subscriptions', 'Items', 'TaxRules'])('a missing %s sheet stops the run and keeps existing drafts', (name) => {
    const p = ports(rows());
    runInvoicing(p, NOV);
    const drafts = invoices(p).length;
    const sheet = p.tables.sheets.get(name)!;
    p.tables.sheets.delete(name);
    p.tables.sheets.set(`${name} (old)`, sheet);
    expect(() => runInvoicing(p, NOV)).toThrow(new RegExp(`the ${name} sheet is missing \\(renamed or deleted\\?\\): nothing was billed`));
    expect(invoices(p)).toHaveLength(drafts);
  });

  it('a missing Transactions sheet fails the subscriptions with usage; the others bill', () => {
    const p = ports(rows());
    p.tables.sheets.delete('Transactions');
    const r = runInvoicing(p, NOV);
    expect(r.drafts.map((d) => [d.subscriptionId, d.net])).toEqual([['S1', '300.00']]);
    expect(r.failed.map((f) => [f.subscriptionId, f.reason])).toEqual([['S2', 'its usage items cannot be billed: the Transactions sheet is missing (renamed or deleted?)']]);
  });

  it('a required column missing from Items stops the run, naming it', () => {
    const p = ports(rows());
    const items = p.tables.sheets.get('Items')!;
    items.headers[items.headers.indexOf('Billing Type')] = 'Type of billing';
    expect(() => runInvoicing(p, NOV)).toThrow('Items: required column "Billing Type" is missing from the header row: nothing was billed');
  });

  it('a renamed Quantity column is reported with the run (and in the Log), not billed silently as 1', () => {
    const p = ports(rows());
    const items = p.tables.sheets.get('Items')!;
    items.headers[items.headers.indexOf('Quantity')] = 'Qty';
    const r = runInvoicing(p, NOV);
    expect(r.warnings).toEqual(['Items: column "Quantity" is missing, so every row is billed as if it were empty (Units per period (default 1))']);
    expect(String(table(p, 'Log').at(-1)!['Details'])).toContain('Items: column "Quantity" is missing');
  });
});

describe('rates below 1 %', () => {
  it('a 0.5 % tax rate is read back from the ledger as 0.5 %, so the finalized invoice verifies', () => {
    const p = threeCustomers();
    edit(p, 'TaxRules', 'Rule ID', 'DE-S', { Rate: '0.5 %' });
    runInvoicing(p, NOV);
    const fin = finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(fin.invoices.map((i) => i.tax)).toEqual(['0.50', '0.50', '0.50']);
    expect(verifyLedger(p).problems).toEqual([]);
    expect(runInvoicing(p, DEC).drafts.map((d) => d.tax)).toEqual(['0.50', '0.50', '0.50']);
    // A credit note takes the rate from the invoice's lines as read back from the sheet.
    const credit = creditInvoice(p, { invoiceId: 'I-000001', amount: '100' });
    expect(credit.invoices.filter((i) => i.type === 'credit_note').map((i) => [i.net, i.tax])).toEqual([['-100.00', '-0.50']]);
    expect(verifyLedger(p).problems).toEqual([]);
  });
});

describe('a credit asked for twice', () => {
  it('the same amount on the same invoice the same day is taken for a retry and refused; with "again" it is issued', () => {
    const p = finalizedNovember();
    creditInvoice(p, { invoiceId: 'I-000001', amount: '10' });
    expect(() => creditInvoice(p, { invoiceId: 'I-000001', amount: '10' })).toThrow(
      /a credit note of 10.00 for INV-2026-00001 was already issued today \(CN-2026-00001\); to issue a second one of the same amount, credit with --again/,
    );
    expect(creditInvoice(p, { invoiceId: 'I-000001', amount: '10', again: true }).invoices.filter((i) => i.type === 'credit_note')).toHaveLength(1);
    // Another amount is another credit.
    expect(
      creditInvoice(p, { invoiceId: 'I-000001', amount: '5' })
        .invoices.filter((i) => i.type === 'credit_note')
        .map((i) => i.net),
    ).toEqual(['-5.00']);
    expect(invoices(p).filter((i) => i['Type'] === 'credit_note')).toHaveLength(3);
  });
});
