// SEPA direct-debit collection runs: the open invoices of direct-debit accounts due by the chosen
// date, checked and written to a pain.008.001.08 file, recorded in Collections and on the invoices.
// The Collections row is the commit: the invoices' Collection column and the booked payments (with
// Book Direct Debits) follow from it and are completed from it after a crash (completeCollections).
// The message id is made from the date and the invoices, so a repeated run writes the same file.
import type { Dataset } from '../../core/dataset';
import { BillingError } from '../../core/errors';
import { isIsoDate } from '../../core/dates';
import type { Collection, Invoice, Tenant } from '../../core/model';
import { D, type Decimal } from '../../core/money';
import { buildPain008, checkCreditor, checkDebit, type DirectDebit, type Problem } from '../../core/receivables/sepa';
import { toRowValues } from '../../core/table';
import type { Ports } from '../../ports';
import { runUseCase } from '../useCase';
import { rowOfInvoice } from '../workbook';
import { bookContext } from './post';
import { bookOf, collectedInvoices, completeCollections, invoicesIn } from './reconcile';
import { summaryOf, type PaymentSummary } from './payments';

export interface CollectRequest {
  /** Requested collection date (YYYY-MM-DD): invoices due by then are collected. */
  date: string;
  dryRun?: boolean;
  tenantId?: string;
}

export interface CollectionFile {
  messageId: string;
  tenantId: string;
  count: number;
  controlSum: string;
  file?: string;
  invoices: { invoiceId: string; number: string; account: string; amount: string; sequenceType: string; scheme: string }[];
}

export interface CollectReport {
  date: string;
  dryRun: boolean;
  files: CollectionFile[];
  /** Invoices left out, each naming sheet, row, column and value. */
  problems: (Problem & { number?: string })[];
  /** Payments booked on the collection date (Book Direct Debits). */
  booked: PaymentSummary[];
}

/** The debits of a tenant due by the date, and the invoices that cannot be collected with why. */
function debitsOf(ds: Dataset, tenant: Tenant, date: string, openOf: (id: string) => Decimal): { debits: DirectDebit[]; problems: CollectReport['problems'] } {
  const collected = collectedInvoices(ds);
  const accountsCollected = new Set(ds.invoices.filter((r) => r.record.number && collected.has(r.record.number)).map((r) => r.record.accountId));
  const debits: DirectDebit[] = [];
  const problems: CollectReport['problems'] = [];
  for (const { record: inv } of ds.invoices) {
    const account = ds.accounts.get(inv.accountId);
    if (inv.tenantId !== tenant.tenantId || account?.paymentMethod !== 'direct_debit' || !dueBy(inv, date) || collected.has(inv.number ?? '')) continue;
    const open = openOf(inv.invoiceId);
    if (!open.gt(0)) continue;
    const row = ds.accountRow.get(inv.accountId) ?? 0;
    if (inv.currency !== 'EUR') {
      problems.push({
        sheet: 'Invoices',
        row: rowOfInvoice(ds).get(inv.invoiceId) ?? 0,
        column: 'Currency',
        value: inv.currency,
        message: `Invoice ${inv.number}: SEPA direct debit collects EUR only`,
        invoiceId: inv.invoiceId,
        number: inv.number,
      });
      continue;
    }
    debits.push({
      invoiceId: inv.invoiceId,
      endToEndId: inv.number!,
      amount: open.toFixed(2),
      currency: inv.currency,
      debtorName: account.name,
      debtorIban: account.iban,
      debtorBic: account.bic,
      mandateId: account.mandateReference,
      mandateDate: account.mandateDate,
      scheme: account.mandateScheme ?? 'CORE',
      sequenceType: tenant.sepaFirst && !accountsCollected.has(inv.accountId) ? 'FRST' : 'RCUR',
      collectionDate: date,
      remittance: `${inv.number} ${inv.paymentReference ?? ''}`.trim(),
      sheet: 'Accounts',
      row,
    });
  }
  return { debits, problems };
}

const dueBy = (inv: Invoice, date: string) =>
  inv.status !== 'Draft' && inv.status !== 'Cancelled' && !!inv.number && inv.type !== 'credit_note' && inv.type !== 'pro_forma' && !!inv.dueDate && inv.dueDate <= date;

function creditorOf(ds: Dataset, tenant: Tenant) {
  const row = ds.settingsRows.find((r) => r.record.tenantId === tenant.tenantId)?.row ?? 2;
  return { name: tenant.legalName, iban: tenant.iban ?? '', bic: tenant.bic, creditorId: tenant.creditorId ?? '', sheet: 'Settings', row };
}

/**
 * A message id from the date and the invoices (≤ 35 characters, the SEPA id set): the same after a
 * crash, so the run done again writes the same file. The same invoices collected again on the same
 * date after a cancellation get a suffix (the Collections rows already there count).
 */
function messageIdOf(ports: Ports, ds: Dataset, tenant: Tenant, date: string, debits: readonly DirectDebit[]): string {
  const ids = debits.map((d) => d.invoiceId).sort();
  const digest = ports.sha256(`${tenant.tenantId}|${date}|${ids.join(',')}`);
  const base = `DD-${date.replace(/-/g, '')}-${digest.slice(0, 12)}`;
  const earlier = ds.collections.filter((c) => c.record.messageId === base || c.record.messageId.startsWith(`${base}-`)).length;
  return earlier ? `${base}-${earlier + 1}` : base;
}

