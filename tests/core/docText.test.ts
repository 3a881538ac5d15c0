// documentText: the words of invoice documents for invoices made by the real engine (run, finalize,
// cancel on an in-memory workbook). Every amount, date and label is compared as an exact string.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { TEXT_LIMITS, clip, documentText, type DocText } from '../../src/core/docText';
import { LABELS } from '../../src/core/i18n';
import type { Invoice } from '../../src/core/model';
import { CH_TENANT, DE_TENANT, TAX_RULES, account, item, ports, product, subscription } from '../support/fixtures';

const NOV = { periodStart: '2026-11-01', periodEnd: '2026-11-30' };

const DE_FULL = { ...DE_TENANT, bic: 'COBADEFFXXX', bankName: 'Commerzbank', creditorId: 'DE98ZZZ09999999999', email: 'billing@muster.de' };

type P = ReturnType<typeof ports>;

/** The document text of the invoice picked by `which` (as it is in the ledger now). */
function textOf(p: P, which: (i: Invoice) => boolean, draft = false): { inv: Invoice; x: DocText } {
  const ds = readDataset(p);
  const inv = ds.invoices.map((r) => r.record).find(which);
  if (!inv) throw new Error('no such invoice');
  const lines = (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record);
  return { inv, x: documentText({ invoice: inv, lines }, ds.tenantById.get(inv.tenantId)!, ds.accounts.get(inv.accountId), { draft }) };
}

const invoiceOf = (accountId: string) => (i: Invoice) => i.accountId === accountId && i.type === 'invoice';

/**
 * A1 (de, B2B with VAT ID): 2 × 100.00 − 10 % at 19 % and 3 h × 12.3456 at 7 %, order reference.
 * A2 (en, SEPA direct debit): from 16 Nov, prorated × 0.5.  A3 (en, transfer).  A4 (en, Austria, reverse charge).
 * C1 (Swiss tenant, CHF 10.03 + 8.1 % = 10.84 → cash rounded 10.85).  C2 (Swiss, 100.00 + 8.10 = 108.10, nothing to round).
 */
function world(): P {
  const p = ports({
    Settings: [DE_FULL, CH_TENANT],
    TaxRules: TAX_RULES,
    Accounts: [
      account('A1', { vatId: 'DE999999999' }),
      account('A2', { language: 'en', paymentMethod: 'direct_debit', mandateReference: 'M-0001', iban: 'DE02120300000000202051' }),
      account('A3', { language: 'en' }),
      account('A4', { language: 'en', country: 'AT', vatId: 'ATU12345678', street: 'Ring 5', postalCode: '1010', city: 'Wien' }),
      account('C1', { tenantId: 'CH', country: 'CH', street: 'Gasse 3', postalCode: '3000', city: 'Bern' }),
      account('C2', { tenantId: 'CH', country: 'CH', street: 'Gasse 4', postalCode: '3000', city: 'Bern' }),
    ],
    Products: [product('P1', '100.00'), product('P2', '12.3456', { taxClass: 'reduced', unit: 'HUR' }), product('P3', '10.03', { currency: 'CHF' }), product('P4', '100.00', { currency: 'CHF' })],
    Subscriptions: [
      subscription('S1', 'A1', { orderReference: 'PO-77' }),
      subscription('S2', 'A2', { startDate: '2026-11-16' }),
      subscription('S3', 'A3'),
      subscription('S4', 'A4'),
      subscription('S5', 'C1', { currency: 'CHF' }),
      subscription('S6', 'C2', { currency: 'CHF' }),
    ],
    Items: [
      item('I1', 'S1', 'P1', { quantity: 2, discountPercent: 10 }),
      item('I2', 'S1', 'P2', { quantity: 3 }),
      item('I3', 'S2', 'P1'),
      item('I4', 'S3', 'P1'),
      item('I5', 'S4', 'P1'),
      item('I6', 'S5', 'P3'),
      item('I7', 'S6', 'P4'),
    ],
  });
  const run = runInvoicing(p, NOV);
  expect(run.failed).toEqual([]);
  expect(run.rowErrors).toEqual([]);
  return p;
}

