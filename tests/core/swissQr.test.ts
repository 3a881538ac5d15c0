// The Swiss QR-bill of a Swiss invoice, checked field by field against the Swiss Payment
// Standards (Implementation Guidelines for the QR-bill, v2.3, section 4.3): the "SPC" payload's
// header, the creditor's account and structured address, the amount with two decimals, the
// currency, the debtor, the reference (QR reference with a QR-IBAN, ISO 11649 creditor reference
// otherwise) and the trailer "EPD".
import { D } from '../../src/core/money';
import type { Invoice, Tenant } from '../../src/core/model';
import { QR_IBAN, SWISS_IBAN as IBAN, swissInvoice, swissTenant } from '../support/swissInvoice';
import { formatReference, isQrIban, isScorReference, mod10Recursive, qrReference, scorReference, spcPayload, swissQrBill, type SwissQrBill } from '../../src/core/swissQr';
import { documentText } from '../../src/core/docText';

const tenant = swissTenant;
const invoice = swissInvoice;

const billOf = (inv: Invoice, t: Tenant): SwissQrBill => {
  const r = swissQrBill(inv, t);
  if (!('bill' in r)) throw new Error(r.problem);
  return r.bill;
};

describe('references', () => {
  it('a QR reference is 26 digits of the number and a modulo 10 recursive check digit (the guidelines’ example)', () => {
    expect(mod10Recursive('21000000000313947143000901')).toBe(7);
    expect(qrReference('CH-2026-0042')).toBe('000000000000000000202600427');
    expect(mod10Recursive(qrReference('CH-2026-0042').slice(0, 26))).toBe(7);
    expect(qrReference('CH-2026-0042')).toHaveLength(27);
  });

  it('a creditor reference follows ISO 11649 (RF, check digits modulo 97)', () => {
    expect(scorReference('539007547034')).toBe('RF18539007547034');
    expect(isScorReference('RF18539007547034')).toBe(true);
    expect(isScorReference('RF19539007547034')).toBe(false);
    expect(scorReference('CH-2026-0042')).toBe('RF92CH20260042');
    expect(isScorReference(scorReference('CH-2026-0042')!)).toBe(true);
    // More than 21 letters and digits: no creditor reference.
    expect(scorReference('X'.repeat(22))).toBeUndefined();
  });

  it('tells a QR-IBAN (QR-IID 30000–31999) from an IBAN', () => {
    expect([isQrIban(QR_IBAN), isQrIban(IBAN), isQrIban('DE89370400440532013000')]).toEqual([true, false, false]);
  });
});

describe('the SPC payload', () => {
  it('with a QR-IBAN: QR reference, creditor and debtor with address type S, amount with 2 decimals, message, EPD', () => {
    const b = billOf(invoice({ payable: new D('1081.5') }), tenant(QR_IBAN));
    expect(spcPayload(b).split('\n')).toEqual([
      'SPC', // QRType
      '0200', // Version
      '1', // Coding type: UTF-8 restricted to Latin
      QR_IBAN, // IBAN
      'S', // creditor address type: structured
      'Beispiel AG',
      'Bahnhofstrasse 1',
      '',
      '8001',
      'Zürich',
      'CH',
      '', // ultimate creditor: 7 empty fields
      '',
      '',
      '',
      '',
      '',
      '',
      '1081.50', // amount
      'CHF', // currency
      'S', // debtor
      'Kunde AG',
      'Gasse 3',
      '',
      '3000',
      'Bern',
      'CH',
      'QRR', // reference type
      '000000000000000000202600427',
      'CH-2026-0042', // unstructured message: the invoice number
      'EPD', // trailer
      '//S1/10/CH-2026-0042/11/261130', // bill information (Swico S1: invoice number and date)
    ]);
    expect(formatReference(b)).toBe('00 00000 00000 00000 02026 00427');
  });

  it('with an IBAN: a creditor reference, or none when the number is too long for one', () => {
    const b = billOf(invoice(), tenant(IBAN));
    expect([b.referenceType, b.reference]).toEqual(['SCOR', 'RF92CH20260042']);
    const long = billOf(invoice({ number: 'RECHNUNG-2026-000000000042' }), tenant(IBAN));
    expect([long.referenceType, long.reference]).toEqual(['NON', '']);
    expect(spcPayload(long).split('\n').slice(27, 29)).toEqual(['NON', '']);
  });

  it('has no debtor when the buyer address has no postal code and town', () => {
    const b = billOf(invoice({ buyerAddress: 'Gasse 3' }), tenant(IBAN));
    expect(b.debtor).toBeUndefined();
    expect(spcPayload(b).split('\n').slice(20, 27)).toEqual(['', '', '', '', '', '', '']);
  });

  it('is refused without a Swiss or Liechtenstein IBAN, and says why', () => {
    expect(swissQrBill(invoice(), tenant('DE89370400440532013000'))).toEqual({ problem: 'the IBAN DE89370400440532013000 is not a valid Swiss or Liechtenstein IBAN' });
    expect(swissQrBill(invoice(), { ...tenant(''), iban: undefined })).toEqual({ problem: 'no IBAN' });
  });
});

describe('the document of a Swiss invoice', () => {
  it('carries the QR-bill and its fields as text in the invoice’s language', () => {
    const inv = invoice({ language: 'de' });
    const x = documentText({ invoice: inv, lines: [] }, tenant(QR_IBAN), undefined);
    expect(x.qrBill?.referenceType).toBe('QRR');
    expect(x.qrText).toBe(
      [
        'Zahlteil',
        'Konto / Zahlbar an: CH44 3199 9123 0008 8901 2 · Beispiel AG, Bahnhofstrasse 1, 8001 Zürich',
        'Referenz: 00 00000 00000 00000 02026 00427',
        'Zusätzliche Informationen: CH-2026-0042',
        'Zahlbar durch: Kunde AG, Gasse 3, 3000 Bern',
        'Währung: CHF · Betrag: 1081.00',
      ].join('\n'),
    );
    expect(x.fields.qrBill).toBe(x.qrText);
  });

  it('a German invoice, a credit note and a Swiss invoice in EUR… have none', () => {
    const de = { ...tenant(QR_IBAN), country: 'DE' };
    expect(documentText({ invoice: invoice({ currency: 'EUR' }), lines: [] }, de, undefined).qrBill).toBeUndefined();
    expect(documentText({ invoice: invoice({ type: 'credit_note', payable: new D('-10') }), lines: [] }, tenant(QR_IBAN), undefined).qrText).toBe('');
  });
});

describe('an invoice partly paid by an account credit at finalization', () => {
  it('asks in the QR-bill for what is left to pay, not for Payable', () => {
    const inv = { ...invoice(), prepaid: new D('20.00') };
    expect(billOf(inv, tenant(QR_IBAN)).amount).toBe(new D(inv.payable).minus(20).toFixed(2));
  });
});
