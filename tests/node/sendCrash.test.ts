// Real crashes of `billing send` over SMTP: the CLI is killed (SIGKILL, BILLING_CRASH_AT=n) at its
// n-th write point (every file written or renamed, every mail handed to the SMTP server; see
// src/node/crashPoint.ts), then `send` runs again, and a user who checks the server's log settles
// what it reports as uncertain (`mark-sent` if the server has it, `send --resend` if not).
// Checked per crash point: no mail delivered twice, at most the one mail in flight reported
// uncertain, nothing failed, and in the end every invoice delivered exactly once and recorded as
// sent. The SMTP server on 127.0.0.1 counts deliveries per Message-ID.
//
// A clean send of the demo's 32 invoices passes over a hundred write points, each run costs a few
// seconds: by default the crash is tried at the first point of every kind, around the first
// batch's results and at the end (see crashPoints); SEND_CRASH_ALL=1 crashes at every point
// (half an hour on a busy machine). After each trial the ledger invariants are checked too
// (tests/support/invariants.ts; the other commands' crash matrix is crashMatrix.test.ts).
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkbook } from '../../src/node/xlsxWorkbook';
import type { RawWorkbook } from '../../src/core/dataset';
import { ledgerViolations } from '../support/invariants';
import { startSmtp, type Smtp } from '../support/smtpServer';

const BIN = join(__dirname, '..', '..', 'bin', 'billing.mjs');
const NOW = '2026-12-02T10:00:00Z';
const BOOK = 'book.xlsx';

