// Every invoice and credit note of the demo workbook's full cycle as xrechnung-ubl: valid against the
// schema and the rules (zero errors; warnings are listed).
import { demoLedger, problemsOf, xmlOf } from '../support/einvoiceCases';

const FORMAT = 'xrechnung-ubl' as const;

describe(`demo cycle as ${FORMAT}`, () => {
  const ds = demoLedger();
  const docs = ds.invoices.map((r) => r.record).filter((i) => i.status !== 'Draft' && i.type !== 'pro_forma');

  it('covers invoices and credit notes (a cancellation and a partial credit)', () => {
    expect(docs.filter((i) => i.type === 'credit_note')).toHaveLength(2);
    expect(docs.length).toBeGreaterThan(30);
  });

  it('every document has zero errors', async () => {
    const errors: string[] = [];
    const warnings = new Map<string, number>();
    for (const inv of docs) {
      const r = await problemsOf(xmlOf(ds, inv, FORMAT), FORMAT);
      errors.push(...r.errors.map((e) => `${inv.number}: ${e}`));
      for (const w of r.warnings) warnings.set(w.split(':')[0], (warnings.get(w.split(':')[0]) ?? 0) + 1);
    }
    // BR-DE-19 would fire for valid IBANs under SaxonJS, whose xs:integer mod 97 is not exact for
    // 24-digit numbers; validateSchematron drops it where the IBAN passes the exact check
    // (tests/einvoice/brde19.test.ts), so what is printed here are real warnings.
    if (warnings.size) console.log(`${FORMAT} warnings (rule: documents): ${[...warnings].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
    expect(errors).toEqual([]);
  }, 600_000);
});
