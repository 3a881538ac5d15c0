// Benchmark body for the Apps Script host, on the fake runtime of tests/support (every service call
// counted and charged a typical latency): a monthly cycle of N invoices driven like the sidebar
// (run, finalize, documents, send in ~20 s calls), then the month's bank statement imported.
// Reports Spreadsheet calls per table and phase, Drive/Docs/Mail calls per invoice, and simulated
// Apps Script seconds per invoice.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { FakeSpreadsheet } from '../../tests/support/gasFakes';
import { addOn, rowsOf, seedCustomers } from '../../tests/support/gasHarness';
import { camt053 } from '../../src/node/sampleStatement';

/** Every execution first evaluates dist/Code.js: its top-level time (compile and run), median of 21. */
function startupMs(): number {
  const code = readFileSync(join(__dirname, '../../dist/Code.js'), 'utf8');
  const times = Array.from({ length: 21 }, () => {
    const t0 = performance.now();
    new vm.Script(code, { filename: 'Code.js' }).runInContext(vm.createContext({}));
    return performance.now() - t0;
  });
  return times.sort((a, b) => a - b)[10];
}
const startup = startupMs();

const n = Number(process.argv[2] ?? 500);
const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: Date.parse('2026-12-02T08:00:00Z') });
seedCustomers(ss, n);
Object.assign(ss.quotas, { docsPerDay: 100000, mailRecipientsPerDay: 100000 });
const admin = addOn(ss);
admin.exec('setupBillingSheets');

type Phase = { name: string; calls: Record<string, number>; executions: number; simulatedMs: number; realMs: number };
const phases: Phase[] = [];
function phase(name: string, body: (call: (fn: string, ...a: unknown[]) => any) => void) {
  const before = { ...ss.counters };
  const t0 = ss.now();
  const r0 = performance.now();
  let executions = 0;
  body((fn, ...a) => {
    executions++;
    return admin.exec(fn, ...a);
  });
  const calls: Record<string, number> = {};
  for (const [k, v] of Object.entries(ss.counters)) if (v !== (before[k] ?? 0)) calls[k] = v - (before[k] ?? 0);
  phases.push({ name, calls, executions, simulatedMs: ss.now() - t0, realMs: performance.now() - r0 });
}

phase('run', (call) => {
  let r = call('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
  while (!r.done) r = call('continueRun', r.runId);
});
phase('finalize', (call) => call('finalizeInvoices', {}));
phase('documents', (call) => {
  while (call('renderDocuments', {}).remaining);
});
phase('send', (call) => {
  while (!call('sendInvoices', {}).done);
});
// The bank statement of the month: every invoice paid by a transfer naming its number (every
// tenth pays half), imported as the Payments panel sends a file: one call, one bulk read and
// write per sheet.
phase('payments', (call) => {
  const bookings = rowsOf(ss, 'Invoices')
    .filter((i) => i.Number)
    .map((i, k) => ({ date: '2026-12-03', amount: (Number(i.Payable) / (k % 10 === 9 ? 2 : 1)).toFixed(2), name: String(i['Buyer Name'] ?? ''), text: `Rechnung ${i.Number}` }));
  const text = camt053({ id: 'STMT-BENCH', iban: 'DE89370400440532013000', owner: 'Bench GmbH', created: '2026-12-03T06:00:00', bookings });
  const r = call('importPayments', [{ name: 'STMT-BENCH.xml', text }]);
  if (r.failed.length || r.files[0].imported !== bookings.length) throw new Error(`the statement did not import: ${JSON.stringify(r.failed)}`);
});

const sheetCalls = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([k]) => /^(getValues|setValues|deleteRows):/.test(k))
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
// Round trips to Drive, Docs and Mail; getters and the open document's sections are local.
const serviceCalls = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([k]) => /^(DriveApp|DocumentApp|Folder|File|Document|MailApp|Iterator)\./.test(k) && !/^(File|Folder)\.get(Id|Url|Name)$|^Document\.get(Body|Header|Footer)$/.test(k))
    .reduce((s, [, v]) => s + v, 0);
const elementCalls = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([k]) => k.startsWith('Element.'))
    .reduce((s, [, v]) => s + v, 0);
console.log(
  JSON.stringify({
    invoices: n,
    startupMs: startup,
    phases: phases.map((p) => ({
      name: p.name,
      executions: p.executions,
      sheetCalls: sheetCalls(p.calls),
      sheetCallCount: Object.entries(p.calls)
        .filter(([k]) => /^(getValues|setValues|deleteRows)$/.test(k))
        .reduce((s, [, v]) => s + v, 0),
      servicePerInvoice: serviceCalls(p.calls) / n,
      elementPerInvoice: elementCalls(p.calls) / n,
      simulatedSecPerInvoice: p.simulatedMs / 1000 / n,
      simulatedMin: p.simulatedMs / 60000,
      realMs: p.realMs,
    })),
  }),
);
