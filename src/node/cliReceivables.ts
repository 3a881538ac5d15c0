// The receivables commands of the `billing` CLI: bank statements in (`payments import`), payments
// listed, assigned by hand and undone, write-offs, Skonto, fees and refunds (`adjust`), SEPA
// direct-debit collections (`collect`), open items.
// cli.ts registers them with addReceivablesCommands(cmd, g, onWorkbook). The use cases refuse with a
// BillingError (not-found, refused, invalid): printed as `billing: <message>`, exit 2 (usage); a
// busy workbook and other failures go on to cli.ts's main (exit 1).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { type AdjustmentRequest, type AdjustmentResult, bookAdjustment, undoAdjustment } from '../app/receivables/adjustments';
import { cancelCollection, collectDirectDebits, type CollectReport, type CollectionFile } from '../app/receivables/collections';
import { listPayments, openItems, type OpenItemsReport } from '../app/receivables/openItems';
import { assignPayment, importPayments, type ImportReport, type PaymentSummary, type StatementFile, undoPayment } from '../app/receivables/payments';
import { isIsoDate } from '../core/dates';
import { BillingError } from '../core/errors';
import { ADJUSTMENT_WORDS } from '../core/receivables/posting';
import { dec, formatAmount } from '../core/money';
import type { memoryPorts } from './memoryHost';
import { LocalFiles } from './sepaFiles';

type CliPorts = ReturnType<typeof memoryPorts>;
interface Global {
  workbook: string;
  json?: boolean;
  dryRun?: boolean;
  user?: string;
}
type OnWorkbook = <T>(g: Global, action: (ports: CliPorts, save: () => Promise<void>) => T | Promise<T>) => Promise<T>;

/** A refusal the user can act on: printed, exit 2, nothing saved. */
class Refused extends Error {}

const USAGE_CODES = new Set(['not-found', 'refused', 'invalid', 'ambiguous']);

/** Runs a command's action; a refusal (ours or the use case's) is printed as `billing: <message>` with exit 2. */
function act<A extends unknown[]>(fn: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (e) {
      const code = e instanceof BillingError ? e.code : undefined;
      if (!(e instanceof Refused) && !(code && USAGE_CODES.has(code))) throw e;
      console.error(`billing: ${(e as Error).message}`);
      process.exitCode = 2;
    }
  };
}

/** An amount as `billing run` shows it: the currency's decimals, then the currency ("119.00 EUR"). */
export function money(amount: string, currency: string): string {
  return `${formatAmount(dec(amount), currency)} ${currency}`;
}

const pad = (s: unknown, n: number) =>
  String(s ?? '')
    .padEnd(n)
    .slice(0, n);
const padL = (s: unknown, n: number) => String(s ?? '').padStart(n);
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// ---------- text ----------

/** One payment: id, date, amount, payer, status, what it settled and why, suggestions. */
function paymentText(p: PaymentSummary): string[] {
  return [
    `  ${p.paymentId}  ${p.date}  ${money(p.amount, p.currency)}  ${p.payer || '(no payer)'}  ${p.status}`,
    ...(p.remittance ? [`    Remittance: ${p.remittance}`] : []),
    ...(p.returnReason ? [`    Return reason: ${p.returnReason}`] : []),
    `    Settles: ${p.matched || 'nothing'}`,
    ...(p.how ? [`    Match: ${p.how}`] : []),
    ...(p.suggestions ? [`    Suggestions: ${p.suggestions}`] : []),
  ];
}

function importText(r: ImportReport): string {
  const files = r.files.map((f) =>
    [
      `${f.file}: ${f.format}, ${plural(f.entries, 'entry', 'entries')}: ${f.imported} imported, ${plural(f.duplicates, 'duplicate')}, ${f.outgoing} outgoing (not receivables), ${f.skipped.length} skipped`,
      ...f.skipped.map((s) => `  skipped ${s}`),
    ].join('\n'),
  );
  const failed = r.failed.map((f) => `${f.file}: NOT READ: ${f.reason}`);
  const problems = (r.problems ?? []).map((p) => `PAYMENTS SHEET: ${p}`);
  const payments = r.payments.length ? ['', `New payments (${r.payments.length}):`, ...r.payments.flatMap(paymentText)] : ['', 'No new payments.'];
  return [...files, ...failed, ...problems, ...payments].join('\n');
}