function finalized(): P {
  const p = world();
  expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
  return p;
}

describe('documentText of a German invoice with mixed VAT rates', () => {
  const p = finalized();
  const { inv, x } = textOf(p, invoiceOf('A1'));

  it('title, number and the invoice data in German with German dates', () => {
    expect(inv.number).toBe('INV-2026-00001');
    expect(x.lang).toBe('de');
    expect(x.title).toBe('Rechnung INV-2026-00001');
    expect(x.credits).toBe('');
    expect(x.info).toEqual([
      ['Rechnungsnummer', 'INV-2026-00001'],
      ['Rechnungsdatum', '30.11.2026'],
      ['Fällig am', '14.12.2026'],
      ['Kundennummer', 'A1'],
      ['Leistungszeitraum', '01.11.2026 – 30.11.2026'],
      ['Ihre USt-IdNr.', 'DE999999999'],
      ['Unsere USt-IdNr.', 'DE123456789'],
      ['Bestellnummer', 'PO-77'],
    ]);
  });

  it('lines: quantity, unit, unit price with all its decimals, discount, net and rate', () => {
    expect(x.lines).toEqual([
      // 2 × 100.00 − 10 % = 180.00
      { no: '1', description: 'Product P1', period: '01.11.2026 – 30.11.2026', quantity: '2', unit: 'Stk.', unitPrice: '100,00', discount: '10 %', net: '180,00', taxRate: '19 %' },
      // 3 × 12.3456 = 37.0368 → 37.04; the unit price keeps its 4 decimals
      { no: '2', description: 'Product P2', period: '01.11.2026 – 30.11.2026', quantity: '3', unit: 'Std.', unitPrice: '12,3456', discount: '', net: '37,04', taxRate: '7 %' },
    ]);
  });

  it('tax breakdown per rate and totals without rounding rows', () => {
    // 37.04 × 7 % = 2.5928 → 2.59; 180.00 × 19 % = 34.20; total 217.04 + 36.79 = 253.83
    expect(x.taxes).toEqual([
      { category: 'S', rate: '7 %', taxable: '37,04 EUR', tax: '2,59 EUR' },
      { category: 'S', rate: '19 %', taxable: '180,00 EUR', tax: '34,20 EUR' },
    ]);
    expect(x.totals.map((t) => [t.value, t.strong])).toEqual([
      ['217,04 EUR', false],
      ['2,59 EUR', false],
      ['34,20 EUR', false],
      ['253,83 EUR', true],
    ]);
    expect(x.totals[0].label).toBe('Summe netto');
    expect(x.totals[3].label).toBe('Gesamtbetrag');
    expect(x.totals[1].label).toMatch(/^USt\. 7 % .* 37,04 EUR$/);
    expect(x.totals[2].label).toMatch(/^USt\. 19 % .* 180,00 EUR$/);
    expect(x.totals.some((t) => t.label === 'Rundung' || t.label === 'Zahlbetrag')).toBe(false);
  });

  it('German totals rows spell the noun Bemessungsgrundlage with a capital B', () => {
    expect(x.totals[1].label).toBe('USt. 7 % Bemessungsgrundlage 37,04 EUR');
  });

  it('payment by transfer: IBAN, BIC, bank and the RF payment reference of the number (an invoice finalized before references were stored) in groups of four', () => {
    expect(x.payment).toBe(
      'Bitte überweisen Sie den Betrag bis zum Fälligkeitsdatum unter Angabe des Verwendungszwecks auf:\n' +
        'IBAN DE89370400440532013000 · BIC COBADEFFXXX · Commerzbank · Verwendungszweck: RF76 INV2 0260 0001',
    );
    expect(x.notes).toBe('');
  });

  it('seller, sender, recipient and footer', () => {
    expect(x.sellerLines).toEqual(['Hauptstr. 1', '10115 Berlin', 'DE', 'billing@muster.de']);
    expect(x.senderLine).toBe('Muster GmbH · Hauptstr. 1 · 10115 Berlin');
    // Same country as the seller: no country line.
    expect(x.recipientLines).toEqual(['Customer A1', 'Weg 2', '80331 München']);
    expect(x.footer).toBe('Muster GmbH · Hauptstr. 1, 10115 Berlin · Unsere USt-IdNr. DE123456789 · IBAN DE89370400440532013000');
  });

  it('fields: every German label.* and the structured parts as placeholders', () => {
    const labelKeys = Object.keys(x.fields)
      .filter((k) => k.startsWith('label.'))
      .sort();
    expect(labelKeys).toEqual(
      Object.keys(LABELS.de)
        .map((k) => `label.${k}`)
        .sort(),
    );
    for (const [k, v] of Object.entries(LABELS.de)) expect(x.fields[`label.${k}`]).toBe(v);
    expect(x.fields).toMatchObject({
      title: 'Rechnung INV-2026-00001',
      type: 'Rechnung',
      number: 'INV-2026-00001',
      credits: '',
      invoiceDate: '30.11.2026',
      dueDate: '14.12.2026',
      servicePeriod: '01.11.2026 – 30.11.2026',
      customerNumber: 'A1',
      buyerName: 'Customer A1',
      buyerAddress: 'Weg 2\n80331 München',
      recipient: 'Customer A1\nWeg 2\n80331 München',
      buyerVatId: 'DE999999999',
      orderReference: 'PO-77',
      buyerReference: '',
      sellerName: 'Muster GmbH',
      sellerAddress: 'Hauptstr. 1\n10115 Berlin\nDE\nbilling@muster.de',
      senderLine: 'Muster GmbH · Hauptstr. 1 · 10115 Berlin',
      sellerVatId: 'DE123456789',
      sellerEmail: 'billing@muster.de',
      sellerPhone: '',
      iban: 'DE89370400440532013000',
      bic: 'COBADEFFXXX',
      bankName: 'Commerzbank',
      currency: 'EUR',
      net: '217,04 EUR',
      tax: '36,79 EUR',
      gross: '253,83 EUR',
      rounding: '0,00 EUR',
      payable: '253,83 EUR',
    });
    expect(x.fields.info).toBe(x.info.map(([k, v]) => `${k}: ${v}`).join('\n'));
    expect(x.fields.info.split('\n')[1]).toBe('Rechnungsdatum: 30.11.2026');
    expect(x.fields.payment).toBe(x.payment);
    expect(x.fields.notes).toBe(x.notes);
    expect(x.fields.footer).toBe(x.footer);
    expect(x.fields.recipient).toBe(x.recipientLines.join('\n'));
    expect(x.fields.sellerAddress).toBe(x.sellerLines.join('\n'));
    expect(x.fields.gross).toBe(x.totals[x.totals.length - 1].value);
  });

  it('fields has every placeholder the README lists', () => {
    const names = [
      'title',
      'type',
      'number',
      'invoiceDate',
      'dueDate',
      'servicePeriod',
      'credits',
      'info',
      'notes',
      'payment',
      'footer',
      'customerNumber',
      'buyerName',
      'buyerAddress',
      'recipient',
      'buyerVatId',
      'buyerReference',
      'orderReference',
      'sellerName',
      'sellerAddress',
      'senderLine',
      'sellerVatId',
      'sellerTaxNumber',
      'sellerEmail',
      'sellerPhone',
      'iban',
      'bic',
      'bankName',
      'currency',
      'net',
      'tax',
      'gross',
      'rounding',
      'payable',
    ];
    for (const n of names) expect(typeof x.fields[n]).toBe('string');
    expect(Object.values(x.fields).every((v) => typeof v === 'string')).toBe(true);
  });
});

