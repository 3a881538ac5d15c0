// npm run demo: two invoicing cycles on the demo workbook, no Google account needed.
// out/demo.xlsx is made from the demo data the first time; then November 2026 (invoiced on
// 2026-12-01) and December 2026 (invoiced on 2027-01-01, under the German e-invoice mandate) are
// run, the drafts finalized, the ledger verified, the PDFs written to out/<tenant>/<yyyy>/<mm>/
// and the emails to out/outbox/ (.eml).
// Between the two cycles, the cash side of December: a SEPA direct-debit collection for the
// customers with a mandate (the pain.008 file in out/DE/sepa/), a bank statement (camt.053,
// written to out/bank/ so it can be opened) paying, part-paying, overpaying and mistyping, with a
// return debit of a collected invoice, and the open items.
// Running it again is safe: nothing new is billed, no PDF is written twice.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
import { collectDirectDebits } from '../src/app/receivables/collections';
import { importPayments } from '../src/app/receivables/payments';
import { openItems } from '../src/app/receivables/openItems';
import { camt053, type Booking } from '../src/node/sampleStatement';
import { LocalFiles } from '../src/node/sepaFiles';
import { dec, type Decimal } from '../src/core/money';

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

/** The demo data with direct debits: two core customers with a SEPA mandate; the German company books collections as paid. */
function demoWorkbookRows(): ReturnType<typeof demoRows> {
  const rows = demoRows();
  const mandates: Record<string, { iban: string; mandateReference: string; mandateDate: string }> = {
    'ACC-001': { iban: 'DE02120300000000202051', mandateReference: 'MANDATE-ACC-001', mandateDate: '2025-03-14' },
    'ACC-002': { iban: 'AT611904300234573201', mandateReference: 'MANDATE-ACC-002', mandateDate: '2026-01-20' },
  };
  for (const a of rows.Accounts ?? []) {
    const m = mandates[String(a.accountId)];
    if (m) Object.assign(a, { paymentMethod: 'direct_debit', ...m });
    // The generated direct-debit customers have a mandate reference; their mandates were signed when they started.
    else if (a.paymentMethod === 'direct_debit' && !a.mandateDate) a.mandateDate = '2025-01-02';
  }
  const de = rows.Settings?.find((t) => t.tenantId === 'DE');
  if (de) {
    de.creditorId ||= 'DE98ZZZ09999999999';
    de.bookDirectDebits = true;
  }
  return rows;
}

const COLLECTION_DATE = '2026-12-15';
/** A date cell as YYYY-MM-DD (a saved workbook gives it back as a Date). */
const isoDate = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v ?? ''));
const money = (amount: string, currency: string) => `${amount} ${currency}`;

/** The statement's bookings, from November's invoices: who pays by transfer pays in full, in part, too much, or with a typo; one collected invoice comes back. */
function bookings(book: Book): Booking[] {
  const accounts = new Map(book.tables.objects('Accounts').map((a) => [String(a['Account ID']), a]));
  const nov = book.tables
    .objects('Invoices')
    .filter((i) => i.Tenant === 'DE' && i.Currency === 'EUR' && i.Type === 'invoice' && isoDate(i['Invoice Date']) === '2026-12-01' && i.Number)
    .sort((a, b) => String(a.Number).localeCompare(String(b.Number)));
  const dd = (i: Record<string, unknown>) => accounts.get(String(i['Account ID']))?.['Payment Method'] === 'direct_debit';
  const transfer = nov.filter((i) => !dd(i));
  const cents = (i: Record<string, unknown>) => Math.round(Number(i.Payable) * 100);
  const amount = (c: number) => (c / 100).toFixed(2);
  const who = (i: Record<string, unknown>) => ({ name: String(i['Buyer Name'] ?? ''), iban: String(accounts.get(String(i['Account ID']))?.IBAN ?? '') || undefined });
  const [full1, full2, full3, part, over, typo] = transfer;
  const returned = nov.find((i) => i['Account ID'] === 'ACC-002');
  const out: Booking[] = [
    { date: '2026-12-14', amount: amount(cents(full1)), ...who(full1), text: `Rechnung ${full1.Number}` },
    { date: '2026-12-15', amount: amount(cents(full2)), ...who(full2), reference: String(full2['Payment Reference']) },
    { date: '2026-12-15', amount: amount(cents(full3)), ...who(full3), text: `${full3.Number} vielen Dank` },
    { date: '2026-12-16', amount: amount(Math.floor(cents(part) / 2)), ...who(part), text: `Teilzahlung ${part.Number}` },
    { date: '2026-12-16', amount: amount(cents(over) + 2000), ...who(over), text: `${over.Number}` },
    { date: '2026-12-17', amount: amount(cents(typo)), ...who(typo), text: `Rechnung ${String(typo.Number).replace('-2026-', '-2062-')}` },
    { date: '2026-12-17', amount: '84.90', direction: 'DBIT', name: 'Cloud Hosting GmbH', text: 'Server Dezember' },
  ];
  if (returned) {
    out.push({
      date: '2026-12-18',
      amount: amount(cents(returned)),
      direction: 'DBIT',
      name: who(returned).name,
      iban: who(returned).iban,
      endToEndId: String(returned.Number),
      mandateId: 'MANDATE-ACC-002',
      returnReason: 'MD06',
    });
  }
  return out;
}

