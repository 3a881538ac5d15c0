// The schedule in Apps Script: one hourly trigger (add-on limits), Document Properties, and the
// trigger handler logging failures to the Log sheet (add-on triggers send no failure email).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { FakeScriptProject, FakeSpreadsheet, gasGlobals } from '../support/gasFakes';

const code = readFileSync(join(__dirname, '../../dist/Code.js'), 'utf8');

function load(ss: FakeSpreadsheet) {
  const ctx = vm.createContext({ ...gasGlobals(ss).globals }) as Record<string, any>;
  vm.runInContext(code, ctx);
  return ctx;
}

describe('hourly trigger', () => {
  it('installs exactly one hourly trigger, keeps the schedule in Document Properties, removes it when disabled', () => {
    const ss = new FakeSpreadsheet();
    const ctx = load(ss);
    ctx.setupBillingSheets();
    const r = ctx.saveScheduleSettings({ dayOfMonth: 3, hour: 6, autoFinalize: true, enabled: true });
    expect(r.schedule).toEqual({ dayOfMonth: 3, hour: 6, autoFinalize: true, autoSend: false, enabled: true });
    expect(typeof r.next).toBe('string');
    ctx.saveScheduleSettings({ dayOfMonth: 4, hour: 6, autoFinalize: true, enabled: true });
    expect(ss.triggers.map((t) => t.handler)).toEqual(['onHourlyTrigger']);
    expect(JSON.parse(ss.properties.get('billing.schedule')!).dayOfMonth).toBe(4);
    ctx.saveScheduleSettings({ dayOfMonth: 4, hour: 6, autoFinalize: true, enabled: false });
    expect(ss.triggers).toEqual([]);
    expect(() => ctx.saveScheduleSettings({ dayOfMonth: 30, hour: 6, autoFinalize: false, enabled: true })).toThrow('day of month must be 1 to 28');
  });

  it('the fakes refuse what Apps Script refuses: a second time trigger, sub-hourly triggers, oversized properties', () => {
    const ss = new FakeSpreadsheet();
    const g = gasGlobals(ss).globals;
    g.ScriptApp.newTrigger('x').timeBased().everyHours(1).create();
    expect(() => g.ScriptApp.newTrigger('y').timeBased().everyHours(1).create()).toThrow(/too many time-based triggers/);
    expect(() => g.ScriptApp.newTrigger('y').timeBased().everyHours(0)).toThrow(/more often than once per hour/);
    expect(() => g.PropertiesService.getDocumentProperties().setProperty('k', 'x'.repeat(10 * 1024))).toThrow(/too large/);
  });

  it("the fake keeps triggers per user and document: getProjectTriggers spans the user's documents, getUserTriggers(doc) is one document's", () => {
    const project = new FakeScriptProject();
    const a = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { project });
    const b = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { project });
    const inA = gasGlobals(a, 'me@example.com').globals.ScriptApp;
    const inB = gasGlobals(b, 'me@example.com').globals.ScriptApp;
    const otherInA = gasGlobals(a, 'other@example.com').globals.ScriptApp;
    const ta = inA.newTrigger('h').timeBased().everyHours(1).create();
    const tb = inB.newTrigger('h').timeBased().everyHours(1).create();
    otherInA.newTrigger('h').timeBased().everyHours(1).create();
    const ids = (ts: { getUniqueId(): string }[]) => ts.map((t) => t.getUniqueId());
    // The same user's project triggers include the other workbook's; another user's are never listed.
    expect(ids(inA.getProjectTriggers())).toEqual([ta.getUniqueId(), tb.getUniqueId()]);
    expect(ids(inA.getUserTriggers(a))).toEqual([ta.getUniqueId()]);
    expect(ids(inB.getUserTriggers(b))).toEqual([tb.getUniqueId()]);
    expect(a.triggers.map((t) => t.user)).toEqual(['me@example.com', 'other@example.com']);
    // The one-time-trigger limit is per user and document: b's trigger does not count in a.
    expect(() => inA.newTrigger('h').timeBased().everyHours(1).create()).toThrow(/too many time-based triggers/);
  });

  it("two workbooks of the same user each enable and disable their own schedule without touching the other's trigger", () => {
    const project = new FakeScriptProject();
    const a = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { project });
    const b = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { project });
    const inA = load(a);
    const inB = load(b);
    inA.setupBillingSheets();
    inB.setupBillingSheets();
    const on = { dayOfMonth: 3, hour: 6, autoFinalize: true, enabled: true };
    inA.saveScheduleSettings(on);
    // Issue 11, item 4: with getProjectTriggers, b found a's trigger and installed none of its own.
    inB.saveScheduleSettings(on);
    expect(a.triggers.map((t) => t.handler)).toEqual(['onHourlyTrigger']);
    expect(b.triggers.map((t) => t.handler)).toEqual(['onHourlyTrigger']);
    // ... and disabling b's schedule deleted a's trigger.
    inB.saveScheduleSettings({ ...on, enabled: false });
    expect(b.triggers).toEqual([]);
    expect(a.triggers.map((t) => t.handler)).toEqual(['onHourlyTrigger']);
    inA.saveScheduleSettings({ ...on, enabled: false });
    expect(a.triggers).toEqual([]);
    expect(project.triggers).toEqual([]);
  });

  it('writes a failing scheduled run to the Log sheet instead of failing silently', () => {
    const ss = new FakeSpreadsheet();
    const ctx = load(ss);
    ctx.setupBillingSheets();
    // A run waiting to continue whose checkpoint is not JSON: the handler must record the failure.
    const runs = ss.getSheetByName('Runs')!;
    const h = runs.cells[0];
    const row = h.map(() => '' as string | number);
    row[h.indexOf('Run ID')] = 'R-000001';
    row[h.indexOf('Status')] = 'running';
    row[h.indexOf('Checkpoint')] = 'not json';
    row[h.indexOf('Period Start')] = '2026-11-01';
    row[h.indexOf('Period End')] = '2026-11-30';
    runs.cells.push(row);
    ctx.onHourlyTrigger();
    const log = ss.getSheetByName('Log')!;
    expect(log.cells.length).toBe(2);
    expect(log.cells[1][log.cells[0].indexOf('Action')]).toBe('scheduled run failed');
  });
});
