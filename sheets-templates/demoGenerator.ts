// The full demo workbook: the hand-made core plus generated customers (deterministic: a seeded
// random generator), so the demo has ~30 accounts, ~40 subscriptions over every billing period,
// timing, alignment and price model, contacts in every role and a year of usage transactions.
// Billed Until is set as if every earlier monthly run had been made, using the engine's own periods.
import type { Cell } from '../src/core/cells';
import { CALENDAR_ANCHOR, PERIOD_MONTHS, duePieces } from '../src/core/periods';
import { coreDemoRows, type Rows } from './demoData';

function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CUSTOMERS: [string, string, string, string, 'B2B' | 'B2C', string, string][] = [
  // name, street, postal code, city, type, country, VAT ID
  ['Hansen Logistik GmbH', 'Hafenstraße 4', '20457', 'Hamburg', 'B2B', 'DE', 'DE223344556'],
  ['Kaffeerösterei Braun', 'Altmarkt 9', '01067', 'Dresden', 'B2B', 'DE', 'DE334455667'],
  ['Dr. Petra Weiß', 'Lindenallee 5', '50668', 'Köln', 'B2C', 'DE', ''],
  ['Schreinerei Öztürk', 'Werkstraße 12', '70173', 'Stuttgart', 'B2B', 'DE', 'DE445566778'],
  ['Agentur Blau & Partner', 'Sendlinger Str. 20', '80331', 'München', 'B2B', 'DE', 'DE556677889'],
  ['Turnverein Grün-Weiß e.V.', 'Sportplatz 1', '30159', 'Hannover', 'B2C', 'DE', ''],
  ['Salzburger Bergbahnen AG', 'Getreidegasse 3', '5020', 'Salzburg', 'B2B', 'AT', 'ATU23456789'],
  ['Maria Gruber', 'Hauptplatz 7', '8010', 'Graz', 'B2C', 'AT', ''],
  ['Boulangerie Dupont', '3 place Bellecour', '69002', 'Lyon', 'B2B', 'FR', 'FR12345678901'],
  ['Camille Martin', '8 rue Sainte-Catherine', '33000', 'Bordeaux', 'B2C', 'FR', ''],
  ['De Groot Techniek B.V.', 'Coolsingel 40', '3011', 'Rotterdam', 'B2B', 'NL', 'NL123456789B01'],
  ['Uhrenmanufaktur Keller AG', 'Marktgasse 2', '3011', 'Bern', 'B2B', 'CH', ''],
  ['Chocolatier Favre SA', 'Rue du Rhône 14', '1204', 'Genève', 'B2B', 'CH', ''],
  ['Northwind Traders Inc.', '500 5th Ave', '10110', 'New York', 'B2B', 'US', ''],
  ['Blue Harbor Analytics LLC', '200 Pine St', '98101', 'Seattle', 'B2B', 'US', ''],
  ['Kowalski Consulting', 'ul. Długa 10', '00-238', 'Warszawa', 'B2B', 'PL', 'PL5260001246'],
  ['Praxis Dr. Lang', 'Bahnhofstraße 3', '04109', 'Leipzig', 'B2B', 'DE', 'DE667788990'],
  ['Weingut Schneider', 'Weinstraße 44', '67098', 'Bad Dürkheim', 'B2B', 'DE', 'DE778899001'],
  ['Jonas Becker', 'Kastanienweg 8', '24103', 'Kiel', 'B2C', 'DE', ''],
  ['Fischer & Fischer OHG', 'Am Markt 2', '28195', 'Bremen', 'B2B', 'DE', 'DE889900112'],
  ['Innsbruck Outdoor GmbH', 'Maria-Theresien-Str. 18', '6020', 'Innsbruck', 'B2B', 'AT', 'ATU34567890'],
  ['Studio Lemaire', '21 quai des Chartrons', '33000', 'Bordeaux', 'B2B', 'FR', 'FR98765432109'],
];

const PLANS: { product: string; qty: [number, number]; type: 'recurring' | 'one_time' | 'usage' }[][] = [
  [
    { product: 'PLAN-S', qty: [1, 1], type: 'recurring' },
    { product: 'SEAT', qty: [2, 60], type: 'recurring' },
  ],
  [
    { product: 'PLAN-S', qty: [1, 3], type: 'recurring' },
    { product: 'API', qty: [0, 0], type: 'usage' },
  ],
  [
    { product: 'SUPPORT', qty: [1, 1], type: 'recurring' },
    { product: 'SETUP', qty: [1, 1], type: 'one_time' },
  ],
  [
    { product: 'PLAN-S', qty: [1, 1], type: 'recurring' },
    { product: 'STORAGE', qty: [0, 0], type: 'usage' },
    { product: 'BOOK', qty: [1, 2], type: 'one_time' },
  ],
];

