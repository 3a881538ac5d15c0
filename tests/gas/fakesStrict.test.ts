// The fakes refuse what Google refuses (issue 11): each rule here is one that let the add-on pass on
// kinder fakes and fail in a real team's spreadsheet. Google's documentation is the reference.
import { FakeScriptProject, FakeSpreadsheet, gasGlobals, parseTyped, zonedMidnight } from '../support/gasFakes';
import { acrossScriptRun } from '../support/scriptRun';

const NOON = Date.UTC(2026, 10, 30, 12, 0);
const PROTECTED = 'Exception: You are trying to edit a protected cell or object. Please contact the spreadsheet owner to remove protection if you need to edit.';

function team() {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: NOON });
  ss.share('viewer@example.com', 'view');
  const as = (user: string) => gasGlobals(ss, user).globals;
  return { ss, as };
}

describe('protections are checked on every write, as the user the script runs as', () => {
  it('a sheet protection lets its editors and the owner write, nobody else; a viewer writes nothing anywhere', () => {
    const { ss, as } = team();
    const admin = as('admin@example.com').SpreadsheetApp.getActive();
    const sheet = admin.insertSheet('Invoices');
    const p = sheet.protect();
    // Apps Script: neither the owner nor the current user can be removed from a protection.
    p.removeEditors(p.getEditors());
    expect(
      p
        .getEditors()
        .map((e) => e.getEmail())
        .sort(),
    ).toEqual(['admin@example.com', 'owner@example.com']);
    sheet.getRange(1, 1).setValues([['by admin']]);

    const clerk = as('clerk@example.com').SpreadsheetApp.getActive().getSheetByName('Invoices')!;
    expect(() => clerk.getRange(2, 1).setValues([['by clerk']])).toThrow(PROTECTED);
    expect(() => clerk.deleteRows(1, 1)).toThrow(PROTECTED);
    expect(() => clerk.getRange(2, 1).setNumberFormat('@')).toThrow(PROTECTED);
    expect(clerk.getRange(1, 1).canEdit()).toBe(false);
    // Nor may the clerk change the protection to let themselves in.
    expect(() => p.addEditors(['clerk@example.com'])).toThrow(PROTECTED);

    const owner = as('owner@example.com').SpreadsheetApp.getActive().getSheetByName('Invoices')!;
    owner.getRange(2, 1).setValues([['by owner']]);
    const viewer = as('viewer@example.com').SpreadsheetApp.getActive();
    expect(() =>
      viewer
        .getSheetByName('Invoices')!
        .getRange(3, 1)
        .setValues([['x']]),
    ).toThrow('permission to edit');
    expect(() => viewer.insertSheet('Mine')).toThrow('permission to edit');
    expect(viewer.getSheetByName('Invoices')!.getRange(1, 1, 2, 1).getValues()).toEqual([['by admin'], ['by owner']]);
    expect(ss.getSheetByName('Invoices')!.cells).toEqual([['by admin'], ['by owner']]);
  });

  it('a range protection covers its rectangle only; rows inserted inside it extend it, rows added after it do not', () => {
    const { ss, as } = team();
    const admin = as('admin@example.com').SpreadsheetApp.getActive();
    const items = admin.insertSheet('Items');
    const p = items.getRange(1, 3, 10, 1).protect();
    p.removeEditors(p.getEditors());
    const clerk = () => as('clerk@example.com').SpreadsheetApp.getActive().getSheetByName('Items')!;
    expect(() =>
      clerk()
        .getRange(10, 3)
        .setValues([['x']]),
    ).toThrow(PROTECTED);
    clerk()
      .getRange(11, 3)
      .setValues([['beyond the range']]);
    clerk()
      .getRange(5, 2)
      .setValues([['other column']]);
    as('admin@example.com').SpreadsheetApp.getActive().getSheetByName('Items')!.insertRowsAfter(5, 2);
    expect(p.getRange().getLastRow()).toBe(12);
    expect(() =>
      clerk()
        .getRange(12, 3)
        .setValues([['x']]),
    ).toThrow(PROTECTED);
    items.insertRowsAfter(items.getMaxRows(), 100);
    clerk()
      .getRange(items.getMaxRows(), 3)
      .setValues([['new row, unprotected']]);
    expect(ss.getSheetByName('Items')!.getMaxRows()).toBe(1102);
  });

  it('with a Workspace domain, "everyone in the domain" may edit until setDomainEdit(false); consumer accounts have no domain', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: NOON });
    ss.domain = 'example.com';
    const sheet = gasGlobals(ss, 'admin@example.com').globals.SpreadsheetApp.getActive().insertSheet('Log');
    const p = sheet.protect();
    const clerk = () => gasGlobals(ss, 'clerk@example.com').globals.SpreadsheetApp.getActive().getSheetByName('Log')!;
    expect(clerk().getRange(1, 1).canEdit()).toBe(true);
    gasGlobals(ss, 'admin@example.com').globals.SpreadsheetApp.getActive();
    p.setDomainEdit(false);
    expect(clerk().getRange(1, 1).canEdit()).toBe(false);
    const consumer = new FakeSpreadsheet();
    const q = gasGlobals(consumer, 'admin@example.com').globals.SpreadsheetApp.getActive().insertSheet('Log').protect();
    expect(q.canDomainEdit()).toBe(false);
    expect(() => q.setDomainEdit(true)).toThrow(/Workspace/);
  });
});

