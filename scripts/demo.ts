// npm run demo: a whole invoicing cycle on the demo workbook, no Google account needed.
// Run the period 2026-11 → review drafts → finalize → verify → run again (nothing new).
// The resulting sheets are written as CSV files to out/demo/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInvoicing } from '../src/app/runInvoicing';
import { finalizeInvoices, verifyLedger } from '../src/app/ledgerActions';
import { SCHEMA, TABLE_NAMES } from '../src/core/schema';
import { MemoryTables } from '../src/node/memoryTables';
import { memoryPorts } from '../src/node/memoryHost';
import { demoRows } from '../sheets-templates/demoData';

const tables = MemoryTables.template();
for (const [name, rows] of Object.entries(demoRows())) {
  const cols = SCHEMA[name as keyof typeof SCHEMA].columns;
  tables.sheets.set(name, { headers: cols.map((c) => c.header), rows: rows!.map((r) => cols.map((c) => r[c.key] ?? '')) });
}
const ports = memoryPorts(tables, { now: () => new Date('2026-12-01T09:00:00Z'), user: 'demo@example.com' });

const pad = (s: unknown, n: number) => String(s ?? '').padEnd(n).slice(0, n);
const padL = (s: unknown, n: number) => String(s ?? '').padStart(n);

console.log('1. Invoice run for November 2026');
const run = runInvoicing(ports, { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' });
console.log(`   ${run.runId}: ${run.inScope} subscriptions in scope, ${run.drafts.length} drafts, ${run.failed.length} failed`);
for (const d of run.drafts) {
  console.log(`   ${pad(d.invoiceId, 9)} ${pad(d.buyerName, 30)} ${d.currency} ${padL(d.net, 10)} + ${padL(d.tax, 8)} = ${padL(d.payable, 10)}${d.warnings ? `   ! ${d.warnings}` : ''}`);
}
for (const f of run.failed) console.log(`   FAILED ${f.subscriptionId}: ${f.reason}`);
for (const e of run.rowErrors) console.log(`   ROW ERROR ${e.text}`);

console.log('\n2. Finalize all drafts');
const fin = finalizeInvoices(ports, {});
for (const i of fin.invoices) console.log(`   ${pad(i.number, 14)} ${pad(i.buyerName, 30)} ${i.currency} ${padL(i.payable, 10)}  due ${tables.objects('Invoices').find((r) => r['Invoice ID'] === i.invoiceId)?.['Due Date']}`);
for (const f of fin.failed) console.log(`   NOT FINALIZED ${f.invoiceId}: ${f.reason}`);

console.log('\n3. Verify the ledger');
const v = verifyLedger(ports);
console.log(v.problems.length ? v.problems.map((p) => `   ${p.number}: ${p.message}`).join('\n') : `   intact: ${v.checked} finalized invoices, hash chains unbroken`);

console.log('\n4. Run November again');
const again = runInvoicing(ports, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
console.log(again.drafts.length ? `   ${again.drafts.length} new drafts` : '   nothing new to bill: every service of November is on a finalized invoice');

const out = join(process.cwd(), 'out', 'demo');
mkdirSync(out, { recursive: true });
const csv = (v: unknown) => (/[",\n;]/.test(String(v ?? '')) ? `"${String(v).replace(/"/g, '""')}"` : String(v ?? ''));
for (const name of TABLE_NAMES) {
  const t = tables.sheets.get(name)!;
  writeFileSync(join(out, `${name}.csv`), [t.headers, ...t.rows].map((r) => r.map(csv).join(',')).join('\n') + '\n');
}
console.log(`\nSheets written to ${out}/ (Invoices.csv, InvoiceLines.csv, Items.csv, ...)`);
if (run.failed.length || run.rowErrors.length || fin.failed.length || v.problems.length) process.exitCode = 1;