function paymentsTable(rows: PaymentSummary[], unmatched: boolean): string {
  if (!rows.length) return unmatched ? 'No unmatched payments.' : 'No payments.';
  const line = (id: unknown, date: unknown, amount: unknown, cur: unknown, payer: unknown, status: unknown, matched: unknown, remittance: unknown) =>
    `  ${pad(id, 8)}  ${pad(date, 10)}  ${padL(amount, 12)}  ${pad(cur, 3)}  ${pad(payer, 28)}  ${pad(status, 17)}  ${pad(matched, 32)}  ${remittance}`.trimEnd();
  return [
    line('ID', 'Date', 'Amount', 'Cur', 'Payer', 'Status', 'Matched', 'Remittance'),
    ...rows.map((p) => line(p.paymentId, p.date, formatAmount(dec(p.amount), p.currency), p.currency, p.payer, p.status, p.matched, cut(p.remittance, 40))),
  ].join('\n');
}

function fileText(f: CollectionFile): string[] {
  return [
    `  ${f.messageId} (${f.tenantId}): ${plural(f.count, 'debit')}, control sum ${money(f.controlSum, 'EUR')}`,
    ...(f.file ? [`    File: ${f.file}`] : []),
    ...f.invoices.map((i) => `    ${pad(i.number, 16)} ${pad(i.account, 30)} ${padL(money(i.amount, 'EUR'), 14)}  ${[i.sequenceType, i.scheme].filter(Boolean).join(' ')}`.trimEnd()),
  ];
}

function collectText(r: CollectReport): string {
  const head = r.dryRun ? `Direct debits due by ${r.date} (dry run: nothing written)` : `Direct debits due by ${r.date}`;
  const files = r.files.length
    ? [`${plural(r.files.length, 'file')}${r.dryRun ? ' would be written' : ''}:`, ...r.files.flatMap(fileText)]
    : [`Nothing to collect: no open direct-debit invoice due by ${r.date} that is not in a file already.`];
  const problems = r.problems.length
    ? ['', `Left out (${r.problems.length}; fix the cell, then collect again):`, ...r.problems.map((p) => `  ${p.sheet} row ${p.row}, column ${p.column}, value "${p.value ?? ''}": ${p.message}`)]
    : [];
  const booked = r.booked.length ? ['', `Booked as paid on ${r.date} (Book Direct Debits):`, ...r.booked.map((b) => `  ${b.paymentId}  ${money(b.amount, b.currency)}  ${b.matched}`)] : [];
  return [head, ...files, ...problems, ...booked].join('\n');
}

function openItemsText(r: OpenItemsReport): string {
  if (!r.accounts.length) return `Open items on ${r.today}: none, every invoice is paid.`;
  const row = (no: unknown, date: unknown, due: unknown, open: unknown, status: unknown, days: unknown) =>
    `    ${pad(no, 16)} ${pad(date, 10)}  ${pad(due, 10)}  ${padL(open, 14)}  ${pad(status, 15)} ${padL(days, 12)}`.trimEnd();
  const out = [`Open items on ${r.today}`];
  for (const a of r.accounts) {
    out.push('', `${a.accountId} ${a.name}`);
    if (a.items.length) {
      out.push(row('Invoice', 'Date', 'Due', 'Open', 'Status', 'Days overdue'));
      for (const i of a.items) {
        out.push(`${row(i.number, i.invoiceDate, i.dueDate, money(i.open, i.currency), i.status, i.daysOverdue > 0 ? i.daysOverdue : '')}${i.collection ? `  (direct debit ${i.collection})` : ''}`);
      }
    }
    for (const t of a.totals) out.push(`    Total ${t.currency}: open ${money(t.open, t.currency)}, overdue ${money(t.overdue, t.currency)}, credit ${money(t.credit, t.currency)}`);
  }
  out.push('', 'All accounts:', ...r.totals.map((t) => `  ${t.currency}: open ${money(t.open, t.currency)}, overdue ${money(t.overdue, t.currency)}`));
  return out.join('\n');
}

