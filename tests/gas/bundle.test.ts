// dist/Code.js as Apps Script runs it: one script in a bare V8 context (no require, no module),
// talking to fakes of SpreadsheetApp, Utilities, LockService and Session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { SCHEMA, type TableName } from '../../src/core/schema';
import { FakeSpreadsheet, gasGlobals } from '../support/gasFakes';
import { TAX_RULES, DE_TENANT, account, item, product, subscription } from '../support/fixtures';
import { CII_EXAMPLE, hybridPdf } from '../support/hostileFiles';

const code = readFileSync(join(__dirname, '../../dist/Code.js'), 'utf8');
const entryPoints: string[] = JSON.parse(readFileSync(join(__dirname, '../../dist/entry-points.json'), 'utf8'));

function load(ss: FakeSpreadsheet) {
  const g = gasGlobals(ss);
  const ctx = vm.createContext({ ...g.globals });
  vm.runInContext(code, ctx, { filename: 'Code.js' });
  return { ctx: ctx as Record<string, any>, ...g };
}

function seedTable(ss: FakeSpreadsheet, name: TableName, rows: Record<string, unknown>[]) {
  const cols = SCHEMA[name].columns;
  ss.seed(name, [cols.map((c) => c.header), ...rows.map((r) => cols.map((c) => (r[c.key] === undefined ? '' : String(r[c.key]))))]);
}

