// Benchmark: matching a statement's payments to open invoices (src/core/receivables/matching.ts).
// node scripts/run-ts.mjs scripts/bench-matching.ts [invoices=10000] [payments=10000]
// (node --expose-gc scripts/run-ts.mjs … collects garbage around the build: the index's heap exactly.)
// Builds the open invoices (4 per account), then matches payments of four kinds in turn: creditor
// reference (structured or printed in the text), invoice number with noise (lower case, spaces,
// a line break inside), customer number, and unmatched (suggestions by payer name and IBAN).
// Prints index build and matching time (cold: the first pass; warm: the best of five more) and
// the heap used by the index. Ends with one JSON line, as the scripts/bench/ bodies do.
import { MatchIndex, type PaymentToMatch } from '../src/core/receivables/matching';
import { creditorReference, printedReference } from '../src/core/receivables/rf';
import type { OpenInvoice } from '../src/core/receivables/types';

const invoices = Number(process.argv[2] ?? 10000);
const paymentCount = Number(process.argv[3] ?? 10000);

function openInvoices(n: number): OpenInvoice[] {
  return Array.from({ length: n }, (_, i) => {
    const number = `RE-2026-${String(i + 1).padStart(6, '0')}`;
    const account = Math.floor(i / 4);
    return {
      invoiceId: `I-${i}`,
      number,
      accountId: `K${10000 + account}`,
      accountName: `Firma ${account} Bau GmbH`,
      reference: creditorReference(number)!,
      invoiceDate: `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      currency: 'EUR',
      open: `${100 + (i % 900)}.${String(i % 100).padStart(2, '0')}`,
      iban: i % 3 ? undefined : `DE${String(10 + (account % 89))}37040044${String(account).padStart(10, '0')}`,
    };
  });
}

function payment(inv: OpenInvoice, i: number): PaymentToMatch {
  switch (i % 4) {
    case 0:
      return { amount: inv.open, currency: 'EUR', remittance: i % 8 ? `${printedReference(inv.reference)} Danke` : undefined, creditorReference: i % 8 ? undefined : inv.reference };
    case 1:
      return {
        amount: inv.open,
        currency: 'EUR',
        remittance: `Rechnung ${inv.number
          .toLowerCase()
          .replace(/-/g, ' ')
          .replace(/(\d{3})$/, '\n$1')} vom 12.01.2026 Vielen Dank`,
      };
    case 2:
      return { amount: '50.00', currency: 'EUR', remittance: `Kd-Nr. ${inv.accountId} Abschlag Maerz` };
    default:
      return { amount: '12.34', currency: 'EUR', remittance: 'Miete Dezember Wohnung 3 OG links', counterpartyName: `FIRMA ${Math.floor(i / 4)} BAU`, counterpartyIban: inv.iban };
  }
}

const open = openInvoices(invoices);
const payments = Array.from({ length: paymentCount }, (_, i) => payment(open[i % open.length], i));
/** CPU time of this process in ms: on a busy machine closer to the work done than the wall clock. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** A full collection when node runs with --expose-gc, so the heap difference is the index alone. */
const collect = () => (globalThis as { gc?: () => void }).gc?.();
collect();
const heap0 = process.memoryUsage().heapUsed;
let c = cpuMs();
let t = performance.now();
const index = new MatchIndex(open, []);
const buildMs = performance.now() - t;
const buildCpuMs = cpuMs() - c;
collect();
const indexMiB = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
const exactHeap = typeof (globalThis as { gc?: unknown }).gc === 'function';
c = cpuMs();
t = performance.now();
const statuses = new Map<string, number>();
for (const p of payments) {
  const s = index.match(p).status;
  statuses.set(s, (statuses.get(s) ?? 0) + 1);
}
const coldMs = performance.now() - t;
const coldCpuMs = cpuMs() - c;
const lookupsPerPayment = index.lookups / paymentCount;
let warmMs = Infinity;
for (let round = 0; round < 5; round++) {
  t = performance.now();
  for (const p of payments) index.match(p);
  warmMs = Math.min(warmMs, performance.now() - t);
}
let warmBuildMs = Infinity;
for (let round = 0; round < 3; round++) {
  t = performance.now();
  new MatchIndex(open, []);
  warmBuildMs = Math.min(warmBuildMs, performance.now() - t);
}
const rssMiB = process.memoryUsage().rss / 2 ** 20;
console.log(
  `MatchIndex of ${invoices} open invoices: ${buildMs.toFixed(0)} ms cold (CPU ${buildCpuMs.toFixed(0)} ms), ${warmBuildMs.toFixed(0)} ms warm; ${exactHeap ? '' : 'about '}${indexMiB.toFixed(1)} MiB of heap${exactHeap ? '' : ' (--expose-gc for an exact figure)'}`,
);
console.log(
  `${paymentCount} payments matched: ${coldMs.toFixed(0)} ms cold (CPU ${coldCpuMs.toFixed(0)} ms), ${warmMs.toFixed(0)} ms warm (${((warmMs * 1000) / paymentCount).toFixed(1)} µs each); ${[...statuses].map(([s, k]) => `${k} ${s}`).join(', ')}`,
);
console.log(`map look-ups per payment: ${lookupsPerPayment.toFixed(1)}; RSS ${rssMiB.toFixed(0)} MiB`);
console.log(JSON.stringify({ invoices, payments: paymentCount, lookupsPerPayment, buildMs, buildCpuMs, warmBuildMs, coldMs, coldCpuMs, warmMs, indexMiB, rssMiB }));
