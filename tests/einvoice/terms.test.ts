// Details of the business terms: the address snapshot read back, and payment data checked exactly.
import { xrechnungProblems } from '../../src/core/einvoice';
import { addressOf, type EInvoice } from '../../src/core/einvoice/terms';

describe('address snapshot', () => {
  it.each([
    ['Weg 2, 80331 München', { street: 'Weg 2', postalCode: '80331', city: 'München' }],
    ['Rue de Rivoli 1, Bâtiment B, 75001 Paris', { street: 'Rue de Rivoli 1, Bâtiment B', postalCode: '75001', city: 'Paris' }],
    ['1 Market St, 94105 San Francisco', { street: '1 Market St', postalCode: '94105', city: 'San Francisco' }],
    ['EC1A 1BB London', { street: undefined, postalCode: 'EC1A', city: '1BB London' }],
    ['Hauptplatz 1', { street: undefined, postalCode: undefined, city: 'Hauptplatz 1' }],
    ['Dublin', { street: undefined, postalCode: undefined, city: 'Dublin' }],
    ['', { street: undefined, postalCode: undefined, city: undefined }],
  ])('%s', (snapshot, parts) => {
    expect(addressOf(snapshot)).toEqual(parts);
  });
});

describe('XRechnung payment data', () => {
  const base = (payment: EInvoice['payment'], creditorId?: string) =>
    ({
      seller: { name: 'S', city: 'Berlin', postalCode: '10115', country: 'DE', contact: { name: 'A', phone: '1', email: 'a@b.example' }, creditorId },
      buyer: { name: 'B', city: 'Köln', postalCode: '50667', country: 'DE', endpoint: { id: 'b@c.example', scheme: 'EM' } },
      payment,
    }) as unknown as EInvoice;

  it('accepts a correct IBAN and BIC and refuses wrong ones, exactly (mod 97), naming the sheet', () => {
    expect(xrechnungProblems(base({ code: '58', remittance: 'R', iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' }), 'DE', 'A1')).toEqual([]);
    expect(xrechnungProblems(base({ code: '58', remittance: 'R', iban: 'DE89370400440532013001', bic: 'COBADEFF' }), 'DE', 'A1')).toEqual([
      'Settings (DE): IBAN "DE89370400440532013001" is not a valid IBAN (BR-DE-19)',
    ]);
    expect(xrechnungProblems(base({ code: '58', remittance: 'R', iban: 'DE89370400440532013000', bic: 'COBA' }), 'DE', 'A1')).toEqual(['Settings (DE): BIC "COBA" is not a valid BIC']);
  });

  it('needs the creditor ID and a valid debited IBAN for a direct debit', () => {
    expect(xrechnungProblems(base({ code: '59', remittance: 'R', mandate: { reference: 'M1', debitedIban: 'DE02 1203 0000 0000 2020 52' } }), 'DE', 'A1')).toEqual([
      'Accounts (A1): IBAN "DE02 1203 0000 0000 2020 52" is not a valid IBAN',
      'Settings (DE): Creditor ID is required for direct debit (BR-DE-30)',
    ]);
    expect(xrechnungProblems(base({ code: '59', remittance: 'R', mandate: { reference: 'M1', debitedIban: 'DE02120300000000202051' } }, 'DE98ZZZ09999999999'), 'DE', 'A1')).toEqual([]);
  });
});
