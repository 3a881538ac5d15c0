// The payment details an invoice prints: the ISO 11649 payment reference of a transfer invoice in
// groups of four (stored at finalization, or made from the number for an older invoice), and the
// SEPA direct-debit pre-notification (amount, collection date, mandate, creditor id, masked IBAN).
import { maskedIban } from '../../src/core/docText';
import { D } from '../../src/core/money';
import { creditorReference } from '../../src/core/receivables/rf';
import { paymentLedger, textOf } from '../support/paymentInvoices';

describe('transfer invoices print their payment reference', () => {
  it('the stored Payment Reference, in groups of four, under "Verwendungszweck"', () => {
    const { ds, transfer } = paymentLedger('de');
    const x = textOf(ds, { ...transfer, paymentReference: 'RF18539007547034' });
    expect(x.payment).toBe(
      'Bitte überweisen Sie den Betrag bis zum Fälligkeitsdatum unter Angabe des Verwendungszwecks auf:\nIBAN DE89370400440532013000 · BIC COBADEFFXXX · Verwendungszweck: RF18 5390 0754 7034',
    );
    expect(x.fields.payment).toBe(x.payment);
    expect(x.fields.paymentReference).toBe('RF18 5390 0754 7034');
  });

  it('an invoice finalized before references existed: the RF reference of its number', () => {
    const { ds, transfer } = paymentLedger('en');
    const ref = creditorReference(transfer.number!)!;
    const x = textOf(ds, { ...transfer, paymentReference: undefined });
    expect([ref, x.payment.split('\n')[1].split(' · ').pop()]).toEqual(['RF71INV202700001', 'Payment reference: RF71 INV2 0270 0001']);
  });

  it('in French', () => {
    const { ds, transfer } = paymentLedger('fr');
    expect(textOf(ds, { ...transfer, paymentReference: 'RF18539007547034' }).payment).toBe(
      "Merci de virer le montant avant l'échéance en indiquant la référence de paiement sur :\nIBAN DE89370400440532013000 · BIC COBADEFFXXX · Référence de paiement: RF18 5390 0754 7034",
    );
  });
});

describe('direct-debit invoices print the pre-notification', () => {
  it.each([
    ['de', 'Wir ziehen den Betrag von 119,00 EUR am 15.01.2027 mit der SEPA-Lastschrift zu Mandat M-4711, Gläubiger-ID DE98ZZZ09999999999, von Ihrem Konto DE…1234 ein.'],
    ['en', 'We will collect the amount of EUR 119.00 on 15 Jan 2027 by SEPA direct debit under mandate M-4711, creditor ID DE98ZZZ09999999999, from your account DE…1234.'],
    ['fr', 'Nous prélèverons le montant de 119,00 EUR le 15/01/2027 par prélèvement SEPA au titre du mandat M-4711, ICS DE98ZZZ09999999999, sur votre compte DE…1234.'],
  ] as const)('%s', (lang, text) => {
    const { ds, debit } = paymentLedger(lang);
    const x = textOf(ds, debit);
    expect([debit.payable.toFixed(2), debit.dueDate]).toEqual(['119.00', '2027-01-15']);
    expect(x.payment).toBe(text);
    expect(x.payment).not.toContain('0000001234');
  });

  it('masks an IBAN to its country and last four characters', () => {
    expect([maskedIban('DE21 3704 0044 0000 0012 34'), maskedIban('AT611904300234573201')]).toEqual(['DE…1234', 'AT…3201']);
  });
});

describe('an invoice an account credit paid in part (Prepaid)', () => {
  it('prints the credit as already paid and collects only the rest', () => {
    const { ds, debit } = paymentLedger('de');
    const x = textOf(ds, { ...debit, prepaid: new D('59.50') });
    expect(x.totals.slice(-3).map((t) => `${t.label}: ${t.value}`)).toEqual(['Gesamtbetrag: 119,00 EUR', 'Bereits bezahlt: -59,50 EUR', 'Zahlbetrag: 59,50 EUR']);
    expect([x.fields.payable, x.fields.prepaid]).toEqual(['59,50 EUR', '59,50 EUR']);
    expect(x.payment).toMatch(/^Wir ziehen den Betrag von 59,50 EUR am 15\.01\.2027 /);
  });
});