/** One tenant's file: written, recorded; the invoices and payments follow (completeCollections). */
function collectTenant(ports: Ports, ds: Dataset, tenant: Tenant, req: CollectRequest, report: CollectReport, openOf: (id: string) => Decimal): Collection | undefined {
  const { debits, problems } = debitsOf(ds, tenant, req.date, openOf);
  report.problems.push(...problems);
  if (!debits.length) return undefined;
  const creditor = creditorOf(ds, tenant);
  const refused = checkCreditor(creditor);
  if (refused.length) {
    report.problems.push(...refused);
    return undefined;
  }
  // Each debit checked here: one with problems stays out (named in the report), the others go in.
  const ok = debits.filter((d) => {
    const found = checkDebit(d);
    report.problems.push(...found.map((p) => ({ ...p, number: d.endToEndId })));
    return !found.length;
  });
  if (!ok.length) return undefined;
  const messageId = messageIdOf(ports, ds, tenant, req.date, ok);
  const pain = buildPain008({ messageId, createdAt: ports.clock.now().toISOString(), creditor, debits: ok });
  const file: CollectionFile = {
    messageId,
    tenantId: tenant.tenantId,
    count: pain.count,
    controlSum: pain.controlSum,
    invoices: pain.included.map((d) => ({ invoiceId: d.invoiceId, number: d.endToEndId, account: d.debtorName, amount: d.amount, sequenceType: d.sequenceType, scheme: d.scheme })),
  };
  report.files.push(file);
  if (req.dryRun || !pain.count) return undefined;
  const files = ports.files;
  if (!files) throw new BillingError('This host cannot save SEPA files.', { code: 'refused' });
  file.file = files.save(tenant, 'SEPA', `${messageId}.xml`, pain.xml, 'application/xml');
  return {
    messageId,
    tenantId: tenant.tenantId,
    collectionDate: req.date,
    count: pain.count,
    controlSum: new D(pain.controlSum),
    currency: 'EUR',
    invoices: pain.included.map((d) => `${d.endToEndId} ${d.amount}`).join('; '),
    file: file.file,
    status: 'submitted',
    createdAt: ports.clock.now().toISOString(),
    createdBy: ports.user(),
  };
}

/**
 * Collects the open invoices of direct-debit accounts due by the date: one pain.008.001.08 file
 * per tenant (creditor), checked; an invoice already in a file (not cancelled) is never collected
 * again. With dryRun, the same preview and nothing written.
 */
export function collectDirectDebits(ports: Ports, req: CollectRequest): CollectReport {
  if (!isIsoDate(req.date)) throw new BillingError(`"${req.date}" is not a date in the form YYYY-MM-DD`, { code: 'invalid', ref: req.date });
  return runUseCase(ports, {
    action: req.dryRun ? 'preview a direct-debit collection' : 'collect direct debits',
    reads: 'receivables',
    work: ({ ports, ds, log }) => {
      const { book } = bookOf(ds, bookContext(ports));
      const report: CollectReport = { date: req.date, dryRun: !!req.dryRun, files: [], problems: [], booked: [] };
      const tenants = ds.tenants.filter((t) => !req.tenantId || t.tenantId === req.tenantId);
      if (req.tenantId && !tenants.length) throw new BillingError(`There is no tenant ${req.tenantId} in Settings.`, { code: 'not-found', ref: req.tenantId });
      const made = tenants.map((t) => collectTenant(ports, ds, t, req, report, (id) => book.openOf(id))).filter((c): c is Collection => !!c);
      if (!made.length) return report;
      ports.tables.apply('Collections', { append: made.map((c) => toRowValues('Collections', c)) });
      const now = { ...ds, collections: [...ds.collections, ...made.map((record, i) => ({ row: ds.collections.length + 2 + i, record, cells: [] }))] };
      report.booked = completeCollections(ports, now).added.map(summaryOf);
      for (const c of made) log({ action: 'collection', details: `${c.messageId}: ${c.count} direct debits, EUR ${c.controlSum?.toFixed(2)}, due by ${req.date}` });
      return report;
    },
  });
}

/**
 * Cancels a collection file that was not (or will not be) submitted to the bank: its invoices may
 * be collected again, and what it booked is undone. The Collections row keeps the file's record.
 */
export function cancelCollection(ports: Ports, messageId: string): CollectionFile {
  return runUseCase(ports, {
    action: 'cancel a direct-debit collection',
    reads: 'receivables',
    work: ({ ports, ds, log }) => {
      const found = ds.collections.find((r) => r.record.messageId === messageId.trim());
      if (!found) throw new BillingError(`There is no collection ${messageId} in the Collections sheet.`, { code: 'not-found', ref: messageId });
      if (found.record.status === 'cancelled') throw new BillingError(`Collection ${messageId} is already cancelled.`, { code: 'refused', ref: messageId });
      const c: Collection = { ...found.record, status: 'cancelled' };
      ports.tables.apply('Collections', { update: [{ row: found.row, values: { status: 'cancelled' } }] });
      completeCollections(ports, { ...ds, collections: ds.collections.map((r) => (r.row === found.row ? { ...r, record: c } : r)) });
      log({ action: 'collection cancelled', details: `${messageId}: ${c.invoices}` });
      const byNumber = new Map(ds.invoices.map((r) => [r.record.number ?? '', r.record]));
      return {
        messageId,
        tenantId: c.tenantId ?? '',
        count: c.count ?? 0,
        controlSum: c.controlSum?.toFixed(2) ?? '0.00',
        file: c.file,
        invoices: invoicesIn(c).map((x) => ({
          invoiceId: byNumber.get(x.number)?.invoiceId ?? '',
          number: x.number,
          account: byNumber.get(x.number)?.buyerName ?? '',
          amount: x.amount.toFixed(2),
          sequenceType: '',
          scheme: '',
        })),
      };
    },
  });
}
