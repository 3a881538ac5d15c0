// Benchmark body: plans one invoice run over N subscriptions (5 items, 10 transactions each).
// Run through scripts/bench.mjs, one process per size so peak memory is that size's alone.
import { loadDataset, type RawWorkbook } from '../../src/core/dataset';
import { planRun } from '../../src/core/plan';
import { SCHEMA, type TableName } from '../../src/core/schema';
import type { Cell } from '../../src/core/cells';
import { toRowValues } from '../../src/core/table';

const n = Number(process.argv[2] ?? 1000);

function table(name: TableName, rows: Record<string, Cell>[]) {
  const cols = SCHEMA[name].columns;
  return { headers: cols.map((c) => c.header), rows: rows.map((r) => cols.map((c) => r[c.key] ?? '')) };
}

function workbook(): RawWorkbook {
  const accounts: Record<string, Cell>[] = [];
  const subs: Record<string, Cell>[] = [];
  const items: Record<string, Cell>[] = [];
  const txs: Record<string, Cell>[] = [];
  const periods = ['monthly', 'quarterly', 'semiannual', 'annual'];
  const countries = ['DE', 'DE', 'DE', 'AT', 'FR', 'US'];
  for (let i = 0; i < n; i++) {
    const a = `A${i}`;
    const s = `S${i}`;
    accounts.push({ accountId: a, name: `Customer ${i}`, status: 'Active', customerType: i % 3 ? 'B2B' : 'B2C', country: countries[i % 6], vatId: i % 3 ? `VAT${i}` : '' });
    subs.push({ subscriptionId: s, accountId: a, status: 'Active', startDate: `2026-${String((i % 11) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`, billingPeriod: periods[i % 4], billingTiming: i % 2 ? 'advance' : 'arrears', alignment: i % 5 ? 'calendar' : 'start' });
    for (let k = 0; k < 5; k++) {
      // Recurring items were billed through October (a steady-state monthly run); the one-time item starts in November.
      const type = k === 4 ? 'usage' : k === 3 ? 'one_time' : 'recurring';
      items.push({
        itemId: `I${i}-${k}`, subscriptionId: s, productId: `P${k}`, quantity: (k % 3) + 1, billingType: type, status: 'Active',
        discountPercent: k === 1 ? 10 : '', billedUntil: type === 'recurring' ? '2026-10-31' : '', startDate: type === 'one_time' ? '2026-11-15' : '',
      });
    }
    for (let t = 0; t < 10; t++) {
      txs.push({ transactionId: `T${i}-${t}`, subscriptionId: s, productId: t % 2 ? 'P4' : 'P5', date: `2026-11-${String(t * 3 + 1).padStart(2, '0')}`, quantity: 10 + t });
    }
  }
  const products = [
    { productId: 'P0', name: 'Base', price: 49, taxClass: 'standard', priceModel: 'per_unit' },
    { productId: 'P1', name: 'Seats', price: 9.99, taxClass: 'standard', priceModel: 'per_unit' },
    { productId: 'P2', name: 'Support', price: 100, taxClass: 'standard', priceModel: 'flat' },
    { productId: 'P3', name: 'Setup', price: 250, taxClass: 'standard', priceModel: 'per_unit' },
    { productId: 'P4', name: 'API calls', price: 0, taxClass: 'standard', priceModel: 'graduated', tiers: '0-50: 0.10; 50-200: 0.08 + 5; 200+: 0.05' },
    { productId: 'P5', name: 'Storage', price: 2, taxClass: 'standard', priceModel: 'package', packageSize: 25 },
  ];
  const rules = [
    { ruleId: 'DE', sellerCountry: 'DE', buyerCountry: 'DE', taxClass: '*', customerType: '*', rate: 19, category: 'S' },
    { ruleId: 'EU-B2B', sellerCountry: 'DE', buyerCountry: 'EU', taxClass: '*', customerType: 'B2B', rate: 0, category: 'AE' },
    { ruleId: 'AT', sellerCountry: 'DE', buyerCountry: 'AT', taxClass: '*', customerType: 'B2C', rate: 20, category: 'S' },
    { ruleId: 'FR', sellerCountry: 'DE', buyerCountry: 'FR', taxClass: '*', customerType: 'B2C', rate: 20, category: 'S' },
    { ruleId: 'EX', sellerCountry: 'DE', buyerCountry: 'NON-EU', taxClass: '*', customerType: '*', rate: 0, category: 'G' },
  ];
  return {
    Settings: table('Settings', [{ tenantId: 'DE', legalName: 'Bench GmbH', country: 'DE', currency: 'EUR' }]),
    Accounts: table('Accounts', accounts), Subscriptions: table('Subscriptions', subs), Items: table('Items', items),
    Transactions: table('Transactions', txs), Products: table('Products', products), TaxRules: table('TaxRules', rules),
  };
}

const raw = workbook();
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
raw.Invoices = table('Invoices', plan.drafts.map((d) => toRowValues('Invoices', d.invoice)));
raw.InvoiceLines = table('InvoiceLines', plan.drafts.flatMap((d) => d.lines.map((l) => toRowValues('InvoiceLines', l))));
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
process.stdout.write(JSON.stringify({
  subscriptions: n, drafts: plan.drafts.length, lines, parseMs: t1 - t0, planMs: t2 - t1, warmPlanMs: warm.sort((a, b) => a - b)[1], rerunMs: t4 - t3,
  heapMiB: process.memoryUsage().heapUsed / 2 ** 20, peakRssMiB: process.resourceUsage().maxRSS / 1024,
}) + '\n');
