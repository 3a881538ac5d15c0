// Addresses in invoice emails (src/core/mail.ts): every address read from the sheets (Settings Email
// and Reply-To, Contacts Email) must be exactly one plain address; anything else stops that
// invoice's mail with an error naming sheet, row, column and value, in both senders that use
// invoiceMail (here the Apps Script one, src/app/delivery.ts; the local one in tests/node/outbox.test.ts).
// Subject and sender name are one header line whatever the Settings say.
import { runInvoicing } from '../../src/app/runInvoicing';
import { finalizeInvoices } from '../../src/app/ledgerActions';
import { sendInvoices } from '../../src/app/delivery';
import { addressProblem, checkAddress, invoiceMail, type InvoiceMail } from '../../src/core/mail';
import type { Contact, Invoice, Tenant } from '../../src/core/model';
import type { DocText } from '../../src/core/docText';
import { D } from '../../src/core/money';
import type { DocumentsPort, MailPort } from '../../src/ports';
import { DE_TENANT, account, item, ports, product, subscription, table, type Rows } from '../support/fixtures';

describe('addressProblem: exactly one plain address', () => {
  it.each(['a@b.de', "o'brien@example.com", 'first.last+invoices@sub.example.co.uk', 'a-b_c=d@x-y.example', 'müller@bäckerei.example'])('accepts %j', (a) => {
    expect(addressProblem(a)).toBeUndefined();
  });

  it.each([
    ['a@b.de\nBcc: spy@evil.example', 'line break'],
    ['a@b.de\r\n', 'line break'],
    ['a@b.de\u2028', 'line break'],
    ['a\u0000@b.de', 'control'],
    ['a\u200b@b.de', 'invisible'],
    ['a@b.de, c@d.de', 'list'],
    ['a@b.de;c@d.de', 'list'],
    ['Name <a@b.de>', 'angle brackets'],
    ['<a@b.de>', 'angle brackets'],
    ['"a b"@example.com', 'quotes'],
    ['a@b.de (billing)', 'brackets'],
    ['group:a@b.de', 'group'],
    ['a b@example.com', 'space'],
    ['a@example.com\u00a0', 'space'],
    ['', 'empty'],
    ['billing.example.com', 'no "@"'],
    ['a@b@example.com', 'more than one "@"'],
    ['.a@example.com', 'mailbox name'],
    ['a..b@example.com', 'mailbox name'],
    [`${'x'.repeat(65)}@example.com`, 'mailbox name'],
    ['a@localhost', 'not a domain name'],
    ['a@example.com.', 'not a domain name'],
    ['a@-example.com', 'not a domain name'],
    ['a@1.2.3.4', 'not a domain name'],
    ['a@[1.2.3.4]', 'not a domain name'],
  ])('rejects %j (%s)', (a, why) => {
    expect(addressProblem(a)).toContain(why);
  });
});

describe('checkAddress', () => {
  it('drops spaces around the address and nothing else', () => {
    expect(checkAddress('  a@b.de ', { sheet: 'Settings', column: 'Reply-To' })).toBe('a@b.de');
  });

  it('names sheet, row, id, column and the value with its line break visible', () => {
    expect(() => checkAddress('a@b.de\nBcc: spy@evil.example', { sheet: 'Settings', row: 2, id: 'DE', column: 'Reply-To' })).toThrow(
      'Settings row 2 (DE), column Reply-To (value "a@b.de\\nBcc: spy@evil.example"): not one email address: it contains a line break',
    );
    expect(() => checkAddress('x', { sheet: 'Contacts', id: 'C-9', column: 'Email' })).toThrow('Contacts (C-9), column Email (value "x"): not one email address: it has no "@"');
  });
});

