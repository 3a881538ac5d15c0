// Invoice documents and email in Apps Script, through the built bundle's entry points: setup makes
// the Drive folder and the Docs template, finalized invoices get a filled Doc and PDF in
// <folder>/<yyyy>/<mm>/, MailApp sends them within the daily quota, and the hourly trigger sends
// what waits in the queue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSpreadsheet } from '../support/gasFakes';
import { einvoiceDir } from '../support/einvoiceValidation';
import { addOn, fireTrigger, recipientsOf, rowsOf, seedCustomers } from '../support/gasHarness';
import { oneInvoiceDoc, oneTenant } from '../support/fixtures';
import { renderInvoicePdf } from '../../src/node/invoicePdf';

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');
const DOC = 'application/vnd.google-apps.document';

function billedWorkbook(n: number, tenant: Record<string, unknown> = {}) {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
  seedCustomers(ss, n, tenant);
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  let r = admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
  while (!r.done) r = admin.exec('continueRun', r.runId);
  return { ss, admin };
}

const invoices = (ss: FakeSpreadsheet) => rowsOf(ss, 'Invoices');
const idOf = (url: string) => /\/d\/([\w-]+)/.exec(url)![1];

describe('setup in Drive', () => {
  it('makes a Drive folder and a default Docs template per company, records their ids, and a second setup makes none', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 1);
    const { exec } = addOn(ss);
    const r = exec('setupBillingSheets');
    expect(r.driveFilesFor).toEqual(['DE']);
    const s = rowsOf(ss, 'Settings')[0];
    const folder = ss.drive.items.get(s['Drive Folder ID'])!;
    const template = ss.drive.items.get(s['Template ID'])!;
    expect([folder.name, template.mimeType, template.parentId]).toEqual(['Invoices – Muster GmbH', DOC, folder.id]);
    // The template holds the placeholders, saved.
    expect(ss.drive.savedText(template.id)).toEqual(expect.stringContaining('{{line.description}}'));
    const count = ss.drive.items.size;
    expect(exec('setupBillingSheets').driveFilesFor).toEqual([]);
    expect(ss.drive.items.size).toBe(count);
  });
});

describe('setup on a Settings sheet without the Drive columns', () => {
  it('adds each column once and writes the ids under them', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    ss.seed('Settings', [
      ['Tenant ID', 'Legal Name', 'Country', 'Currency'],
      ['DE', 'Muster GmbH', 'DE', 'EUR'],
    ]);
    addOn(ss).exec('setupBillingSheets');
    const header = ss.getSheetByName('Settings')!.cells[0];
    expect(header.filter((h) => h === 'Drive Folder ID' || h === 'Template ID')).toEqual(['Drive Folder ID', 'Template ID']);
    const s = rowsOf(ss, 'Settings')[0];
    expect([ss.drive.items.get(s['Drive Folder ID'])?.name, ss.drive.items.get(s['Template ID'])?.mimeType]).toEqual(['Invoices – Muster GmbH', DOC]);
  });
});

