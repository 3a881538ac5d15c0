// `npm run demo` end to end, as a new user runs it (in an empty folder): two cycles (November 2026,
// and December 2026 invoiced on 2027-01-01 under the German e-invoice mandate), December's cash
// between them (a SEPA collection whose pain.008 file passes the XSD, a camt.053 statement, open
// items), a Factur-X invoice read back into Received, and a second run that bills, writes, sends,
// collects and reads nothing again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

const root = join(__dirname, '../..');
const demo = (cwd: string) => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/run-ts.mjs'), join(root, 'scripts/demo.ts')], { cwd, encoding: 'utf8', maxBuffer: 32 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const XSD = { fileName: 'pain.008.001.08.xsd', contents: readFileSync(join(root, 'tests/fixtures/receivables/sepa/pain.008.001.08.xsd'), 'utf8') };

describe('npm run demo', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'billing-demo-'));
  let first = '';
  let second = '';

  it('runs the whole cycle on a new demo workbook: drafts, numbers, verify, PDFs with e-invoices, emails, a Factur-X invoice read back', () => {
    const r = demo(cwd);
    expect([r.code, r.err]).toEqual([0, '']);
    first = r.out;
    expect(r.out).toMatch(/^Created .*demo\.xlsx/);
    // The run's table labels its amounts; a Swiss draft's payable is its gross rounded to 0.05 CHF.
    expect(r.out).toMatch(/Draft +Customer +Cur +Net +Tax +Gross +Payable/);
    expect(r.out).toMatch(/Gipfel Treuhand GmbH +CHF +116\.04 \+ +9\.40 = +125\.44 +125\.45/);
    expect(r.out).toMatch(/3\. Verify the ledger\n {3}intact: \d+ finalized invoices, hash chains unbroken/);
    expect(r.out).toContain('RE-2026-00001_2026-12-01.pdf  (Factur-X: the e-invoice inside, PDF/A-3)');
    expect(r.out).toContain('+ e-invoice RE-2026-00006_2026-12-01.xml');
    // Before the mandate 2 of November's 32 invoices get an e-invoice; after it 4 of December's 19.
    expect(r.out.match(/e-invoices: .*/g)).toEqual(['e-invoices: 2 of 32 invoices', 'e-invoices: 4 of 19 invoices: the German e-invoice mandate applies, domestic B2B invoices get one by default']);
    expect(r.out).toContain('RE-2027-00031_2027-01-01.pdf  (Factur-X: the e-invoice inside, PDF/A-3)');
    expect(r.out).toMatch(/Schreinerei Öztürk .* ! .*no e-invoice although the German e-invoice mandate applies: account ACC-204 opted out/);
    expect(r.out).not.toMatch(/NOT (FINALIZED|SENT|READ)|NO E-INVOICE|FAILED/);
    expect(r.out).toMatch(/RCV-000001 Nordlicht Software GmbH RE-2026-00001: EUR 743\.71, valid/);
    expect(readdirSync(join(cwd, 'out/outbox')).filter((f) => f.endsWith('.eml')).length).toBeGreaterThan(30);
    expect(existsSync(join(cwd, 'out/DE/2026/12/RE-2026-00001_2026-12-01.xml'))).toBe(true);
    expect(existsSync(join(cwd, 'out/DE/2027/01/RE-2027-00031_2027-01-01.xml'))).toBe(true);
  }, 300_000);

  it("collects December's direct debits, reads a bank statement (paid, part paid, overpaid, a typo, a return debit) and shows the open items", () => {
    const cash = first.slice(first.indexOf('== Payments, December 2026 =='), first.indexOf('== December 2026 =='));
    // Two core customers and the generated ones with a mandate: 8 debits, booked as paid on the collection date.
    expect(cash).toMatch(/1\. SEPA direct debits due by 2026-12-15 .*\n {3}DD-20261215-[0-9a-f]{12}: 8 debits, control sum 5355\.42 EUR → .*out\/DE\/sepa\/DD-20261215-[0-9a-f]{12}\.xml\n/);
    expect(cash).toMatch(/RE-2026-00001 +Bäckerei Müller & Söhne KG +743\.71 EUR {2}RCUR CORE/);
    expect(cash).toMatch(/RE-2026-00002 +Wiener Design OG +940\.07 EUR {2}RCUR CORE/);
    expect(cash).toContain('booked as paid on 2026-12-15 (Book Direct Debits): 8 payments');
    expect(cash).not.toContain('LEFT OUT');
    expect(cash).toMatch(/out\/bank\/camt053_2026-12-18\.xml: 8 entries, 7 new payments, 0 already read, 1 outgoing \(not receivables\)/);
    expect(cash).toMatch(/P-000009 2026-12-14 +1500\.00 EUR +Éditions Léon SARL +matched: RE-2026-00003 1500\.00/);
    expect(cash).toMatch(/P-000010 2026-12-15 +91\.88 EUR +Jan de Vries +matched: RE-2026-00004 91\.88/);
    expect(cash).toMatch(/P-000012 2026-12-16 +614\.34 EUR +Kaffeerösterei Braun +partially matched: RE-2026-00009 614\.34/);
    expect(cash).toMatch(/P-000013 2026-12-16 +1026\.15 EUR +Dr\. Petra Weiß +matched: RE-2026-00010 1006\.15; account credit 20\.00/);
    expect(cash).toMatch(/P-000014 2026-12-17 +113\.58 EUR +Schreinerei Öztürk +unmatched\n +suggestion: RE-2026-00011 \(open amount equals the payment \(113\.58 EUR\)\)/);
    expect(cash).toMatch(/P-000015 2026-12-18 +-940\.07 EUR +Wiener Design OG +matched: RE-2026-00002 -940\.07\n +return debit: MD06 refund requested by the debtor/);
    expect(cash).toMatch(/3\. Open items on 2026-12-20\n/);
    expect(cash).toMatch(/RE-2026-00002 +Wiener Design OG +940\.07 EUR {2}due 2026-12-15 {2}Overdue, 5 days overdue/);
    expect(cash).toMatch(/RE-2026-00009 +Kaffeerösterei Braun +614\.34 EUR {2}due 2026-12-15 {2}Overdue, 5 days overdue/);
    expect(cash).toMatch(/credit +Dr\. Petra Weiß +20\.00 EUR/);
    expect(cash).toContain('   total open 712.15 CHF, of it overdue 0.00 CHF\n   total open 6907.81 EUR, of it overdue 6907.81 EUR\n   total open 413.85 USD, of it overdue 413.85 USD\n');
  }, 300_000);

  it('every pain.008 file the demo wrote passes the pain.008.001.08 schema', async () => {
    const dir = join(cwd, 'out/DE/sepa');
    const files = readdirSync(dir).filter((f) => f.endsWith('.xml'));
    expect(files).toHaveLength(1);
    for (const f of files) {
      const result = await validateXML({ xml: [{ fileName: f, contents: readFileSync(join(dir, f), 'utf8') }], schema: [XSD] });
      expect({ f, errors: result.valid ? [] : result.errors.map((e) => e.rawMessage) }).toEqual({ f, errors: [] });
    }
    expect(existsSync(join(cwd, 'out/bank/camt053_2026-12-18.xml'))).toBe(true);
  });

  it('a second run bills, writes, sends and reads nothing twice', () => {
    const r = demo(cwd);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Using /);
    expect(r.out).toContain('nothing new to bill');
    expect(r.out).toContain('every finalized invoice has its PDF');
    expect(r.out).toContain('nothing to send: every invoice went out already');
    expect(r.out).toContain('invoice RE-2026-00001 of Nordlicht Software GmbH is already in Received');
    expect(r.out).toContain('nothing to collect: every invoice due is in a file already');
    second = r.out;
  }, 300_000);

  // The saved workbook keeps the imported payments, so a second run reads the statement as read before.
  it('a second run reads the statement as read before: nothing new, the same open items', () => {
    expect(second).toMatch(/camt053_2026-12-18\.xml: 8 entries, 0 new payments, 7 already read, 1 outgoing/);
    expect(second).toContain('nothing new: the statement was read before');
    expect(second).toContain('   total open 712.15 CHF, of it overdue 0.00 CHF\n   total open 6907.81 EUR, of it overdue 6907.81 EUR\n   total open 413.85 USD, of it overdue 413.85 USD\n');
  });
});
