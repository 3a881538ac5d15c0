// npm run bench: planning speed and memory for 1k, 10k and 100k subscriptions
// (5 items and 10 usage transactions each), the local host's .xlsx and PDFs, the Apps Script
// host on the fake runtime, e-invoice XML, and the receivables import (a bank statement of 10,000
// entries matched against 10,000 open invoices). Each part runs in its own Node process.
// Cases: plan, local, gas, flat, einvoice, receivables; all by default, or the ones named:
// `npm run bench -- receivables` (or BENCH_CASES=plan,receivables npm run bench).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, { recursive: true });
const CASES = ['plan', 'local', 'gas', 'flat', 'einvoice', 'receivables'];
const named = process.argv.slice(2).length ? process.argv.slice(2) : (process.env.BENCH_CASES?.split(',').filter(Boolean) ?? []);
const unknown = named.filter((c) => !CASES.includes(c));
if (unknown.length) {
  console.error(`npm run bench: no case ${unknown.join(', ')}; the cases are ${CASES.join(', ')}`);
  process.exit(2);
}
const want = (c) => !named.length || named.includes(c);
/** A blank line between the parts printed. */
let printed = false;
const part = () => {
  if (printed) console.log('');
  printed = true;
};
// Invoice run planning.
if (want('plan')) {
  const sizes = (process.env.BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
  const script = join(outDir, 'plan.cjs');
  await build({ entryPoints: [join(root, 'scripts/bench/plan.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: script, logLevel: 'warning' });
  part();
  console.log('Invoice run planning. parse: every table into records; plan: drafts with lines and tax;');
  console.log('re-run: parse + plan the same period again with all drafts in the ledger (drafts updated, not duplicated).');
  console.log('subscriptions   drafts     lines   parse ms   plan ms   warm plan ms   µs/sub (warm)   re-run ms   peak RSS MiB');
  const results = [];
  for (const n of sizes) {
    const out = execFileSync(process.execPath, ['--max-old-space-size=16384', script, String(n)], { encoding: 'utf8' });
    const r = JSON.parse(out.trim().split('\n').pop());
    results.push(r);
    console.log(
      `${String(n).padStart(13)} ${String(r.drafts).padStart(8)} ${String(r.lines).padStart(9)} ${r.parseMs.toFixed(0).padStart(10)} ${r.planMs.toFixed(0).padStart(9)} ${r.warmPlanMs.toFixed(0).padStart(14)} ${((r.warmPlanMs * 1000) / n).toFixed(1).padStart(15)} ${r.rerunMs.toFixed(0).padStart(11)} ${r.peakRssMiB.toFixed(0).padStart(14)}`,
    );
  }
  const ten = results.find((r) => r.subscriptions === 10000);
  if (ten) console.log(`10k subscriptions: plan ${ten.planMs.toFixed(0)} ms cold, ${ten.warmPlanMs.toFixed(0)} ms warm (goal: under 1000 ms); parse ${ten.parseMs.toFixed(0)} ms`);
  if (results.length > 1) {
    const a = results[0];
    const b = results[results.length - 1];
    console.log(
      `growth ${a.subscriptions} → ${b.subscriptions}: warm plan time ×${(b.warmPlanMs / a.warmPlanMs).toFixed(1)}, parse ×${(b.parseMs / a.parseMs).toFixed(1)} for ×${b.subscriptions / a.subscriptions} subscriptions`,
    );
  }
}

// The local host: .xlsx workbook read/write and PDF rendering.
if (want('local')) {
  const localScript = join(outDir, 'local.cjs');
  await build({
    entryPoints: [join(root, 'scripts/bench/local.ts')],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: localScript,
    logLevel: 'warning',
  });
  const localSize = Number(process.env.BENCH_XLSX_SIZE ?? 10000);
  const local = JSON.parse(
    execFileSync(process.execPath, ['--max-old-space-size=16384', localScript, String(localSize), '200'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop(),
  );
  part();
  console.log(
    `.xlsx workbook with ${local.subscriptions} subscriptions (${local.subscriptions * 5} items, ${local.subscriptions * 10} transactions): read ${local.readMs.toFixed(0)} ms, save ${local.writeMs.toFixed(0)} ms, peak RSS ${local.peakRssMiB.toFixed(0)} MiB`,
  );
  console.log(`PDF invoices: ${local.pdfPerSec.toFixed(0)} per second (${local.pdfs} rendered and written; goal ≥ 50/s)`);
}

// The Apps Script host on the fake runtime (tests/support): calls per table and per invoice, simulated time.
if (want('gas')) {
  execFileSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'ignore' });
  const gasScript = join(outDir, 'gas.cjs');
  await build({ entryPoints: [join(root, 'scripts/bench/gas.ts')], bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', outfile: gasScript, logLevel: 'warning' });
  part();
  console.log('Apps Script (fake runtime with typical latencies): a monthly cycle driven from the sidebar in ~20 s calls.');
  for (const size of (process.env.BENCH_GAS_SIZES ?? '100,1000').split(',').map(Number)) {
    const g = JSON.parse(
      execFileSync(process.execPath, [gasScript, String(size)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .pop(),
    );
    console.log(`${g.invoices} invoices (every execution first evaluates dist/Code.js: ${g.startupMs.toFixed(1)} ms in node:vm, median of 21):`);
    for (const p of g.phases) {
      console.log(
        `  ${p.name.padEnd(9)} ${String(p.executions).padStart(4)} calls, Spreadsheet ${String(p.sheetCallCount).padStart(4)} (${p.sheetCalls}); Drive/Docs/Mail ${p.servicePerInvoice.toFixed(1)}/invoice, document edits ${p.elementPerInvoice.toFixed(0)}/invoice; ${p.simulatedSecPerInvoice.toFixed(2)} s/invoice simulated (${p.simulatedMin.toFixed(1)} min), ${(p.realMs / 1000).toFixed(1)} s real`,
      );
    }
  }
}

// Flat reads: months of monthly cycles through the add-on; cells read per documents and send call.
if (want('flat')) {
  const flatScript = join(outDir, 'flat.cjs');
  await build({ entryPoints: [join(root, 'scripts/bench/flat.ts')], bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', outfile: flatScript, logLevel: 'warning' });
  const flatN = Number(process.env.BENCH_FLAT_INVOICES ?? 1000);
  const flatMonths = Number(process.env.BENCH_FLAT_MONTHS ?? 12);
  part();
  console.log(
    `Flat reads: ${flatMonths} monthly cycles of ${flatN} invoices from the sidebar (run, finalize, documents, send in ~20 s calls); cells read (getValues) per call, mean, and of those the Invoices + InvoiceLines sheets'.`,
  );
  console.log('month   period   ledger rows   documents calls   cells/call (ledger)   send calls   cells/call (ledger)');
  const flatOut = execFileSync(process.execPath, ['--max-old-space-size=16384', flatScript, String(flatN), String(flatMonths)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  for (const line of flatOut.trim().split('\n')) {
    const m = JSON.parse(line);
    console.log(
      `${String(m.month).padStart(5)}  ${m.period}  ${String(m.invoices).padStart(12)}  ${String(m.documentCalls).padStart(16)}  ${m.documentCells.toFixed(0).padStart(10)} (${m.documentLedgerCells.toFixed(0).padStart(7)})  ${String(m.sendCalls).padStart(11)}  ${m.sendCells.toFixed(0).padStart(10)} (${m.sendLedgerCells.toFixed(0).padStart(7)})`,
    );
  }
}

// E-invoices: XML generation per second.
if (want('einvoice')) {
  const eScript = join(outDir, 'einvoice.cjs');
  await build({ entryPoints: [join(root, 'scripts/bench/einvoice.ts')], bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', outfile: eScript, logLevel: 'warning' });
  const e = JSON.parse(execFileSync(process.execPath, [eScript], { encoding: 'utf8' }).trim().split('\n').pop());
  part();
  console.log(
    `E-invoice XML (demo invoices and credit notes, business terms + XML): XRechnung UBL ${e['xrechnung-ubl'].toFixed(0)}/s (${e['xrechnung-ubl:kb'].toFixed(1)} KB each), CII ${e['xrechnung-cii'].toFixed(0)}/s (${e['xrechnung-cii:kb'].toFixed(1)} KB); goal ≥ 1,000/s. Reading received ones (parse + totals check): ${e.parse.toFixed(0)}/s; from Factur-X PDFs (${e['facturx:kb'].toFixed(0)} KB each; XML out of the PDF, parse, totals): ${e.facturx.toFixed(0)}/s`,
  );
}

// Receivables: a camt.053 statement imported and matched against open invoices (wall and CPU time,
// heap), the same statement again (all duplicates) and the open items; bulk reads and writes per
// sheet, which the Apps Script host makes one spreadsheet call each. BENCH_RECEIVABLES=<invoices>x<entries>.
if (want('receivables')) {
  const rScript = join(outDir, 'receivables.cjs');
  await build({
    entryPoints: [join(root, 'scripts/bench/receivables.ts')],
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: rScript,
    logLevel: 'warning',
  });
  const [invoices, entries] = (process.env.BENCH_RECEIVABLES ?? '10000x10000').split('x');
  // The import is timed cold (the first in a fresh process, as a CLI run is); one cold run varies
  // by a fifth from run to run (JIT tiers and GC timing), so several processes give the median.
  const runs = Number(process.env.BENCH_RECEIVABLES_RUNS ?? 3);
  const outs = Array.from({ length: runs }, () =>
    execFileSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', rScript, invoices, entries ?? invoices], { encoding: 'utf8' })
      .trim()
      .split('\n'),
  );
  part();
  console.log(`Receivables (camt.053.001.08 statement against finalized open invoices, in-memory tables; CPU time beside the wall clock, which a busy machine stretches):`);
  for (const line of outs[0].slice(0, -1)) console.log(`  ${line}`);
  const ms = outs.map((o) => JSON.parse(o[o.length - 1]).import.ms).sort((a, b) => a - b);
  const median = ms[Math.floor((ms.length - 1) / 2)];
  console.log(`  import in ${runs} fresh processes: ${ms.map((x) => x.toFixed(0)).join(', ')} ms; median ${median.toFixed(0)} ms (goal: under 2000 ms): ${median < 2000 ? 'met' : 'NOT met'}`);
}