describe('invoiceMail', () => {
  const tenant = (extra: Partial<Tenant> = {}): Tenant => ({ tenantId: 'DE', legalName: 'Muster GmbH', country: 'DE', currency: 'EUR', language: 'de', email: 'billing@muster.example', ...extra });
  const inv = {
    invoiceId: 'I-000001',
    number: 'RE-2026-00001',
    accountId: 'A1',
    tenantId: 'DE',
    type: 'invoice',
    status: 'Open',
    currency: 'EUR',
    payable: D('119.00'),
    invoiceDate: '2026-12-01',
    dueDate: '2026-12-15',
    language: 'de',
  } as unknown as Invoice;
  const contact = (id: string, email: string, role: Contact['role'] = 'invoice'): Contact => ({ contactId: id, accountId: 'A1', email, role });
  const rows = { settings: 2, contact: (id: string) => ({ 'C-1': 2, 'C-2': 3 })[id] };
  const mail = (t: Tenant, contacts = [contact('C-1', 'a1@example.com')]) => invoiceMail(inv, t, contacts, rows);

  it('the {total} placeholder is what is left to pay when an account credit paid part of the invoice', () => {
    const body = (i: Invoice) => invoiceMail(i, tenant({ emailBody: 'Betrag: {total}' }), [contact('C-1', 'a1@example.com')], rows).text;
    expect(body(inv)).toContain('Betrag: 119,00');
    expect(body({ ...inv, prepaid: D('19.00') })).toContain('Betrag: 100,00');
  });

  it('a Reply-To with a line break is an error naming the Settings row, not a header', () => {
    expect(() => mail(tenant({ replyTo: 'billing@muster.example\nBcc: spy@evil.example' }))).toThrow(
      'Settings row 2 (DE), column Reply-To (value "billing@muster.example\\nBcc: spy@evil.example"): not one email address: it contains a line break',
    );
  });

  it('a Reply-To list or a Reply-To with a name is an error; one address (spaces around it dropped) is the Reply-To', () => {
    expect(() => mail(tenant({ replyTo: 'a@b.de, c@d.de' }))).toThrow('column Reply-To (value "a@b.de, c@d.de"): not one email address: it is a list');
    expect(() => mail(tenant({ replyTo: 'Billing <billing@muster.example>' }))).toThrow(
      'column Reply-To (value "Billing <billing@muster.example>"): not one email address: it has a name or angle brackets',
    );
    expect(mail(tenant({ replyTo: ' billing@muster.example ' })).replyTo).toBe('billing@muster.example');
    expect(mail(tenant({ replyTo: '' })).replyTo).toBeUndefined();
  });

  it('a bad Settings Email is an error naming its column', () => {
    expect(() => mail(tenant({ email: 'billing@muster.example\r\nX-Spam: no' }))).toThrow('Settings row 2 (DE), column Email (value "billing@muster.example\\r\\nX-Spam: no")');
  });

  it('a contact Email that is a list or has a name is an error naming the Contacts row, for To, Cc and Bcc alike', () => {
    expect(() => mail(tenant(), [contact('C-1', 'a@b.de, c@d.de')])).toThrow('Contacts row 2 (C-1), column Email (value "a@b.de, c@d.de"): not one email address: it is a list');
    expect(() => mail(tenant(), [contact('C-1', 'a1@example.com'), contact('C-2', 'Tax Office <tax@example.com>', 'cc')])).toThrow(
      'Contacts row 3 (C-2), column Email (value "Tax Office <tax@example.com>")',
    );
    expect(() => mail(tenant(), [contact('C-1', 'a1@example.com'), contact('C-2', 'x@y.de\nTo: z@z.de', 'bcc')])).toThrow(
      'Contacts row 3 (C-2), column Email (value "x@y.de\\nTo: z@z.de"): not one email address: it contains a line break',
    );
    // An inactive contact and a mailing contact are not mailed: not checked either.
    expect(mail(tenant(), [contact('C-1', 'a1@example.com'), { ...contact('C-2', 'not an address'), active: false }, contact('C-3', 'also not', 'mailing')]).to).toEqual(['a1@example.com']);
  });

  it('subject and sender name are one line whatever the template and company name contain', () => {
    const m = mail(tenant({ legalName: 'Muster GmbH\r\nBcc: spy@evil.example', emailSubject: '{type} {number}\nBcc: spy@evil.example\u2028X: y' }));
    expect(m.from).toEqual({ name: 'Muster GmbH Bcc: spy@evil.example', address: 'billing@muster.example' });
    expect(m.subject).toBe('Rechnung RE-2026-00001 Bcc: spy@evil.example X: y');
  });
});