/** December's cash: the direct debits collected, a bank statement read in, the open items. Returns false when something failed. */
function receivables(book: Book, dir: string): boolean {
  const ports = { ...memoryPorts(book.tables, { now: () => new Date('2026-12-20T09:00:00Z'), user: 'demo@example.com' }), files: new LocalFiles(dir) };
  let ok = true;
  console.log(`1. SEPA direct debits due by ${COLLECTION_DATE} (customers with a mandate)`);
  const c = collectDirectDebits(ports, { date: COLLECTION_DATE });
  for (const f of c.files) {
    console.log(`   ${f.messageId}: ${f.count} debits, control sum ${money(f.controlSum, 'EUR')} → ${f.file}`);
    for (const i of f.invoices) console.log(`   ${pad(i.number, 14)} ${pad(i.account, 30)} ${padL(i.amount, 10)} EUR  ${i.sequenceType} ${i.scheme}`);
  }
  if (!c.files.length) console.log('   nothing to collect: every invoice due is in a file already');
  if (c.booked.length) console.log(`   booked as paid on ${COLLECTION_DATE} (Book Direct Debits): ${c.booked.length} payments`);
  for (const p of c.problems) console.log(`   LEFT OUT ${p.sheet} row ${p.row}, ${p.column} "${p.value ?? ''}": ${p.message}`);
  if (c.problems.length) ok = false;

  console.log('\n2. Bank statement (camt.053): transfers, a typo, a return debit');
  const bank = join(dir, 'bank');
  mkdirSync(bank, { recursive: true });
  const statement = join(bank, 'camt053_2026-12-18.xml');
  writeFileSync(statement, camt053({ id: 'STMT-2026-12-18', iban: 'DE89370400440532013000', owner: 'Nordlicht Software GmbH', created: '2026-12-19T06:00:00', bookings: bookings(book) }));
  const r = importPayments(ports, [{ name: 'camt053_2026-12-18.xml', bytes: new Uint8Array(readFileSync(statement)) }]);
  for (const f of r.files) console.log(`   ${statement}: ${f.entries} entries, ${f.imported} new payments, ${f.duplicates} already read, ${f.outgoing} outgoing (not receivables)`);
  for (const f of r.failed) console.log(`   NOT READ ${f.file}: ${f.reason}`);
  if (r.failed.length) ok = false;
  for (const p of r.payments) {
    console.log(`   ${p.paymentId} ${p.date} ${padL(money(p.amount, p.currency), 14)}  ${pad(p.payer.split(', ')[0], 30)} ${p.status}${p.matched ? `: ${p.matched}` : ''}`);
    if (p.returnReason) console.log(`            return debit: ${p.returnReason}`);
    if (p.suggestions) console.log(`            suggestion: ${p.suggestions}`);
  }
  if (!r.payments.length) console.log('   nothing new: the statement was read before');

  // As of the day: a later run of the demo has January's invoices in the workbook too; they are left out.
  const today = ports.clock.today();
  console.log(`\n3. Open items on ${today}`);
  const totals = new Map<string, { open: Decimal; overdue: Decimal }>();
  for (const a of openItems(ports).accounts) {
    for (const i of a.items.filter((x) => x.invoiceDate <= today)) {
      console.log(`   ${pad(i.number, 14)} ${pad(a.name, 30)} ${padL(money(i.open, i.currency), 14)}  due ${i.dueDate}  ${i.status}${i.daysOverdue > 0 ? `, ${i.daysOverdue} days overdue` : ''}`);
      const t = totals.get(i.currency) ?? { open: dec('0'), overdue: dec('0') };
      totals.set(i.currency, { open: t.open.plus(i.open), overdue: i.daysOverdue > 0 ? t.overdue.plus(i.open) : t.overdue });
    }
    for (const t of a.totals.filter((x) => x.credit !== '0.00')) console.log(`   ${pad('credit', 14)} ${pad(a.name, 30)} ${padL(money(t.credit, t.currency), 14)}`);
  }
  for (const [cur, t] of [...totals].sort(([a], [b]) => a.localeCompare(b))) console.log(`   total open ${money(t.open.toFixed(2), cur)}, of it overdue ${money(t.overdue.toFixed(2), cur)}`);
  return ok;
}

async function main() {
  const dir = join(process.cwd(), 'out');
  const path = join(dir, 'demo.xlsx');
  mkdirSync(dir, { recursive: true });
  const fresh = !existsSync(path);
  if (fresh) await createWorkbook(path, demoWorkbookRows());
  console.log(`${fresh ? 'Created' : 'Using'} ${path}\n`);
  await withFileLock(path, async () => {
    const book = await openWorkbook(path);
    let ok = true;
    for (const c of CYCLES) {
      console.log(`== ${c.name} ==\n`);
      ok = (await cycle(book, dir, c)) && ok;
      console.log('');
      if (c === CYCLES[0]) {
        console.log('== Payments, December 2026 ==\n');
        ok = receivables(book, dir) && ok;
        console.log('');
      }
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
    console.log(`\nSaved ${path}: sheets Invoices, InvoiceLines, Items (Billed Until), Transactions, NumberRanges, Runs, Log, Received, Balances, Payments, Collections.`);
    console.log('Run `npm run demo` again: the second run finds nothing new to bill. Delete out/demo.xlsx to start over.');
    if (!ok) process.exitCode = 1;
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
