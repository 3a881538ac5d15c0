// The fakes of the Apps Script services are themselves code that can be wrong: these tests pin the
// behaviour the bundle's tests rely on (strict where Apps Script is strict, one simulated clock).
import vm from 'node:vm';
import { FakeSpreadsheet, TIME_LIMIT_MS, gasGlobals } from '../support/gasFakes';

// 2026-11-30 12:00 UTC = 13:00 in Berlin: half a day before midnight.
const NOON = Date.UTC(2026, 10, 30, 12, 0);

function setup(opts: { startMs?: number } = {}) {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: opts.startMs ?? NOON });
  return { ss, ...gasGlobals(ss).globals };
}

describe('document find and replace', () => {
  function doc() {
    const g = setup();
    const d = g.DocumentApp.create('Invoice');
    const body = d.getBody();
    return { ...g, d, body };
  }

  it('replaces with Java replacement rules: $n groups, \\x literal, unmatched group empty', () => {
    const { body } = doc();
    const p = body.appendParagraph('Total: 12,50 EUR and 3,00 EUR');
    body.replaceText('(\\d+),(\\d+) (EUR)', '$3 $1.$2');
    expect(p.getText()).toBe('Total: EUR 12.50 and EUR 3.00');
    p.setText('price {{x}}');
    p.replaceText('\\{\\{x\\}\\}', '\\$5 \\\\ ok');
    expect(p.getText()).toBe('price $5 \\ ok');
    p.setText('ab');
    p.replaceText('a(z)?', '[$1|$0]');
    expect(p.getText()).toBe('[|a]b');
    // $12 with one group is group 1 followed by '2' (Java takes digits while the group exists).
    p.setText('x');
    p.replaceText('(x)', '$12');
    expect(p.getText()).toBe('x2');
  });

  it('refuses replacement strings Java refuses, but only when something matches', () => {
    const { body } = doc();
    const p = body.appendParagraph('Pay {{amount}} now');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal "${name}" is one of the replacement strings Java refuses.
    for (const bad of ['$', 'US$ 5', '$x', '${name}', '$1']) expect(() => p.replaceText('\\{\\{amount\\}\\}', bad)).toThrow(new Error('Exception: Illegal group reference'));
    expect(() => p.replaceText('\\{\\{amount\\}\\}', 'trailing\\')).toThrow('character to be escaped is missing');
    expect(p.getText()).toBe('Pay {{amount}} now');
    expect(() => p.replaceText('nothing here', '$')).not.toThrow();
  });

  it('takes RE2 patterns: refuses lookaround and backreferences, converts (?i) and (?P<name>)', () => {
    const { body } = doc();
    const p = body.appendParagraph('Hello hello');
    for (const re of ['(?=h)', '(?!h)', '(?<=h)e', '(?<!h)e', '(l)\\1']) {
      expect(() => body.findText(re)).toThrow(new Error('Exception: Invalid argument: searchPattern'));
      expect(() => p.replaceText(re, 'x')).toThrow('Exception: Invalid argument: searchPattern');
    }
    expect(() => body.findText('(unclosed')).toThrow('Invalid argument: searchPattern');
    p.replaceText('(?i)HELLO', 'bye');
    expect(p.getText()).toBe('bye bye');
    p.replaceText('(?P<w>b)ye', '$1ee');
    expect(p.getText()).toBe('bee bee');
    p.replaceText('\\Qbee.\\E|bee', '[$0]');
    expect(p.getText()).toBe('[bee] [bee]');
  });

  it('finds in document order, the next strictly after `from`, never across paragraphs', () => {
    const { body, d, DocumentApp } = doc();
    body.appendParagraph('a1 a2');
    body.appendTable([
      ['a3', 'b'],
      ['c', 'a4'],
    ]);
    body.appendParagraph('a5');
    d.addFooter().appendParagraph('a6');
    const found: string[] = [];
    for (let r = body.findText('a\\d'); r; r = body.findText('a\\d', r)) {
      const t = r.getElement().asText().getText();
      found.push(t.slice(r.getStartOffset(), r.getEndOffsetInclusive() + 1));
    }
    expect(found).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']); // the footer is not the body
    const first = body.findText('a2')!;
    expect([first.getStartOffset(), first.getEndOffsetInclusive(), first.isPartial()]).toEqual([3, 4, true]);
    expect(first.getElement().getParent()!.getType()).toBe(DocumentApp.ElementType.PARAGRAPH);
    expect(body.findText('a2\\na3')).toBeNull();
    expect(body.findText('a2\\s*a3')).toBeNull();
    expect(body.getText()).toBe('\na1 a2\na3\nb\nc\na4\na5');
  });

  it('edits text elements like Apps Script, refusing an empty insert', () => {
    const { body } = doc();
    const t = body.appendParagraph('Hello').editAsText();
    t.insertText(5, ' world').appendText('!').deleteText(0, 0).insertText(0, 'h');
    expect(t.getText()).toBe('hello world!');
    expect(() => t.insertText(0, '')).toThrow('Exception: Invalid argument: text');
    t.setBold(0, 4, true).setFontSize(9);
    expect(t.styles).toEqual([
      { start: 0, end: 4, bold: true },
      { start: 0, end: 11, fontSize: 9 },
    ]);
  });
});

