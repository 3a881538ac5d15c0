// The use-case runner: every state-changing use case goes lock → read → admin check → repair →
// work → Log, and every failure reaches the caller as a typed { code, message, ref }.
import { createManualInvoice, creditInvoice, finalizeInvoices } from '../../src/app/ledgerActions';
import { runInvoicing, continueRun } from '../../src/app/runInvoicing';
import { failureOf, runUseCase } from '../../src/app/useCase';
import { BillingError } from '../../src/core/errors';
import { DE_TENANT, account, item, ports, product, subscription, table } from '../support/fixtures';

function workbook(extra: { admins?: string } = {}) {
  const p = ports({
    Settings: [{ ...DE_TENANT, billingAdmins: extra.admins ?? '' }],
    Accounts: [account('A1')],
    Products: [product('P1', '10.00')],
    Subscriptions: [subscription('S1', 'A1')],
    Items: [item('I1', 'S1', 'P1', { billedUntil: '2026-10-31' })],
  });
  return p;
}

/** What the use case did, in order, as seen through its ports. */
function traced(p: ReturnType<typeof ports>) {
  const steps: string[] = [];
  const { lock, tables } = p;
  p.lock = { withLock: (fn, what) => (steps.push(`lock: ${what}`), lock.withLock(fn, what)) };
  const read = tables.read.bind(tables);
  const apply = tables.apply.bind(tables);
  tables.read = (name) => (steps.push(`read ${name}`), read(name));
  tables.apply = (name, patch) => (steps.push(`write ${name}`), apply(name, patch));
  return steps;
}

describe('the use-case runner', () => {
  it('takes the lock, reads, repairs an interrupted write, works, then writes the Log in one append', () => {
    const p = workbook();
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    finalizeInvoices(p, {});
    p.tables.sheets.get('NumberRanges')!.rows = []; // the crash: the counter write after the invoice was lost
    const steps = traced(p);
    runUseCase(p, {
      action: 'do a test thing',
      reads: 'ledger',
      work: ({ log }) => {
        steps.push('work');
        log({ action: 'repair' });
        log({ action: 'marked sent' });
      },
    });
    const at = (s: string) => steps.indexOf(s);
    expect(steps[0]).toBe('lock: do a test thing');
    expect(at('read Invoices')).toBeGreaterThan(0);
    expect(at('write NumberRanges')).toBeGreaterThan(at('read Invoices'));
    expect(at('work')).toBeGreaterThan(at('write NumberRanges'));
    expect(steps.slice(at('work'))).toEqual(['work', 'write Log']);
    expect(
      table(p, 'Log')
        .slice(-2)
        .map((r) => [r.Action, r.User]),
    ).toEqual([
      ['repair', 'tester@example.com'],
      ['marked sent', 'tester@example.com'],
    ]);
  });

  it('checks the admin before any write: a non-admin gets "forbidden" and the interrupted write stays unrepaired', () => {
    const p = workbook();
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    finalizeInvoices(p, {});
    p.tables.sheets.get('NumberRanges')!.rows = [];
    p.enforceAdmins = true;
    p.tables.sheets.get('Settings')!.rows[0][p.tables.sheets.get('Settings')!.headers.indexOf('Billing Admins')] = 'boss@example.com';
    const steps = traced(p);
    let thrown: unknown;
    try {
      createManualInvoice(p, { accountId: 'A1', lines: [{ description: 'Setup', quantity: 1, unitPrice: '10.00' }] });
    } catch (e) {
      thrown = e;
    }
    expect(failureOf(thrown)).toMatchObject({ code: 'forbidden' });
    expect(failureOf(thrown).message).toMatch(/billing admins named in Settings \(boss@example.com\) may create invoices by hand/);
    expect(steps.filter((s) => s.startsWith('write'))).toEqual([]);
  });

  it('maps failures to typed codes with the reference they are about', () => {
    const p = workbook();
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return failureOf(e);
      }
      throw new Error('expected a failure');
    };
    expect(codeOf(() => creditInvoice(p, { invoiceId: 'NOPE-1', amount: '5' }))).toEqual({ code: 'not-found', message: 'invoice NOPE-1 does not exist', ref: 'NOPE-1' });
    expect(codeOf(() => creditInvoice(p, { invoiceId: 'X', amount: 'five' }))).toMatchObject({ code: 'invalid', ref: 'five' });
    expect(codeOf(() => finalizeInvoices(p, { invoiceDate: '1.12.2026' }))).toMatchObject({ code: 'invalid', ref: '1.12.2026' });
    expect(codeOf(() => continueRun(p, 'R-999999'))).toMatchObject({ code: 'not-found', ref: 'R-999999' });
    expect(codeOf(() => p.lock.withLock(() => finalizeInvoices(p, {})))).toMatchObject({ code: 'busy' });
    const crash = () =>
      runUseCase(p, {
        action: 'x',
        reads: ['Settings'],
        work: () => {
          throw new TypeError('boom');
        },
      });
    expect(codeOf(crash)).toEqual({ code: 'failed', message: 'boom' });
    expect(failureOf(new BillingError('finalized invoices are immutable'))).toEqual({ code: 'refused', message: 'finalized invoices are immutable' });
  });

  it('unreadable ledger cells refuse the use case before any write, with code "unreadable"', () => {
    const p = workbook();
    runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    const inv = p.tables.sheets.get('Invoices')!;
    inv.rows[0][inv.headers.indexOf('Net')] = 'twelve';
    const steps = traced(p);
    let thrown: unknown;
    try {
      finalizeInvoices(p, {});
    } catch (e) {
      thrown = e;
    }
    expect(failureOf(thrown).code).toBe('unreadable');
    expect(steps.filter((s) => s.startsWith('write'))).toEqual([]);
  });
});
