// What the sidebar's run form offers, read from the spreadsheet in one go.
import { addMonthsClamped, firstOfMonth } from '../core/dates';
import { filterNames } from '../core/filters';
import type { Ports } from '../ports';
import { readDataset } from './workbook';
import { adminsOf, documentsOwner, ownsDocuments, roleOf, triggerOf, type Role } from './access';

export interface SidebarState {
  /** Last month (YYYY-MM): what a monthly run usually bills. */
  defaultMonth: string;
  subscriptionFilters: string[];
  transactionFilters: string[];
  tenants: { id: string; name: string }[];
  /** A run cut by the execution limit that Resume would continue. */
  unfinishedRunId?: string;
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

export function sidebarState(ports: Ports): SidebarState {
  const ds = readDataset(ports, ['Settings', 'Filters', 'Runs']);
  const role = roleOf(ports, ds);
  return {
    access: { user: ports.user(), role, note: accessNote(ports, role, adminsOf(ds)) },
    defaultMonth: addMonthsClamped(firstOfMonth(ports.clock.today()), -1).slice(0, 7),
    subscriptionFilters: filterNames(ds.filters, 'Subscriptions'),
    transactionFilters: filterNames(ds.filters, 'Transactions'),
    tenants: ds.tenants.map((t) => ({ id: t.tenantId, name: t.legalName })),
    unfinishedRunId: ds.runs
      .map((r) => r.record)
      .filter((r) => r.status === 'running' && r.checkpoint)
      .pop()?.runId,
  };
}
