// The reason given to cancel or credit an invoice is the credit note's: stored in its Invoices
// Reason column, printed on it and part of its hash. It counts in the hash only when given, so the
// chains of invoices made before the column existed still verify. An amount credit's lines are
// worded in the invoice's language, without VAT category codes.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, creditInvoice, finalizeInvoices, verifyLedger } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { canonicalInvoice, invoiceHash } from '../../src/core/hash';
import { verifyLedger as verify } from '../../src/core/verify';
import { documentText } from '../../src/core/docText';
import { D } from '../../src/core/money';
import type { Invoice, InvoiceDoc } from '../../src/core/model';
import { sha256Hex } from '../../src/node/memoryHost';
import { DE_TENANT, TAX_RULES, account, item, ports, product, subscription } from '../support/fixtures';

type P = ReturnType<typeof ports>;

/** A1 bills P1 (100.00 at 19 %) and P2 (50.00 at 7 %) in November, finalized. */
function billed(lang: 'de' | 'en' | 'fr' = 'de'): P {
  const p = ports({
    Settings: [DE_TENANT],
    TaxRules: TAX_RULES,
    Accounts: [account('A1', { language: lang })],
    Products: [product('P1', '100.00'), product('P2', '50.00', { taxClass: 'reduced' })],
    Subscriptions: [subscription('S1', 'A1')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S1', 'P2')],
  });
  const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  expect([run.failed, run.rowErrors]).toEqual([[], []]);
  expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
  return p;
}

const creditNote = (p: P): { inv: Invoice; doc: InvoiceDoc } => {
  const ds = readDataset(p);
  const inv = ds.invoices.map((r) => r.record).find((i) => i.type === 'credit_note');
  if (!inv) throw new Error('no credit note');
  return { inv, doc: { invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record) } };
};

describe('the reason of a credit note', () => {
  it('is stored in the credit note’s Reason column, printed on it, and the ledger verifies', () => {
    const p = billed();
    expect(cancelInvoice(p, { invoiceId: 'I-000001', reason: 'Doppelt berechnet' }).failed).toEqual([]);
    const { inv, doc } = creditNote(p);
    expect(inv.reason).toBe('Doppelt berechnet');
    const ds = readDataset(p);
    const original = ds.invoices.find((r) => r.record.invoiceId === 'I-000001')!.record;
    const originalDoc = { invoice: original, lines: (ds.linesByInvoice.get(original.invoiceId) ?? []).map((l) => l.record) };
    // Delivery passes the invoice it credits, not the reason: that comes from the ledger.
    const x = documentText(doc, ds.tenantById.get('DE')!, ds.accounts.get('A1'), { original: originalDoc });
    expect(x.credits).toBe('Storno der Rechnung INV-2026-00001 vom 30.11.2026\nGrund: Doppelt berechnet');
    expect(verifyLedger(p).problems).toEqual([]);
  });

  it('counts in the hash: another reason gives another hash, and a changed reason fails verification', () => {
    const p = billed();
    expect(creditInvoice(p, { invoiceId: 'I-000001', amount: '10', reason: 'Ausfall' }).failed).toEqual([]);
    const { inv, doc } = creditNote(p);
    expect(invoiceHash(doc, inv.previousHash ?? '', sha256Hex)).toBe(inv.hash);
    const other = { ...doc, invoice: { ...inv, reason: 'Kulanz' } };
    expect(invoiceHash(other, inv.previousHash ?? '', sha256Hex)).not.toBe(inv.hash);
    // Someone edits the Reason cell of the issued credit note: verification names it.
    const ds = readDataset(p);
    const row = ds.invoices.find((r) => r.record.invoiceId === inv.invoiceId)!;
    row.record = { ...row.record, reason: 'Kulanz' };
    expect(verify(ds, sha256Hex).problems.map((x) => x.number)).toContain(inv.number);
  });

  it('without a reason, the canonical text is what it was before the column existed (older chains still verify)', () => {
    const doc: InvoiceDoc = {
      invoice: {
        invoiceId: 'I-000001',
        key: 'K',
        type: 'invoice',
        status: 'Open',
        number: 'INV-2026-00001',
        tenantId: 'DE',
        accountId: 'A1',
        invoiceDate: '2026-11-30',
        currency: 'EUR',
        net: new D('100.00'),
        tax: new D('19.00'),
        gross: new D('119.00'),
        rounding: new D(0),
        payable: new D('119.00'),
      },
      lines: [{ invoiceId: 'I-000001', lineNo: 1, kind: 'recurring', description: 'Plan', quantity: new D(1), unitPrice: new D('100.00'), net: new D('100.00'), taxCategory: 'S', taxRate: new D(19) }],
    };
    // The hash the code before the Reason column computed for this invoice (git d25dedf).
    expect(invoiceHash(doc, 'prev', sha256Hex)).toBe('4aa8c3918df3b19d37bcba7120adae041711c0919ae831e14ca53ad74b737815');
    expect(canonicalInvoice({ ...doc, invoice: { ...doc.invoice, reason: '' } })).toBe(canonicalInvoice(doc));
    expect(canonicalInvoice({ ...doc, invoice: { ...doc.invoice, reason: 'R' } })).not.toBe(canonicalInvoice(doc));
  });
});

describe('the lines of an amount credit', () => {
  it.each([
    ['de', ['Korrektur zur Rechnung INV-2026-00001 (USt. 7 %)', 'Korrektur zur Rechnung INV-2026-00001 (USt. 19 %)']],
    ['en', ['Credit note for invoice INV-2026-00001 (VAT 7 %)', 'Credit note for invoice INV-2026-00001 (VAT 19 %)']],
    ['fr', ['Avoir sur la facture INV-2026-00001 (TVA 7 %)', 'Avoir sur la facture INV-2026-00001 (TVA 19 %)']],
  ] as const)('are worded in the invoice’s language (%s), with the rate but no category letter', (lang, expected) => {
    const p = billed(lang);
    expect(creditInvoice(p, { invoiceId: 'I-000001', amount: '30' }).failed).toEqual([]);
    const { doc } = creditNote(p);
    expect(doc.lines.map((l) => l.description).sort()).toEqual([...expected].sort());
  });
});
