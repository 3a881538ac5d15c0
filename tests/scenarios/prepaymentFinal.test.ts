// Prepayment (Anzahlungs-), partial (Abschlags-) and final (Schluss-) invoices of one project,
// made by hand: numbers from the prepayment range, the final invoice deducting each earlier
// invoice per VAT rate (model A, see src/core/manual.ts), the money adding up to the whole
// service's gross, and the documents saying so.
import { cancelInvoice, createManualInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { previewManualInvoice } from '../../src/app/ledgerPreview';
import { readDataset } from '../../src/app/workbook';
import { documentText } from '../../src/core/docText';
import type { Balance, Invoice } from '../../src/core/model';
import { D, sum } from '../../src/core/money';
import { moneyByInvoice } from '../../src/core/receivables/balances';
import { toRowValues } from '../../src/core/table';
import { RULES_16_19, issue, linesOf, projectWorkbook, recordOf, threeInvoices } from '../support/projectInvoices';

const amounts = (i: Invoice) => ({ number: i.number, type: i.type, net: i.net.toFixed(2), tax: i.tax.toFixed(2), gross: i.gross.toFixed(2), payable: i.payable.toFixed(2) });

describe('prepayment, partial and final invoice of one project at 19 %', () => {
  const { ds, prepayment, partial, final } = threeInvoices();

  it('a prepayment of 30 % at 19 %: net 3000.00, tax 570.00, gross 3570.00, numbered from the prepayment range', () => {
    expect(amounts(prepayment)).toEqual({ number: 'AR-2027-00001', type: 'prepayment', net: '3000.00', tax: '570.00', gross: '3570.00', payable: '3570.00' });
    expect(prepayment.project).toBe('P-100');
  });

  it('a partial invoice of 40 %: net 4000.00, tax 760.00, gross 4760.00, the next number of the prepayment range', () => {
    expect(amounts(partial)).toEqual({ number: 'AR-2027-00002', type: 'partial', net: '4000.00', tax: '760.00', gross: '4760.00', payable: '4760.00' });
  });

  it('the final invoice lists the whole service and deducts each earlier invoice per rate, numbered from the invoice range', () => {
    expect(amounts(final)).toEqual({ number: 'INV-2027-00001', type: 'final', net: '3000.00', tax: '570.00', gross: '3570.00', payable: '3570.00' });
    const lines = linesOf(ds, final.invoiceId).map((l) => [l.kind, l.description, l.net.toFixed(2), `${l.taxCategory} ${l.taxRate}`, l.precedingInvoiceId ?? '']);
    expect(lines).toEqual([
      ['manual', 'Softwareprojekt P-100', '10000.00', 'S 19', ''],
      ['deduction', 'Abzüglich Anzahlungsrechnung AR-2027-00001 vom 15.01.2027', '-3000.00', 'S 19', prepayment.invoiceId],
      ['deduction', 'Abzüglich Abschlagsrechnung AR-2027-00002 vom 01.02.2027', '-4000.00', 'S 19', partial.invoiceId],
    ]);
    // Model A: the deductions are the invoiced amounts; nothing is prepaid on the final invoice itself (BT-113 = 0).
    expect([final.prepaid?.toFixed(2) ?? 'none', final.taxSummary]).toEqual(['none', 'S 19%: 3000.00 → 570.00']);
  });

  it('the money adds up: the gross of all three invoices is the whole service gross 11900.00', () => {
    expect(sum([prepayment, partial, final].map((i) => i.gross)).toFixed(2)).toBe('11900.00');
  });

  it('the documents: titles per type, the project, and the deduction lines', () => {
    const text = (inv: Invoice) => documentText({ invoice: inv, lines: linesOf(ds, inv.invoiceId) }, ds.tenantById.get('DE')!, ds.accounts.get('A1'));
    expect([prepayment, partial, final].map((i) => text(i).title)).toEqual(['Anzahlungsrechnung AR-2027-00001', 'Abschlagsrechnung AR-2027-00002', 'Schlussrechnung INV-2027-00001']);
    const x = text(final);
    expect(x.info).toContainEqual(['Projekt', 'P-100']);
    expect(x.fields.project).toBe('P-100');
    expect(x.lines.map((l) => [l.description, l.quantity, l.unitPrice, l.net])).toEqual([
      ['Softwareprojekt P-100', '1', '10.000,00', '10.000,00'],
      ['Abzüglich Anzahlungsrechnung AR-2027-00001 vom 15.01.2027', '-1', '3.000,00', '-3.000,00'],
      ['Abzüglich Abschlagsrechnung AR-2027-00002 vom 01.02.2027', '-1', '4.000,00', '-4.000,00'],
    ]);
    expect(x.taxes).toEqual([{ category: 'S', rate: '19 %', taxable: '3.000,00 EUR', tax: '570,00 EUR' }]);
  });

  it('a second final invoice of the project deducts nothing already deducted', () => {
    const p = projectWorkbook();
    threeInvoices(p);
    const again = createManualInvoice(p, { accountId: 'A1', type: 'final', project: 'P-100', lines: [{ description: 'Nachtrag', quantity: '1', unitPrice: '100' }] });
    expect(linesOf(readDataset(p), again.invoiceId).map((l) => l.kind)).toEqual(['manual']);
  });

  it('a cancelled partial invoice is not deducted; a prepayment credited in part is deducted less its credit note', () => {
    const p = projectWorkbook();
    const prepayment = issue(p, 'prepayment', '2027-01-15', [{ description: 'Anzahlung', quantity: '1', unitPrice: '3000.00' }]);
    const partial = issue(p, 'partial', '2027-02-01', [{ description: 'Abschlag', quantity: '1', unitPrice: '4000.00' }]);
    expect(cancelInvoice(p, { invoiceId: partial.number! }).failed).toEqual([]);
    expect(creditInvoice(p, { invoiceId: prepayment.number!, amount: '1000.00' }).failed).toEqual([]);
    const final = issue(p, 'final', '2027-02-20', [{ description: 'Softwareprojekt', quantity: '1', unitPrice: '10000.00' }]);
    const lines = linesOf(readDataset(p), final.invoiceId).filter((l) => l.kind === 'deduction');
    expect(lines.map((l) => [l.description, l.net.toFixed(2)])).toEqual([['Abzüglich Anzahlungsrechnung AR-2027-00001 vom 15.01.2027', '-2000.00']]);
    expect(amounts(final)).toMatchObject({ net: '8000.00', tax: '1520.00', gross: '9520.00' });
  });

  it('a final invoice needs a project', () => {
    expect(() => createManualInvoice(projectWorkbook(), { accountId: 'A1', type: 'final', lines: [{ description: 'x', quantity: '1', unitPrice: '1' }] })).toThrow(/a final invoice needs a project/);
  });
});

describe('a prepayment paid in part', () => {
  it('stays open with the rest on itself; the final invoice deducts what was invoiced and the total owed is the whole service gross', () => {
    const p = projectWorkbook();
    const prepayment = issue(p, 'prepayment', '2027-01-15', [{ description: 'Anzahlung 30 %', quantity: '1', unitPrice: '3000.00' }]);
    // The Balances rows as the money ledger holds them: the invoice and a payment of 2000.00.
    const rows: Balance[] = [
      { balanceId: 'B-1', date: '2027-01-15', kind: 'invoice', accountId: 'A1', invoiceId: prepayment.invoiceId, number: prepayment.number, amount: prepayment.payable, currency: 'EUR' },
      { balanceId: 'B-2', date: '2027-01-20', kind: 'payment', accountId: 'A1', invoiceId: prepayment.invoiceId, number: prepayment.number, amount: new D('-2000.00'), currency: 'EUR' },
    ];
    const booked = readDataset(p).balances.some((b) => b.record.invoiceId === prepayment.invoiceId && b.record.kind === 'invoice');
    p.tables.apply('Balances', { append: (booked ? rows.slice(1) : rows).map((b) => toRowValues('Balances', b)) });
    const input = { accountId: 'A1', type: 'final' as const, project: 'P-100', invoiceDate: '2027-02-20', lines: [{ description: 'Softwareprojekt', quantity: '1', unitPrice: '10000.00' }] };
    // The sidebar's preview warns the same way, before anything is saved.
    expect(previewManualInvoice(p, input).invoice.warnings ?? '').toContain('AR-2027-00001 is deducted in full, EUR 1,570.00 of it is still open');
    const draft = createManualInvoice(p, {
      accountId: 'A1',
      type: 'final',
      project: 'P-100',
      invoiceDate: '2027-02-20',
      lines: [{ description: 'Softwareprojekt', quantity: '1', unitPrice: '10000.00' }],
    });
    expect(draft.warnings ?? '').toContain('AR-2027-00001 is deducted in full, EUR 1,570.00 of it is still open and stays due on it');
    const fin = finalizeInvoices(p, { invoiceIds: [draft.invoiceId] });
    expect(fin.failed).toEqual([]);
    const final = recordOf(readDataset(p), draft.invoiceId);
    expect(amounts(final)).toMatchObject({ net: '7000.00', tax: '1330.00', gross: '8330.00', payable: '8330.00' });
    rows.push({ balanceId: 'B-3', date: '2027-02-20', kind: 'invoice', accountId: 'A1', invoiceId: final.invoiceId, number: final.number, amount: final.payable, currency: 'EUR' });
    const money = moneyByInvoice(rows);
    const pre = money.get(prepayment.invoiceId)!;
    expect({ open: pre.open.toFixed(2), paid: pre.paid.toFixed(2) }).toEqual({ open: '1570.00', paid: '2000.00' });
    expect(money.get(final.invoiceId)!.open.toFixed(2)).toBe('8330.00');
    // Paid so far plus still open on both invoices = the whole service gross.
    const open = sum([...money.values()].map((m) => m.open));
    expect(open.plus(pre.paid).toFixed(2)).toBe('11900.00');
  });
});

describe('a rate change between prepayment (16 %) and final invoice (19 %)', () => {
  it('deducts the prepayment at 16 %: the 16 % group nets to -3000.00 / -480.00 while the service is taxed at 19 %', () => {
    const p = projectWorkbook(RULES_16_19);
    const prepayment = issue(p, 'prepayment', '2026-12-15', [{ description: 'Anzahlung 30 %', quantity: '1', unitPrice: '3000.00' }]);
    expect(amounts(prepayment)).toMatchObject({ net: '3000.00', tax: '480.00', gross: '3480.00' });
    const final = issue(p, 'final', '2027-02-20', [{ description: 'Softwareprojekt', quantity: '1', unitPrice: '10000.00', serviceStart: '2027-01-04', serviceEnd: '2027-02-15' }]);
    expect(amounts(final)).toMatchObject({ net: '7000.00', tax: '1420.00', gross: '8420.00' });
    expect(final.taxSummary).toBe('S 16%: -3000.00 → -480.00; S 19%: 10000.00 → 1900.00');
    expect(prepayment.gross.plus(final.gross).toFixed(2)).toBe('11900.00');
  });
});

describe('a final invoice draft whose deductions changed', () => {
  const service = [{ description: 'Softwareprojekt', quantity: '1', unitPrice: '10000.00' }];

  it('is refused at finalization when a deducted invoice was cancelled after the draft was made', () => {
    const p = projectWorkbook();
    const prepayment = issue(p, 'prepayment', '2027-01-15', [{ description: 'Anzahlung', quantity: '1', unitPrice: '3000.00' }]);
    const draft = createManualInvoice(p, { accountId: 'A1', type: 'final', project: 'P-100', invoiceDate: '2027-02-20', lines: service });
    cancelInvoice(p, { invoiceId: prepayment.number! });
    const r = finalizeInvoices(p, { invoiceIds: [draft.invoiceId] });
    expect(r.failed.map((f) => f.reason)).toEqual([
      `final invoice ${draft.invoiceId} deducts AR-2027-00001, which was cancelled after the draft was made: make the final invoice of project P-100 again`,
    ]);
  });

  it('is refused when a prepayment of the project was finalized after the draft was made, and goes through when made again', () => {
    const p = projectWorkbook();
    issue(p, 'prepayment', '2027-01-15', [{ description: 'Anzahlung', quantity: '1', unitPrice: '3000.00' }]);
    const draft = createManualInvoice(p, { accountId: 'A1', type: 'final', project: 'P-100', invoiceDate: '2027-02-20', lines: service });
    issue(p, 'partial', '2027-02-01', [{ description: 'Abschlag', quantity: '1', unitPrice: '4000.00' }]);
    expect(finalizeInvoices(p, { invoiceIds: [draft.invoiceId] }).failed.map((f) => f.reason)).toEqual([
      `final invoice ${draft.invoiceId} does not deduct AR-2027-00002, finalized after the draft was made: make the final invoice of project P-100 again`,
    ]);
    const fresh = createManualInvoice(p, { accountId: 'A1', type: 'final', project: 'P-100', invoiceDate: '2027-02-20', lines: service });
    expect(finalizeInvoices(p, { invoiceIds: [fresh.invoiceId] }).failed).toEqual([]);
  });
});
