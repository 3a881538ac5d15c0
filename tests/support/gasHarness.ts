// The built add-on (dist/Code.js) in a node:vm context holding the Apps Script fakes, driven only
// through its global entry points, and workbooks seeded the way a user types them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { SCHEMA, type TableName } from '../../src/core/schema';
import { type FakeSpreadsheet, gasGlobals } from './gasFakes';
import { formatDate } from './gasServices';
import type { RawWorkbook } from '../../src/core/dataset';
import { DE_TENANT, TAX_RULES } from './fixtures';

const code = readFileSync(join(__dirname, '../../dist/Code.js'), 'utf8');

/** One user's view of the add-on: calling `ctx.fn()` is one Apps Script execution (see `exec`). */
export function addOn(ss: FakeSpreadsheet, user = 'admin@example.com', effectiveUser = user) {
  const g = gasGlobals(ss, user, ['Sidebar'], effectiveUser);
  const ctx = vm.createContext({ ...g.globals }) as Record<string, any>;
  vm.runInContext(code, ctx, { filename: 'Code.js' });
  /** Runs an entry point as its own execution (fresh 6-minute budget). */
  const exec = <T = any>(fn: string, ...args: unknown[]): T => {
    ss.beginExecution();
    return ctx[fn](...args) as T;
  };
  return { ctx, exec, ...g };
}

/** The hourly trigger firing: it runs as the trigger's owner, with no active user. */
export function fireTrigger(ss: FakeSpreadsheet): void {
  const t = ss.triggers.find((x) => x.handler === 'onHourlyTrigger');
  addOn(ss, '', t?.user ?? ss.owner).exec('onHourlyTrigger');
}

export function seedTable(ss: FakeSpreadsheet, name: TableName, rows: Record<string, unknown>[]) {
  const cols = SCHEMA[name].columns;
  ss.seed(name, [cols.map((c) => c.header), ...rows.map((r) => cols.map((c) => (r[c.key] === undefined ? '' : String(r[c.key]))))]);
}

/** A sheet's rows as objects keyed by header. */
export function rowsOf(ss: FakeSpreadsheet, name: string): Record<string, any>[] {
  const cells = ss.getSheetByName(name)?.cells ?? [];
  return cells.slice(1).map((r) => Object.fromEntries(cells[0].map((h, i) => [String(h), r[i]])));
}

/**
 * n customers with one monthly subscription each (two items: 19 % and 7 %), an invoice contact,
 * and for every third a cc and a bcc contact: 1–3 recipients per email.
 */
export function seedCustomers(ss: FakeSpreadsheet, n: number, tenant: Record<string, unknown> = {}) {
  seedTable(ss, 'Settings', [{ ...DE_TENANT, email: 'billing@muster.example', billingAdmins: 'admin@example.com', ...tenant }]);
  seedTable(ss, 'TaxRules', TAX_RULES);
  seedTable(ss, 'Products', [
    { productId: 'P1', name: 'Plan', price: '49.00', taxClass: 'standard', priceModel: 'per_unit', unit: 'Monat' },
    { productId: 'P2', name: 'Fachbuch', price: '12.50', taxClass: 'reduced', priceModel: 'per_unit' },
  ]);
  seedTable(
    ss,
    'Accounts',
    Array.from({ length: n }, (_, i) => ({ accountId: `A${i}`, name: `Kunde ${i}`, status: 'Active', customerType: 'B2B', country: 'DE', street: 'Weg 2', postalCode: '80331', city: 'München' })),
  );
  seedTable(
    ss,
    'Contacts',
    Array.from({ length: n }, (_, i) => [
      { contactId: `C${i}`, accountId: `A${i}`, email: `a${i}@kunde.example`, role: 'invoice' },
      ...(i % 3 === 0
        ? [
            { contactId: `C${i}cc`, accountId: `A${i}`, email: `cc${i}@kunde.example`, role: 'cc' },
            { contactId: `C${i}bcc`, accountId: `A${i}`, email: `bcc${i}@kunde.example`, role: 'bcc' },
          ]
        : []),
    ]).flat(),
  );
  seedTable(
    ss,
    'Subscriptions',
    Array.from({ length: n }, (_, i) => ({ subscriptionId: `S${i}`, accountId: `A${i}`, status: 'Active', startDate: '2026-01-01', billingPeriod: 'monthly', billingTiming: 'advance' })),
  );
  seedTable(
    ss,
    'Items',
    Array.from({ length: n }, (_, i) => [
      { itemId: `I${i}a`, subscriptionId: `S${i}`, productId: 'P1', quantity: 1 + (i % 3), billingType: 'recurring', status: 'Active', billedUntil: '2026-10-31' },
      { itemId: `I${i}b`, subscriptionId: `S${i}`, productId: 'P2', quantity: 1, billingType: 'recurring', status: 'Active', billedUntil: '2026-10-31' },
    ]).flat(),
  );
}

/** Recipients of an email: to + cc + bcc of the seeded customer i. */
export const recipientsOf = (i: number) => (i % 3 === 0 ? 3 : 1);

/** The spreadsheet as the engine's raw tables (date cells as calendar dates in its time zone), for the invariant checks. */
export function rawWorkbook(ss: FakeSpreadsheet): RawWorkbook {
  const day = (d: Date) => formatDate(d, ss.tz, 'yyyy-MM-dd');
  return Object.fromEntries(
    [...ss.sheets].map(([name, s]) => {
      const cells = s.cells.map((r) => r.map((v) => (v instanceof Date ? day(v) : v)));
      return [name, { headers: cells[0] ?? [], rows: cells.slice(1) }];
    }),
  ) as RawWorkbook;
}
