// Everything a document prints is in the invoice's language: each document type (invoice with
// usage lines, reverse charge, export, pro-forma, credit note, cancellation) rendered in de, en
// and fr, checked against the words of the other languages' tables (labels, legal notes, units,
// tax categories) and a few stop words. The TaxRules texts are German, as in the demo.
import { runInvoicing } from '../../src/app/runInvoicing';
import { cancelInvoice, createManualInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { readDataset } from '../../src/app/workbook';
import { documentText, type DocText } from '../../src/core/docText';
import { LABELS, LEGAL_NOTES, TAX_CATEGORY_NAMES, UNIT_NAMES } from '../../src/core/i18n';
import type { Invoice, InvoiceDoc, Language } from '../../src/core/model';
import { DE_TENANT, TAX_RULES, account, item, ports, product, subscription } from '../support/fixtures';

const LANGS: Language[] = ['de', 'en', 'fr'];

const STOP: Record<Language, string[]> = {
  de: ['der', 'die', 'das', 'und', 'zur', 'vom', 'für', 'nicht', 'auf'],
  en: ['the', 'and', 'for', 'with', 'on', 'of', 'to', 'not'],
  fr: ['le', 'la', 'les', 'du', 'des', 'sur', 'pour', 'et', 'avec'],
};

/** The words of a text, lower case; all-capital tokens are codes ("DE", "IBAN", "GmbH" stays a word). */
const wordsOf = (s: string) => (s.match(/\p{L}{2,}/gu) ?? []).filter((w) => w !== w.toUpperCase()).map((w) => w.toLowerCase());

function vocabulary(lang: Language): Set<string> {
  const texts = [...Object.values(LABELS[lang]), ...Object.values(LEGAL_NOTES[lang]), ...Object.values(UNIT_NAMES[lang]), ...Object.values(TAX_CATEGORY_NAMES[lang]), ...STOP[lang]];
  return new Set(texts.flatMap(wordsOf));
}

/** Words of the other languages that this language does not use itself. */
function foreignWords(lang: Language): Set<string> {
  const own = vocabulary(lang);
  return new Set(
    LANGS.filter((l) => l !== lang)
      .flatMap((l) => [...vocabulary(l)])
      .filter((w) => !own.has(w)),
  );
}

/** German rule texts, as a German seller writes them in TaxRules (the fixtures' rules of a German seller). */
const GERMAN_TEXTS: Record<string, string> = {
  'DE-EU-B2B': 'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, Art. 196 MwStSystRL)',
  'DE-EXPORT': 'Nicht im Inland steuerbare Leistung (Export)',
};
const GERMAN_RULES = TAX_RULES.filter((r) => ['DE-S', ...Object.keys(GERMAN_TEXTS)].includes(r.ruleId)).map((r) => ({
  ...r,
  ...(GERMAN_TEXTS[r.ruleId] ? { exemptionText: GERMAN_TEXTS[r.ruleId] } : {}),
}));

/** Every document type for customers of one language; names and product names are neutral. */
function documents(lang: Language): { kind: string; x: DocText }[] {
  const p = ports({
    Settings: [{ ...DE_TENANT, usageLines: 'each' }],
    TaxRules: GERMAN_RULES,
    Accounts: [
      account('DOM', { language: lang, name: 'Omega', street: 'Weg 2' }),
      account('RC', { language: lang, name: 'Zeta', country: 'AT', vatId: 'ATU12345678', street: 'Ring 5', postalCode: '1010', city: 'Wien' }),
      account('EXP', { language: lang, name: 'Kappa', country: 'US', street: '5th Ave 1', postalCode: '10001', city: 'NYC' }),
    ],
    Products: [product('P1', '100.00', { name: 'Cloud X1', unit: 'MON' }), product('API', 0, { name: 'API X2', unit: 'C62', priceModel: 'graduated', tiers: '0-100: 0.50; 100+: 0.40 + 10' })],
    Subscriptions: [subscription('S1', 'DOM', { startDate: '2026-11-16' }), subscription('S2', 'RC'), subscription('S3', 'EXP')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S1', 'API', { billingType: 'usage' }), item('I3', 'S2', 'P1'), item('I4', 'S3', 'P1')],
    Transactions: [
      { transactionId: 'T1', subscriptionId: 'S1', productId: 'API', date: '2026-11-20', quantity: 150 },
      { transactionId: 'T2', subscriptionId: 'S1', productId: 'API', date: '2026-11-03', quantity: 20 },
    ],
  });
  const run = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  expect([run.failed, run.rowErrors]).toEqual([[], []]);
  createManualInvoice(p, { accountId: 'DOM', type: 'pro_forma', lines: [{ description: 'Cloud X1', quantity: 2, unitPrice: '100', unit: 'HUR' }] });
  expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
  const ds0 = readDataset(p);
  const idOf = (accountId: string) => ds0.invoices.map((r) => r.record).find((i) => i.accountId === accountId && i.type === 'invoice')!.invoiceId;
  expect(creditInvoice(p, { invoiceId: idOf('DOM'), amount: '20' }).failed).toEqual([]);
  expect(cancelInvoice(p, { invoiceId: idOf('RC') }).failed).toEqual([]);
  const ds = readDataset(p);
  const doc = (inv: Invoice): InvoiceDoc => ({ invoice: inv, lines: (ds.linesByInvoice.get(inv.invoiceId) ?? []).map((l) => l.record) });
  const all = ds.invoices.map((r) => r.record);
  return all.map((inv) => {
    const original = all.find((o) => o.invoiceId === inv.originalInvoiceId);
    const kind = `${inv.type} ${inv.accountId}`;
    return { kind, x: documentText(doc(inv), ds.tenantById.get(inv.tenantId)!, ds.accounts.get(inv.accountId), { original: original && doc(original) }) };
  });
}

/** Every text a customer reads on the document (the template's label.* fields are the tables themselves). */
const printed = (x: DocText) => [
  x.title,
  x.credits,
  ...x.info.flat(),
  ...x.lines.flatMap((l) => [l.description, l.period, l.unit]),
  ...x.totals.map((t) => t.label),
  x.notes,
  x.payment,
  x.footer,
  ...Object.entries(x.fields)
    .filter(([k]) => !k.startsWith('label.'))
    .map(([, v]) => v),
];

describe.each(LANGS)('documents in %s', (lang) => {
  const docs = documents(lang);
  const foreign = foreignWords(lang);

  it('every document type is there', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual(['credit_note DOM', 'credit_note RC', 'invoice DOM', 'invoice EXP', 'invoice RC', 'pro_forma DOM']);
  });

  it('no document prints a word of another language', () => {
    const found = docs.flatMap(({ kind, x }) =>
      printed(x).flatMap((s) =>
        wordsOf(s)
          .filter((w) => foreign.has(w))
          .map((w) => `${kind}: "${w}" in "${s.slice(0, 80)}"`),
      ),
    );
    expect([...new Set(found)]).toEqual([]);
  });

  it('words, not codes: unit names, no tax category letters, a proration in days', () => {
    const codes = docs.flatMap(({ kind, x }) => [
      ...x.lines.filter((l) => /^[A-Z0-9]{2,3}$/.test(l.unit)).map((l) => `${kind}: unit ${l.unit}`),
      ...x.totals.filter((t) => /\((S|AE|G|K|E|Z|O)\)/.test(t.label)).map((t) => `${kind}: ${t.label}`),
      ...x.lines.filter((l) => l.period.includes('×')).map((l) => `${kind}: ${l.period}`),
    ]);
    expect(codes).toEqual([]);
    const dom = docs.find((d) => d.kind === 'invoice DOM')!.x;
    expect(dom.lines[0].period.endsWith({ de: '(15 von 30 Tagen)', en: '(15 of 30 days)', fr: '(15 jours sur 30)' }[lang])).toBe(true);
    expect(dom.lines[0].unit).toBe({ de: 'Monat', en: 'month', fr: 'mois' }[lang]);
  });
});