// The Apps Script sender with in-memory fakes of Drive and MailApp.
class Docs implements DocumentsPort {
  private n = 0;
  render(_t: DocText, _tenant: Tenant, _name: string): { docUrl: string; pdfUrl: string } {
    this.n++;
    return { docUrl: `https://docs.google.com/document/d/DOC${this.n}/edit`, pdfUrl: `https://drive.google.com/file/d/PDF${this.n}/view` };
  }
  saveXml(): string {
    return `https://drive.google.com/file/d/XML${++this.n}/view`;
  }
  preview(): string {
    return 'https://drive.google.com/file/d/PREVIEW/view';
  }
  exists(): boolean {
    return true;
  }
}

class Mail implements MailPort {
  readonly sent: InvoiceMail[] = [];
  remainingQuota(): number {
    return 100;
  }
  send(m: InvoiceMail): void {
    this.sent.push(m);
  }
}

function billedPorts(extra: Rows) {
  const p = ports({
    Accounts: [account('A1'), account('A2')],
    Contacts: [
      { contactId: 'K1', accountId: 'A1', email: 'a1@example.com', role: 'invoice' },
      { contactId: 'K2', accountId: 'A2', email: 'a2@example.com', role: 'invoice' },
    ],
    Products: [product('P1', '100.00')],
    Subscriptions: [subscription('S1', 'A1'), subscription('S2', 'A2')],
    Items: [item('I1', 'S1', 'P1'), item('I2', 'S2', 'P1')],
    ...extra,
  });
  expect(runInvoicing(p, { periodStart: '2026-11-01', periodEnd: '2026-11-30' }).failed).toEqual([]);
  expect(finalizeInvoices(p, { invoiceDate: '2026-11-30' }).failed).toEqual([]);
  return p;
}

describe('the Apps Script sender checks every address (src/app/delivery.ts)', () => {
  it('a Reply-To with a line break stops every mail of the tenant: failed with the reason, logged, nothing sent', () => {
    const p = billedPorts({ Settings: [{ ...DE_TENANT, email: 'billing@muster.example', replyTo: 'billing@muster.example\nBcc: spy@evil.example' }] });
    const mail = new Mail();
    const r = sendInvoices(p, new Docs(), mail);
    const reason = 'Settings row 2 (DE), column Reply-To (value "billing@muster.example\\nBcc: spy@evil.example"): not one email address: it contains a line break';
    expect(r.failed).toEqual([
      { invoiceId: 'I-000001', number: 'INV-2026-00001', reason },
      { invoiceId: 'I-000002', number: 'INV-2026-00002', reason },
    ]);
    expect(mail.sent).toEqual([]);
    expect(table(p, 'Invoices').map((i) => i['Delivery'])).toEqual(['failed', 'failed']);
    expect(
      table(p, 'Log')
        .filter((l) => l['Action'] === 'send failed')
        .map((l) => l['Details']),
    ).toEqual([reason, reason]);
  });

  it("a contact Email with two addresses stops that account's mail, naming the Contacts row; the other account is mailed", () => {
    const p = billedPorts({
      Contacts: [
        { contactId: 'K1', accountId: 'A1', email: 'a1@example.com', role: 'invoice' },
        { contactId: 'K2', accountId: 'A2', email: 'a2@example.com, boss@example.com', role: 'invoice' },
      ],
    });
    const mail = new Mail();
    const r = sendInvoices(p, new Docs(), mail);
    expect(r.failed).toEqual([
      {
        invoiceId: 'I-000002',
        number: 'INV-2026-00002',
        reason: 'Contacts row 3 (K2), column Email (value "a2@example.com, boss@example.com"): not one email address: it is a list: only one address is allowed here',
      },
    ]);
    expect(mail.sent.map((m) => m.to)).toEqual([['a1@example.com']]);
  });

  it('"Name <address>" as Reply-To is refused with the hint to write the address alone', () => {
    const p = billedPorts({ Settings: [{ ...DE_TENANT, replyTo: 'Buchhaltung <billing@muster.example>' }] });
    const r = sendInvoices(p, new Docs(), new Mail());
    expect(r.failed.map((f) => f.reason)).toEqual(
      new Array(2).fill(
        'Settings row 2 (DE), column Reply-To (value "Buchhaltung <billing@muster.example>"): not one email address: it has a name or angle brackets: write the address alone, like billing@example.com',
      ),
    );
  });
});
