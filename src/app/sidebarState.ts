// What the sidebar's run form offers, read from the spreadsheet in one go.
import { addMonthsClamped, firstOfMonth } from '../core/dates';
import { filterNames } from '../core/filters';
import type { Ports } from '../ports';
import { readDataset } from './workbook';

export interface SidebarState {
  /** Last month (YYYY-MM): what a monthly run usually bills. */
  defaultMonth: string;
  subscriptionFilters: string[];
  transactionFilters: string[];
  tenants: { id: string; name: string }[];
  /** A run cut by the execution limit that Resume would continue. */
  unfinishedRunId?: string;
}

export function sidebarState(ports: Ports): SidebarState {
  const ds = readDataset(ports, ['Settings', 'Filters', 'Runs']);
  return {
    defaultMonth: addMonthsClamped(firstOfMonth(ports.clock.today()), -1).slice(0, 7),
    subscriptionFilters: filterNames(ds.filters, 'Subscriptions'),
    transactionFilters: filterNames(ds.filters, 'Transactions'),
    tenants: ds.tenants.map((t) => ({ id: t.tenantId, name: t.legalName })),
    unfinishedRunId: ds.runs.map((r) => r.record).filter((r) => r.status === 'running' && r.checkpoint).pop()?.runId,
  };
}