describe('documentText in English', () => {
  const p = finalized();

  it("a prorated line shows its period with the days served of the period's days (never the factor), a unit name, no category letter; English labels, dates and money", () => {
    const { inv, x } = textOf(p, invoiceOf('A2'));
    expect(inv.number).toBe('INV-2026-00002');
    expect(x.lang).toBe('en');
    expect(x.title).toBe('Invoice INV-2026-00002');
    expect(x.info).toEqual([
      ['Invoice number', 'INV-2026-00002'],
      ['Invoice date', '30 Nov 2026'],
      ['Due date', '14 Dec 2026'],
      ['Customer number', 'A2'],
      ['Service period', '16 Nov 2026 – 30 Nov 2026'],
      ['Our VAT ID', 'DE123456789'],
    ]);
    // 16–30 Nov = 15 of 30 days: 1 × 100.00 × 0.5 = 50.00
    expect(x.lines).toEqual([
      { no: '1', description: 'Product P1', period: '16 Nov 2026 – 30 Nov 2026 (15 of 30 days)', quantity: '1', unit: 'pc', unitPrice: '100.00', discount: '', net: '50.00', taxRate: '19 %' },
    ]);
    expect(x.taxes).toEqual([{ category: 'S', rate: '19 %', taxable: 'EUR 50.00', tax: 'EUR 9.50' }]);
    expect(x.totals).toEqual([
      { label: 'Total net', value: 'EUR 50.00', strong: false },
      { label: 'VAT 19 % taxable amount EUR 50.00', value: 'EUR 9.50', strong: false },
      { label: 'Total', value: 'EUR 59.50', strong: true },
    ]);
    expect(x.fields.payable).toBe('EUR 59.50');
    expect(x.fields.invoiceDate).toBe('30 Nov 2026');
  });

  it('SEPA direct debit: the pre-notification (amount, collection date, mandate, creditor id, masked IBAN) instead of transfer details', () => {
    const { x } = textOf(p, invoiceOf('A2'));
    expect(x.payment).toBe('We will collect the amount of EUR 59.50 on 14 Dec 2026 by SEPA direct debit under mandate M-0001, creditor ID DE98ZZZ09999999999, from your account DE…2051.');
    expect(x.payment).not.toContain('DE02120300000000202051');
    expect(x.payment).not.toContain('DE89370400440532013000');
    expect(x.fields.payment).toBe(x.payment);
  });

  it('payment by transfer in English', () => {
    const { x } = textOf(p, invoiceOf('A3'));
    expect(x.title).toBe('Invoice INV-2026-00003');
    expect(x.payment).toBe(
      'Please transfer the amount by the due date, quoting the payment reference, to:\nIBAN DE89370400440532013000 · BIC COBADEFFXXX · Commerzbank · Payment reference: RF22 INV2 0260 0003',
    );
  });

  it('every English label.* is a field', () => {
    const { x } = textOf(p, invoiceOf('A3'));
    for (const [k, v] of Object.entries(LABELS.en)) expect(x.fields[`label.${k}`]).toBe(v);
    expect(Object.keys(x.fields).filter((k) => k.startsWith('label.'))).toHaveLength(Object.keys(LABELS.en).length);
    expect(x.footer).toBe('Muster GmbH · Hauptstr. 1, 10115 Berlin · Our VAT ID DE123456789 · IBAN DE89370400440532013000');
  });

  it('reverse charge: 0 % AE row, the exemption note and a foreign country line', () => {
    const { x } = textOf(p, invoiceOf('A4'));
    expect(x.recipientLines).toEqual(['Customer A4', 'Ring 5', '1010 Wien', 'AT']);
    expect(x.fields.recipient).toBe('Customer A4\nRing 5\n1010 Wien\nAT');
    expect(x.fields.buyerAddress).toBe('Ring 5\n1010 Wien\nAT');
    expect(x.info).toContainEqual(['Your VAT ID', 'ATU12345678']);
    expect(x.lines.map((l) => [l.net, l.taxRate])).toEqual([['100.00', '0 %']]);
    expect(x.taxes).toEqual([{ category: 'AE', rate: '0 %', taxable: 'EUR 100.00', tax: 'EUR 0.00' }]);
    expect(x.totals.map((t) => [t.label, t.value])).toEqual([
      ['Total net', 'EUR 100.00'],
      ['VAT 0 % reverse charge taxable amount EUR 100.00', 'EUR 0.00'],
      ['Total', 'EUR 100.00'],
    ]);
    expect(x.notes).toBe('Reverse charge: VAT to be paid by the recipient (Art. 196 VAT Directive)');
    expect(x.fields.notes).toBe(x.notes);
  });
});