describe('the grid, formats and limits of a sheet', () => {
  it('a new sheet has 1,000 rows and 26 columns; ranges outside the grid do not exist until rows or columns are added', () => {
    const ss = new FakeSpreadsheet();
    const sheet = gasGlobals(ss).globals.SpreadsheetApp.getActive().insertSheet('Invoices');
    expect([sheet.getMaxRows(), sheet.getMaxColumns()]).toEqual([1000, 26]);
    expect(() => sheet.getRange(1000, 1, 2, 1)).toThrow('Exception: The coordinates of the range are outside the dimensions of the sheet.');
    expect(() => sheet.getRange(1, 1, 1, 27)).toThrow('outside the dimensions');
    sheet.insertRowsAfter(1000, 500);
    sheet.insertColumnsAfter(26, 17);
    sheet.getRange(1500, 43).setValues([['far']]);
    expect([sheet.getLastRow(), sheet.getLastColumn()]).toEqual([1500, 43]);
  });

  it('number formats and drop-downs belong to ranges: rows past a formatted range, or added after it, are not plain text', () => {
    const ss = new FakeSpreadsheet();
    const sheet = gasGlobals(ss).globals.SpreadsheetApp.getActive().insertSheet('Invoices');
    sheet.insertRowsAfter(1000, 1500);
    sheet.getRange(2, 1, 2000, 1).setNumberFormat('@'); // rows 2–2001, as setup did
    sheet.getRange(2001, 1, 2, 1).setValues([['002000'], ['002001']]);
    expect(sheet.cells.slice(2000, 2002).map((r) => r[0])).toEqual(['002000', 2001]);
    sheet.insertRowsAfter(2500, 10); // after the last row: no format
    sheet.getRange(2505, 1).setValues([['0815']]);
    expect(sheet.cells[2504][0]).toBe(815);
    sheet.insertRowsAfter(100, 1); // inside the formatted range: takes the format on
    sheet.getRange(101, 1).setValues([['0815']]);
    expect(sheet.cells[100][0]).toBe('0815');
    expect(sheet.formats.all(1, 2, 2002)).toBe('@');
  });

  it("Sheets converts typed text: booleans, percentages, dates, times and the locale's numbers; an apostrophe or the @ format keeps text", () => {
    const tz = 'Europe/Berlin';
    const de = (v: string) => parseTyped(v, tz, 'de_DE').value;
    const en = (v: string) => parseTyped(v, tz, 'en_US').value;
    expect([de('TRUE'), de('false'), de('19 %'), de('19%'), de('1.234,56'), de('1,5'), de('0815'), de('€ 12,50')]).toEqual([true, false, 0.19, 0.19, 1234.56, 1.5, 815, 12.5]);
    expect([en('1,234.56'), en('7%'), en('$12.50')]).toEqual([1234.56, 0.07, 12.5]);
    const year = new Date().getUTCFullYear();
    expect(de('1/2')).toEqual(zonedMidnight(year, 2, 1, tz)); // de: day/month
    expect(en('1/2')).toEqual(zonedMidnight(year, 1, 2, tz)); // en: month/day
    expect((de('12:30') as Date).getTime() - zonedMidnight(1899, 12, 30, tz).getTime()).toBe(12.5 * 3600_000);
    expect([de("'TRUE"), de("'0815"), de('Kunde 7'), de('INV-2026-00001'), de('1/2 Tag')]).toEqual(['TRUE', '0815', 'Kunde 7', 'INV-2026-00001', '1/2 Tag']);
    const ss = new FakeSpreadsheet();
    const sheet = gasGlobals(ss).globals.SpreadsheetApp.getActive().insertSheet('X');
    sheet.getRange(2, 1, 1, 2).setNumberFormat('@');
    sheet.getRange(2, 1, 1, 3).setValues([['TRUE', '12:30', '19 %']]);
    expect(sheet.cells[1]).toEqual(['TRUE', '12:30', 0.19]);
  });

  it('a cell holds at most 50,000 characters: a longer value fails the whole write, which changes nothing', () => {
    const ss = new FakeSpreadsheet();
    const sheet = gasGlobals(ss).globals.SpreadsheetApp.getActive().insertSheet('Runs');
    sheet.getRange(1, 1).setValues([['x'.repeat(50_000)]]);
    expect(() => sheet.getRange(2, 1, 2, 1).setValues([['ok'], ['y'.repeat(50_001)]])).toThrow('Exception: Your input contains more than the maximum of 50000 characters in a single cell.');
    expect(sheet.getLastRow()).toBe(1);
  });

  it('Sheets refuses to delete every row that is not frozen', () => {
    const ss = new FakeSpreadsheet();
    const sheet = gasGlobals(ss).globals.SpreadsheetApp.getActive().insertSheet('Invoices');
    sheet.setFrozenRows(1);
    expect(() => sheet.deleteRows(2, 999)).toThrow('Exception: Sorry, it is not possible to delete all non-frozen rows.');
    sheet.deleteRows(2, 998);
    expect(sheet.getMaxRows()).toBe(2);
    expect(() => sheet.deleteRows(2, 1)).toThrow('not possible to delete all non-frozen rows');
    sheet.insertRowsAfter(2, 1);
    sheet.deleteRows(2, 1);
    expect(sheet.getMaxRows()).toBe(2);
  });
});

