// Benchmark body: plans one invoice run over N subscriptions (5 items, 10 transactions each).
// Run through scripts/bench.mjs, one process per size so peak memory is that size's alone.
import { loadDataset } from '../../src/core/dataset';
import { planRun } from '../../src/core/plan';
import { SCHEMA } from '../../src/core/schema';
import { toRowValues } from '../../src/core/table';
import { benchWorkbook, table } from './data';

const n = Number(process.argv[2] ?? 1000);

const raw = benchWorkbook(n);
const t0 = performance.now();
const ds = loadDataset(raw);
const t1 = performance.now();
const plan = planRun(ds, { runId: 'R-BENCH', periodStart: '2026-11-01', periodEnd: '2026-11-30' });
const t2 = performance.now();
// Planning is pure: repeat it to see the warm (JIT-compiled) time beside the first, cold one.
const warm: number[] = [];
for (let i = 0; i < 3; i++) {
  const w0 = performance.now();
  planRun(ds, { runId: 'R-BENCH', periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  warm.push(performance.now() - w0);
}
if (ds.errors.length || plan.failed.length) throw new Error(`bench data has errors: ${JSON.stringify([ds.errors[0], plan.failed[0]])}`);
const lines = plan.drafts.reduce((s, d) => s + d.lines.length, 0);

// Re-run of the same period with every draft in the ledger: the "update the drafts" path.
raw.Invoices = table(
  'Invoices',
  plan.drafts.map((d) => toRowValues('Invoices', d.invoice)),
);
raw.InvoiceLines = table(
  'InvoiceLines',
  plan.drafts.flatMap((d) => d.lines.map((l) => toRowValues('InvoiceLines', l))),
);
const txId = SCHEMA.Transactions.columns.findIndex((c) => c.key === 'invoiceId');
const txRow = new Map(ds.transactions.map((t) => [t.record.transactionId, t.row]));
for (const link of plan.transactionLinks) raw.Transactions!.rows[txRow.get(link.transactionId)! - 2][txId] = link.invoiceId;
const t3 = performance.now();
const ds2 = loadDataset(raw);
const replan = planRun(ds2, { runId: 'R-BENCH2', periodStart: '2026-11-01', periodEnd: '2026-11-30' });
const t4 = performance.now();
if (replan.drafts.length !== plan.drafts.length || replan.drafts[0].invoice.invoiceId !== plan.drafts[0].invoice.invoiceId) {
  throw new Error('re-run did not update the same drafts');
}
process.stdout.write(
  JSON.stringify({
    subscriptions: n,
    drafts: plan.drafts.length,
    lines,
    parseMs: t1 - t0,
    planMs: t2 - t1,
    warmPlanMs: warm.sort((a, b) => a - b)[1],
    rerunMs: t4 - t3,
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
