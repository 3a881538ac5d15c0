// A real team in one spreadsheet, on fakes that enforce what Google enforces (protections per user,
// drive.file per user, the grid, per-user quotas): who may do what, and how work asked for by
// someone who may not do it gets done by the hourly trigger. The README's "Who can do what" table
// is read here and checked cell by cell against what the add-on does.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeScriptProject, FakeSpreadsheet } from '../support/gasFakes';
import { addOn, fireTrigger, rowsOf, seedCustomers } from '../support/gasHarness';
import { acrossScriptRun } from '../support/scriptRun';

const DEC_1 = Date.parse('2026-12-01T08:00:00Z'); // Tuesday 09:00 in Berlin
const OWNER = 'owner@example.com';
const SECOND = 'second@example.com';
const THIRD = 'third@example.com';
const CLERK = 'clerk@example.com';
const VIEWER = 'viewer@example.com';
const NOVEMBER = { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' };
const SCHEDULE = { dayOfMonth: 3, hour: 7, autoFinalize: false, autoSend: false, enabled: true };

function workbook(n: number, project = new FakeScriptProject()) {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_1, project });
  ss.owner = OWNER;
  ss.share(CLERK, 'edit').share(VIEWER, 'view');
  seedCustomers(ss, n, { billingAdmins: `${OWNER}, ${SECOND}, ${THIRD}` });
  return ss;
}

/** One google.script.run call as `user`: its own execution, and a result that must cross to the browser. */
const call = (ss: FakeSpreadsheet, user: string, fn: string, ...args: unknown[]): any => acrossScriptRun(addOn(ss, user).exec(fn, ...args));
const snapshot = (ss: FakeSpreadsheet) =>
  JSON.stringify({
    sheets: [...ss.sheets].map(([n, s]) => [n, s.cells]),
    props: [...ss.properties].filter(([k]) => k !== 'billing.lockHolder'),
    triggers: ss.triggers,
    drive: ss.drive.items.size,
    mail: ss.mail.sent.length,
  });