describe('documentText with cash rounding (Swiss tenant, 0.05)', () => {
  const p = finalized();

  it('rounding and amount due rows when the total is rounded', () => {
    const { inv, x } = textOf(p, invoiceOf('C1'));
    expect(inv.number).toBe('CH-2026-0001');
    expect(x.lang).toBe('en'); // the Swiss tenant has no language: English
    expect(x.title).toBe('Invoice CH-2026-0001');
    expect(x.lines.map((l) => [l.unitPrice, l.net, l.taxRate])).toEqual([['10.03', '10.03', '8.1 %']]);
    // 10.03 × 8.1 % = 0.81243 → 0.81; 10.84 → 10.85 (+0.01)
    expect(x.taxes).toEqual([{ category: 'S', rate: '8.1 %', taxable: 'CHF 10.03', tax: 'CHF 0.81' }]);
    expect(x.totals).toEqual([
      { label: 'Total net', value: 'CHF 10.03', strong: false },
      { label: 'VAT 8.1 % taxable amount CHF 10.03', value: 'CHF 0.81', strong: false },
      { label: 'Total', value: 'CHF 10.84', strong: true },
      { label: 'Rounding', value: 'CHF 0.01', strong: false },
      { label: 'Amount due', value: 'CHF 10.85', strong: true },
    ]);
    expect(x.fields).toMatchObject({ currency: 'CHF', net: 'CHF 10.03', tax: 'CHF 0.81', gross: 'CHF 10.84', rounding: 'CHF 0.01', payable: 'CHF 10.85' });
    // No IBAN in the Swiss settings: no payment text.
    expect(x.payment).toBe('');
    expect(x.senderLine).toBe('Beispiel AG · Zürich');
    expect(x.sellerLines).toEqual(['Zürich', 'CH']);
    // Swiss wording: UID, not VAT ID.
    expect(x.footer).toBe('Beispiel AG · Zürich · Our UID CHE-123.456.789 MWST');
    expect(x.recipientLines).toEqual(['Customer C1', 'Gasse 3', '3000 Bern']);
  });

  it('no rounding rows when the total needs no rounding', () => {
    const { inv, x } = textOf(p, invoiceOf('C2'));
    expect(inv.number).toBe('CH-2026-0002');
    expect(x.totals).toEqual([
      { label: 'Total net', value: 'CHF 100.00', strong: false },
      { label: 'VAT 8.1 % taxable amount CHF 100.00', value: 'CHF 8.10', strong: false },
      { label: 'Total', value: 'CHF 108.10', strong: true },
    ]);
    expect(x.fields.rounding).toBe('CHF 0.00');
    expect(x.fields.payable).toBe('CHF 108.10');
  });
});