const KIND_WORDS: Record<string, string> = { ...ADJUSTMENT_WORDS, reversal: 'undo' };

/** A booked adjustment and what it left: the invoice's status and open amount, or the account's credit. */
function adjustmentText(r: AdjustmentResult, dryRun: boolean): string {
  const on = r.number ? `on ${r.number}` : `to account ${r.accountId}`;
  const head = r.repeated
    ? `Already booked as ${r.balanceId} (same request key): nothing new was written.`
    : r.reverses
      ? `Undone ${r.reverses} with ${r.balanceId} (${money(r.amount, r.currency)} ${on}, ${r.date})${dryRun ? ' (dry run: nothing saved)' : ''}.`
      : `Booked ${r.balanceId}: ${KIND_WORDS[r.kind] ?? r.kind} ${money(r.amount, r.currency)} ${on}, ${r.date}${dryRun ? ' (dry run: nothing saved)' : ''}.`;
  const after = r.number
    ? `${r.number} is now ${r.paymentStatus}: open ${money(r.open ?? '0', r.currency)}${r.paidOn ? `, paid on ${r.paidOn}` : ''}.`
    : `Credit on account ${r.accountId}: ${money(r.credit, r.currency)}.`;
  return [head, ...(r.reason ? [`Reason: ${r.reason}`] : []), after].join('\n');
}

// ---------- commands ----------

const EXAMPLES: Record<string, string[]> = {
  import: ['statements/2026-12.xml statements/umsaetze.csv'],
  list: ['list --unmatched'],
  assign: ['assign P-000004 RE-2026-00004'],
  undo: ['undo P-000004'],
  collect: ['collect --date 2026-12-15 --dry-run', 'collect --cancel DD-20261215-0123456789ab'],
  'open-items': ['open-items --account ACC-001', '--json open-items'],
  'write-off': ['write-off RE-2026-00004 --reason "customer insolvent"', 'write-off RE-2026-00004 --amount 0.37 --date 2026-12-05'],
  skonto: ['skonto RE-2026-00004 --percent 2 --date 2026-12-03', 'skonto RE-2026-00004 --amount 23.80'],
  fee: ['fee RE-2026-00004 --amount 7.50 --reason "return debit charge"'],
  refund: ['refund ACC-003 --amount 11.00 --reason "paid back by transfer"'],
  'adjust undo': ['undo B-0000123 --reason "booked on the wrong invoice"'],
};

const example = (c: Command, prefix = '') => c.addHelpText('after', `\nExample:\n${(EXAMPLES[c.name()] ?? []).map((l) => `  billing -w billing.xlsx ${prefix}${l}`).join('\n')}`);

