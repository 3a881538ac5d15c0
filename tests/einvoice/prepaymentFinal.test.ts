// The e-invoices of a project's prepayment (386), partial (326) and final invoice (380 with the
// deducted invoices in BG-3 and the project in BT-11), valid against the XSD, EN 16931, XRechnung
// and the Peppol rules XRechnung adopts; also with a rate change between prepayment and final
// invoice (a negative 16 % VAT group) and after a prepayment paid in part.
import { createManualInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import type { Invoice } from '../../src/core/model';
import { creditorReference } from '../../src/core/receivables/rf';
import { problemsOf, xmlOf } from '../support/einvoiceCases';
import { RULES_16_19, issue, projectWorkbook, recordOf, threeInvoices } from '../support/projectInvoices';

const FORMATS = ['xrechnung-ubl', 'xrechnung-cii', 'zugferd'] as const;

/** The text of every element `name` in document order (no nested elements inside). */
const all = (xml: string, name: string) => [...xml.matchAll(new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`, 'g'))].map((m) => m[1]);
/** The XML between the first <name> and its end tag. */
const block = (xml: string, name: string) => xml.slice(xml.indexOf(`<${name}>`), xml.indexOf(`</${name}>`) + name.length + 3);

function cases() {
  const three = threeInvoices();
  const rate = projectWorkbook(RULES_16_19);
  const pre16 = issue(rate, 'prepayment', '2026-12-15', [{ description: 'Anzahlung 30 %', quantity: '1', unitPrice: '3000.00' }]);
  const final19 = issue(rate, 'final', '2027-02-20', [{ description: 'Softwareprojekt', quantity: '1', unitPrice: '10000.00', serviceStart: '2027-01-04', serviceEnd: '2027-02-15' }]);
  const rateDs = readDataset(rate);
  return {
    three,
    list: [
      ['prepayment 30 % at 19 %', three.ds, three.prepayment],
      ['partial invoice', three.ds, three.partial],
      ['final invoice deducting both', three.ds, three.final],
      ['prepayment at 16 %', rateDs, pre16],
      ['final invoice at 19 % deducting the 16 % prepayment', rateDs, final19],
    ] as const,
  };
}

const { three, list } = cases();

describe.each(FORMATS)('%s', (format) => {
  it.each(list)(
    '%s: valid (XSD, EN 16931, XRechnung, adopted Peppol rules)',
    async (_name, ds, inv: Invoice) => {
      const { errors, warnings } = await problemsOf(xmlOf(ds, inv, format), format);
      expect([inv.number, errors]).toEqual([inv.number, []]);
      // XRechnung lists 386 among the codes it only warns about (BR-DE-17); everything else passes without a warning.
      const expected = inv.type === 'prepayment' && format !== 'zugferd' ? ['BR-DE-17'] : [];
      expect([inv.number, warnings.map((w) => w.split(':')[0])]).toEqual([inv.number, expected]);
    },
    180_000,
  );
});

describe('what the XML says', () => {
  const ubl = (inv: Invoice) => xmlOf(three.ds, inv, 'xrechnung-ubl');
  const cii = (inv: Invoice) => xmlOf(three.ds, inv, 'xrechnung-cii');

  it('type codes: prepayment 386, partial 326, final 380 (UBL and CII)', () => {
    const { prepayment, partial, final } = three;
    expect([prepayment, partial, final].map((i) => all(ubl(i), 'cbc:InvoiceTypeCode')[0])).toEqual(['386', '326', '380']);
    expect([prepayment, partial, final].map((i) => all(block(cii(i), 'rsm:ExchangedDocument'), 'ram:TypeCode')[0])).toEqual(['386', '326', '380']);
  });

  it('the final invoice: both deducted invoices in BG-3 (BT-25, BT-26), the project in BT-11, no BT-113', () => {
    const xml = ubl(three.final);
    expect(all(block(xml, 'cac:InvoiceDocumentReference'), 'cbc:ID')).toEqual(['AR-2027-00001']);
    expect(xml.match(/<cac:BillingReference>[\s\S]*?<\/cac:BillingReference>/g)!.map((b) => [all(b, 'cbc:ID')[0], all(b, 'cbc:IssueDate')[0]])).toEqual([
      ['AR-2027-00001', '2027-01-15'],
      ['AR-2027-00002', '2027-02-01'],
    ]);
    expect(all(block(xml, 'cac:ProjectReference'), 'cbc:ID')).toEqual(['P-100']);
    expect(xml).not.toContain('PrepaidAmount');
    expect(all(block(xml, 'cac:LegalMonetaryTotal'), 'cbc:PayableAmount')).toEqual(['3570.00']);
    const c = cii(three.final);
    expect(all(block(c, 'ram:InvoiceReferencedDocument'), 'ram:IssuerAssignedID')).toEqual(['AR-2027-00002']);
    expect(all(c, 'ram:Content')).toContain('Preceding invoices: AR-2027-00001 (2027-01-15), AR-2027-00002 (2027-02-01)');
    expect(all(block(c, 'ram:SpecifiedProcuringProject'), 'ram:ID')).toEqual(['P-100']);
    expect(c).not.toContain('TotalPrepaidAmount');
  });

  it('the prepayment names its project too, and its RF payment reference in BT-83', () => {
    const xml = ubl(three.prepayment);
    expect(all(block(xml, 'cac:ProjectReference'), 'cbc:ID')).toEqual(['P-100']);
    const ref = three.prepayment.paymentReference || creditorReference(three.prepayment.number!);
    expect(all(xml, 'cbc:PaymentID')).toEqual([ref]);
    expect(all(cii(three.prepayment), 'ram:PaymentReference')).toEqual([ref]);
  });
});

describe('a final invoice after a prepayment paid in part', () => {
  it('is valid and deducts the invoiced prepayment (BT-113 not written)', async () => {
    const p = projectWorkbook();
    const prepayment = issue(p, 'prepayment', '2027-01-15', [{ description: 'Anzahlung 30 %', quantity: '1', unitPrice: '3000.00' }]);
    const draft = createManualInvoice(p, {
      accountId: 'A1',
      type: 'final',
      project: 'P-100',
      invoiceDate: '2027-02-20',
      lines: [{ description: 'Softwareprojekt', quantity: '1', unitPrice: '10000.00' }],
    });
    finalizeInvoices(p, { invoiceIds: [draft.invoiceId] });
    const ds = readDataset(p);
    const final = recordOf(ds, draft.invoiceId);
    for (const format of FORMATS) {
      const xml = xmlOf(ds, final, format);
      expect([format, (await problemsOf(xml, format)).errors]).toEqual([format, []]);
      expect([format, xml.includes(prepayment.number!), xml.includes('PrepaidAmount')]).toEqual([format, true, false]);
    }
  }, 180_000);
});

describe('a credit note of a prepayment', () => {
  it('is valid in every format with the project on it (UBL CreditNote has no ProjectReference: left out there)', async () => {
    const p = projectWorkbook();
    const prepayment = issue(p, 'prepayment', '2027-01-15', [{ description: 'Anzahlung 30 %', quantity: '1', unitPrice: '3000.00' }]);
    const report = creditInvoice(p, { invoiceId: prepayment.number!, amount: '1000.00' });
    expect(report.failed).toEqual([]);
    const ds = readDataset(p);
    const note = ds.invoices.map((r) => r.record).find((i) => i.type === 'credit_note')!;
    for (const format of FORMATS) {
      const xml = xmlOf(ds, { ...note, project: 'P-100' }, format);
      expect([format, (await problemsOf(xml, format)).errors]).toEqual([format, []]);
      expect([format, xml.includes('ProjectReference')]).toEqual([format, false]);
    }
  }, 180_000);
});
