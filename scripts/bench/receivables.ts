// Benchmark body: importing and matching a bank statement (camt.053.001.08) of M entries against N
// finalized open invoices (src/app/receivables/payments.ts importPayments), then the same statement
// again (all duplicates) and the open-items list, on MemoryTables.
// node --expose-gc out/bench/receivables.cjs [invoices=10000] [entries=10000] (scripts/bench.mjs runs it)
// Prints wall and CPU time, heap, and per sheet the bulk reads and writes each use case made (the
// Apps Script host makes one spreadsheet call per table call). Ends with one JSON line.
import { openItems } from '../../src/app/receivables/openItems';
import { importPayments } from '../../src/app/receivables/payments';
import { readStatement } from '../../src/core/receivables/statement';
import { memoryPorts } from '../../src/node/memoryHost';
import { cpus, loadavg } from 'node:os';
import { entryKind, RECEIVABLES_NOW, receivablesStatement, receivablesWorkbook } from './receivablesData';

const invoices = Number(process.argv[2] ?? 10000);
const entries = Number(process.argv[3] ?? 10000);

/** CPU time of this process in ms (user + system). */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const gc = (globalThis as { gc?: () => void }).gc;
const collect = () => gc?.();
const MiB = (bytes: number) => bytes / 2 ** 20;

let t = performance.now();
const { tables, invoices: open } = receivablesWorkbook(invoices);
const workbookMs = performance.now() - t;
t = performance.now();
const statement = receivablesStatement(open, entries);
const statementMs = performance.now() - t;
const kinds: Record<string, number> = {};
for (let i = 0; i < entries; i++) kinds[entryKind(i)] = (kinds[entryKind(i)] ?? 0) + 1;
const ports = memoryPorts(tables, { now: () => new Date(RECEIVABLES_NOW), user: 'bench@example.com' });

interface Measured<T> {
  result: T;
  ms: number;
  cpuMs: number;
  /** Heap after minus before, collected around when node runs with --expose-gc (what the use case left behind: the rows it wrote). */
  heapMiB: number;
  /** Per sheet: [reads, writes]. */
  calls: Record<string, [number, number]>;
}

function measure<T>(fn: () => T): Measured<T> {
  collect();
  const heap0 = process.memoryUsage().heapUsed;
  tables.calls.length = 0;
  const c = cpuMs();
  const t0 = performance.now();
  const result = fn();
  const ms = performance.now() - t0;
  const cpu = cpuMs() - c;
  collect();
  const calls: Record<string, [number, number]> = {};
  for (const k of tables.calls) {
    const per = (calls[k.table] ??= [0, 0]);
    per[k.op === 'apply' ? 1 : 0]++;
  }
  return { result, ms, cpuMs: cpu, heapMiB: MiB(process.memoryUsage().heapUsed - heap0), calls };
}

const first = measure(() => importPayments(ports, [statement]));
const again = measure(() => importPayments(ports, [statement]));
const items = measure(() => openItems(ports));
// The share of reading the statement (camt XML into bank entries), warm: after the two imports read it.
const reading = measure(() => readStatement(statement.text, statement.name, { currency: 'EUR' }));

const file = first.result.files[0];
if (first.result.failed.length || !file || file.entries !== entries) throw new Error(`the statement did not import: ${JSON.stringify(first.result.failed)}`);
const statuses: Record<string, number> = {};
for (const p of first.result.payments) statuses[p.status] = (statuses[p.status] ?? 0) + 1;
const returns = first.result.payments.filter((p) => p.returnReason).length;
/** Per sheet written: how many bulk writes; or 'none'. */
const writesText = (m: Measured<unknown>) =>
  Object.entries(m.calls)
    .filter(([, [, w]]) => w)
    .map(([sheet, [, w]]) => `${sheet} ${w}`)
    .join(', ') || 'none';
/** How many sheets were read, and which more than once. */
const readsText = (m: Measured<unknown>) => {
  const read = Object.entries(m.calls).filter(([, [r]]) => r);
  const again = read.filter(([, [r]]) => r > 1).map(([sheet, [r]]) => `${sheet} ${r}×`);
  return `${read.length} sheets${again.length ? `, more than once: ${again.join(', ')}` : ' once each'}`;
};
const readsOnce = (m: Measured<unknown>) => Object.values(m.calls).every(([r, w]) => r <= 1 && w <= 1);

console.log(
  `workbook: ${invoices} open invoices on ${Math.ceil(invoices / 4)} accounts built in ${workbookMs.toFixed(0)} ms; statement: ${entries} entries, ${(statement.text.length / 2 ** 20).toFixed(1)} MiB of camt.053 in ${statementMs.toFixed(0)} ms (${Object.entries(
    kinds,
  )
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')})`,
);
console.log(
  `import: ${first.ms.toFixed(0)} ms (CPU ${first.cpuMs.toFixed(0)} ms), heap +${first.heapMiB.toFixed(1)} MiB; ${file.imported} imported, ${file.outgoing} outgoing (${Object.entries(statuses)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ')}; ${returns} returns); reads ${readsText(first)}; writes ${writesText(first)}`,
);
console.log(`of which reading the camt XML (readStatement alone, warm): ${reading.ms.toFixed(0)} ms (CPU ${reading.cpuMs.toFixed(0)} ms)`);
console.log(
  `same statement again (all duplicates): ${again.ms.toFixed(0)} ms (CPU ${again.cpuMs.toFixed(0)} ms); ${again.result.files[0]?.duplicates} duplicates; reads ${readsText(again)}; writes ${writesText(again)}`,
);
console.log(`open items: ${items.ms.toFixed(0)} ms (CPU ${items.cpuMs.toFixed(0)} ms), ${items.result.accounts.length} accounts; reads ${readsText(items)}; writes ${writesText(items)}`);
console.log(
  `${invoices} × ${entries}: import ${first.ms.toFixed(0)} ms (goal: under 2000 ms), at most one read and one write per sheet: ${readsOnce(first) && readsOnce(again) && readsOnce(items) ? 'yes' : 'NO'}; peak RSS ${MiB(process.resourceUsage().maxRSS * 1024).toFixed(0)} MiB${gc ? '' : ' (node --expose-gc for exact heap figures)'}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
);
console.log(
  JSON.stringify({
    invoices,
    entries,
    workbookMs,
    statementMs,
    statementMiB: statement.text.length / 2 ** 20,
    kinds,
    statuses,
    returns,
    import: { ms: first.ms, cpuMs: first.cpuMs, heapMiB: first.heapMiB, calls: first.calls, imported: file.imported, outgoing: file.outgoing },
    again: { ms: again.ms, cpuMs: again.cpuMs, heapMiB: again.heapMiB, calls: again.calls, duplicates: again.result.files[0]?.duplicates },
    readStatement: { ms: reading.ms, cpuMs: reading.cpuMs },
    loadAverage: loadavg()[0],
    openItems: { ms: items.ms, cpuMs: items.cpuMs, heapMiB: items.heapMiB, calls: items.calls, accounts: items.result.accounts.length },
    peakRssMiB: MiB(process.resourceUsage().maxRSS * 1024),
  }),
);