/** Adds `payments`, `collect` and `open-items` to the program. */
export function addReceivablesCommands(cmd: Command, g: () => Global, onWorkbook: OnWorkbook): void {
  const print = (data: unknown, text: () => string) => console.log(g().json ? JSON.stringify(data, null, 2) : text());
  const payments = cmd.command('payments').description('bank statements in, payments matched to invoices, assigned by hand or undone');

  const imp = payments
    .command('import <files...>')
    .description(
      'read bank statements (camt.053/.054 XML, or a bank CSV export with the columns named in Settings "Bank CSV Columns"): each booked credit and return becomes a payment, matched to its invoices',
    )
    .action(
      act(async (names: string[]) => {
        const files: StatementFile[] = [];
        const unreadable: ImportReport['failed'] = [];
        for (const name of names) {
          try {
            files.push({ name: basename(name), bytes: new Uint8Array(readFileSync(name)) });
          } catch (e) {
            unreadable.push({ file: name, reason: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message });
          }
        }
        const read = files.length ? await onWorkbook(g(), (ports) => importPayments(ports, files)) : { files: [], payments: [], failed: [] };
        const r: ImportReport = { ...read, failed: [...unreadable, ...read.failed] };
        print(r, () => `${importText(r)}${g().dryRun ? '\n(dry run: nothing saved)' : ''}`);
        if (r.failed.length) process.exitCode = 2;
      }),
    );
  example(imp, 'payments ');

  const list = payments
    .command('list')
    .description('the Payments sheet, newest first')
    .option('--unmatched', 'only payments not (fully) matched')
    .action(
      act(async (o: { unmatched?: boolean }) => {
        const rows = await onWorkbook({ ...g(), dryRun: true }, (ports) => listPayments(ports, { unmatched: o.unmatched }));
        print(rows, () => paymentsTable(rows, !!o.unmatched));
      }),
    );
  example(list, 'payments ');

  const assign = payments
    .command('assign <payment> <invoices...>')
    .description('assign a payment by hand to invoices (numbers or ids), oldest first; what they do not need stays a credit on the account')
    .action(
      act(async (id: string, invoices: string[]) => {
        const p = await onWorkbook(g(), (ports) => assignPayment(ports, id, invoices));
        print(p, () => [`Assigned ${p.paymentId}${g().dryRun ? ' (dry run: nothing saved)' : ''}:`, ...paymentText(p)].join('\n'));
      }),
    );
  example(assign, 'payments ');

  const undo = payments
    .command('undo <payment>')
    .description('undo what a payment settles: it is unmatched again, its invoices open again')
    .action(
      act(async (id: string) => {
        const p = await onWorkbook(g(), (ports) => undoPayment(ports, id));
        print(p, () => [`Undone ${p.paymentId}${g().dryRun ? ' (dry run: nothing saved)' : ''}:`, ...paymentText(p)].join('\n'));
      }),
    );
  example(undo, 'payments ');

  const collect = cmd
    .command('collect')
    .description('SEPA direct debits: the open invoices of direct-debit accounts due by --date into a pain.008.001.08 file per company in <out>/<tenant>/sepa/')
    .option('--date <YYYY-MM-DD>', 'the requested collection date: invoices due by then are collected')
    .option('--tenant <id>', 'only this company profile')
    .option('--cancel <messageId>', 'cancel a collection file not submitted to the bank: its invoices may be collected again')
    .option('--out <dir>', 'output folder', 'out')
    .action(
      act(async (o: { date?: string; tenant?: string; cancel?: string; out: string }) => {
        if (o.cancel) {
          if (o.date || o.tenant) throw new Refused('collect --cancel <messageId> takes no --date or --tenant');
          const c = await onWorkbook(g(), (ports) => cancelCollection({ ...ports, files: new LocalFiles(o.out) }, o.cancel!));
          print(c, () =>
            [
              `Cancelled collection ${c.messageId} (${c.tenantId}): ${plural(c.count, 'debit')}, control sum ${money(c.controlSum, 'EUR')}; its invoices may be collected again.`,
              ...c.invoices.map((i) => `    ${pad(i.number, 16)} ${pad(i.account, 30)} ${padL(money(i.amount, 'EUR'), 14)}`.trimEnd()),
              ...(c.file ? [`  The file ${c.file} stays: do not submit it to the bank.`] : []),
            ].join('\n'),
          );
          return;
        }
        if (!o.date) throw new Refused('give the collection date as --date YYYY-MM-DD (or --cancel <messageId>)');
        if (!isIsoDate(o.date)) throw new Refused(`--date ${o.date} is not a date in the form YYYY-MM-DD`);
        const dryRun = !!g().dryRun;
        const r = await onWorkbook(g(), (ports) => collectDirectDebits({ ...ports, files: new LocalFiles(o.out) }, { date: o.date!, dryRun, tenantId: o.tenant }));
        print(r, () => collectText(r));
        if (r.problems.length) process.exitCode = 1;
      }),
    );
  example(collect);

  const open = cmd
    .command('open-items')
    .description('what is still to be paid: per account the open invoices with due date and days overdue, totals per currency')
    .option('--account <id>', 'only this account')
    .action(
      act(async (o: { account?: string }) => {
        const r = await onWorkbook({ ...g(), dryRun: true }, (ports) => openItems(ports, { accountId: o.account }));
        print(r, () => openItemsText(r));
      }),
    );
  example(open);
  const adjust = addAdjustCommands(cmd, g, onWorkbook);
  // cli.ts's main makes its commands throw instead of exiting; these are one level further down.
  for (const c of [...payments.commands, ...adjust.commands]) c.exitOverride();
}