describe('documents of finalized invoices', () => {
  it('copies the template per invoice into <folder>/2026/11, fills every placeholder, repeats line and tax rows, links both in the ledger', () => {
    const { ss, admin } = billedWorkbook(3);
    admin.exec('finalizeInvoices', {});
    const r = admin.exec('renderDocuments', {});
    expect([r.rendered.length, r.failed, r.remaining]).toEqual([3, [], 0]);
    const inv = invoices(ss)[0];
    const doc = ss.drive.items.get(idOf(inv['Doc URL']))!;
    const pdf = ss.drive.items.get(idOf(inv['PDF URL']))!;
    expect([doc.name, doc.mimeType, pdf.name, pdf.mimeType]).toEqual([`${inv.Number}_2026-11-30`, DOC, `${inv.Number}_2026-11-30.pdf`, 'application/pdf']);
    const month = ss.drive.items.get(doc.parentId!)!;
    const year = ss.drive.items.get(month.parentId!)!;
    expect([year.name, month.name, pdf.parentId]).toEqual(['2026', '11', month.id]);
    expect(ss.drive.items.get(year.parentId!)!.name).toBe('Invoices – Muster GmbH');

    const text = pdf.blob!.getDataAsString();
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text).not.toContain('{{');
    // Customer 0: 1 × 49.00 at 19 % and 1 × 12.50 at 7 % → 49.00 + 12.50 = 61.50 net; 9.31 + 0.88 tax; 71.69.
    for (const s of [
      'Rechnung ' + inv.Number,
      'Kunde 0',
      'Plan',
      'Fachbuch',
      '49,00',
      '12,50',
      '61,50 EUR',
      '9,31 EUR',
      '0,88 EUR',
      '71,69 EUR',
      'Rechnungsnummer: ' + inv.Number,
      'DE89370400440532013000',
      'Fällig am: 14.12.2026',
    ]) {
      expect([s, text.includes(s)]).toEqual([s, true]);
    }
    // The line row was repeated per line and the template row removed: "Plan" once, one row per VAT rate in the totals.
    expect(text.match(/Plan/g)).toHaveLength(1);
    expect(text.match(/USt\. \d+ % Bemessungsgrundlage/g)).toHaveLength(2);
    // The doc and the PDF say the same (the PDF was exported after saveAndClose).
    expect(text.slice('%PDF-1.4\n'.length)).toBe(ss.drive.savedText(doc.id));
    // A second call has nothing to do.
    expect(admin.exec('renderDocuments', {}).rendered).toEqual([]);
  });

  it('inserts user text literally: $1, backslashes and {{placeholders}} in a customer name stay as typed', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 1);
    const accounts = ss.getSheetByName('Accounts')!;
    accounts.cells[1][accounts.cells[0].indexOf('Name')] = 'Cash $1 \\ {{number}} & <Co>';
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
    admin.exec('finalizeInvoices', {});
    admin.exec('renderDocuments', {});
    const pdf = ss.drive.items.get(idOf(invoices(ss)[0]['PDF URL']))!;
    expect(pdf.blob!.getDataAsString()).toContain('Cash $1 \\ {{number}} & <Co>');
  });

  it('stays within 10 Drive and Docs round trips per invoice (getters and edits inside the open document counted apart)', () => {
    const { ss, admin } = billedWorkbook(20);
    admin.exec('finalizeInvoices', {});
    const before = { ...ss.counters };
    admin.exec('renderDocuments', {});
    const service = Object.entries(ss.counters)
      .filter(([k]) => /^(DriveApp|DocumentApp|Folder|File|Document)\./.test(k) && !/^(File|Folder)\.get(Id|Url|Name)$|^Document\.get(Body|Header|Footer)$/.test(k))
      .reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0);
    expect(service / 20).toBeLessThanOrEqual(10);
    // Edits of the open document: one replaceText per placeholder name, plus the repeated rows.
    const edits = Object.entries(ss.counters)
      .filter(([k]) => k.startsWith('Element.'))
      .reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0);
    expect(edits / 20).toBeLessThan(120);
  });

  it('makes a deleted PDF again from the ledger when the invoice is named, and previews a draft without recording it', () => {
    const { ss, admin } = billedWorkbook(2);
    const draftId = invoices(ss)[1]['Invoice ID'];
    admin.exec('finalizeInvoices', { invoiceIds: [invoices(ss)[0]['Invoice ID']] });
    admin.exec('renderDocuments', {});
    const inv = invoices(ss)[0];
    ss.drive.items.get(idOf(inv['PDF URL']))!.trashed = true;
    const again = admin.exec('renderDocuments', { invoiceIds: [inv.Number] });
    expect(again.rendered.map((x: { number: string }) => x.number)).toEqual([inv.Number]);
    const fresh = invoices(ss)[0]['PDF URL'];
    expect(fresh).not.toBe(inv['PDF URL']);
    expect(ss.drive.items.get(idOf(fresh))!.trashed).toBe(false);
    // The old Doc of that name was replaced, not left beside the new one.
    expect(ss.drive.byName(`${inv.Number}_2026-11-30`).filter((f) => !f.trashed)).toHaveLength(1);

    const ledger = JSON.stringify(ss.getSheetByName('Invoices')!.cells);
    // Previews go into the invoice folder, in the documents owner's Drive: another user's account cannot reach it (drive.file).
    expect(() => addOn(ss, 'clerk@example.com').exec('previewDraft', draftId)).toThrow(/^Previews are made in the invoice folder in the Drive of admin@example\.com, which your account cannot reach/);
    const p = admin.exec('previewDraft', draftId);
    const file = ss.drive.items.get(idOf(p.url))!;
    expect(ss.drive.items.get(file.parentId!)!.name).toBe('Previews');
    expect(file.blob!.getDataAsString()).toContain('ENTWURF');
    // Only the PDF is kept; the ledger is unchanged.
    expect(
      ss.drive
        .byName(`DRAFT ${draftId}_2026-11-30`)
        .filter((f) => !f.trashed)
        .map((f) => f.id),
    ).toEqual([]);
    expect(JSON.stringify(ss.getSheetByName('Invoices')!.cells)).toBe(ledger);
  });

  it('stops at the daily documents quota and the trigger finishes the next day', () => {
    const { ss, admin } = billedWorkbook(6);
    admin.exec('finalizeInvoices', {});
    // The trigger runs as whoever saved the schedule.
    admin.exec('saveScheduleSettings', { dayOfMonth: 28, hour: 6, autoFinalize: false, enabled: true });
    ss.quotas.docsPerDay = ss.daily().docsCreated + 2;
    const r = admin.exec('renderDocuments', {});
    expect([r.rendered.length, r.remaining, r.quotaExhausted]).toEqual([2, 4, true]);
    expect(invoices(ss).filter((i) => i['PDF URL']).length).toBe(2);
    ss.advance(24 * 3600_000);
    ss.quotas.docsPerDay = 250;
    fireTrigger(ss);
    expect(invoices(ss).filter((i) => i['PDF URL']).length).toBe(6);
  });
});

