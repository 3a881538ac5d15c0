// `npm run demo` end to end, as a new user runs it (in an empty folder): two cycles (November 2026,
// and December 2026 invoiced on 2027-01-01 under the German e-invoice mandate), a Factur-X invoice
// read back into Received, and a second run that bills, writes and sends nothing again.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const demo = (cwd: string) => {
  const r = spawnSync(process.execPath, [join(root, 'scripts/run-ts.mjs'), join(root, 'scripts/demo.ts')], { cwd, encoding: 'utf8', maxBuffer: 32 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('npm run demo', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'billing-demo-'));

  it('runs the whole cycle on a new demo workbook: drafts, numbers, verify, PDFs with e-invoices, emails, a Factur-X invoice read back', () => {
    const r = demo(cwd);
    expect([r.code, r.err]).toEqual([0, '']);
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

  it('a second run bills, writes, sends and reads nothing twice', () => {
    const r = demo(cwd);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Using /);
    expect(r.out).toContain('nothing new to bill');
    expect(r.out).toContain('every finalized invoice has its PDF');
    expect(r.out).toContain('nothing to send: every invoice went out already');
    expect(r.out).toContain('invoice RE-2026-00001 of Nordlicht Software GmbH is already in Received');
  }, 300_000);
});
