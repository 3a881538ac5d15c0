// Named run filters (Filters sheet): conditions on any column of Subscriptions or Transactions,
// including the user's own columns. Rows with the same name must all match.
import { describeValue, normalizeHeader } from './table';
import { isDate, type Cell } from './cells';
import { BillingError } from './errors';
import type { FilterRow } from './model';

export type RowPredicate = (cells: Cell[]) => boolean;

export function filterNames(filters: readonly FilterRow[], appliesTo: FilterRow['appliesTo']): string[] {
  return [...new Set(filters.filter((f) => f.appliesTo === appliesTo).map((f) => f.name))];
}

/** How a host turns a Date cell into its calendar date (the sheet's time zone); default: UTC fields. */
export type DateOf = (d: Date) => string;

function cellText(v: Cell, dateOf?: DateOf): string {
  if (isDate(v)) return Number.isNaN(v.getTime()) ? 'invalid date' : dateOf ? dateOf(v) : describeValue(v).slice(0, 10);
  return v === null || v === undefined ? '' : String(v).trim().toLowerCase();
}

/**
 * A predicate over raw rows of the table with these headers. Unknown filter or column → error.
 * Date cells compare as ISO dates; pass the host's `dateOf` (Dataset.ctx.dateOf) so a date cell
 * at local midnight east of UTC is not read as the day before.
 */
export function compileFilter(filters: readonly FilterRow[], appliesTo: FilterRow['appliesTo'], name: string, headers: Cell[], dateOf?: DateOf): RowPredicate {
  const conds = filters.filter((f) => f.appliesTo === appliesTo && f.name.toLowerCase() === name.toLowerCase());
  if (!conds.length) throw new BillingError(`no ${appliesTo} filter named "${name}" in the Filters sheet`);
  // The first of duplicate headers wins, as when the table is parsed.
  const index = new Map<string, number>();
  headers.forEach((h, i) => {
    if (!index.has(normalizeHeader(h))) index.set(normalizeHeader(h), i);
  });
  const tests = conds.map((f) => {
    const at = index.get(normalizeHeader(f.column));
    if (at === undefined) throw new BillingError(`filter "${name}": ${appliesTo} has no column "${f.column}"`);
    const want = (f.value ?? '').trim().toLowerCase();
    const list = want.split(',').map((s) => s.trim());
    return (cells: Cell[]) => {
      const v = cellText(cells[at], dateOf);
      switch (f.operator) {
        case 'equals':
          return v === want;
        case 'not_equals':
          return v !== want;
        case 'contains':
          return v.includes(want);
        case 'in':
          return list.includes(v);
        case 'empty':
          return v === '';
        case 'not_empty':
          return v !== '';
      }
    };
  });
  return (cells) => tests.every((t) => t(cells));
}

/** Transactions match when any selected filter matches (none selected: all). */
export function compileAnyFilter(filters: readonly FilterRow[], names: readonly string[], headers: Cell[], dateOf?: DateOf): RowPredicate {
  if (!names.length) return () => true;
  const preds = names.map((n) => compileFilter(filters, 'Transactions', n, headers, dateOf));
  return (cells) => preds.some((p) => p(cells));
}