describe('who can do what (README "Who can do what")', () => {
  type Outcome = 'yes' | 'queued' | 'no';
  const ROLES = { 'Documents owner (admin)': OWNER, 'Other billing admin': SECOND, 'Other editor': CLERK, Viewer: VIEWER } as const;
  /** The README's table: action → role column → outcome. */
  function readmeTable(): Map<string, Record<string, Outcome>> {
    const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Who can do what'));
    const lines = section.split('\n');
    const first = lines.findIndex((l) => l.startsWith('|'));
    const end = lines.findIndex((l, i) => i > first && !l.startsWith('|'));
    const rows = lines.slice(first, end).map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
    const [head, , ...body] = rows;
    return new Map(body.map((r) => [r[0], Object.fromEntries(head.slice(1).map((h, i) => [h, r[i + 1] as Outcome]))]));
  }
  // Each action on a workbook where the owner set up, enabled the schedule (the trigger runs as the
  // documents owner), ran November and finalized one of its two drafts.
  const ACTIONS: Record<string, (ss: FakeSpreadsheet, user: string, ids: { draft: string; final: string }) => unknown> = {
    'Run invoicing (drafts)': (ss, u) => call(ss, u, 'runInvoicing', { periodStart: '2026-10-01', periodEnd: '2026-10-31' }),
    'Finalize drafts': (ss, u, ids) => call(ss, u, 'finalizeInvoices', { invoiceIds: [ids.draft] }),
    'Make invoice documents': (ss, u) => call(ss, u, 'renderDocuments', {}),
    'Send invoices': (ss, u) => call(ss, u, 'sendInvoices', {}),
    'Cancel or credit an invoice': (ss, u, ids) => call(ss, u, 'cancelInvoice', { invoiceId: ids.final, reason: 'wrong address' }),
    'Create an invoice by hand': (ss, u) => call(ss, u, 'createManualInvoice', { accountId: 'A0', lines: [{ description: 'Workshop', quantity: '1', unitPrice: '100.00' }] }),
    'Read received e-invoices': (ss, u) => call(ss, u, 'receiveInvoices', [{ name: 'x.xml', xml: '<Invoice/>' }]),
    'Set up billing sheets': (ss, u) => call(ss, u, 'setupBillingSheets'),
    'Turn on the schedule': (ss, u) => call(ss, u, 'saveScheduleSettings', { ...SCHEDULE, dayOfMonth: 5 }),
    'Take over invoice documents': (ss, u) => call(ss, u, 'takeOverDocuments'),
    'Verify the ledger': (ss, u) => call(ss, u, 'verifyLedger'),
  };
  function prepared() {
    const ss = workbook(2);
    call(ss, OWNER, 'setupBillingSheets');
    call(ss, OWNER, 'saveScheduleSettings', SCHEDULE);
    const run = call(ss, OWNER, 'runInvoicing', NOVEMBER);
    const [a, b] = run.drafts.map((d: { invoiceId: string }) => d.invoiceId);
    const final = call(ss, OWNER, 'finalizeInvoices', { invoiceIds: [a] }).invoices[0].number;
    return { ss, ids: { draft: b, final } };
  }

  const table = readmeTable();
  it('the README names every action and role the add-on has', () => {
    expect([...table.keys()].sort()).toEqual(Object.keys(ACTIONS).sort());
    for (const [action, row] of table) expect([action, Object.keys(row)]).toEqual([action, Object.keys(ROLES)]);
  });

  for (const [action, row] of table) {
    for (const [role, expected] of Object.entries(row)) {
      it(`${action}: ${role} → ${expected}`, () => {
        const { ss, ids } = prepared();
        const before = snapshot(ss);
        let outcome: Outcome;
        let message = '';
        try {
          const r = ACTIONS[action](ss, ROLES[role as keyof typeof ROLES], ids) as { queued?: unknown } | null;
          outcome = r && r.queued === true ? 'queued' : 'yes';
        } catch (e) {
          outcome = 'no';
          message = (e as Error).message;
        }
        expect({ action, role, outcome, message: outcome === 'no' ? message : '' }).toEqual({ action, role, outcome: expected, message: expected === 'no' ? expect.any(String) : '' });
        if (outcome === 'no') {
          // A refusal is the add-on's own sentence, before anything changed; never Google's error half-way.
          expect(message).not.toMatch(/^Exception:|protected cell|No item with the given ID/);
          expect(snapshot(ss)).toBe(before);
        }
      });
    }
  }
});

