// The command-line interface of the local host: `billing <command>` on an .xlsx workbook.
import { Command, Option } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInvoicing, type RunReport } from '../app/runInvoicing';
import { cancelInvoice, createManualInvoice, creditInvoice, finalizeInvoices, verifyLedger, type LedgerReport } from '../app/ledgerActions';
import { detail, summarize, type InvoiceDetail, type InvoiceSummary } from '../app/summary';
import { readDataset } from '../app/workbook';
import { isIsoDate, monthRange } from '../core/dates';
import { dec, formatAmount, sum as sumAmounts } from '../core/money';
import { revenueByMonth } from '../core/report';
import { previewDrafts, renderFinalPdfs } from './documents';
import { assertNotOpenElsewhere, withFileLock } from './fileLock';
import { JsonFileStore } from './jsonStore';
import { outboxFiles, sendInvoices } from './outbox';
import { markSent } from '../app/delivery';
import { receiveInvoices } from '../app/receive';
import { readIncoming } from './receiveFiles';
import { progressBar } from './progress';
import { memoryPorts } from './memoryHost';
import { addReceivablesCommands } from './cliReceivables';
import { LocalFiles } from './sepaFiles';
import { createWorkbook, NotAWorkbook, openWorkbook } from './xlsxWorkbook';
import { STARTER_COUNTRIES, STARTER_DEFAULT_COUNTRY } from '../core/starterTaxRules';
import { checkLine, inLineTerms, invoiceTypeOption, LINE_HELP, LineError, lineFromOption, linesFromCsv, type RawLine, SAVED_AS } from './manualLines';

