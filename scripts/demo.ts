// npm run demo: two invoicing cycles on the demo workbook, no Google account needed.
// out/demo.xlsx is made from the demo data the first time; then November 2026 (invoiced on
// 2026-12-01) and December 2026 (invoiced on 2027-01-01, under the German e-invoice mandate) are
// run, the drafts finalized, the ledger verified, the PDFs written to out/<tenant>/<yyyy>/<mm>/
// and the emails to out/outbox/ (.eml).
// Running it again is safe: nothing new is billed, no PDF is written twice.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInvoicing } from '../src/app/runInvoicing';
import { finalizeInvoices, verifyLedger } from '../src/app/ledgerActions';
import { memoryPorts } from '../src/node/memoryHost';
import { createWorkbook, openWorkbook } from '../src/node/xlsxWorkbook';
import { withFileLock } from '../src/node/fileLock';
import { renderFinalPdfs } from '../src/node/documents';
import { sendInvoices } from '../src/node/outbox';
import { demoRows } from '../sheets-templates/demoGenerator';
import { receiveInvoices } from '../src/app/receive';
import { readIncoming } from '../src/node/receiveFiles';
import { isFacturXPdf } from '../src/node/pdfa';
import { MANDATE_FROM } from '../src/core/einvoice';

/** The demo's monthly runs: November 2026 (invoiced on 2026-12-01) and December 2026, invoiced on 2027-01-01 under the German e-invoice mandate. */
const CYCLES = [
  { name: 'November 2026', periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-12-01' },
  { name: 'December 2026', periodStart: '2026-12-01', periodEnd: '2026-12-31', invoiceDate: '2027-01-01' },
];

type Book = Awaited<ReturnType<typeof openWorkbook>>;
const pad = (s: unknown, n: number) =>
  String(s ?? '')
    .padEnd(n)
    .slice(0, n);
const padL = (s: unknown, n: number) => String(s ?? '').padStart(n);

/** One month: run, finalize, verify, documents, mail. Returns false when something failed. */
async function cycle(book: Book, dir: string, c: (typeof CYCLES)[number]): Promise<boolean> {
  const ports = memoryPorts(book.tables, { now: () => new Date(`${c.invoiceDate}T09:00:00Z`), user: 'demo@example.com' });
  console.log(`1. Invoice run for ${c.name} (invoice date ${c.invoiceDate})`);
  const run = runInvoicing(ports, { periodStart: c.periodStart, periodEnd: c.periodEnd, invoiceDate: c.invoiceDate });
  console.log(`   ${run.runId}: ${run.inScope} subscriptions in scope, ${run.drafts.length} drafts, ${run.failed.length} failed`);
  // Labelled columns: Payable differs from Gross by the cash rounding (CHF to 0.05).
  if (run.drafts.length) console.log(`   ${pad('Draft', 9)} ${pad('Customer', 30)} Cur ${padL('Net', 10)}   ${padL('Tax', 8)}   ${padL('Gross', 10)} ${padL('Payable', 10)}`);
  for (const d of run.drafts) {
    console.log(
      `   ${pad(d.invoiceId, 9)} ${pad(d.buyerName, 30)} ${d.currency} ${padL(d.net, 10)} + ${padL(d.tax, 8)} = ${padL(d.gross, 10)} ${padL(d.payable, 10)}${d.warnings ? `   ! ${d.warnings}` : ''}`,
    );
  }
  if (!run.drafts.length) console.log(`   nothing new to bill: every service of ${c.name} is on a finalized invoice`);
  for (const f of run.failed) console.log(`   FAILED ${f.subscriptionId}: ${f.reason}`);
  for (const e of run.rowErrors) console.log(`   ROW ERROR ${e.text}`);

  console.log('\n2. Finalize the drafts');
  const fin = finalizeInvoices(ports, {});
  const due = new Map(book.tables.objects('Invoices').map((r) => [r['Invoice ID'], r['Due Date']]));
  for (const i of fin.invoices) console.log(`   ${pad(i.number, 14)} ${pad(i.buyerName, 30)} ${i.currency} ${padL(i.payable, 10)}  due ${due.get(i.invoiceId)}`);
  if (!fin.invoices.length) console.log('   no drafts');
  for (const f of fin.failed) console.log(`   NOT FINALIZED ${f.invoiceId}: ${f.reason}`);

  console.log('\n3. Verify the ledger');
  const v = verifyLedger(ports);
  console.log(v.problems.length ? v.problems.map((p) => `   ${p.number}: ${p.message}`).join('\n') : `   intact: ${v.checked} finalized invoices, hash chains unbroken`);

  console.log('\n4. PDF invoices (and e-invoices for customers who get them)');
  const files = await renderFinalPdfs(ports, dir);
  for (const f of files) {
    const einvoice = f.facturX ? '  (Factur-X: the e-invoice inside, PDF/A-3)' : f.xml ? `  + e-invoice ${f.xml.split('/').pop()}` : '';
    console.log(`   ${f.path}${einvoice}${f.problem ? `\n   NO E-INVOICE: ${f.problem}` : ''}`);
  }
  if (files.length) {
    const withXml = files.filter((f) => f.facturX || f.xml).length;
    const mandate = c.invoiceDate >= MANDATE_FROM.standard ? ': the German e-invoice mandate applies, domestic B2B invoices get one by default' : '';
    console.log(`   e-invoices: ${withXml} of ${files.length} invoices${mandate}`);
  } else console.log('   every finalized invoice has its PDF');

  console.log('\n5. Email (outbox: one .eml per invoice, PDF and e-invoice attached)');
  const sent = await sendInvoices(ports, { outDir: dir, flush: () => book.save() });
  for (const m of sent.sent) console.log(`   ${pad(m.number, 14)} → ${m.to.join(', ')}`);
  if (!sent.sent.length) console.log('   nothing to send: every invoice went out already');
  for (const f of sent.failed) console.log(`   NOT SENT ${f.number ?? f.invoiceId}: ${f.reason}`);
  return !(run.failed.length || run.rowErrors.length || fin.failed.length || v.problems.length || sent.failed.length);
}

async function main() {
  const dir = join(process.cwd(), 'out');
  const path = join(dir, 'demo.xlsx');
  mkdirSync(dir, { recursive: true });
  const fresh = !existsSync(path);
  if (fresh) await createWorkbook(path, demoRows());
  console.log(`${fresh ? 'Created' : 'Using'} ${path}\n`);
  await withFileLock(path, async () => {
    const book = await openWorkbook(path);
    let ok = true;
    for (const c of CYCLES) {
      console.log(`== ${c.name} ==\n`);
      ok = (await cycle(book, dir, c)) && ok;
      console.log('');
    }

    const ports = memoryPorts(book.tables, { now: () => new Date('2027-01-01T09:00:00Z'), user: 'demo@example.com' });
    console.log("6. Accounts payable: a Factur-X invoice read in (our first one, as the customer's books would read it)");
    const hybrid = book.tables
      .objects('Invoices')
      .map((r) => String(r['PDF URL'] ?? ''))
      .find((p) => p.endsWith('.pdf') && existsSync(p) && isFacturXPdf(new Uint8Array(readFileSync(p))));
    if (hybrid) {
      const got = receiveInvoices(ports, await readIncoming([hybrid]));
      for (const x of got.received) console.log(`   ${x.receivedId} ${x.supplier} ${x.number}: ${x.currency} ${x.payable}, ${x.status} (checked: ${x.checked}) → sheets Received, ReceivedLines`);
      for (const x of got.skipped) console.log(`   ${x.file}: ${x.reason}`);
      for (const x of got.failed) console.log(`   NOT READ ${x.file}: ${x.reason}`);
    }

    await book.save();
    console.log(`\nSaved ${path}: sheets Invoices, InvoiceLines, Items (Billed Until), Transactions, NumberRanges, Runs, Log, Received.`);
    console.log('Run `npm run demo` again: the second run finds nothing new to bill. Delete out/demo.xlsx to start over.');
    if (!ok) process.exitCode = 1;
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