describe('documents on the drive', () => {
  it('edits are invisible to getAs, makeCopy and openById until saveAndClose', () => {
    const { ss, DocumentApp, DriveApp } = setup();
    const d = DocumentApp.create('Template');
    d.getBody().appendParagraph('Dear {{name}}');
    d.addHeader().appendParagraph('ACME');
    const id = d.getId(); // before saveAndClose: a closed Document answers nothing, not even its id
    const file = DriveApp.getFileById(id);
    expect(file.getMimeType()).toBe('application/vnd.google-apps.document');
    expect(file.getUrl()).toBe(`https://docs.google.com/document/d/${id}/edit`);
    expect(file.getAs('application/pdf').getDataAsString()).toBe('%PDF-1.4\n');
    const early = file.makeCopy('early');
    expect(ss.drive.savedText(early.getId())).toBe('');
    expect(DocumentApp.openById(id).getBody().getText()).toBe('');
    d.saveAndClose();
    const pdf = file.getAs('application/pdf');
    expect([pdf.getName(), pdf.getContentType(), pdf.getDataAsString()]).toEqual(['Template.pdf', 'application/pdf', '%PDF-1.4\n\nDear {{name}}\n\nACME']);
    const copy = file.makeCopy('Invoice 1');
    const again = DocumentApp.openById(copy.getId());
    again.getBody().replaceText('\\{\\{name\\}\\}', 'Ada');
    again.saveAndClose();
    expect(ss.drive.savedText(copy.getId())).toBe('\nDear Ada\n\nACME');
    expect(ss.drive.savedText(id)).toBe('\nDear {{name}}\n\nACME');
    expect(() => file.getAs('text/plain')).toThrow(/not supported/);
  });

  it('a closed document and its elements refuse every use', () => {
    const { DocumentApp } = setup();
    const d = DocumentApp.create('X');
    const body = d.getBody();
    const p = body.appendParagraph('a');
    const found = body.findText('a')!;
    const id = d.getId();
    d.saveAndClose();
    const closed = 'Exception: Document is closed, its contents cannot be updated.';
    for (const use of [() => d.getBody(), () => d.getId(), () => d.saveAndClose(), () => body.appendParagraph('b'), () => p.getText(), () => p.editAsText(), () => found.getElement()]) {
      expect(use).toThrow(new Error(closed));
    }
    expect(DocumentApp.openById(id).getBody().getText()).toBe('\na');
  });

  it('table rows: copy() is detached and deep; an attached row cannot be inserted', () => {
    const { DocumentApp } = setup();
    const body = DocumentApp.create('T').getBody();
    const table = body.appendTable([
      ['{{no}}', '{{desc}}'],
      ['Total', '{{sum}}'],
    ]);
    const template = table.getRow(0);
    expect(() => table.insertTableRow(1, template)).toThrow(new Error('Exception: Element must be detached.'));
    expect(() => table.appendTableRow(template)).toThrow('Element must be detached');
    for (const [i, desc] of ['Plan', 'Extra'].entries()) {
      const row = table.insertTableRow(1 + i, template.copy());
      row.replaceText('\\{\\{no\\}\\}', String(i + 1));
      row.getCell(1).setText(desc);
    }
    table.removeRow(0);
    expect(template.getParent()).toBeNull();
    expect(template.getText()).toBe('{{no}}\n{{desc}}');
    expect(table.getNumRows()).toBe(3);
    expect(table.getText()).toBe('1\nPlan\n2\nExtra\nTotal\n{{sum}}');
    expect(table.getRow(0).getParent()).toBe(table);
    expect(() => table.getRow(3)).toThrow(/Child index \(3\)/);
  });

  it('sections keep their last paragraph; headers and footers appear only when added', () => {
    const { DocumentApp } = setup();
    const d = DocumentApp.create('S');
    expect([d.getHeader(), d.getFooter()]).toEqual([null, null]);
    const body = d.getBody();
    expect(body.getNumChildren()).toBe(1);
    const last = body.getChild(0).asParagraph(); // every new document has one empty paragraph
    expect(() => body.getChild(0).asTable()).toThrow(/Cannot cast/);
    expect(() => last.removeFromParent()).toThrow("Can't remove the last paragraph");
    body.insertParagraph(0, 'first').setHeading(DocumentApp.ParagraphHeading.HEADING1);
    expect(body.getChildIndex(last)).toBe(1);
    body.clear();
    expect(body.getText()).toBe('');
    expect(body.getNumChildren()).toBe(1);
    d.addFooter();
    expect(() => d.addFooter()).toThrow(/already contains a footer/);
  });

  it('counts created documents against the daily quota, also copies, and resets 24 hours after the first use', () => {
    const { ss, DocumentApp, DriveApp } = setup();
    ss.quotas.docsPerDay = 2;
    const d = DocumentApp.create('A');
    const id = d.getId();
    d.saveAndClose();
    DriveApp.getFileById(id).makeCopy('B');
    expect(() => DocumentApp.create('C')).toThrow(new Error('Service invoked too many times for one day: docs create.'));
    expect(() => DriveApp.getFileById(id).makeCopy('C')).toThrow('docs create');
    ss.advance(12 * 3600_000); // 01:00 Berlin the next day: midnight resets nothing
    expect(() => DocumentApp.create('C')).toThrow('docs create');
    ss.advance(12 * 3600_000); // 24 hours after the first document of the window
    expect(DocumentApp.create('C').getName()).toBe('C');
  });
});

