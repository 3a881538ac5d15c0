// What the sidebar shows when it opens, read from the spreadsheet in one go: the run form's choices,
// and the state of the workbook (drafts, runs waiting to continue, invoices waiting for documents or
// mail, deliveries in doubt), so a reopened sidebar starts where the work is.
import { addMonthsClamped, firstOfMonth } from '../core/dates';
import type { Dataset } from '../core/dataset';
import { filterNames } from '../core/filters';
import { isIssued, type Invoice, type Tenant } from '../core/model';
import { formatAmount, sum } from '../core/money';
import type { Ports } from '../ports';
import { adminsOf, documentsOwner, ownsDocuments, roleOf, triggerOf, type Role } from './access';
import { chooseDeliveries } from './delivery/choose';
import { summarize, type InvoiceSummary } from './summary';
import { readDataset } from './workbook';

/** A draft as the sidebar lists it: the summary and the run that made it. */
export type DraftSummary = InvoiceSummary & { runId?: string };

/** A group of invoices in a few words: how many, of which companies, the total per currency. */
export interface InvoiceGroup {
  count: number;
  /** The companies' names (Settings Legal Name), in Settings order. */
  tenants: string[];
  /** Payable per currency, exact decimal strings. */
  totals: { currency: string; amount: string }[];
}

export interface SidebarState {
  /** Last month (YYYY-MM): what a monthly run usually bills. */
  defaultMonth: string;
  subscriptionFilters: string[];
  transactionFilters: string[];
  tenants: { id: string; name: string }[];
  /** How amounts are written for this user: the first company's Number Locale, else its language. */
  numberLocale: 'de' | 'en';
  /** A run cut by the execution limit that Resume would continue (the latest of waitingRuns). */
  unfinishedRunId?: string;
  /** Runs cut by the execution limit, oldest first: Resume or the hourly trigger continues them. */
  waitingRuns: { runId: string; periodStart?: string; periodEnd?: string; drafts: number }[];
  /** Every draft in the workbook, in sheet order. */
  drafts: DraftSummary[];
  /** Finalized invoices without documents; invoices Send would mail; deliveries in doubt (mail handed over, no answer). */
  delivery: { documents: InvoiceGroup; mail: InvoiceGroup; uncertain: InvoiceSummary[] };
  /** The recorded hourly trigger (it continues runs, makes documents and mails the queue), or null when none is on. */
  trigger: { owner: string } | null;
  /** The billing admins named in Settings (empty: every editor is one). */
  admins: string[];
  /** Who the user is here and what that means for the buttons (README "Who can do what"). */
  access: { user: string; role: Role; note: string };
}

/** One sentence on what the running user's role lets them do, shown above the run form. */
function accessNote(ports: Ports, role: Role, admins: string[]): string {
  const trigger = triggerOf(ports)?.owner;
  const owner = documentsOwner(ports);
  if (role === 'viewer') return 'You can view this spreadsheet but not edit it: billing actions are not available to you.';
  if (role === 'editor') {
    return (
      `Only the billing admins (${admins.join(', ') || 'see Settings'}) finalize, send and change the ledger. ` +
      (trigger ? `An invoice run you start is queued for the hourly trigger (run by ${trigger}) and done within the hour.` : 'No schedule is on, so ask an admin to run invoicing.')
    );
  }
  if (!ownsDocuments(ports)) {
    return (
      `Invoice documents are made in the Drive of ${owner}. ` +
      (trigger ? `Documents and mail you ask for are queued for the hourly trigger (run by ${trigger}).` : `Ask ${owner} to make documents and send, or take them over (Extensions → Billing).`)
    );
  }
  return '';
}

/** How a company writes numbers: its Number Locale, else its language (English: 1,234.50; German and French: 1.234,50). */
export function numberLocaleOf(tenant: Tenant | undefined, fallback: 'de' | 'en'): 'de' | 'en' {
  if (tenant?.locale) return tenant.locale;
  if (tenant?.language) return tenant.language === 'en' ? 'en' : 'de';
  return fallback;
}

/** How many invoices, of which companies, and their payable total per currency. */
export function groupOf(ds: Dataset, invoices: Invoice[]): InvoiceGroup {
  const currencies = [...new Set(invoices.map((i) => i.currency))];
  const ids = new Set(invoices.map((i) => i.tenantId));
  return {
    count: invoices.length,
    tenants: ds.tenants.filter((t) => ids.has(t.tenantId)).map((t) => t.legalName),
    totals: currencies.map((currency) => ({
      currency,
      amount: formatAmount(sum(invoices.filter((i) => i.currency === currency).map((i) => i.payable)), currency),
    })),
  };
}

/** The workbook's drafts, waiting runs and delivery work. */
function workbookState(ds: Dataset): Pick<SidebarState, 'waitingRuns' | 'drafts' | 'delivery'> {
  const invoices = ds.invoices.map((r) => r.record);
  const issued = invoices.filter(isIssued).filter((i) => i.type !== 'pro_forma');
  const { due, uncertain } = chooseDeliveries(ds);
  return {
    waitingRuns: ds.runs
      .map((r) => r.record)
      .filter((r) => r.status === 'running' && r.checkpoint)
      .map((r) => ({ runId: r.runId, periodStart: r.periodStart, periodEnd: r.periodEnd, drafts: r.drafts ?? 0 })),
    drafts: invoices.filter((i) => i.status === 'Draft').map((i) => ({ ...summarize(i), runId: i.runId })),
    delivery: {
      documents: groupOf(
        ds,
        issued.filter((i) => !i.pdfUrl),
      ),
      mail: groupOf(ds, due),
      uncertain: uncertain.map(summarize),
    },
  };
}

export function sidebarState(ports: Ports): SidebarState {
  const ds = readDataset(ports, ['Settings', 'Filters', 'Runs', 'Invoices']);
  const role = roleOf(ports, ds);
  const admins = adminsOf(ds);
  const work = workbookState(ds);
  const trigger = triggerOf(ports);
  return {
    access: { user: ports.user(), role, note: accessNote(ports, role, admins) },
    defaultMonth: addMonthsClamped(firstOfMonth(ports.clock.today()), -1).slice(0, 7),
    subscriptionFilters: filterNames(ds.filters, 'Subscriptions'),
    transactionFilters: filterNames(ds.filters, 'Transactions'),
    tenants: ds.tenants.map((t) => ({ id: t.tenantId, name: t.legalName })),
    numberLocale: numberLocaleOf(ds.tenants[0], ds.ctx.locale),
    unfinishedRunId: work.waitingRuns[work.waitingRuns.length - 1]?.runId,
    ...work,
    trigger: trigger ? { owner: trigger.owner } : null,
    admins,
  };
}