describe('documentText of a credit note', () => {
  const p = finalized();
  const res = cancelInvoice(p, { invoiceId: 'I-000001', reason: 'test' });

  it('title, the invoice it credits, negative amounts and no payment text', () => {
    expect(res.failed).toEqual([]);
    const { inv, x } = textOf(p, (i) => i.type === 'credit_note');
    expect(inv.number).toBe('CN-2026-00001');
    expect(x.title).toBe('Rechnungskorrektur CN-2026-00001');
    // The reason given to cancel is the ledger's (Invoices, Reason): it prints without being passed again.
    expect(inv.reason).toBe('test');
    expect(x.credits).toBe('Korrektur zur Rechnung INV-2026-00001\nGrund: test');
    expect(x.fields.credits).toBe(x.credits);
    expect(x.fields.type).toBe('Rechnungskorrektur');
    expect(x.fields.number).toBe('CN-2026-00001');
    expect(x.lines.map((l) => [l.quantity, l.unitPrice, l.discount, l.net, l.taxRate])).toEqual([
      ['-2', '100,00', '10 %', '-180,00', '19 %'],
      ['-3', '12,3456', '', '-37,04', '7 %'],
    ]);
    expect(x.taxes).toEqual([
      { category: 'S', rate: '7 %', taxable: '-37,04 EUR', tax: '-2,59 EUR' },
      { category: 'S', rate: '19 %', taxable: '-180,00 EUR', tax: '-34,20 EUR' },
    ]);
    expect(x.totals.map((t) => t.value)).toEqual(['-217,04 EUR', '-2,59 EUR', '-34,20 EUR', '-253,83 EUR']);
    expect(x.fields.payable).toBe('-253,83 EUR');
    expect(x.payment).toBe('');
    expect(x.fields.payment).toBe('');
  });

  it('a direct-debit customer’s credit note has no payment text either', () => {
    const q = finalized();
    expect(cancelInvoice(q, { invoiceId: 'I-000002' }).failed).toEqual([]);
    const { x } = textOf(q, (i) => i.type === 'credit_note');
    expect(x.title).toBe('Credit note CN-2026-00001');
    expect(x.credits).toBe('Credit note for invoice INV-2026-00002');
    expect(x.payment).toBe('');
  });
});