describe('drive', () => {
  it("unknown ids throw Apps Script's error; trashed items are still returned", () => {
    const { DriveApp, Utilities } = setup();
    const notFound = 'Exception: No item with the given ID could be found. Possibly because you have not edited this item or you do not have permission to access it.';
    expect(() => DriveApp.getFileById('nope')).toThrow(new Error(notFound));
    expect(() => DriveApp.getFolderById('nope')).toThrow(new Error(notFound));
    const folder = DriveApp.createFolder('Invoices');
    expect(() => DriveApp.getFileById(folder.getId())).toThrow(notFound);
    const f = folder.createFile(Utilities.newBlob('x', 'text/plain', 'a.txt'));
    f.setTrashed(true);
    expect(DriveApp.getFileById(f.getId()).isTrashed()).toBe(true);
    expect(folder.getFilesByName('a.txt').hasNext()).toBe(false);
  });

  it('folders: children by name, parents, moves, urls', () => {
    const { DriveApp, Utilities } = setup();
    const root = DriveApp.getRootFolder();
    const billing = root.createFolder('Billing');
    billing.createFolder('2026');
    const old = billing.createFolder('2026');
    old.setTrashed(true);
    const it = billing.getFoldersByName('2026');
    const y = it.next();
    expect(it.hasNext()).toBe(false);
    expect(() => it.next()).toThrow(/iterator has reached the end/);
    const file = DriveApp.createFile(Utilities.newBlob('data', 'text/csv', 'x.csv'));
    expect([file.getName(), file.getMimeType(), file.getParents().next().getId()]).toEqual(['x.csv', 'text/csv', root.getId()]);
    file.moveTo(y);
    expect(file.getParents().next().getName()).toBe('2026');
    expect(y.getFiles().next().getBlob().getDataAsString()).toBe('data');
    expect(file.getUrl()).toBe(`https://drive.google.com/file/d/${file.getId()}/view`);
    expect(y.getUrl()).toBe(`https://drive.google.com/drive/folders/${y.getId()}`);
  });

  it('Drive calls count against the 6-minute limit', () => {
    const { ss, DriveApp } = setup();
    const id = DriveApp.getRootFolder().getId();
    expect(() => {
      for (let i = 0; i < 3000; i++) DriveApp.getFolderById(id);
    }).toThrow('Exceeded maximum execution time');
    expect(ss.elapsedMs).toBeGreaterThan(TIME_LIMIT_MS);
    expect(ss.counters['DriveApp.getFolderById']).toBeLessThanOrEqual(2400);
    ss.beginExecution();
    expect(ss.elapsedMs).toBe(0);
    expect(() => DriveApp.getFolderById(id)).not.toThrow();
  });
});