interface AdjustOptions {
  amount?: string;
  percent?: string;
  currency?: string;
  reason?: string;
  date?: string;
  key?: string;
  again?: boolean;
}

/**
 * `adjust write-off|skonto|fee|refund|undo`. Without --key, the same booking (kind, invoice or
 * account, amount, date) standing already is refused naming its row: a command run again after a
 * crash books nothing twice; --again books a second one on purpose.
 */
function addAdjustCommands(cmd: Command, g: () => Global, onWorkbook: OnWorkbook): Command {
  const adjust = cmd.command('adjust').description('write-offs, Skonto and fees on an invoice, refunds out of an account credit, and their undo: rows of the Balances ledger');
  const book = (kind: string) =>
    act(async (target: string, o: AdjustOptions) => {
      if (o.date && !isIsoDate(o.date)) throw new Refused(`--date ${o.date} is not a date in the form YYYY-MM-DD`);
      const req: AdjustmentRequest = { kind, target, amount: o.amount, percent: o.percent, currency: o.currency?.toUpperCase(), reason: o.reason, date: o.date, key: o.key, again: o.again };
      const r = await onWorkbook(g(), (ports) => bookAdjustment(ports, req));
      console.log(g().json ? JSON.stringify(r, null, 2) : adjustmentText(r, !!g().dryRun));
    });
  const common = (c: Command) =>
    c
      .option('--reason <text>', 'why (kept in the Balances row and the Log)')
      .option('--date <YYYY-MM-DD>', 'the date it counts from (default: today)')
      .option('--key <id>', 'a request key: the same key again books nothing and prints the row booked with it')
      .option('--again', 'book it even if the same booking (kind, invoice or account, amount, date) stands already');
  const wo = common(
    adjust.command('write-off <invoice>').description('write off what is open on an invoice (all of it unless --amount)').option('--amount <amount>', 'how much (default: all that is open)'),
  );
  const sk = common(
    adjust
      .command('skonto <invoice>')
      .description('a cash discount (Skonto) the customer deducted: lowers what is open')
      .option('--amount <amount>', 'how much')
      .option('--percent <percent>', "or a percent of the invoice's payable total (rounded half-up to the cent)"),
  );
  const fee = common(adjust.command('fee <invoice>').description('a fee on an invoice (a return-debit charge passed on, a dunning fee): raises what is open').option('--amount <amount>', 'how much'));
  const rf = common(
    adjust
      .command('refund <account>')
      .description("money paid back out of an account's credit (never more than the credit)")
      .option('--amount <amount>', 'how much')
      .option('--currency <code>', "the credit's currency (default: the account's)"),
  );
  for (const [c, kind] of [
    [wo, 'write-off'],
    [sk, 'skonto'],
    [fee, 'fee'],
    [rf, 'refund'],
  ] as const)
    c.action(book(kind));
  const undo = adjust
    .command('undo <balanceId>')
    .description('undo a write-off, Skonto, fee or refund by its Balance ID (a reversal row); payments are undone with `payments undo`')
    .option('--reason <text>', 'why')
    .option('--date <YYYY-MM-DD>', 'the date of the reversal row (default: today)')
    .action(
      act(async (id: string, o: { reason?: string; date?: string }) => {
        if (o.date && !isIsoDate(o.date)) throw new Refused(`--date ${o.date} is not a date in the form YYYY-MM-DD`);
        const r = await onWorkbook(g(), (ports) => undoAdjustment(ports, { balanceId: id, reason: o.reason, date: o.date }));
        console.log(g().json ? JSON.stringify(r, null, 2) : adjustmentText(r, !!g().dryRun));
      }),
    );
  for (const c of [wo, sk, fee, rf]) example(c, 'adjust ');
  undo.addHelpText('after', `\nExample:\n  billing -w billing.xlsx adjust ${EXAMPLES['adjust undo'][0]}`);
  return adjust;
}