interface Run {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** `billing -w book.xlsx <args>` in `cwd` (async: the SMTP server in this process must keep answering). */
function billing(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(BILLING_|SMTP_)/.test(k)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '-w', BOOK, ...args], { cwd, env: { ...clean, BILLING_NOW: NOW, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

async function ok(cwd: string, args: string[]): Promise<Run> {
  const r = await billing(cwd, args);
  if (r.code !== 0) throw new Error(`billing ${args.join(' ')} exited ${r.code ?? r.signal}: ${r.stderr || r.stdout}`);
  return r;
}

interface SendJson {
  sent: { invoiceId: string; number: string; recovered?: boolean }[];
  uncertain: { invoiceId: string; number: string }[];
  failed: { invoiceId: string; number?: string; reason: string }[];
}

function sendJson(r: Run, what: string): SendJson {
  try {
    return JSON.parse(r.stdout) as SendJson;
  } catch {
    throw new Error(`${what}: no JSON report (exit ${r.code ?? r.signal}): ${r.stderr || r.stdout}`);
  }
}

/** Message-IDs the server accepted, counted. */
const deliveries = new Map<string, number>();
const messageId = (invoiceId: string, tenantId: string) => `<${invoiceId}.${tenantId}@sheets-billing.invalid>`;

let server: Smtp;
let port = 0;
let root = '';
let base = '';
let trace: { n: number; label: string }[] = [];
/** Every finalized invoice: number → Message-ID. */
const invoices = new Map<string, string>();

beforeAll(async () => {
  server = await startSmtp((m) => {
    deliveries.set(m.messageId, (deliveries.get(m.messageId) ?? 0) + 1);
    return 'accept';
  });
  port = server.port;

  // The demo workbook with November billed, finalized and its PDFs made: what every trial starts from.
  root = mkdtempSync(join(tmpdir(), 'billing-sendcrash-'));
  base = join(root, 'base');
  mkdirSync(base);
  await ok(base, ['init', '--demo']);
  await ok(base, ['run', '--period', '2026-11']);
  await ok(base, ['finalize']);
  await ok(base, ['pdf', '--out', 'out']);
  const book = await openWorkbook(join(base, BOOK));
  for (const i of book.tables.objects('Invoices')) if (i['Number']) invoices.set(String(i['Number']), messageId(String(i['Invoice ID']), String(i['Tenant'])));

  // A clean send, traced: the write points to crash at.
  const dir = copyOfBase('trace');
  deliveries.clear();
  const r = await billing(dir, ['--json', 'send', ...smtpArgs()], { BILLING_CRASH_TRACE: join(dir, 'trace.txt') });
  const report = sendJson(r, 'clean send');
  expect([r.code, report.uncertain, report.failed, report.sent.length]).toEqual([0, [], [], invoices.size]);
  expect([...invoices.values()].filter((id) => deliveries.get(id) !== 1)).toEqual([]);
  trace = readFileSync(join(dir, 'trace.txt'), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [, n, label] = /^(\d+) (.*)$/.exec(l)!;
      return { n: Number(n), label };
    });
}, 300_000);

afterAll(async () => {
  await server.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

const smtpArgs = () => ['--smtp-host', '127.0.0.1', '--smtp-port', String(port), '--out', 'out'];

function copyOfBase(name: string): string {
  const dir = join(root, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(base, dir, { recursive: true });
  return dir;
}

/** The kind of a write point: its label without the file name (one kind per outbox step, the workbook save, the state file...). */
const kind = (label: string) => label.replace(/(RE|CH)-\d{4}-\d+/g, '<number>').replace(/book\.xlsx[\w.-]*/g, '<book>');

/**
 * Crash points to try (SEND_CRASH_ALL=1: every one): the first point of every kind (lock, state
 * file, the first save, the first mail's .pending.eml, SMTP hand-over and acceptance...), the last
 * point before the first batch's results are saved, the second batch's first hand-over, and the end.
 */
function crashPoints(): number[] {
  const all = trace.map((t) => t.n);
  if (process.env.SEND_CRASH_ALL === '1') return all;
  const chosen = new Set<number>();
  const seen = new Set<string>();
  for (const t of trace) {
    if (!seen.has(kind(t.label))) chosen.add(t.n);
    seen.add(kind(t.label));
  }
  const saves = trace.filter((t) => t.label === 'send: save the workbook');
  if (saves.length > 1) {
    // The second save carries the first batch's results: crash just before it is in place, and at the next batch's first hand-over.
    const results = saves[1].n;
    chosen.add(trace.find((t) => t.n > results && /rename/.test(t.label))?.n ?? results);
    const handOver = trace.find((t) => t.n > results && t.label === 'send: hand the mail to the SMTP server');
    if (handOver) chosen.add(handOver.n);
  }
  chosen.add(all[all.length - 1]);
  return [...chosen].sort((a, b) => a - b);
}

describe('send killed at a write point, then sent again by a user who checks the server', () => {
  it('never delivers a mail twice, reports at most the one mail in flight as uncertain, and ends with every invoice delivered once', async () => {
    const problems: string[] = [];
    // The outbox steps of every mail and the batch saves are write points a crash can hit.
    const kinds = new Set(trace.map((t) => kind(t.label)));
    for (const k of [
      'send: the .pending.eml: temp file',
      'send: the .pending.eml: rename',
      'send: hand the mail to the SMTP server',
      'send: record the acceptance (.pending.eml → .eml)',
      'send: save the workbook',
    ]) {
      if (!kinds.has(k)) problems.push(`a clean send passes no "${k}" write point`);
    }
    const rows: { n: number; label: string; uncertain: number; recovered: number; retried: number; resent: number; markedSent: number }[] = [];
    for (const n of crashPoints()) {
      const label = trace[n - 1].label;
      const at = `crash at point ${n} (${label})`;
      const problemsBefore = problems.length;
      const dir = copyOfBase(`crash-${n}`);
      deliveries.clear();
      const crashed = await billing(dir, ['--json', 'send', ...smtpArgs()], { BILLING_CRASH_AT: String(n), BILLING_CRASH_TRACE: join(dir, 'trace.txt') });
      const reached = readFileSync(join(dir, 'trace.txt'), 'utf8').trim().split('\n').pop() ?? '';
      if (crashed.code === 0 || kind(reached) !== kind(`${n} ${label}`)) problems.push(`${at}: the send was not killed there (exit ${crashed.code ?? crashed.signal}, last point "${reached}")`);
      const before = new Map(deliveries);

      const again = sendJson(await billing(dir, ['--json', 'send', ...smtpArgs()]), `${at}: send again`);
      for (const f of again.failed) problems.push(`${at}: ${f.number ?? f.invoiceId} failed on the next send: ${f.reason}`);
      if (again.uncertain.length > 1) problems.push(`${at}: ${again.uncertain.length} invoices uncertain (${again.uncertain.map((u) => u.number).join(', ')}), more than the one in flight`);
      for (const [number, id] of invoices) {
        if ((deliveries.get(id) ?? 0) > 1) problems.push(`${at}: ${number} delivered ${deliveries.get(id)} times by the crashed send and the next one`);
      }
      for (const s of again.sent.filter((x) => x.recovered)) {
        if (before.get(invoices.get(s.number)!) !== 1) problems.push(`${at}: ${s.number} recorded as delivered, but the server did not get it`);
      }

      rows.push({
        n,
        label,
        uncertain: again.uncertain.length,
        recovered: again.sent.filter((s) => s.recovered).length,
        retried: again.sent.filter((s) => !s.recovered).length,
        resent: 0,
        markedSent: 0,
      });
      // A trial that already went wrong is not settled by hand (it could mean checking dozens of invoices).
      if (problems.length > problemsBefore) continue;
      // The user checks the server's log for each uncertain invoice.
      let resent = 0;
      let markedSent = 0;
      for (const u of again.uncertain) {
        if ((deliveries.get(invoices.get(u.number)!) ?? 0) > 0) {
          await ok(dir, ['mark-sent', u.number]);
          markedSent++;
        } else {
          const r = sendJson(await billing(dir, ['--json', 'send', u.number, '--resend', ...smtpArgs()]), `${at}: resend ${u.number}`);
          if (r.sent.map((s) => s.number).join() !== u.number) problems.push(`${at}: resending ${u.number} did not send it: ${JSON.stringify(r)}`);
          resent++;
        }
      }
      for (const [number, id] of invoices) {
        if (deliveries.get(id) !== 1) problems.push(`${at}: ${number} delivered ${deliveries.get(id) ?? 0} times in the end`);
      }
      const book = await openWorkbook(join(dir, BOOK));
      for (const v of ledgerViolations(Object.fromEntries(book.tables.sheets) as RawWorkbook)) problems.push(`${at}: ${v}`);
      for (const i of book.tables.objects('Invoices')) {
        if (i['Number'] && i['Delivery'] !== 'sent') problems.push(`${at}: ${i['Number']} ends as "${i['Delivery']}", not sent`);
      }
      Object.assign(rows[rows.length - 1], { resent, markedSent });
      rmSync(dir, { recursive: true, force: true });
    }
    console.log(
      [
        `send crash trials: ${rows.length} of ${trace.length} write points, ${invoices.size} invoices; uncertain after a crash: ${rows.reduce((a, r) => a + r.uncertain, 0)} in total, at most ${Math.max(...rows.map((r) => r.uncertain))} per crash`,
        'point  uncertain recovered retried resent marked  label',
        ...rows.map(
          (r) =>
            `${String(r.n).padStart(5)}  ${String(r.uncertain).padStart(9)} ${String(r.recovered).padStart(9)} ${String(r.retried).padStart(7)} ${String(r.resent).padStart(6)} ${String(r.markedSent).padStart(6)}  ${r.label}`,
        ),
      ].join('\n'),
    );
    expect(problems).toEqual([]);
  }, 900_000);
});