/**
 * The German e-invoice mandate's opt-out, seen in the December run (invoiced on 2027-01-01): one
 * account with its reason (no e-invoice), one without (a Warning, and the Factur-X anyway).
 */
const MANDATE_OPT_OUT: Record<string, Record<string, Cell>> = {
  'Schreinerei Öztürk': { eInvoiceFormat: 'none', eInvoiceOptOut: 'Kleinbetragsrechnungen bis 250 EUR brutto (§ 33 UStDV)' },
  'Fischer & Fischer OHG': { eInvoiceFormat: 'none' },
};

const PERIODS = ['monthly', 'monthly', 'quarterly', 'semiannual', 'annual'] as const;
const MONTHS = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11'];

export function demoRows(): Rows {
  const rows = coreDemoRows();
  const rnd = random(20261101);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const add = (table: keyof Rows, r: Record<string, Cell>) => (rows[table] ??= []).push(r);
  let sub = 0;
  CUSTOMERS.forEach(([name, street, postalCode, city, type, country, vatId], i) => {
    const accountId = `ACC-${String(201 + i)}`;
    const swiss = country === 'CH';
    add('Accounts', {
      accountId,
      name,
      status: 'Active',
      customerType: type,
      street,
      postalCode,
      city,
      country,
      vatId,
      language: country === 'FR' ? 'fr' : ['DE', 'AT', 'CH'].includes(country) ? 'de' : 'en',
      tenantId: swiss ? 'CH' : '',
      currency: country === 'US' ? 'USD' : '',
      paymentMethod: i % 5 === 0 && !swiss ? 'direct_debit' : '',
      iban: i % 5 === 0 && !swiss ? 'DE02120300000000202051' : '',
      mandateReference: i % 5 === 0 && !swiss ? `MANDATE-${accountId}` : '',
      ...MANDATE_OPT_OUT[name],
    });
    const mail = name.toLowerCase().replace(/[^a-z]+/g, '') + '.example';
    add('Contacts', { contactId: `C-${accountId}-1`, accountId, name: 'Accounts payable', email: `invoices@${mail}`, role: 'invoice' });
    if (i % 3 === 0) add('Contacts', { contactId: `C-${accountId}-2`, accountId, name: 'Controlling', email: `controlling@${mail}`, role: 'cc' });
    if (i % 4 === 1) add('Contacts', { contactId: `C-${accountId}-3`, accountId, name: 'Archive', email: `archive@${mail}`, role: 'bcc' });
    if (i % 4 === 2) add('Contacts', { contactId: `C-${accountId}-4`, accountId, name: 'Marketing', email: `news@${mail}`, role: 'mailing' });
    // One or two subscriptions per customer.
    for (let k = 0; k < (i % 3 === 0 ? 2 : 1); k++) {
      const subscriptionId = `SUB-${String(201 + sub++)}`;
      const billingPeriod = pick(PERIODS);
      const billingTiming = rnd() < 0.7 ? 'advance' : 'arrears';
      const alignment = rnd() < 0.6 ? 'calendar' : 'start';
      const midPeriodStart = rnd() < 0.15;
      const startDate = midPeriodStart
        ? `2026-11-${String(int(2, 25)).padStart(2, '0')}`
        : `${pick(['2025', '2026'])}-${String(int(1, 10)).padStart(2, '0')}-${String(pick([1, 1, 1, 15, 31])).padStart(2, '0')}`
            .replace(/-(02|04|06|09|11)-31$/, '-$1-30')
            .replace(/-02-30$/, '-02-28');
      const endDate = rnd() < 0.1 ? `2026-11-${String(int(5, 25)).padStart(2, '0')}` : '';
      add('Subscriptions', {
        subscriptionId,
        accountId,
        status: 'Active',
        startDate,
        endDate,
        billingPeriod,
        billingTiming,
        alignment,
        currency: swiss ? 'CHF' : '',
        tag: pick(['web', 'enterprise', 'partner']),
        orderReference: rnd() < 0.3 ? `PO-${int(1000, 9999)}` : '',
        priceIncreasePercent: k === 0 && i % 7 === 3 ? 4 : '',
        priceIncreaseFrom: k === 0 && i % 7 === 3 ? '2026-07-01' : '',
      });
      // Billed Until as if every monthly run up to October 2026 had been made and finalized.
      const billedUntil = duePieces({
        anchor: alignment === 'start' ? startDate : CALENDAR_ANCHOR,
        months: PERIOD_MONTHS[billingPeriod],
        timing: billingTiming,
        serviceStart: startDate,
        serviceEnd: endDate || undefined,
        runStart: startDate,
        runEnd: '2026-10-31',
        prorate: true,
      }).pop()?.end;
      pick(PLANS).forEach((p, n) => {
        const itemId = `IT-${subscriptionId.slice(4)}-${n + 1}`;
        const product = swiss && p.type === 'recurring' ? 'CH-PLAN' : p.product;
        add('Items', {
          itemId,
          subscriptionId,
          productId: product,
          quantity: p.type === 'usage' ? '' : int(p.qty[0], p.qty[1]),
          billingType: p.type,
          status: 'Active',
          discountPercent: rnd() < 0.2 ? pick([5, 10, 15]) : '',
          unitPrice: swiss && product !== 'CH-PLAN' ? 50 : country === 'US' && p.type !== 'usage' ? 99 : '',
          startDate: p.type === 'one_time' ? (midPeriodStart ? startDate : '2026-11-05') : '',
          billedUntil: p.type === 'recurring' ? (billedUntil ?? '') : '',
        });
        if (p.type !== 'usage') return;
        // A year of usage: earlier months already invoiced (archived), November open.
        MONTHS.forEach((m, j) => {
          if (`${m}-28` < startDate) return;
          for (let t = 0; t < 2; t++) {
            const id = `TX-${subscriptionId.slice(4)}-${j}-${t}`;
            const q = p.product === 'API' ? int(20, 900) : int(5, 160);
            add('Transactions', {
              transactionId: id,
              subscriptionId,
              productId: p.product,
              date: `${m}-${String(t ? 21 : 7).padStart(2, '0')}`,
              quantity: q,
              category: t ? 'batch' : 'interactive',
              invoiceId: m === '2026-11' ? '' : `ARCHIVED-${m}`,
              invoiceNumber: m === '2026-11' ? '' : `archived ${m}`,
            });
          }
        });
      });
    }
  });
  rows.TaxRules!.push(
    { ruleId: 'DE-AT-B2C', sellerCountry: 'DE', buyerCountry: 'AT', taxClass: 'standard', customerType: 'B2C', rate: 20, category: 'S' },
    { ruleId: 'DE-AT-B2C-R', sellerCountry: 'DE', buyerCountry: 'AT', taxClass: 'reduced', customerType: 'B2C', rate: 10, category: 'S' },
    { ruleId: 'DE-FR-B2C', sellerCountry: 'DE', buyerCountry: 'FR', taxClass: 'standard', customerType: 'B2C', rate: 20, category: 'S' },
    { ruleId: 'DE-FR-B2C-R', sellerCountry: 'DE', buyerCountry: 'FR', taxClass: 'reduced', customerType: 'B2C', rate: 5.5, category: 'S' },
    {
      ruleId: 'DE-CH-EXPORT',
      sellerCountry: 'DE',
      buyerCountry: 'CH',
      taxClass: '*',
      customerType: '*',
      rate: 0,
      category: 'G',
      exemptionCode: 'VATEX-EU-G',
      exemptionText: 'Nicht im Inland steuerbare Leistung (Export in die Schweiz)',
    },
    {
      ruleId: 'CH-EXPORT',
      sellerCountry: 'CH',
      buyerCountry: '*',
      taxClass: '*',
      customerType: '*',
      rate: 0,
      category: 'G',
      exemptionCode: 'VATEX-EU-G',
      exemptionText: 'Export, nicht steuerbar in der Schweiz',
    },
  );
  rows.Filters = [
    { name: 'Enterprise', appliesTo: 'Subscriptions', column: 'Tag', operator: 'equals', value: 'enterprise' },
    { name: 'Monthly only', appliesTo: 'Subscriptions', column: 'Billing Period', operator: 'equals', value: 'monthly' },
    { name: 'Batch usage', appliesTo: 'Transactions', column: 'Category', operator: 'equals', value: 'batch' },
  ];
  return rows;
}
