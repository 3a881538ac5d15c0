// The hourly trigger's work: continue a cut run first, else start last month's run once its day
// and hour have come (once a month), else nothing; optional auto-finalize.
import { loadSchedule, nextScheduledRun, saveSchedule, scheduledWork } from '../../src/app/schedule';
import { runInvoicing } from '../../src/app/runInvoicing';
import { memoryPorts } from '../../src/node/memoryHost';
import { account, item, product, subscription, table, workbook } from './helpers';

function setup() {
  let now = new Date('2026-12-02T07:30:00Z');
  const p = memoryPorts(
    workbook({
      Accounts: [account('A1'), account('A2'), account('A3')],
      Products: [product('P1', '10.00')],
      Subscriptions: ['1', '2', '3'].map((i) => subscription(`S${i}`, `A${i}`, { startDate: '2026-11-01' })),
      Items: ['1', '2', '3'].map((i) => item(`I${i}`, `S${i}`, 'P1')),
    }),
    { now: () => now },
  );
  return { p, at: (iso: string) => (now = new Date(iso)) };
}

describe('scheduled runs', () => {
  it('validates and keeps the schedule in the key-value store', () => {
    const { p } = setup();
    expect(loadSchedule(p)).toBeUndefined();
    expect(() => saveSchedule(p, { dayOfMonth: 31, hour: 8, autoFinalize: false, enabled: true })).toThrow('day of month must be 1 to 28');
    expect(() => saveSchedule(p, { dayOfMonth: 2, hour: 24, autoFinalize: false, enabled: true })).toThrow('hour must be 0 to 23');
    saveSchedule(p, { dayOfMonth: 2, hour: 8, autoFinalize: true, enabled: true });
    expect(loadSchedule(p)).toEqual({ dayOfMonth: 2, hour: 8, autoFinalize: true, autoSend: false, enabled: true });
  });

  it('does nothing before the day and hour, runs last month once when due, and finalizes if asked', () => {
    const { p, at } = setup();
    saveSchedule(p, { dayOfMonth: 2, hour: 8, autoFinalize: true, enabled: true });
    expect(nextScheduledRun(p)).toBe('2026-12-02 08:00');
    expect(scheduledWork(p, {})).toEqual({ action: 'none' });
    at('2026-12-02T08:05:00Z');
    expect(nextScheduledRun(p)).toBe('within the hour');
    const work = scheduledWork(p, {});
    expect(work.action).toBe('started');
    if (work.action === 'none') throw new Error('unreachable');
    expect([work.run.periodStart, work.run.periodEnd, work.run.done, work.finalized]).toEqual(['2026-11-01', '2026-11-30', true, 3]);
    expect(table(p, 'Invoices').map((i) => i['Number'])).toEqual(['INV-2026-00001', 'INV-2026-00002', 'INV-2026-00003']);
    at('2026-12-15T10:00:00Z');
    expect(scheduledWork(p, {})).toEqual({ action: 'none' });
    expect(nextScheduledRun(p)).toBe('2027-01-02 08:00');
  });

  it('continues a run cut by the time limit before anything else', () => {
    const { p } = setup();
    const first = runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }, { maxGroups: 1 });
    expect(first.done).toBe(false);
    const a = scheduledWork(p, { maxGroups: 1 });
    const b = scheduledWork(p, { maxGroups: 1 });
    expect([a.action, b.action]).toEqual(['continued', 'continued']);
    if (b.action === 'none') throw new Error('unreachable');
    expect(b.run.done).toBe(true);
    expect(scheduledWork(p, {})).toEqual({ action: 'none' }); // no schedule saved: nothing more
    expect(table(p, 'Invoices')).toHaveLength(3);
  });
});