describe('documentText of a draft', () => {
  it('DRAFT words: "ENTWURF" as number, a title without number, no dates', () => {
    const p = world();
    const { inv, x } = textOf(p, invoiceOf('A1'), true);
    expect(inv.status).toBe('Draft');
    expect(x.title).toBe('Rechnung');
    expect(x.fields.number).toBe('ENTWURF');
    expect(x.info).toEqual([
      ['Rechnungsnummer', 'ENTWURF'],
      ['Kundennummer', 'A1'],
      ['Leistungszeitraum', '01.11.2026 – 30.11.2026'],
      ['Ihre USt-IdNr.', 'DE999999999'],
      ['Unsere USt-IdNr.', 'DE123456789'],
      ['Bestellnummer', 'PO-77'],
    ]);
    expect(x.fields.invoiceDate).toBe('');
    expect(x.fields.dueDate).toBe('');
    expect(x.fields.payable).toBe('253,83 EUR');
  });

  it('warnings show on the draft only', () => {
    const p = ports({
      Accounts: [account('A7')],
      Products: [product('P1', '100.00')],
      // Started in October, never billed: the November run catches up October (a warning).
      Subscriptions: [subscription('S8', 'A7', { startDate: '2026-10-01' })],
      Items: [item('I9', 'S8', 'P1')],
    });
    runInvoicing(p, NOV);
    const warning = 'item I9: catching up 1 earlier period(s) from 2026-10-01 never billed (set Billed Until if they were billed elsewhere)';
    const draft = textOf(p, invoiceOf('A7'), true).x;
    expect(draft.notes).toBe(`(${warning})`);
    expect(draft.lines.map((l) => l.period)).toEqual(['01.10.2026 – 31.10.2026', '01.11.2026 – 30.11.2026']);
    expect(textOf(p, invoiceOf('A7'), false).x.notes).toBe('');
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    expect(textOf(p, invoiceOf('A7')).x.notes).toBe('');
  });

  it('a draft’s transfer text leaves no empty reference', () => {
    // A draft has no number yet: no "… · Verwendungszweck: " with nothing after it.
    const p = world();
    const { x } = textOf(p, invoiceOf('A1'), true);
    expect(x.payment).not.toMatch(/Verwendungszweck: $/);
  });
});