// The demo workbook's rows, written as data by `npm run build` (from sheets-templates/): read, not
// imported, so demo code is never part of the CLI. Next to the compiled CLI, or in lib/ from source.
function demoRows(): Parameters<typeof createWorkbook>[1] {
  const file = [join(__dirname, 'demo-rows.json'), join(__dirname, '../../lib/demo-rows.json')].find((f) => existsSync(f));
  if (!file) throw new Failed('the demo data (lib/demo-rows.json) is missing: run `npm run build` in the project first');
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The version of the package, from its package.json (next to lib/ when compiled, two up from src/node). */
function version(): string {
  const file = [join(__dirname, '../package.json'), join(__dirname, '../../package.json')].find((f) => existsSync(f));
  return file ? String(JSON.parse(readFileSync(file, 'utf8')).version) : 'unknown';
}

/** Checks the names given with --tenant, --filter and --tx-filter against the workbook, naming the known ones. */
function checkNames(ports: ReturnType<typeof memoryPorts>, o: { tenant?: string; filter?: string; txFilter?: string[] }) {
  if (!o.tenant && !o.filter && !o.txFilter?.length) return;
  const ds = readDataset(ports, ['Settings', 'Filters']);
  const known = (names: Iterable<string>) => [...new Set(names)].join(', ') || 'none';
  if (o.tenant && !ds.tenantById.has(o.tenant)) throw new Failed(`unknown --tenant ${o.tenant}: the Settings sheet has ${known(ds.tenantById.keys())}`);
  const filters = new Set(ds.filters.map((f) => f.name));
  for (const [flag, name] of [['--filter', o.filter], ...(o.txFilter ?? []).map((n) => ['--tx-filter', n])]) {
    if (name && !filters.has(name)) throw new Failed(`unknown ${flag} ${name}: the Filters sheet has ${known(filters)}`);
  }
}

const EXIT_CODES = `
Exit codes: 0 done; 1 the work failed in part or whole (bad rows, refused invoices, a busy
workbook, a failed send); 2 a usage error (a wrong or missing option, argument or file).`;

/** One or two examples per command, shown at the end of its help. */
const EXAMPLES: Record<string, string[]> = {
  init: ['init --demo'],
  run: ['run --period 2026-11 --invoice-date 2026-12-01', '--json --dry-run run --from 2026-11-01 --to 2026-11-15 --tenant DE'],
  drafts: ['drafts', '--json drafts'],
  invoice: ['invoice --account ACC-001 --line "SETUP; 1" --line "Travel to Munich; 1; 412.50; standard; 2026-11-14"', 'invoice --account ACC-001 --proforma --date 2026-12-01 --lines-csv lines.csv'],
  finalize: ['finalize', 'finalize I-000042 I-000043 --invoice-date 2026-12-01'],
  cancel: ['cancel RE-2026-00002 --reason "wrong customer" --release-transactions'],
  credit: ['credit RE-2026-00003 --amount 100.00 --reason goodwill', 'credit RE-2026-00003 --lines 1,3'],
  preview: ['preview --out out'],
  pdf: ['pdf --out out'],
  send: ['send --out out --smtp-host smtp.example.com --smtp-user billing', 'send --resend RE-2026-00001'],
  'mark-sent': ['mark-sent RE-2026-00001'],
  report: ['report', '--json report'],
  receive: ['receive --rules ~/einvoice-rules inbox/*.xml inbox/*.pdf'],
  verify: ['verify'],
};

interface Global {
  workbook: string;
  json?: boolean;
  dryRun?: boolean;
  user?: string;
}

class Failed extends Error {}

function out(g: Global, data: unknown, text: () => string) {
  console.log(g.json ? JSON.stringify(data, null, 2) : text());
}

/** The invoices as a table with headings; with `totals`, a total row per currency. */
function table(rows: InvoiceSummary[], totals = false): string {
  if (!rows.length) return '  (none)';
  const pad = (s: unknown, n: number) =>
    String(s ?? '')
      .padEnd(n)
      .slice(0, n);
  const padL = (s: unknown, n: number) => String(s ?? '').padStart(n);
  const line = (no: unknown, status: unknown, buyer: unknown, cur: unknown, net: unknown, tax: unknown, gross: unknown, payable: unknown) =>
    `  ${pad(no, 15)} ${pad(status, 9)} ${pad(buyer, 28)} ${pad(cur, 3)} ${padL(net, 11)} ${padL(tax, 10)} ${padL(gross, 11)} ${padL(payable, 11)}`;
  const body = rows.map((d) => line(d.number ?? d.invoiceId, d.status, d.buyerName, d.currency, d.net, d.tax, d.gross, d.payable));
  const sums: string[] = [];
  if (totals) {
    for (const cur of [...new Set(rows.map((r) => r.currency))].sort()) {
      const of = rows.filter((r) => r.currency === cur);
      const total = (k: 'net' | 'tax' | 'gross' | 'payable') => formatAmount(sumAmounts(of.map((r) => dec(r[k]))), cur);
      sums.push(line(`Total (${of.length})`, '', '', cur, total('net'), total('tax'), total('gross'), total('payable')));
    }
  }
  return [line('Invoice', 'Status', 'Buyer', 'Cur', 'Net', 'Tax', 'Gross', 'Payable'), ...body, ...sums].join('\n');
}

/** Each invoice's warnings (its Warnings column: catch-up periods, tax rules, missing data), one invoice a line. */
function warningsText(rows: InvoiceSummary[]): string[] {
  const warned = rows.filter((d) => d.warnings);
  if (!warned.length) return [];
  return [
    '',
    `Warnings (${warned.length} ${warned.length === 1 ? 'invoice' : 'invoices'} to look at):`,
    ...warned.map((d) => `  ${d.number ?? d.invoiceId} (${d.subscriptionId ?? d.accountId}): ${d.warnings}`),
  ];
}

/** The invoices with their lines, tax groups and notes, as the workbook holds them now (for --json and `invoice`). */
function detailsOf(ports: ReturnType<typeof memoryPorts>, ids: readonly string[]): InvoiceDetail[] {
  const ds = readDataset(ports, ['Settings', 'Invoices', 'InvoiceLines']);
  const byId = new Map(ds.invoices.map((r) => [r.record.invoiceId, r.record]));
  return ids.flatMap((id) => {
    const i = byId.get(id);
    const lines = (ds.linesByInvoice.get(id) ?? []).map((r) => r.record);
    return i ? [detail(i, lines, ds.tenantById.get(i.tenantId)?.roundingMode)] : [];
  });
}

/** One invoice with its lines, tax breakdown and totals, as text. */
function detailText(d: InvoiceDetail): string {
  const n = (s: unknown, w: number) => String(s ?? '').padStart(w);
  const t = (s: unknown, w: number) =>
    String(s ?? '')
      .padEnd(w)
      .slice(0, w);
  const period = (l: InvoiceDetail['lines'][number]) => (l.serviceStart ? (l.serviceEnd && l.serviceEnd !== l.serviceStart ? `${l.serviceStart}..${l.serviceEnd}` : l.serviceStart) : '');
  const row = (no: unknown, desc: unknown, per: unknown, qty: unknown, unit: unknown, price: unknown, net: unknown, tax: unknown) =>
    `  ${n(no, 2)}  ${t(desc, 30)} ${t(per, 22)} ${n(qty, 8)} ${t(unit, 4)} ${n(price, 11)} ${n(net, 11)}  ${tax}`;
  return [
    row('#', 'Description', 'Service period', 'Quantity', 'Unit', 'Unit price', 'Net', 'Tax'),
    ...d.lines.map((l) => row(l.lineNo, l.description, period(l), l.quantity, l.unit, l.unitPrice, l.net, `${l.taxCategory} ${l.taxRate}%`)),
    '',
    ...d.taxBreakdown.map((g) => `  Tax ${g.category} ${g.rate}% on ${g.taxable}: ${g.tax}${g.exemptionText ? ` (${g.exemptionText})` : ''}`),
    `  Net ${d.net}  Tax ${d.tax}  Gross ${d.gross}${dec(d.rounding).isZero() ? '' : `  Cash rounding ${d.rounding}`}  Payable ${d.payable} ${d.currency}`,
    ...(d.taxNote ? [`  Note: ${d.taxNote.replace(/\n/g, ' ')}`] : []),
  ].join('\n');
}

/** Opens the workbook under its lock, runs the action on it and saves unless --dry-run. */
async function onWorkbook<T>(g: Global, action: (ports: ReturnType<typeof memoryPorts>, save: () => Promise<void>) => T | Promise<T>): Promise<T> {
  if (!existsSync(g.workbook)) throw new Failed(`workbook ${g.workbook} not found (create one with: billing init --workbook ${g.workbook})`);
  return withFileLock(
    g.workbook,
    async () => {
      if (!g.dryRun) assertNotOpenElsewhere(g.workbook); // LibreOffice's or Excel's next save would discard ours
      const book = await openWorkbook(g.workbook);
      const save = async () => {
        if (!g.dryRun) await book.save();
      };
      // BILLING_NOW (ISO time) fixes the clock: reproducible runs for demos and tests.
      const fixed = process.env.BILLING_NOW ? new Date(process.env.BILLING_NOW) : undefined;
      if (fixed && Number.isNaN(fixed.getTime())) throw new Failed(`BILLING_NOW="${process.env.BILLING_NOW}" is not a time`);
      const ports = memoryPorts(book.tables, { user: g.user ?? process.env.USER ?? 'cli', now: fixed && (() => fixed), kv: JsonFileStore.beside(g.workbook), files: new LocalFiles('out') });
      const result = await action(ports, save);
      if (!g.dryRun) await book.save();
      return result;
    },
    { onStale: (message) => console.error(`billing: ${message}`) },
  );
}

function period(o: { period?: string; from?: string; to?: string }) {
  if (o.period) return monthRange(o.period);
  if (o.from && o.to) return { start: o.from, end: o.to };
  throw new Failed('give the run period as --period YYYY-MM or as --from YYYY-MM-DD --to YYYY-MM-DD');
}

function ledgerText(r: LedgerReport) {
  return `${table(r.invoices)}${r.failed.length ? `\n\nNot done:\n${r.failed.map((f) => `  ${f.invoiceId}: ${f.reason}`).join('\n')}` : ''}`;
}

export function program(): Command {
  const cmd = new Command('billing')
    .description('Invoice runs, finalized invoices and credit notes on an .xlsx billing workbook.')
    .option('-w, --workbook <file>', 'the billing workbook', 'billing.xlsx')
    .option('--json', 'print machine-readable JSON instead of tables')
    .option('--dry-run', 'do everything but save the workbook')
    .option('--user <name>', 'who is acting (for the ledger and log); default $USER')
    .version(version(), '-V, --version', 'print the version')
    .addHelpText('after', `\nExample:\n  billing -w billing.xlsx run --period 2026-11\n${EXIT_CODES}`)
    .showHelpAfterError();
  const g = () => cmd.opts<Global>();

  cmd
    .command('init')
    .description('create a new workbook with every sheet (headers, notes, drop-downs)')
    .option('--demo', 'fill it with the demo data')
    .option('--force', 'overwrite an existing file')
    .option('--country <code>', `your company's country: example tax rules for it (${STARTER_COUNTRIES.join(', ')}; default ${STARTER_DEFAULT_COUNTRY})`)
    .action(async (o: { demo?: boolean; force?: boolean; country?: string }) => {
      const country = o.country?.trim().toUpperCase();
      if (country && !STARTER_COUNTRIES.includes(country))
        throw new Failed(`--country ${o.country}: no example tax rules for it; known: ${STARTER_COUNTRIES.join(', ')} (or leave it out and fill TaxRules yourself)`);
      if (country && o.demo) throw new Failed('--country and --demo: the demo brings its own companies and tax rules; give one of them');
      if (existsSync(g().workbook) && !o.force) throw new Failed(`${g().workbook} exists; use --force to overwrite`);
      await createWorkbook(g().workbook, o.demo ? demoRows() : {}, { country });
      out(
        g(),
        { created: g().workbook },
        () => `Created ${g().workbook}${o.demo ? ' with the demo data' : ` with example tax rules for ${country ?? STARTER_DEFAULT_COUNTRY} (Rule IDs EXAMPLE-…: check them)`}.`,
      );
    });

  cmd
    .command('run')
    .description('plan the period: create or update draft invoices')
    .option('-p, --period <YYYY-MM>', 'the month to bill')
    .option('--from <date>', 'period start (YYYY-MM-DD)')
    .option('--to <date>', 'period end (YYYY-MM-DD)')
    .option('--invoice-date <date>', 'invoice date used at finalization (default: that day)')
    .option('--filter <name>', 'subscription filter of the Filters sheet')
    .addOption(new Option('--tx-filter <name...>', 'transaction filters (a transaction matching any is billed)'))
    .option('--tenant <id>', 'only this company profile')
    .addOption(new Option('--subscription <id...>', 'only these subscriptions (e.g. the failed ones of a run)'))
    .action(async (o: { period?: string; from?: string; to?: string; invoiceDate?: string; filter?: string; txFilter?: string[]; tenant?: string; subscription?: string[] }) => {
      const p = period(o);
      const r: RunReport = await onWorkbook(g(), (ports) => {
        checkNames(ports, o);
        const report = runInvoicing(ports, {
          periodStart: p.start,
          periodEnd: p.end,
          invoiceDate: o.invoiceDate,
          filter: o.filter,
          transactionFilters: o.txFilter,
          tenantId: o.tenant,
          subscriptionIds: o.subscription,
        });
        // Scripts check the drafts without opening the workbook: JSON has their lines and tax groups.
        return g().json
          ? {
              ...report,
              drafts: detailsOf(
                ports,
                report.drafts.map((d) => d.invoiceId),
              ),
            }
          : report;
      });
      out(g(), r, () =>
        [
          `Run ${r.runId} ${r.periodStart}..${r.periodEnd}: ${r.inScope} subscriptions in scope, ${r.drafts.length} drafts${r.removed.length ? `, ${r.removed.length} stale drafts removed` : ''}.`,
          table(r.drafts, true),
          ...(r.warnings.length ? ['', 'Sheet warnings:', ...r.warnings.map((w) => `  ${w}`)] : []),
          ...warningsText(r.drafts),
          ...(r.failed.length ? ['', 'Failed subscriptions (fix, then re-run with --subscription):', ...r.failed.map((f) => `  ${f.subscriptionId} (Subscriptions row ${f.row}): ${f.reason}`)] : []),
          ...(r.rowErrors.length ? ['', 'Rows skipped:', ...r.rowErrors.map((e) => `  ${e.text}`)] : []),
          '',
          `Summary: ${r.drafts.length} drafts, ${r.failed.length} failed subscriptions, ${r.rowErrors.length} row errors${g().dryRun ? ' (dry run: nothing saved)' : ''}`,
        ].join('\n'),
      );
      if (r.failed.length || r.rowErrors.length) process.exitCode = 1;
    });

  cmd
    .command('drafts')
    .description('list the draft invoices with their totals')
    .action(async () => {
      const drafts: InvoiceSummary[] = await onWorkbook({ ...g(), dryRun: true }, (ports) => {
        const all = readDataset(ports, ['Settings', 'Invoices']).invoices.filter((r) => r.record.status === 'Draft');
        // The lines only for --json: the table needs the totals alone.
        return g().json
          ? detailsOf(
              ports,
              all.map((r) => r.record.invoiceId),
            )
          : all.map((r) => summarize(r.record));
      });
      out(g(), drafts, () => [`${drafts.length} drafts`, table(drafts, true), ...warningsText(drafts)].join('\n'));
    });

  cmd
    .command('invoice')
    .description('a manual invoice (a pro-forma, prepayment, partial or final invoice) as a draft, with lines you give: finalize it like any draft')
    .requiredOption('--account <id>', 'the customer (Accounts sheet)')
    .option('--line <line>', 'a line (repeat for more): "<product ID or text>; <quantity>; <unit price>; <tax class>; <from>..<to>"', (v: string, all: string[] = []) => [...all, v])
    .option('--lines-csv <file>', 'lines from a CSV file (header: product,description,quantity,unitPrice,taxClass,serviceStart,serviceEnd)')
    .option('--proforma', 'a pro-forma invoice: numbered from its own range (PF-…) when finalized, never from the invoice range, and no revenue')
    .option(
      '--type <type>',
      'invoice (default), prepayment (Anzahlungsrechnung), partial (Abschlagsrechnung) or final (Schlussrechnung: the whole service, deducting the finalized prepayment and partial invoices of its --project per VAT rate)',
    )
    .option('--project <project>', 'the order or project a prepayment, partial or final invoice belongs to (required with --type final)')
    .option('--date <YYYY-MM-DD>', 'invoice date (default: the day it is finalized)')
    .option('--tenant <id>', "the company profile (default: the account's, else the first)")
    .addHelpText('after', `\n${LINE_HELP}`)
    .action(async (o: { account: string; line?: string[]; linesCsv?: string; proforma?: boolean; type?: string; project?: string; date?: string; tenant?: string }) => {
      if (!o.line?.length && !o.linesCsv) throw new Failed('give the lines with --line "<product ID or text>; <quantity>; <unit price>; <tax class>; <from>..<to>" or --lines-csv <file>');
      if (o.date && !isIsoDate(o.date)) throw new Failed(`--date ${o.date} is not a date in the form YYYY-MM-DD`);
      const type = invoiceTypeOption(o);
      const csv = o.linesCsv ? linesFromCsv(o.linesCsv) : [];
      const d = await onWorkbook(g(), (ports) => {
        checkNames(ports, { tenant: o.tenant });
        const ds = readDataset(ports, ['Settings', 'Accounts', 'Products', 'TaxRules']);
        if (!ds.accounts.has(o.account)) {
          const ids = [...ds.accounts.keys()];
          throw new Failed(`unknown --account ${o.account}: the Accounts sheet has ${ids.slice(0, 10).join(', ') || 'none'}${ids.length > 10 ? `, … (${ids.length} in all)` : ''}`);
        }
        const raw: RawLine[] = [...(o.line ?? []).map((t, i) => lineFromOption(t, i + 1, ds)), ...csv];
        const lines = raw.map((l) => checkLine(l, ds));
        let made: InvoiceSummary;
        try {
          made = createManualInvoice(ports, { accountId: o.account, tenantId: o.tenant, type, project: o.project, invoiceDate: o.date, lines });
        } catch (e) {
          throw inLineTerms(e, raw);
        }
        return detailsOf(ports, [made.invoiceId])[0];
      });
      out(g(), d, () =>
        [
          `Saved ${SAVED_AS[d.type] ?? 'draft'} ${d.invoiceId} for ${d.accountId} ${d.buyerName ?? ''} (${d.tenantId}, ${d.currency})${g().dryRun ? ' (dry run: nothing saved)' : ''}.`,
          detailText(d),
          ...warningsText([d]),
          '',
          `Look at it with \`billing preview ${d.invoiceId}\`; number it with \`billing finalize ${d.invoiceId}\`${d.type === 'pro_forma' ? ' (a pro-forma number PF-…, never one of the invoice range)' : ''}.`,
        ].join('\n'),
      );
    });

  cmd
    .command('finalize [invoiceIds...]')
    .description('number and freeze drafts (all drafts when no id is given)')
    .option('--tenant <id>', 'only drafts of this company profile')
    .option('--invoice-date <date>', "invoice date (default: the run's, else today)")
    .action(async (ids: string[], o: { tenant?: string; invoiceDate?: string }) => {
      const r = await onWorkbook(g(), (ports) => {
        checkNames(ports, { tenant: o.tenant });
        return finalizeInvoices(ports, { invoiceIds: ids.length ? ids : undefined, tenantId: o.tenant, invoiceDate: o.invoiceDate });
      });
      out(g(), r, () => `Finalized ${r.invoices.length} invoices.\n${ledgerText(r)}`);
      if (r.failed.length) process.exitCode = 1;
    });

  cmd
    .command('cancel <invoiceId>')
    .description('cancel a finalized invoice with a credit note mirroring it')
    .option('--release-transactions', 'make its usage transactions billable again')
    .option('--reason <text>', 'why (for the log)')
    .action(async (id: string, o: { releaseTransactions?: boolean; reason?: string }) => {
      const r = await onWorkbook(g(), (ports) => cancelInvoice(ports, { invoiceId: id, releaseTransactions: o.releaseTransactions, reason: o.reason }));
      out(g(), r, () => ledgerText(r));
      if (r.failed.length) process.exitCode = 1;
    });

  cmd
    .command('credit <invoiceId>')
    .description('credit chosen lines or a net amount of a finalized invoice')
    .option('--lines <numbers>', 'line numbers, comma separated')
    .option('--amount <net>', "net amount, spread over the invoice's tax rates")
    .option('--reason <text>', 'why (for the log)')
    .option('--again', 'issue it even if the same amount was credited on this invoice today')
    .action(async (id: string, o: { lines?: string; amount?: string; reason?: string; again?: boolean }) => {
      // Exactly one of them: without either the app would cancel the whole invoice (that is `cancel`), with both it would ignore the amount.
      if (!o.lines === !o.amount)
        throw new Failed(`credit needs exactly one of --amount <net> or --lines <numbers>${o.lines ? ', not both' : ' (to cancel the whole invoice: billing cancel <invoiceId>)'}`);
      const lines = o.lines?.split(',').map((n) => Number(n.trim()));
      if (lines?.some((n) => !Number.isInteger(n))) throw new Failed(`--lines takes whole line numbers, not "${o.lines}"`);
      const r = await onWorkbook(g(), (ports) => creditInvoice(ports, { invoiceId: id, lines, amount: o.amount, reason: o.reason, again: o.again }));
      out(g(), r, () => ledgerText(r));
      if (r.failed.length) process.exitCode = 1;
    });

  cmd
    .command('preview [invoiceIds...]')
    .description('draft PDFs with a DRAFT watermark into <out>/previews/ (all drafts when no id is given)')
    .option('--out <dir>', 'output folder', 'out')
    .action(async (ids: string[], o: { out: string }) => {
      const files = await onWorkbook({ ...g(), dryRun: true }, (ports) => previewDrafts(ports, o.out, ids));
      out(g(), files, () => (files.length ? files.map((f) => `  ${f.path}`).join('\n') : '  no drafts'));
    });

  cmd
    .command('pdf [invoiceIds...]')
    .description('PDFs of finalized invoices into <out>/<tenant>/<yyyy>/<mm>/ (those without one, or whose file is gone)')
    .option('--out <dir>', 'output folder', 'out')
    .action(async (ids: string[], o: { out: string }) => {
      const files = await onWorkbook(g(), (ports) => renderFinalPdfs(ports, o.out, ids, g().json ? undefined : progressBar('PDF')));
      const made = files.filter((f) => !f.problem);
      const refused = files.filter((f) => f.problem);
      out(g(), files, () =>
        [
          ...(made.length ? made.map((f) => `  ${f.number}: ${f.path}${f.xml ? ` + ${f.xml}` : ''}`) : refused.length ? [] : ['  every finalized invoice has its PDF']),
          ...(refused.length ? ['', 'No documents (nothing written; fix the data, then run pdf again):', ...refused.map((f) => `  ${f.number ?? f.invoiceId}: ${f.problem}`)] : []),
        ].join('\n'),
      );
      if (refused.length) process.exitCode = 1;
    });

  cmd
    .command('send [invoiceIds...]')
    .description('email finalized invoices to their contacts (To: role invoice, cc, bcc) with the PDF; every mail is kept as .eml in <out>/outbox/')
    .option('--out <dir>', 'output folder', 'out')
    .option('--resend', 'send the named invoices again, even if sent or uncertain')
    .option('--smtp-host <host>', 'deliver over SMTP (default $SMTP_HOST; without it, only the outbox)')
    .option('--smtp-port <port>', 'SMTP port (default $SMTP_PORT or 587)')
    .option('--smtp-user <user>', 'SMTP user (default $SMTP_USER)')
    .option('--smtp-pass <password>', 'SMTP password (default $SMTP_PASS)')
    .option('--smtp-secure', 'TLS from the start (port 465)')
    .action(async (ids: string[], o: { out: string; resend?: boolean; smtpHost?: string; smtpPort?: string; smtpUser?: string; smtpPass?: string; smtpSecure?: boolean }) => {
      const host = o.smtpHost ?? process.env.SMTP_HOST;
      const smtp = host
        ? { host, port: Number(o.smtpPort ?? process.env.SMTP_PORT ?? 587), user: o.smtpUser ?? process.env.SMTP_USER, pass: o.smtpPass ?? process.env.SMTP_PASS, secure: o.smtpSecure }
        : undefined;
      if (o.resend && !ids.length) throw new Failed('--resend needs the invoices to send again');
      // A sent email cannot be taken back, and without saving the workbook it would be sent again.
      if (g().dryRun) throw new Failed('send has no --dry-run: use `billing preview` to look at the invoices first');
      const r = await onWorkbook(g(), (ports, save) => sendInvoices(ports, { outDir: o.out, smtp, ids, resend: o.resend, flush: save, progress: g().json ? undefined : progressBar('Sending') }));
      out(g(), r, () =>
        [
          `Sent ${r.sent.length}${smtp ? ` via ${smtp.host}:${smtp.port}` : ' to the outbox'}.`,
          ...r.sent.map((s) => `  ${s.number} → ${s.to.join(', ')}  (${s.eml}${s.recovered ? '; delivered by an interrupted send, recorded now, not mailed again' : ''})`),
          ...(r.uncertain.length
            ? [
                '',
                'Delivery uncertain (a send was interrupted while the server had the mail): check, then `billing send --resend <number>` or `billing mark-sent <number>`',
                ...r.uncertain.map((u) => `  ${u.number}  (the mail: ${outboxFiles(join(o.out, 'outbox'), u.number).pending})`),
              ]
            : []),
          ...(r.failed.length ? ['', 'Not sent:', ...r.failed.map((f) => `  ${f.number ?? f.invoiceId}: ${f.reason}`)] : []),
          ...(r.queued ? ['', `${r.queued} wait in the queue (the SMTP server said to try again later): run send again later.`] : []),
        ].join('\n'),
      );
      if (r.failed.length || r.uncertain.length || r.queued) process.exitCode = 1;
    });

  cmd
    .command('mark-sent <invoiceIds...>')
    .description('record invoices whose delivery was uncertain as sent')
    .action(async (ids: string[]) => {
      const done = await onWorkbook(g(), (ports) => markSent(ports, ids));
      out(g(), done, () => `Marked as sent: ${done.join(', ') || 'none'}`);
    });

  cmd
    .command('report')
    .description('revenue per month, tenant and currency: finalized invoices less credit notes (no drafts, no pro-forma)')
    .action(async () => {
      const rows = await onWorkbook({ ...g(), dryRun: true }, (ports) => revenueByMonth(readDataset(ports, ['Settings', 'Invoices']).invoices.map((r) => r.record)));
      const json = rows.map((r) => ({ ...r, net: formatAmount(r.net, r.currency), tax: formatAmount(r.tax, r.currency), gross: formatAmount(r.gross, r.currency) }));
      out(g(), json, () =>
        [
          'month    tenant  cur   invoices  credits           net           tax         gross',
          ...json.map(
            (r) =>
              `${r.month}  ${r.tenantId.padEnd(6)}  ${r.currency}  ${String(r.invoices).padStart(8)}  ${String(r.creditNotes).padStart(7)}  ${r.net.padStart(12)}  ${r.tax.padStart(12)}  ${r.gross.padStart(12)}`,
          ),
        ].join('\n'),
      );
    });

  cmd
    .command('receive <files...>')
    .description(
      'read supplier e-invoices (XRechnung UBL or CII XML, ZUGFeRD / Factur-X PDF or XML) into the Received and ReceivedLines sheets, totals checked (BR-CO-10..16); with --rules also the schema, EN 16931 and XRechnung rules',
    )
    .addOption(new Option('--rules <dir>', 'directory with the official XSD and Schematron files (layout in the README)').env('EINVOICE_RULES'))
    .action(async (files: string[], o: { rules?: string }) => {
      for (const f of files) if (!existsSync(f)) throw new Failed(`no such file: ${f}`);
      let read: Awaited<ReturnType<typeof readIncoming>>;
      try {
        read = await readIncoming(files, o.rules);
      } catch (e) {
        throw new Failed((e as Error).message);
      }
      const r = await onWorkbook(g(), (ports) => receiveInvoices(ports, read));
      out(
        g(),
        r,
        () =>
          [
            ...r.received.map((x) => `  ${x.receivedId} ${x.file}: ${x.supplier} ${x.number}, ${x.currency} ${x.payable} (${x.status}; checked: ${x.checked})`),
            ...r.skipped.map((x) => `  skipped ${x.file}: ${x.reason}`),
            ...r.failed.map((x) => `  NOT READ ${x.file}: ${x.reason}`),
          ].join('\n') || '  nothing to read',
      );
      if (r.failed.length || r.received.some((x) => x.status !== 'valid')) process.exitCode = 1;
    });

  cmd
    .command('verify')
    .description('check every finalized invoice against its hash and the hash chains')
    .action(async () => {
      const r = await onWorkbook({ ...g(), dryRun: true }, (ports) => verifyLedger(ports));
      out(g(), r, () =>
        r.problems.length ? r.problems.map((p) => `  ${p.number ?? p.invoiceId} (row ${p.row}): ${p.message}`).join('\n') : `Ledger intact: ${r.checked} finalized invoices checked.`,
      );
      if (r.problems.length) process.exitCode = 1;
    });

  for (const c of cmd.commands) c.addHelpText('after', `\nExample:\n${(EXAMPLES[c.name()] ?? []).map((l) => `  billing -w billing.xlsx ${l}`).join('\n')}`);
  addReceivablesCommands(cmd, g, onWorkbook);
  return cmd;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const cli = program();
    // On every command: commander would otherwise exit the process itself, with 1, on a subcommand's usage error or help.
    for (const c of [cli, ...cli.commands]) c.exitOverride();
    await cli.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return 0;
    if (code?.startsWith('commander.')) return 2;
    console.error(`billing: ${(e as Error).message}`);
    return e instanceof Failed || e instanceof NotAWorkbook || e instanceof LineError ? 2 : 1;
  }
}

/**
 * Runs the CLI as a program. The exit waits until stdout and stderr are flushed: a pipe takes 64 KB
 * at once, and process.exit() right after a large write would cut the rest off.
 */
export async function run(argv: string[]): Promise<void> {
  const code = await main(argv);
  // A write's callback runs once it and every write before it reached the pipe.
  await new Promise<void>((done) => process.stdout.write('', () => process.stderr.write('', () => done())));
  process.exit(code);
}

if (require.main === module) void run(process.argv);