describe('drop-downs from ranges, widths and header colours', () => {
  it('a drop-down may take its values from a range of another sheet of the same spreadsheet, never of another spreadsheet', () => {
    const { ss, as } = team();
    const app = as('owner@example.com').SpreadsheetApp;
    const book = app.getActive();
    const accounts = book.insertSheet('Accounts');
    const contacts = book.insertSheet('Contacts');
    contacts.getRange(2, 2, 10, 1).setDataValidation(
      app
        .newDataValidation()
        .requireValueInRange(accounts.getRange(2, 1, 999, 1), true)
        .build(),
    );
    expect(ss.getSheetByName('Contacts')!.validations.at(5, 2)).toEqual({ sheet: 'Accounts', r1: 2, r2: 1000, c1: 1, c2: 1, dropdown: true });
    const other = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: NOON });
    const foreign = gasGlobals(other, 'owner@example.com').globals.SpreadsheetApp.getActive().insertSheet('Accounts');
    expect(() => app.newDataValidation().requireValueInRange(foreign.getRange(2, 1, 10, 1), true)).toThrow('The data validation range must be in this spreadsheet');
  });

  it('column widths exist only inside the grid; header colours are #rrggbb or null for the default', () => {
    const { as } = team();
    const sheet = as('owner@example.com').SpreadsheetApp.getActive().insertSheet('Items');
    expect(() => sheet.setColumnWidths(26, 2, 120)).toThrow('outside the dimensions of the sheet');
    sheet.setColumnWidths(2, 3, 150);
    expect([sheet.getColumnWidth(1), sheet.getColumnWidth(3)]).toEqual([100, 150]);
    expect(() => sheet.getRange(1, 1, 1, 2).setFontColors([['red', null]])).toThrow('Invalid argument: color');
    expect(() => sheet.getRange(1, 1, 1, 2).setFontColors([['#9c0006']])).toThrow('does not match the range');
  });
});