describe('documentText: service period and payment text', () => {
  it('the service period in the invoice data covers the lines (quarterly in advance)', () => {
    // The run period is 01.11.–30.11.2026, but the only line bills 01.11.2026 – 31.01.2027: the
    // Leistungszeitraum printed must be the lines'.
    const p = ports({
      Accounts: [account('A5')],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S5', 'A5', { startDate: '2026-11-01', billingPeriod: 'quarterly', alignment: 'start' })],
      Items: [item('I6', 'S5', 'P1')],
    });
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const { x } = textOf(p, invoiceOf('A5'));
    expect(x.lines.map((l) => l.period)).toEqual(['01.11.2026 – 31.01.2027']);
    expect(x.fields.servicePeriod).toBe('01.11.2026 – 31.01.2027');
  });

  it('direct debit without a customer IBAN prints no empty "IBAN"', () => {
    // An account with a mandate but no IBAN must not get a dangling "· IBAN ".
    const p = ports({
      Accounts: [account('A6', { paymentMethod: 'direct_debit', mandateReference: 'M-9' })],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S7', 'A6')],
      Items: [item('I8', 'S7', 'P1')],
    });
    runInvoicing(p, NOV);
    finalizeInvoices(p, { invoiceDate: '2026-11-30' });
    const { x } = textOf(p, invoiceOf('A6'));
    expect(x.payment.startsWith('Der Betrag wird per SEPA-Lastschrift eingezogen. Mandatsreferenz: M-9')).toBe(true);
    expect(x.payment).not.toMatch(/IBAN\s*$/);
  });
});

