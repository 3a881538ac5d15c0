// The demo's two cycles (as `npm run demo` runs them): November 2026, invoiced on 2026-12-01, and
// December 2026, invoiced on 2027-01-01 under the German e-invoice mandate. Before it, e-invoices
// only where the sheets ask (2 of 32); after it, every domestic B2B invoice but the one opted out
// with a reason (4 of 19), and those e-invoices have zero errors.
import { join } from 'node:path';
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { renderDocuments } from '../../src/app/delivery';
import { memoryPorts } from '../../src/node/memoryHost';
import { demoRows } from '../../sheets-templates/demoGenerator';
import { CapturingDocs, problemsOf } from '../support/einvoiceCases';
import { validateSchematronFile } from '../support/einvoiceValidation';
import { table, workbook } from '../support/fixtures';

const CYCLES = [
  { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' },
  { periodStart: '2026-12-01', periodEnd: '2026-12-31', invoiceDate: '2027-01-01' },
];

describe('the demo before and after the German e-invoice mandate', () => {
  const tables = workbook(demoRows());
  const cycles = CYCLES.map((c) => {
    const p = memoryPorts(tables, { now: () => new Date(`${c.invoiceDate}T09:00:00Z`) });
    const run = runInvoicing(p, c);
    const fin = finalizeInvoices(p, {});
    const docs = new CapturingDocs();
    const report = renderDocuments(p, docs);
    return { p, run, fin, docs, report };
  });
  const [nov, dec] = cycles;
  const accountOf = (number: string) => String(table(nov.p, 'Invoices').find((r) => r.Number === number)?.['Account ID']);
  const withEInvoice = (c: (typeof cycles)[number]) =>
    c.fin.invoices
      .filter((i) => c.docs.kindOf(i.number!) !== 'none')
      .map((i) => `${accountOf(i.number!)} ${c.docs.kindOf(i.number!)}`)
      .sort();

  it('runs both months without failures', () => {
    for (const c of cycles) expect([c.run.failed, c.run.rowErrors, c.fin.failed, c.report.failed]).toEqual([[], [], [], []]);
  });

  it('November (dated 2026-12-01): 2 of 32 invoices get an e-invoice, where the sheets ask for one', () => {
    expect([withEInvoice(nov).length, nov.fin.invoices.length]).toEqual([2, 32]);
    expect(withEInvoice(nov)).toEqual(['ACC-001 zugferd', 'ACC-006 xml']);
  });

  it('December (dated 2027-01-01): 4 of 19, every domestic B2B invoice but the one opted out with a reason', () => {
    expect([withEInvoice(dec).length, dec.fin.invoices.length]).toEqual([4, 19]);
    expect(withEInvoice(dec)).toEqual(['ACC-001 zugferd', 'ACC-202 zugferd', 'ACC-217 zugferd', 'ACC-220 zugferd']);
    const schreinerei = dec.fin.invoices.find((i) => accountOf(i.number!) === 'ACC-204')!;
    expect(dec.docs.kindOf(schreinerei.number!)).toBe('none');
  });

  it("December's drafts and Log say why: the opt-out's reason, and the missing reason of ACC-220 (Accounts row 29)", () => {
    // Each draft's Warnings hold other notes too (joined by "; "): only the mandate's are looked at.
    const warnings = dec.run.drafts.flatMap((d) => (d.warnings ?? '').split('; ')).filter((w) => w.includes('German e-invoice mandate'));
    expect(warnings).toEqual([
      'no e-invoice although the German e-invoice mandate applies: account ACC-204 opted out (E-Invoice Opt-Out: Kleinbetragsrechnungen bis 250 EUR brutto (§ 33 UStDV))',
      expect.stringMatching(/^Accounts row 29, column E-Invoice Opt-Out \(account ACC-220\): E-Invoice Format is "none", but the German e-invoice mandate applies/),
    ]);
    const log = table(dec.p, 'Log').filter((r) => r.Action === 'e-invoice');
    expect(log.map((r) => accountOf(String(r.Number)))).toEqual(['ACC-204', 'ACC-220']);
  });

  it("December's e-invoices have zero errors (XSD, EN 16931) and no empty element or missing delivery date", async () => {
    const found: string[] = [];
    for (const m of dec.docs.made.filter((d) => d.facturX)) {
      const r = await problemsOf(m.facturX!, 'zugferd');
      found.push(...r.errors.map((e) => `${m.name}: ${e}`));
      for (const x of await validateSchematronFile(m.facturX!, join(__dirname, 'facturx-document-level.sch'))) found.push(`${m.name}: ${x.id}`);
    }
    expect(found).toEqual([]);
  }, 300_000);
});