describe('email', () => {
  it('mails each invoice to its contacts by role with the PDF attached and reply-to; the quota leaves the rest queued for the trigger; never twice', () => {
    const { ss, admin } = billedWorkbook(6, { replyTo: 'buchhaltung@muster.example' });
    admin.exec('finalizeInvoices', {});
    // Customers 0 and 3 have 3 recipients, the others 1: 1+… quota 5 fits customers 0, 1, 2 (3+1+1).
    admin.exec('saveScheduleSettings', { dayOfMonth: 28, hour: 6, autoFinalize: false, enabled: true });
    ss.quotas.mailRecipientsPerDay = 5;
    // The sidebar calls again while a ~20 s slice leaves work (documents are made first).
    const slices = [admin.exec('sendInvoices', {})];
    while (!slices[slices.length - 1].done) slices.push(admin.exec('sendInvoices', {}));
    const r = slices[slices.length - 1];
    expect(slices.length).toBeGreaterThan(1);
    expect([slices.reduce((n, x) => n + x.sent.length, 0), r.queued, r.quotaLeft]).toEqual([3, 3, 0]);
    const first = ss.mail.sent[0];
    expect([first.to, first.cc, first.bcc, first.replyTo, first.name]).toEqual(['a0@kunde.example', 'cc0@kunde.example', 'bcc0@kunde.example', 'buchhaltung@muster.example', 'Muster GmbH']);
    const inv = invoices(ss);
    expect(first.subject).toBe(`Rechnung ${inv[0].Number} von Muster GmbH`);
    expect(first.attachments.map((a) => [a.name, a.contentType])).toEqual([[`${inv[0].Number}_2026-11-30.pdf`, 'application/pdf']]);
    expect(first.attachments[0].data).toContain(inv[0].Number);
    expect(inv.map((i) => i.Delivery)).toEqual(['sent', 'sent', 'sent', 'queued', 'queued', 'queued']);
    expect(inv[0]['Sent To']).toBe('a0@kunde.example, cc:cc0@kunde.example, bcc:bcc0@kunde.example');
    expect(
      rowsOf(ss, 'Log')
        .filter((l) => l.Action === 'send')
        .map((l) => l.Number),
    ).toEqual(inv.slice(0, 3).map((i) => i.Number));

    // Later the same day the trigger finds no quota: nothing is sent, nothing fails.
    ss.advance(3600_000);
    fireTrigger(ss);
    expect(ss.mail.sent).toHaveLength(3);
    // The next day it sends the queue.
    ss.advance(24 * 3600_000);
    ss.quotas.mailRecipientsPerDay = 100;
    fireTrigger(ss);
    expect(invoices(ss).map((i) => i.Delivery)).toEqual(Array(6).fill('sent'));
    expect(ss.mail.sent.reduce((n, m) => n + m.recipients.length, 0)).toBe([0, 1, 2, 3, 4, 5].reduce((n, i) => n + recipientsOf(i), 0));
    // Sending again mails nobody twice.
    expect(admin.exec('sendInvoices', {}).sent).toEqual([]);
    expect(new Set(ss.mail.sent.map((m) => m.subject)).size).toBe(6);
  });

  it('the Send menu promises the hourly trigger only when one is on, and names who runs it', () => {
    const { ss, admin } = billedWorkbook(6);
    admin.exec('finalizeInvoices', {});
    ss.quotas.mailRecipientsPerDay = 2;
    admin.exec('menuSendInvoices');
    const withoutTrigger = admin.alerts.at(-1) ?? '';
    expect(withoutTrigger).toContain('the next Send continues (no hourly trigger is on');
    expect(withoutTrigger).not.toContain('the hourly trigger or');
    admin.exec('saveScheduleSettings', { dayOfMonth: 28, hour: 6, autoFinalize: false, enabled: true });
    ss.advance(24 * 3600_000);
    admin.exec('menuSendInvoices');
    expect(admin.alerts.at(-1)).toContain('the hourly trigger (run by admin@example.com) or the next Send continues.');
  });

  it('lets only billing admins send, and tells a second admin who holds the lock', () => {
    const { ss, admin } = billedWorkbook(1, { billingAdmins: 'admin@example.com, boss@example.com' });
    admin.exec('finalizeInvoices', {});
    admin.exec('renderDocuments', {});
    expect(() => addOn(ss, 'clerk@example.com').exec('sendInvoices', {})).toThrow(
      'Only the billing admins named in Settings (admin@example.com, boss@example.com) may send invoices; you are signed in as clerk@example.com.',
    );
    expect(ss.mail.sent).toEqual([]);

    // While the admin's send holds the document lock, another admin's run is refused with who and what.
    const clerk = addOn(ss, 'boss@example.com');
    const mailApp = admin.globals.MailApp as { sendEmail: (...a: unknown[]) => void };
    const send = mailApp.sendEmail;
    let message = '';
    mailApp.sendEmail = (...a: unknown[]) => {
      try {
        clerk.ctx.runInvoicing({ periodStart: '2026-12-01', periodEnd: '2026-12-31' });
      } catch (e) {
        message = (e as Error).message;
      }
      return send(...a);
    };
    admin.exec('sendInvoices', {});
    expect(message).toMatch(/^Another billing action is in progress: admin@example\.com started to send invoices at 2026-12-02 \d\d:\d\d\. Try again when it has finished\.$/);
    // And the lock is free again afterwards.
    expect(() => clerk.exec('sidebarState')).not.toThrow();
    expect(clerk.exec('runInvoicing', { periodStart: '2026-12-01', periodEnd: '2026-12-31' }).done).toBe(true);
  });

  it('auto-send: the scheduled run finalizes and queues its invoices, and the trigger mails them', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: Date.parse('2026-12-03T05:30:00Z') });
    seedCustomers(ss, 4);
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    admin.exec('saveScheduleSettings', { dayOfMonth: 3, hour: 7, autoFinalize: true, autoSend: true, enabled: true });
    admin.exec('onHourlyTrigger'); // 06:30 Berlin: not yet
    expect(invoices(ss)).toEqual([]);
    ss.advance(3600_000);
    fireTrigger(ss);
    const inv = invoices(ss);
    expect(inv.map((i) => [i.Status, i.Delivery])).toEqual(Array(4).fill(['Open', 'sent']));
    expect(inv.filter((i) => !i['PDF URL']).map((i) => i.Number)).toEqual([]);
    expect(ss.mail.sent).toHaveLength(4);
  });

  it('reports an invoice left in "sending" as uncertain, never resends it by itself, and lets an admin mark it sent or resend it', () => {
    const { ss, admin } = billedWorkbook(3);
    admin.exec('finalizeInvoices', {});
    while (admin.exec('renderDocuments', {}).remaining);
    // An execution stopped between the two marks of two invoices.
    const sheet = ss.getSheetByName('Invoices')!;
    const col = sheet.cells[0].indexOf('Delivery');
    sheet.cells[1][col] = 'sending';
    sheet.cells[2][col] = 'sending';
    const [a, b] = invoices(ss);
    const r = admin.exec('sendInvoices', {});
    expect([r.sent.length, r.uncertain.map((u: { number: string }) => u.number)]).toEqual([1, [a.Number, b.Number]]);
    expect(ss.mail.sent.filter((m) => m.subject.includes(a.Number) || m.subject.includes(b.Number))).toEqual([]);
    expect(() => addOn(ss, 'clerk@example.com').exec('markInvoicesSent', [a.Number])).toThrow(/Only the billing admins/);
    expect(admin.exec('markInvoicesSent', [a.Number])).toEqual([a.Number]);
    const again = admin.exec('sendInvoices', { invoiceIds: [b.Number], resend: true });
    expect(again.sent.map((x: { number: string }) => x.number)).toEqual([b.Number]);
    expect(invoices(ss).map((i) => i.Delivery)).toEqual(['sent', 'sent', 'sent']);
    expect(ss.mail.sent.filter((m) => m.subject.includes(a.Number))).toEqual([]);
    expect(
      rowsOf(ss, 'Log')
        .filter((l) => l.Action === 'marked sent')
        .map((l) => l.Number),
    ).toEqual([a.Number]);
  });

  it('stores the XRechnung of a public-sector buyer beside its PDF, links it, and attaches it; names the missing data otherwise', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 2, { phone: '+49 30 1234567', contactName: 'Erika Muster' });
    // Customer 0 is a public authority with a Leitweg-ID: XRechnung (UBL) by default.
    const accounts = ss.getSheetByName('Accounts')!;
    accounts.cells[1][accounts.cells[0].indexOf('Buyer Reference')] = '04011000-12345-67';
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
    admin.exec('finalizeInvoices', {});
    while (!admin.exec('sendInvoices', {}).done);
    const [a, b] = invoices(ss);
    const xml = ss.drive.items.get(idOf(a['XML URL']))!;
    expect([xml.name, xml.mimeType, xml.parentId]).toEqual([`${a.Number}_2026-11-30.xml`, 'application/xml', ss.drive.items.get(idOf(a['PDF URL']))!.parentId]);
    expect(xml.blob!.getDataAsString()).toContain('<cbc:BuyerReference>04011000-12345-67</cbc:BuyerReference>');
    expect(b['XML URL']).toBe('');
    const mailA = ss.mail.sent.find((m) => m.subject.includes(a.Number))!;
    expect(mailA.attachments.map((x) => [x.name, x.contentType])).toEqual([
      [`${a.Number}_2026-11-30.pdf`, 'application/pdf'],
      [`${a.Number}_2026-11-30.xml`, 'application/xml'],
    ]);
    expect(ss.mail.sent.find((m) => m.subject.includes(b.Number))!.attachments).toHaveLength(1);
  });

  it('makes no documents for an invoice whose XRechnung lacks data, and says which sheet and column to fill in', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 1, { eInvoiceFormat: 'xrechnung-cii' });
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
    admin.exec('finalizeInvoices', {});
    const r = admin.exec('renderDocuments', {});
    expect(r.failed.map((f: { reason: string }) => f.reason)).toEqual([`${invoices(ss)[0].Number}: no XRechnung: Settings (DE): Phone is required for the seller contact (BR-DE-6)`]);
    expect(invoices(ss)[0]['PDF URL']).toBe('');
    expect(rowsOf(ss, 'Log').filter((l) => l.Action === 'document failed')).toHaveLength(1);
  });

  it('reads supplier e-invoices picked in the sidebar into the Received sheets, in bulk', () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    seedCustomers(ss, 1);
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    const xml = readFileSync(join(einvoiceDir(), 'examples', 'ubl', 'ubl-tc434-example1.xml'), 'utf8');
    const before = ss.counters.setValues ?? 0;
    const r = admin.exec('receiveInvoices', [
      { name: 'supplier.xml', xml },
      { name: 'note.txt', xml: 'hello' },
    ]);
    expect([r.received.length, r.failed.map((f: { file: string }) => f.file)]).toEqual([1, ['note.txt']]);
    const [row] = rowsOf(ss, 'Received');
    expect([row.Number, row.Validation, typeof row.Payable]).toEqual([r.received[0].number, 'valid', 'number']);
    expect(rowsOf(ss, 'ReceivedLines').length).toBeGreaterThan(0);
    // One append per sheet.
    expect((ss.counters.setValues ?? 0) - before).toBe(2);
  });

  it('reads the XML out of a Factur-X PDF picked in the sidebar (sent as base64), inside the Apps Script bundle', async () => {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    const admin = addOn(ss);
    admin.exec('setupBillingSheets');
    const xml = readFileSync(join(einvoiceDir(), 'examples', 'cii', 'CII_example1.xml'), 'utf8');
    const pdf = await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant, facturX: xml });
    const plain = await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant });
    const r = admin.exec('receiveInvoices', [
      { name: 'supplier.pdf', pdf: pdf.toString('base64') },
      { name: 'scan.pdf', pdf: plain.toString('base64') },
    ]);
    expect(r.received.map((x: { file: string; status: string }) => [x.file, x.status])).toEqual([['supplier.pdf', 'valid']]);
    expect(r.failed.map((x: { reason: string }) => x.reason)).toEqual([expect.stringContaining('no embedded e-invoice')]);
    expect(rowsOf(ss, 'Received').map((row) => [row.Number, row['Checked Against']])).toEqual([['12115118', 'totals (BR-CO-10..16)']]);
  });
});
