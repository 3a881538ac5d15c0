// The e-invoice carries what the invoice document prints about paying it: the payment reference
// in BT-83 (UBL PaymentID, CII PaymentReference) and, for a direct debit, the mandate (BT-89), the
// creditor id (BT-90) and the debited account (BT-91) with the amount and the collection date.
import { D } from '../../src/core/money';
import { problemsOf, xmlOf } from '../support/einvoiceCases';
import { DEBTOR_IBAN, paymentLedger, textOf } from '../support/paymentInvoices';

const first = (xml: string, name: string) => new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`).exec(xml)?.[1];
const inside = (xml: string, outer: string, name: string) => first(xml.slice(xml.indexOf(`<${outer}>`)), name);

describe('the payment reference in BT-83 is the one the document prints', () => {
  const { ds, transfer } = paymentLedger('de');
  const stored = { ...transfer, paymentReference: 'RF18539007547034' };

  it.each(['xrechnung-ubl', 'xrechnung-cii', 'zugferd'] as const)(
    '%s',
    async (format) => {
      for (const inv of [stored, { ...transfer, paymentReference: undefined }]) {
        const printed = /Verwendungszweck: (RF[0-9A-Z ]+)$/.exec(textOf(ds, inv).payment)?.[1] ?? 'none printed';
        const xml = xmlOf(ds, inv, format);
        const inXml = format === 'xrechnung-ubl' ? first(xml, 'cbc:PaymentID') : first(xml, 'ram:PaymentReference');
        expect([format, inXml]).toEqual([format, printed.replace(/ /g, '')]);
        expect([format, (await problemsOf(xml, format)).errors]).toEqual([format, []]);
      }
    },
    120_000,
  );
});

describe('a direct debit: the pre-notification and BT-89..BT-91 agree', () => {
  const { ds, debit } = paymentLedger('de');
  const text = textOf(ds, debit).payment;
  const m = /^Wir ziehen den Betrag von ([\d.,]+) EUR am (\d\d)\.(\d\d)\.(\d{4}) mit der SEPA-Lastschrift zu Mandat (\S+), Gläubiger-ID (\S+), von Ihrem Konto ([A-Z]{2})…(\w{4}) ein\.$/.exec(text);
  const said = m && { amount: m[1].replace(/\./g, '').replace(',', '.'), date: `${m[4]}-${m[3]}-${m[2]}`, mandate: m[5], creditorId: m[6], iban: `${m[7]}…${m[8]}` };
  const mask = (iban?: string) => (iban ? `${iban.slice(0, 2)}…${iban.slice(-4)}` : 'none');

  it('the document says it', () => {
    expect(said).toEqual({ amount: '119.00', date: '2027-01-15', mandate: 'M-4711', creditorId: 'DE98ZZZ09999999999', iban: mask(DEBTOR_IBAN) });
  });

  it('UBL: PaymentMandate, the seller SEPA id, PayerFinancialAccount, PayableAmount and DueDate', async () => {
    const xml = xmlOf(ds, debit, 'xrechnung-ubl');
    expect({
      amount: first(xml, 'cbc:PayableAmount'),
      date: first(xml, 'cbc:DueDate'),
      mandate: inside(xml, 'cac:PaymentMandate', 'cbc:ID'),
      creditorId: inside(xml, 'cac:PartyIdentification', 'cbc:ID'),
      iban: mask(inside(xml, 'cac:PayerFinancialAccount', 'cbc:ID')),
    }).toEqual(said);
    expect(first(xml, 'cbc:PaymentMeansCode')).toBe('59');
    expect((await problemsOf(xml, 'xrechnung-ubl')).errors).toEqual([]);
  }, 120_000);

  it.each(['xrechnung-cii', 'zugferd'] as const)(
    '%s: DirectDebitMandateID, CreditorReferenceID, the debtor IBAN, DuePayableAmount and the due date',
    async (format) => {
      const xml = xmlOf(ds, debit, format);
      const due = inside(xml, 'ram:DueDateDateTime', 'udt:DateTimeString')!;
      expect({
        amount: first(xml, 'ram:DuePayableAmount'),
        date: `${due.slice(0, 4)}-${due.slice(4, 6)}-${due.slice(6)}`,
        mandate: first(xml, 'ram:DirectDebitMandateID'),
        creditorId: first(xml, 'ram:CreditorReferenceID'),
        iban: mask(inside(xml, 'ram:PayerPartyDebtorFinancialAccount', 'ram:IBANID')),
      }).toEqual(said);
      expect((await problemsOf(xml, format)).errors).toEqual([]);
    },
    120_000,
  );
});

describe('an invoice an account credit paid in part (Prepaid)', () => {
  const { ds, debit } = paymentLedger('de');
  const paid = { ...debit, prepaid: new D('59.50') };

  it.each(['xrechnung-ubl', 'xrechnung-cii', 'zugferd'] as const)(
    '%s: BT-113 is the credit, BT-115 the rest the pre-notification collects (BR-CO-16)',
    async (format) => {
      const xml = xmlOf(ds, paid, format);
      const [prepaid, payable] =
        format === 'xrechnung-ubl' ? [first(xml, 'cbc:PrepaidAmount'), first(xml, 'cbc:PayableAmount')] : [first(xml, 'ram:TotalPrepaidAmount'), first(xml, 'ram:DuePayableAmount')];
      expect([format, prepaid, payable]).toEqual([format, '59.50', '59.50']);
      expect(textOf(ds, paid).payment).toContain(`von ${payable!.replace('.', ',')} EUR am`);
      expect([format, (await problemsOf(xml, format)).errors]).toEqual([format, []]);
    },
    120_000,
  );
});