describe('documentText cuts texts to what a document prints (TEXT_LIMITS); the ledger keeps them whole', () => {
  /** `n` characters of `word` repeated, ending in "." (a sheet trims a trailing blank). */
  const long = (n: number, word = 'Wartung ') => `${word.repeat(Math.ceil(n / word.length)).slice(0, n - 1)}.`;
  /** Length and start of a long text, so a failure does not print 10,000 characters. */
  const brief = (s: string) => ({ length: s.length, start: s.slice(0, 30), end: s.slice(-30) });

  /** A finalized German invoice whose item, customer and tax rule texts are `texts`. */
  function invoiceWith(texts: { description?: string; name?: string; street?: string; exemption?: string }) {
    const p = ports({
      // A code the language tables have no note for: the rule's own text is printed (and cut).
      TaxRules: [{ ...TAX_RULES[2], ...(texts.exemption ? { exemptionCode: 'VATEX-EU-79-C', exemptionText: texts.exemption } : {}) }],
      Accounts: [account('A9', { name: texts.name ?? 'Customer A9', street: texts.street ?? 'Weg 2', country: 'AT', vatId: 'ATU12345678' })],
      Products: [product('P1', '100.00')],
      Subscriptions: [subscription('S9', 'A9')],
      Items: [item('I9', 'S9', 'P1', { description: texts.description })],
    });
    const run = runInvoicing(p, NOV);
    expect([run.failed, run.rowErrors]).toEqual([[], []]);
    expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
    const ds = readDataset(p);
    return { ...textOf(p, invoiceOf('A9')), ledgerLines: (ds.linesByInvoice.get('I-000001') ?? []).map((l) => l.record) };
  }

  it('a 10,000-character line description prints as its first 999 characters and "…"; the ledger line keeps all 10,000', () => {
    const description = long(10000);
    const { x, ledgerLines } = invoiceWith({ description });
    expect(brief(ledgerLines[0].description)).toEqual(brief(description));
    expect(ledgerLines[0].description === description).toBe(true);
    const printed = x.lines[0].description;
    expect(brief(printed)).toEqual({ length: TEXT_LIMITS.description.chars, start: description.slice(0, 30), end: `${description.slice(970, 999)}…` });
  });

  it('a description of 200 lines prints its first 20, the last one ending in "…"', () => {
    const description = Array.from({ length: 200 }, (_, i) => `Position ${i + 1}`).join('\n');
    const { x } = invoiceWith({ description });
    expect(x.lines[0].description.split('\n')).toEqual([...Array.from({ length: 19 }, (_, i) => `Position ${i + 1}`), 'Position 20…']);
  });

  it('buyer name, address lines and the exemption note are cut, in the fields of a Google Doc as on the PDF', () => {
    const { inv, x } = invoiceWith({ name: long(5000, 'Großhandel '), street: long(10000, 'Hof '), exemption: long(10000, 'Steuerschuldnerschaft ') });
    expect(inv.buyerName!.length).toBe(5000);
    expect(brief(x.recipientLines[0])).toEqual({ length: TEXT_LIMITS.name.chars, start: inv.buyerName!.slice(0, 30), end: `${inv.buyerName!.slice(170, 199)}…` });
    expect(x.fields.buyerName).toBe(x.recipientLines[0]);
    // The 10,000-character street is cut within the address limit; postal code and city are left out after it.
    expect(x.recipientLines.length).toBe(3);
    expect(x.recipientLines[1].length).toBeLessThanOrEqual(TEXT_LIMITS.address.chars);
    expect(x.recipientLines[1].startsWith('Hof Hof')).toBe(true);
    expect(x.recipientLines[1].endsWith('…')).toBe(true);
    expect(x.recipientLines[2]).toBe('AT');
    expect(x.fields.recipient).toBe(x.recipientLines.join('\n'));
    expect(brief(x.notes)).toEqual({ length: TEXT_LIMITS.notes.chars, start: 'Steuerschuldnerschaft Steuersc', end: expect.stringMatching(/[^ ]…$/) });
    expect(x.fields.notes).toBe(x.notes);
  });

  it('an address of 50 parts shows 6 address lines, the sixth ending in "…"', () => {
    const { x } = invoiceWith({ street: Array.from({ length: 50 }, (_, i) => `Haus ${i + 1}`).join(', ') });
    expect(x.recipientLines).toEqual(['Customer A9', 'Haus 1', 'Haus 2', 'Haus 3', 'Haus 4', 'Haus 5', 'Haus 6…', 'AT']);
  });

  it('with 10,000-character texts everywhere, no field of the document is longer than the notes limit (2,000), no line longer than 1,000', () => {
    const huge = long(10000, 'x');
    const { x } = invoiceWith({ description: huge, name: huge, street: huge, exemption: huge });
    const tooLong = Object.entries(x.fields)
      .filter(([, v]) => v.length > TEXT_LIMITS.notes.chars)
      .map(([k, v]) => `${k}: ${v.length}`);
    expect(tooLong).toEqual([]);
    expect(x.lines.map((l) => l.description.length)).toEqual([TEXT_LIMITS.description.chars]);
  });
});

describe('clip', () => {
  const limit = { chars: 10, lines: 2 };

  it('leaves a text within the limit as it is', () => {
    expect(clip('', limit)).toBe('');
    expect(clip('0123456789', limit)).toBe('0123456789');
    expect(clip('ab\ncd', limit)).toBe('ab\ncd');
  });

  it('cuts at the character limit with "…" counted in, and drops the blank before it', () => {
    expect(clip('0123456789X', limit)).toBe('012345678…');
    expect(clip('01234567 9X', limit)).toBe('01234567…');
  });

  it('cuts after the last line allowed', () => {
    expect(clip('a\nb\nc', limit)).toBe('a\nb…');
    expect(clip('a\nb\n', limit)).toBe('a\nb');
  });

  it('adds no "…" when only blanks are left out', () => {
    expect(clip(`0123456789${' '.repeat(50)}`, limit)).toBe('0123456789');
  });

  it('never cuts a surrogate pair in half', () => {
    const cut = clip('12345678😀😀', limit);
    expect(cut).toBe('12345678…');
    expect(clip('1234567😀😀', limit)).toBe('1234567😀…');
  });
});