describe('mail', () => {
  it('counts every to, cc and bcc recipient and refuses what exceeds the daily quota, sending nothing', () => {
    const { ss, MailApp, Utilities } = setup();
    expect(MailApp.getRemainingDailyQuota()).toBe(100);
    ss.quotas.mailRecipientsPerDay = 5;
    MailApp.sendEmail({ to: 'a@x.de, b@x.de', cc: 'c@x.de', bcc: 'd@x.de', subject: 'Invoice', body: 'see attached', attachments: [Utilities.newBlob('%PDF', 'application/pdf', 'INV-1.pdf')] });
    expect(MailApp.getRemainingDailyQuota()).toBe(1);
    expect(() => MailApp.sendEmail('e@x.de', 'S', 'B', { cc: 'f@x.de' })).toThrow(new Error('Service invoked too many times for one day: email.'));
    expect(ss.mail.sent).toHaveLength(1);
    expect(ss.mail.sent[0]).toMatchObject({
      recipients: ['a@x.de', 'b@x.de', 'c@x.de', 'd@x.de'],
      subject: 'Invoice',
      attachments: [{ name: 'INV-1.pdf', contentType: 'application/pdf', data: '%PDF' }],
    });
    MailApp.sendEmail('Ada <e@x.de>', 'S', 'B');
    expect(MailApp.getRemainingDailyQuota()).toBe(0);
    ss.advance(12 * 3600_000);
    expect(MailApp.getRemainingDailyQuota()).toBe(0); // past midnight, but not 24 hours after the first mail
    ss.advance(12 * 3600_000);
    expect(MailApp.getRemainingDailyQuota()).toBe(5);
  });

  it('refuses invalid addresses, more than 50 recipients and oversized attachments', () => {
    const { ss, MailApp, Utilities } = setup();
    expect(() => MailApp.sendEmail('a@x.de, not-an-address', 'S', 'B')).toThrow(new Error('Exception: Invalid email: not-an-address'));
    const many = Array.from({ length: 51 }, (_, i) => `u${i}@x.de`).join(',');
    ss.quotas.mailRecipientsPerDay = 1500;
    expect(() => MailApp.sendEmail({ to: many, subject: 'S', body: 'B' })).toThrow(new Error('Exception: Too many recipients'));
    const big = Utilities.newBlob('x'.repeat(26 * 1024 * 1024), 'application/pdf', 'big.pdf');
    expect(() => MailApp.sendEmail({ to: 'a@x.de', subject: 'S', body: 'B', attachments: [big] })).toThrow(/Attachments Size/);
    expect(ss.mail.sent).toEqual([]);
    expect(MailApp.getRemainingDailyQuota()).toBe(1500);
  });
});