describe('dist/Code.js', () => {
  it('has no module syntax and defines every entry point as a top-level function', () => {
    expect(code).not.toMatch(/^\s*(export|import)\s/m);
    expect(code).not.toMatch(/\brequire\(/);
    const { ctx } = load(new FakeSpreadsheet());
    expect(entryPoints).toEqual(
      expect.arrayContaining(['onOpen', 'onInstall', 'runInvoicing', 'continueRun', 'setupBillingSheets', 'finalizeInvoices', 'cancelInvoice', 'creditInvoice', 'verifyLedger']),
    );
    for (const name of entryPoints) {
      expect(typeof ctx[name]).toBe('function');
      expect(code).toContain(`function ${name}(`);
    }
  });

  it("exposes every function of the sidebar's server object as an entry point, and only functions", () => {
    const { ctx } = load(new FakeSpreadsheet());
    const server = Object.keys(ctx.__billing.server);
    // src/gas/server.ts: what google.script.run may call from the sidebar.
    expect(server).toEqual(expect.arrayContaining(['sidebarState', 'runInvoicing', 'continueRun', 'sendInvoices', 'saveScheduleSettings', 'goToInvoice']));
    expect(server.filter((n) => !entryPoints.includes(n) || ctx.__billing[n] !== ctx.__billing.server[n])).toEqual([]);
    // The object itself is no entry point: a stub of it would be a function google.script.run could call.
    expect([entryPoints.includes('server'), typeof ctx.server]).toEqual([false, 'undefined']);
  });

  it("builds fflate's inflate tables only when a Factur-X PDF is read, not at every execution's start-up", () => {
    const g = gasGlobals(new FakeSpreadsheet());
    // fflate's bit-reversal table is one Uint16Array(32768), made when its module is evaluated.
    let tables = 0;
    const U16 = new Proxy(Uint16Array, { construct: (T, args: [number]) => ((tables += args[0] === 32768 ? 1 : 0), new T(...args)) });
    const ctx = vm.createContext({ ...g.globals, Uint16Array: U16 }) as Record<string, any>;
    vm.runInContext(code, ctx);
    ctx.onOpen({ authMode: 'FULL' });
    // Issue 11: the tables were ~95 % of the top-level time of every execution, menus and triggers alike.
    expect(tables).toBe(0);
    ctx.setupBillingSheets();
    const pdf = { name: 'supplier.pdf', pdf: hybridPdf(CII_EXAMPLE).toString('base64') };
    expect(ctx.receiveInvoices([pdf]).received.map((r: { file: string }) => r.file)).toEqual(['supplier.pdf']);
    expect(tables).toBe(1);
    ctx.receiveInvoices([{ ...pdf, name: 'again.pdf' }]);
    expect(tables).toBe(1);
  });

  it('opens the sidebar from the HTML file the build ships', () => {
    const { ctx, sidebars } = load(new FakeSpreadsheet());
    ctx.showSidebar();
    expect(sidebars.map((h: { file: string; title: string }) => [h.file, h.title])).toEqual([['Sidebar', 'Billing']]);
    expect(readFileSync(join(__dirname, '../../dist/Sidebar.html'), 'utf8')).toContain('google.script.run');
  });

  it('the menu\'s "Read received e-invoices…" opens the sidebar at that panel', () => {
    const { ctx, sidebars } = load(new FakeSpreadsheet());
    ctx.menuReceiveInvoices();
    expect(sidebars.map((h: { file: string; appended: string }) => [h.file, h.appended])).toEqual([['Sidebar', '<script>openPanel("receivePanel");</script>']]);
  });

  it.each([
    ['menuPayments', 'paymentsPanel'],
    ['menuOpenItems', 'openItemsPanel'],
    ['menuCollect', 'collectPanel'],
  ])('the menu item %s opens the sidebar at %s', (fn, panel) => {
    const { ctx, sidebars } = load(new FakeSpreadsheet());
    ctx[fn]();
    expect(sidebars.map((h: { file: string; appended: string }) => [h.file, h.appended])).toEqual([['Sidebar', `<script>openPanel("${panel}");</script>`]]);
  });

  it.each(['NONE', 'LIMITED', 'FULL'])("onOpen in AuthMode.%s builds the add-on menu (Extensions → Billing), not a bound script's createMenu", (authMode) => {
    const { ctx, menus, menuBars } = load(new FakeSpreadsheet());
    ctx.onOpen({ authMode });
    // Issue 11, item 6: an editor add-on's menu is createAddonMenu(); createMenu is for bound scripts.
    expect(menuBars.map((m: { kind: string }) => m.kind)).toEqual(['addon']);
    expect(menus).toEqual([
      'showSidebar',
      'menuRunLastMonth',
      'menuFinalizeAll',
      'menuSendInvoices',
      'menuReceiveInvoices',
      'menuPayments',
      'menuOpenItems',
      'menuCollect',
      'menuVerifyLedger',
      'menuSetupSheets',
      'menuTakeOverDocuments',
      'showHelp',
    ]);
    // Menus call top-level functions by name: each must be a global of the bundle.
    for (const fn of menus) expect(typeof ctx[fn]).toBe('function');
  });

  it('onInstall and onOpen in AuthMode.NONE touch no service but the menu (add-on not yet authorized in this document)', () => {
    const g = gasGlobals(new FakeSpreadsheet());
    const refuse = (service: string) =>
      new Proxy(
        {},
        {
          get: (_t, k) => () => {
            throw new Error(`${service}.${String(k)} in AuthMode.NONE`);
          },
        },
      );
    const ui = g.globals.SpreadsheetApp.getUi();
    const ctx = vm.createContext({
      ...g.globals,
      SpreadsheetApp: {
        getUi: () => ui,
        getActive: () => {
          throw new Error('SpreadsheetApp.getActive in AuthMode.NONE');
        },
      },
      DriveApp: refuse('DriveApp'),
      DocumentApp: refuse('DocumentApp'),
      MailApp: refuse('MailApp'),
      PropertiesService: refuse('PropertiesService'),
      Session: refuse('Session'),
      LockService: refuse('LockService'),
      ScriptApp: refuse('ScriptApp'),
    }) as Record<string, any>;
    vm.runInContext(code, ctx);
    ctx.onInstall({ authMode: 'NONE' });
    ctx.onOpen({ authMode: 'NONE' });
    expect(g.menus.filter((m) => m === 'showSidebar')).toHaveLength(2);
  });

  it('runs, finalizes and verifies on a spreadsheet with bulk reads and writes and no formulas from user text', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE');
    seedTable(ss, 'Settings', [DE_TENANT]);
    seedTable(ss, 'TaxRules', TAX_RULES);
    seedTable(ss, 'Accounts', [account('A1', { name: `'=HYPERLINK("http://evil","x")` }), account('A2')]);
    seedTable(ss, 'Products', [product('P1', '1.234,50')]);
    seedTable(ss, 'Subscriptions', [subscription('S1', 'A1'), subscription('S2', 'A2')]);
    seedTable(ss, 'Items', [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1', { quantity: 2 })]);
    const formulas = () => [...ss.sheets.values()].flatMap((s) => s.formulas);
    ss.counters = {};
    const { ctx } = load(ss);
    const report = JSON.parse(JSON.stringify(ctx.runInvoicing({ periodStart: '2026-11-01', periodEnd: '2026-11-30' })));
    expect(report.rowErrors).toEqual([]);
    expect(report.drafts.map((d: any) => d.gross)).toEqual(['1469.06', '2938.11']);
    // One read per table (Settings once more: who is asking is decided before the run), no per-cell calls.
    expect(ss.counters.getValues).toBe(Object.keys(SCHEMA).filter((n) => ss.getSheetByName(n)).length + 1);
    expect(ss.counters['getValues:Settings']).toBe(2);
    expect(ss.counters.setValues).toBeLessThanOrEqual(8);
    const invoices = ss.getSheetByName('Invoices')!;
    const header = invoices.cells[0];
    expect(invoices.cells[1][header.indexOf('Buyer Name')]).toBe('=HYPERLINK("http://evil","x")');
    expect(formulas()).toEqual([]);

    const fin = ctx.finalizeInvoices({ invoiceDate: '2026-11-30' });
    expect(fin.failed).toEqual([]);
    expect(fin.invoices.map((i: any) => i.number)).toEqual(['INV-2026-00001', 'INV-2026-00002']);
    const items = ss.getSheetByName('Items')!;
    const billed = items.cells[1][items.cells[0].indexOf('Billed Until')] as Date;
    expect(billed).toBeInstanceOf(Date);
    expect(ctx.verifyLedger().problems).toEqual([]);
    // A second run finds nothing new: billed-until was read back through the sheet's time zone.
    expect(ctx.runInvoicing({ periodStart: '2026-11-01', periodEnd: '2026-11-30' }).drafts).toEqual([]);
  });

  it('refuses a second action while the document lock is held', () => {
    const ss = new FakeSpreadsheet();
    const g = gasGlobals(ss);
    const ctx = vm.createContext({ ...g.globals }) as Record<string, any>;
    vm.runInContext(code, ctx);
    ctx.LockService.getDocumentLock().tryLock();
    expect(() => ctx.verifyLedger()).not.toThrow();
    expect(() => ctx.finalizeInvoices({})).toThrow(/Another billing action is running/);
  });
});

describe('billing admins', () => {
  function sheetWithDraft(admins: string) {
    const ss = new FakeSpreadsheet();
    seedTable(ss, 'Settings', [{ ...DE_TENANT, billingAdmins: admins }]);
    seedTable(ss, 'TaxRules', TAX_RULES);
    seedTable(ss, 'Accounts', [account('A1')]);
    seedTable(ss, 'Products', [product('P1', '10')]);
    seedTable(ss, 'Subscriptions', [subscription('S1', 'A1')]);
    seedTable(ss, 'Items', [item('I1', 'S1', 'P1')]);
    return ss;
  }
  const as = (ss: FakeSpreadsheet, user: string) => {
    const ctx = vm.createContext({ ...gasGlobals(ss, user).globals }) as Record<string, any>;
    vm.runInContext(code, ctx);
    return ctx;
  };

  it('an editor who is not an admin cannot start a run no trigger would pick up; only the admins finalize, with a clear message', () => {
    const ss = sheetWithDraft('boss@example.com; cfo@example.com');
    const before = JSON.stringify([...ss.sheets.values()].map((x) => x.cells));
    expect(() => as(ss, 'clerk@example.com').runInvoicing({ periodStart: '2026-11-01', periodEnd: '2026-11-30' })).toThrow(
      'Invoice runs write the billing sheets, which only the billing admins may change. No hourly trigger is set up to do it for you: ask a billing admin (boss@example.com, cfo@example.com) to do it, or to turn on the schedule.',
    );
    expect(JSON.stringify([...ss.sheets.values()].map((x) => x.cells))).toBe(before);
    expect(as(ss, 'boss@example.com').runInvoicing({ periodStart: '2026-11-01', periodEnd: '2026-11-30' }).drafts).toHaveLength(1);
    expect(() => as(ss, 'clerk@example.com').finalizeInvoices({})).toThrow(
      'Only the billing admins named in Settings (boss@example.com, cfo@example.com) may finalize invoices; you are signed in as clerk@example.com.',
    );
    expect(
      as(ss, 'CFO@example.com')
        .finalizeInvoices({})
        .invoices.map((i: { number: string }) => i.number),
    ).toEqual(['INV-2026-00001']);
    expect(() => as(ss, 'clerk@example.com').cancelInvoice({ invoiceId: 'INV-2026-00001' })).toThrow(/may cancel or credit invoices/);
  });

  it('lets everyone finalize while no admin is named', () => {
    const ss = sheetWithDraft('');
    as(ss, 'clerk@example.com').runInvoicing({ periodStart: '2026-11-01', periodEnd: '2026-11-30' });
    expect(as(ss, 'clerk@example.com').finalizeInvoices({}).invoices).toHaveLength(1);
  });
});

describe('dist/appsscript.json', () => {
  it('asks for the narrow scopes the code uses, and nothing broader', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../dist/appsscript.json'), 'utf8'));
    expect(manifest.runtimeVersion).toBe('V8');
    const scopes: string[] = manifest.oauthScopes.map((s: string) => s.replace('https://www.googleapis.com/auth/', ''));
    expect([...scopes].sort()).toEqual(['documents', 'drive.file', 'script.container.ui', 'script.scriptapp', 'script.send_mail', 'spreadsheets.currentonly', 'userinfo.email']);
    // Each scope is there because the bundle uses its service; the broad ones are never asked for.
    const uses: [RegExp, string][] = [
      [/\bDriveApp\./, 'drive.file'],
      [/\bDocumentApp\./, 'documents'],
      [/\bMailApp\./, 'script.send_mail'],
      [/\bScriptApp\.newTrigger/, 'script.scriptapp'],
      [/\.showSidebar\(/, 'script.container.ui'],
      [/\bSpreadsheetApp\.getActive\(/, 'spreadsheets.currentonly'],
    ];
    for (const [pattern, scope] of uses) expect([scope, pattern.test(code)]).toEqual([scope, scopes.includes(scope)]);
    expect(code).not.toMatch(/\bGmailApp\.|SpreadsheetApp\.openBy|UrlFetchApp\./);
    expect(scopes).not.toEqual(expect.arrayContaining(['drive']));
    expect(scopes.filter((s) => /^(drive|spreadsheets|gmail\.\w+|mail\.google\.com)$/.test(s))).toEqual([]);
  });

  it('has no add-on section: editor add-ons have none (it would make a card-based Workspace add-on)', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '../../dist/appsscript.json'), 'utf8'));
    expect(manifest.addOns).toBeUndefined();
  });
});