describe('each user has their own Drive, quotas and authorization', () => {
  it('under drive.file a user reaches only what the add-on made for them, even in a spreadsheet they share', () => {
    const { ss, as } = team();
    const folder = as('admin@example.com').DriveApp.createFolder('Invoices – Muster GmbH');
    const id = folder.getId();
    const doc = as('admin@example.com').DocumentApp.create('Template');
    const docId = doc.getId();
    doc.saveAndClose();
    const notFound = 'Exception: No item with the given ID could be found. Possibly because you have not edited this item or you do not have permission to access it.';
    expect(() => as('boss@example.com').DriveApp.getFolderById(id)).toThrow(notFound);
    expect(() => as('boss@example.com').DocumentApp.openById(docId)).toThrow(notFound);
    expect(as('boss@example.com').DriveApp.getRootFolder().getId()).not.toBe(as('admin@example.com').DriveApp.getRootFolder().getId());
    expect(as('admin@example.com').DriveApp.getFolderById(id).getName()).toBe('Invoices – Muster GmbH');
    // Opened for boss by the add-on (e.g. a Picker): then reachable.
    ss.drive.grant(id, 'boss@example.com');
    expect(as('boss@example.com').DriveApp.getFolderById(id).getName()).toBe('Invoices – Muster GmbH');
  });

  it("daily quotas are the user's: shared by their documents, apart from other users', reset 24 hours after the first use", () => {
    const project = new FakeScriptProject();
    const a = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: NOON, project });
    const b = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: NOON, project });
    const mail = (ss: FakeSpreadsheet, user: string) => gasGlobals(ss, user).globals.MailApp;
    mail(a, 'admin@example.com').sendEmail('x@kunde.example, y@kunde.example', 'S', 'B');
    mail(b, 'admin@example.com').sendEmail('z@kunde.example', 'S', 'B');
    expect(mail(a, 'admin@example.com').getRemainingDailyQuota()).toBe(97);
    expect(mail(b, 'admin@example.com').getRemainingDailyQuota()).toBe(97);
    expect(mail(a, 'boss@example.com').getRemainingDailyQuota()).toBe(100);
    a.advance(23 * 3600_000);
    expect(mail(a, 'admin@example.com').getRemainingDailyQuota()).toBe(97);
    a.advance(3600_000);
    expect(mail(a, 'admin@example.com').getRemainingDailyQuota()).toBe(100);
  });

  it('after an update that adds a scope, getAuthorizationInfo says REQUIRED and calls needing it fail until the user authorizes', () => {
    const { ss } = team();
    // Version 1 sent no mail; the user authorized it. Version 2 asks for send_mail.
    const mailScope = 'https://www.googleapis.com/auth/script.send_mail';
    ss.project.scopes = ss.project.scopes.filter((x) => x !== mailScope);
    ss.project.authorize('admin@example.com');
    ss.project.addScope(mailScope);
    const g = gasGlobals(ss, '', ['Sidebar'], 'admin@example.com').globals;
    const info = g.ScriptApp.getAuthorizationInfo(g.ScriptApp.AuthMode.FULL);
    expect(info.getAuthorizationStatus()).toBe(g.ScriptApp.AuthorizationStatus.REQUIRED);
    expect(info.getAuthorizationUrl()).toMatch(/^https:\/\//);
    expect(() => g.MailApp.sendEmail('x@kunde.example', 'S', 'B')).toThrow(
      'Exception: You do not have permission to call MailApp.sendEmail. Required permissions: https://www.googleapis.com/auth/script.send_mail',
    );
    expect(g.SpreadsheetApp.getActive()).toBe(ss);
    ss.project.authorize('admin@example.com');
    expect(g.ScriptApp.getAuthorizationInfo(g.ScriptApp.AuthMode.FULL).getAuthorizationStatus()).toBe('NOT_REQUIRED');
    g.MailApp.sendEmail('x@kunde.example', 'S', 'B');
    expect(ss.mail.sent).toHaveLength(1);
  });
});

describe('google.script.run', () => {
  it('passes primitives, arrays and plain objects, and fails a result holding a Date (or a class instance)', () => {
    expect(acrossScriptRun({ a: 1, b: ['x', null, true], c: { d: undefined, e: 'f' } })).toEqual({ a: 1, b: ['x', null, true], c: { e: 'f' } });
    expect(acrossScriptRun(undefined)).toBeNull();
    expect(() => acrossScriptRun({ runs: [{ at: new Date() }] })).toThrow('google.script.run: result.runs[0].at is a Date');
    expect(() => acrossScriptRun({ m: new Map() })).toThrow('result.m is a Map');
  });
});