describe('clock, counters and crashes', () => {
  it("the Date global follows the simulated clock inside the bundle's context", () => {
    const { ss } = setup();
    const g2 = gasGlobals(ss);
    ss.seed('S', [['2026-11-01']]);
    const ctx = vm.createContext({ ...g2.globals, cell: ss.getSheetByName('S')!.cells[0][0] });
    const probe = () =>
      vm.runInContext('[new Date().getTime(), Date.now(), new Date() instanceof Date, Object.prototype.toString.call(new Date()), cell instanceof Date, new Date(2026, 0, 2).getDate()]', ctx);
    const before = probe();
    expect(before.slice(2)).toEqual([true, '[object Date]', true, 2]);
    expect(Math.abs(before[0] - NOON)).toBeLessThan(5000);
    ss.advance(3600_000);
    const after = probe();
    expect(after[0] - before[0]).toBeGreaterThanOrEqual(3600_000);
    expect(after[0] - before[0]).toBeLessThan(3600_000 + 5000);
    expect(Math.abs(after[1] - after[0])).toBeLessThan(1000);
    // Simulated latency moves the clock too.
    const t = ss.now();
    g2.globals.DocumentApp.create('slow');
    expect(ss.now() - t).toBeGreaterThanOrEqual(800);
    expect(g2.globals.Utilities.formatDate(new Date(ss.now()), 'Europe/Berlin', 'HH')).toBe('14');
  });

  it('the clock is fully simulated: real time spent by the test machine does not move it', () => {
    const { ss, DriveApp } = setup();
    const [now, elapsed] = [ss.now(), ss.elapsedMs];
    const until = Date.now() + 30;
    while (Date.now() < until); // 30 ms of real CPU work
    expect([ss.now() - now, ss.elapsedMs - elapsed]).toEqual([0, 0]);
    DriveApp.getRootFolder();
    const charged = ss.elapsedMs - elapsed;
    expect(charged).toBeGreaterThan(0);
    expect(ss.now() - now).toBe(charged);
  });

  it('formats the SimpleDateFormat patterns the code uses, zoned', () => {
    const { Utilities } = setup();
    const d = new Date(Date.UTC(2026, 11, 31, 23, 5, 9));
    const f = (p: string) => Utilities.formatDate(d, 'Europe/Berlin', p);
    expect(['yyyy-MM-dd', 'H', 'HH', 'yyyy', 'MM', 'dd', 'yyyy-MM-dd HH:mm', "yyyy-MM-dd'T'HH:mm:ss"].map(f)).toEqual([
      '2027-01-01',
      '0',
      '00',
      '2027',
      '01',
      '01',
      '2027-01-01 00:05',
      '2027-01-01T00:05:09',
    ]);
    expect(() => f('dd.MM.yyyy')).toThrow(/does not support/);
  });

  it('counts Spreadsheet calls per sheet as well, and records the activated range', () => {
    const { ss, SpreadsheetApp } = setup();
    ss.seed('Invoices', [['a'], ['b']]);
    ss.counters = {};
    const sheet = SpreadsheetApp.getActive().getSheetByName('Invoices')!;
    sheet.getRange(1, 1, 2, 1).getValues();
    sheet.getRange(2, 1).activate();
    expect(ss.counters).toMatchObject({ getValues: 1, 'getValues:Invoices': 1, activate: 1, 'activate:Invoices': 1 });
    expect(ss.active).toEqual({ sheet: 'Invoices', row: 2, column: 1 });
  });

  it('failAt makes the n-th counted call from now fail once, in any service', () => {
    const { ss, DriveApp, DocumentApp, MailApp } = setup();
    const work = () => {
      const f = DriveApp.createFolder('Out');
      const d = DocumentApp.create('Doc');
      d.getBody().appendParagraph('x');
      const id = d.getId();
      d.saveAndClose();
      DriveApp.getFileById(id).moveTo(f);
      MailApp.sendEmail('a@x.de', 'S', 'B');
    };
    const c0 = ss.callCount;
    work();
    const calls = ss.callCount - c0;
    expect(calls).toBe(9);
    for (let n = 1; n <= calls; n++) {
      const sent = ss.mail.sent.length;
      ss.failAt(n, `crash ${n}`);
      expect(work).toThrow(new Error(`crash ${n}`));
      expect(ss.mail.sent.length).toBe(sent); // the mail is the last call: never sent after a crash
    }
    expect(work).not.toThrow(); // once only
    ss.failAt(1);
    expect(() => ss.getSheetByName('none') ?? ss.insertSheet('Z').getRange(1, 1).getValues()).toThrow('Service error: simulated crash');
  });

  it('blobs hand out signed bytes like Java', () => {
    const { Utilities } = setup();
    const b = Utilities.newBlob('aé€');
    expect(b.getBytes()).toEqual([97, -61, -87, -30, -126, -84]);
    expect(b.getDataAsString()).toBe('aé€');
    expect([b.getContentType(), b.getName()]).toEqual([null, null]);
    // Java bytes only: an unsigned byte (255) is refused, never silently wrapped (code must convert, as Google documents Byte[]).
    expect(() => Utilities.newBlob([255, 128, 127, 0, -1])).toThrow(/Invalid argument/);
    const raw = Utilities.newBlob([-1, -128, 127, 0, -1], 'application/octet-stream', 'raw.bin');
    expect(raw.getBytes()).toEqual([-1, -128, 127, 0, -1]);
    const copy = raw.copyBlob().setName('copy.bin');
    expect([raw.getName(), copy.getName(), copy.getAs('application/octet-stream').getBytes()]).toEqual(['raw.bin', 'copy.bin', [-1, -128, 127, 0, -1]]);
    expect(() => raw.getAs('application/pdf')).toThrow(/not supported/);
  });
});

describe('menus', () => {
  it("an add-on's menu is the one from createAddonMenu (Extensions → add-on); createMenu is recorded as a top-level custom menu", () => {
    const ss = new FakeSpreadsheet();
    const g = gasGlobals(ss);
    const ui = g.globals.SpreadsheetApp.getUi();
    const sub = ui.createMenu('More').addItem('C', 'fnC');
    ui.createAddonMenu().addItem('A', 'fnA').addSeparator().addSubMenu(sub).addItem('B', 'fnB').addToUi();
    expect(g.menus).toEqual(['fnA', 'fnC', 'fnB']);
    ui.createMenu('Billing').addItem('X', 'fnX').addToUi();
    // The top-level menu is recorded, but its items are not the add-on's menu.
    expect(g.menus).toEqual(['fnA', 'fnC', 'fnB']);
    expect(g.menuBars).toEqual([
      { kind: 'addon', name: '', items: ['fnA', 'fnC', 'fnB'] },
      { kind: 'custom', name: 'Billing', items: ['fnX'] },
    ]);
  });
});