describe('a team through a month', () => {
  it('owner sets up; a third admin owns documents and the trigger; the second admin bills; the clerk asks for a run; the viewer changes nothing', () => {
    const ss = workbook(6);
    const started = ss.now();
    const calls0 = ss.callCount;
    let executions = 0;
    const as = (user: string, fn: string, ...args: unknown[]) => {
      executions++;
      return call(ss, user, fn, ...args);
    };

    // The owner sets up: sheets, protections for the three admins, the folders in the owner's Drive.
    expect(as(OWNER, 'setupBillingSheets').driveFilesFor).toEqual(['DE']);
    const invoicesSheet = ss.getSheetByName('Invoices')!;
    expect(invoicesSheet.getProtections('SHEET')[0].editors.sort()).toEqual([OWNER, SECOND, THIRD].sort());

    // The second admin may not own the schedule: the documents are in the owner's Drive.
    expect(() => as(SECOND, 'saveScheduleSettings', SCHEDULE)).toThrow(/in the Drive of owner@example\.com, so it has to run as owner@example\.com/);
    // The third admin takes the documents over (new folders in their Drive) and turns on the schedule.
    expect(as(THIRD, 'takeOverDocuments')).toMatchObject({ companies: ['DE'], previousOwner: OWNER, owner: THIRD });
    as(THIRD, 'saveScheduleSettings', SCHEDULE);
    expect(ss.triggers.map((t) => t.user)).toEqual([THIRD]);
    const folder = ss.drive.items.get(rowsOf(ss, 'Settings')[0]['Drive Folder ID'])!;
    expect(folder.owner).toBe(THIRD);

    // The second admin runs and finalizes November; documents and mail are queued for the third's trigger.
    const run = as(SECOND, 'runInvoicing', NOVEMBER);
    expect(run.drafts).toHaveLength(6);
    expect(as(SECOND, 'finalizeInvoices', {}).invoices).toHaveLength(6);
    const docs = as(SECOND, 'renderDocuments', {});
    expect(docs).toMatchObject({ queued: true, kind: 'documents', triggerOwner: THIRD });
    expect(docs.message).toMatch(/queued: the hourly trigger \(run by third@example\.com\) does it within the hour/);
    expect(as(SECOND, 'sendInvoices', {})).toMatchObject({ queued: true, kind: 'send' });
    expect(rowsOf(ss, 'Invoices').map((i) => i.Delivery)).toEqual(Array(6).fill('queued'));

    // The clerk (an editor, not an admin) asks for December's run: queued, not an error from Google.
    const asked = as(CLERK, 'runInvoicing', { periodStart: '2026-12-01', periodEnd: '2026-12-31', invoiceDate: '2026-12-01' });
    expect(asked).toMatchObject({ queued: true, kind: 'run', by: CLERK });
    expect(() => as(CLERK, 'finalizeInvoices', {})).toThrow(/^Only the billing admins named in Settings/);
    expect(as(CLERK, 'sidebarState').access).toMatchObject({ role: 'editor', note: expect.stringMatching(/queued for the hourly trigger \(run by third@example\.com\)/) });

    // The viewer: nothing changes, whatever they try.
    const before = snapshot(ss);
    for (const [fn, arg] of [
      ['runInvoicing', NOVEMBER],
      ['finalizeInvoices', {}],
      ['sendInvoices', {}],
      ['setupBillingSheets', undefined],
    ] as const) {
      expect(() => as(VIEWER, fn, arg)).toThrow(/^You can view this spreadsheet but not edit it/);
    }
    expect(as(VIEWER, 'sidebarState').access.role).toBe('viewer');
    expect(snapshot(ss)).toBe(before);

    // The trigger fires as the third admin: the clerk's run, then documents and mail, in its Drive.
    ss.advance(3600_000);
    fireTrigger(ss);
    executions++;
    const december = rowsOf(ss, 'Invoices').filter((i) => i.Status === 'Draft');
    expect(december.map((i) => i['Run ID'])).toEqual(Array(6).fill(rowsOf(ss, 'Runs').pop()!['Run ID']));
    expect(rowsOf(ss, 'Runs').pop()).toMatchObject({ 'Started By': THIRD, 'Period Start': expect.any(Date), Status: 'done', Drafts: 6 });
    const november = rowsOf(ss, 'Invoices').filter((i) => i.Status === 'Open');
    expect(november.map((i) => i.Delivery)).toEqual(Array(6).fill('sent'));
    const pdfOwners = new Set(november.map((i) => ss.drive.items.get(/\/d\/([\w-]+)/.exec(String(i['PDF URL']))![1])!.owner));
    expect([...pdfOwners]).toEqual([THIRD]);
    expect(JSON.parse(ss.properties.get('billing.requests') ?? '[]')).toEqual([]);
    expect(rowsOf(ss, 'Log').map((l) => l.Action)).toEqual(expect.arrayContaining(['requested run done']));
    expect(rowsOf(ss, 'Log').filter((l) => /failed/.test(String(l.Action)))).toEqual([]);
    expect(call(ss, SECOND, 'verifyLedger').problems).toEqual([]);

    const figures = { executions, simulatedMin: (ss.now() - started - 3600_000) / 60_000, callsPerInvoice: (ss.callCount - calls0) / 12 };
    // The figures for the note (printed, and bounded so a regression shows).
    console.log(`team month: ${JSON.stringify(figures)}`);
    expect(figures.callsPerInvoice).toBeLessThan(150);
  });

  it("a new documents owner makes the unsent invoices' documents again in their Drive, and the trigger mails them from there", () => {
    const ss = workbook(3);
    call(ss, OWNER, 'setupBillingSheets');
    call(ss, OWNER, 'runInvoicing', NOVEMBER);
    call(ss, OWNER, 'finalizeInvoices', {});
    expect(call(ss, OWNER, 'renderDocuments', {}).rendered).toHaveLength(3);
    // One of them goes out before the hand-over; the other two wait.
    const first = rowsOf(ss, 'Invoices')[0].Number;
    expect(call(ss, OWNER, 'sendInvoices', { invoiceIds: [first] }).sent).toHaveLength(1);
    expect(call(ss, THIRD, 'takeOverDocuments')).toMatchObject({ previousOwner: OWNER, toRemake: 2 });
    call(ss, THIRD, 'saveScheduleSettings', SCHEDULE);
    expect(call(ss, SECOND, 'sendInvoices', {})).toMatchObject({ queued: true, triggerOwner: THIRD });
    ss.advance(3600_000);
    fireTrigger(ss);
    const invoices = rowsOf(ss, 'Invoices');
    expect(invoices.map((i) => i.Delivery)).toEqual(['sent', 'sent', 'sent']);
    const ownerOf = (url: unknown) => ss.drive.items.get(/\/d\/([\w-]+)/.exec(String(url))![1])!.owner;
    expect(invoices.map((i) => ownerOf(i['PDF URL']))).toEqual([OWNER, THIRD, THIRD]);
    expect(ss.mail.sent.map((m) => m.attachments.length)).toEqual([1, 1, 1]);
    expect(rowsOf(ss, 'Log').filter((l) => /failed/.test(String(l.Action)))).toEqual([]);
  });

  it('a trigger left from an earlier schedule owner removes itself instead of working beside the new one', () => {
    const ss = workbook(1);
    call(ss, OWNER, 'setupBillingSheets');
    call(ss, OWNER, 'saveScheduleSettings', SCHEDULE);
    call(ss, THIRD, 'takeOverDocuments');
    call(ss, THIRD, 'saveScheduleSettings', SCHEDULE);
    expect(ss.triggers.map((t) => t.user).sort()).toEqual([OWNER, THIRD]);
    addOn(ss, '', OWNER).exec('onHourlyTrigger');
    expect(ss.triggers.map((t) => t.user)).toEqual([THIRD]);
    expect(rowsOf(ss, 'Log').map((l) => l.Details)).toEqual(expect.arrayContaining([expect.stringMatching(/hourly trigger of owner@example\.com removed itself/)]));
  });

  it('two workbooks of the same user keep their own schedules and requests', () => {
    const project = new FakeScriptProject();
    const a = workbook(1, project);
    const b = workbook(1, project);
    for (const ss of [a, b]) {
      call(ss, OWNER, 'setupBillingSheets');
      call(ss, OWNER, 'saveScheduleSettings', SCHEDULE);
    }
    expect(project.triggers.map((t) => t.doc)).toEqual([a.id, b.id]);
    call(a, CLERK, 'runInvoicing', NOVEMBER);
    expect(b.properties.get('billing.requests')).toBeUndefined();
    call(b, OWNER, 'saveScheduleSettings', { ...SCHEDULE, enabled: false });
    expect(project.triggers.map((t) => t.doc)).toEqual([a.id]);
  });
});

describe('a trigger whose authorization lapsed', () => {
  it('tells its owner once a day by mail and in the Log, and does nothing else until they authorize again', () => {
    const ss = workbook(2);
    call(ss, OWNER, 'setupBillingSheets');
    call(ss, OWNER, 'saveScheduleSettings', { ...SCHEDULE, dayOfMonth: 1, hour: 0 });
    // An update asks for one more scope: the owner has not granted it yet.
    ss.project.addScope('https://www.googleapis.com/auth/script.external_request');
    fireTrigger(ss);
    ss.advance(3600_000);
    fireTrigger(ss);
    expect(ss.mail.sent.map((m) => [m.to, m.subject])).toEqual([[OWNER, 'Billing add-on: please authorize again']]);
    expect(rowsOf(ss, 'Log').map((l) => l.Action)).toEqual(['authorization required']);
    expect(rowsOf(ss, 'Invoices')).toEqual([]);
    ss.project.authorize(OWNER);
    ss.advance(3600_000);
    fireTrigger(ss);
    expect(rowsOf(ss, 'Invoices')).toHaveLength(2);
  });
});
