// The invoice email, host-independent: recipients by contact role, subject and text from the
// tenant's template or the language's default, placeholders filled, an HTML part escaped.
import { amountDue } from './einvoice/terms';
import { BillingError } from './errors';
import { formatDate, formatMoney, labels } from './i18n';
import type { Contact, Invoice, Tenant } from './model';

export interface InvoiceMail {
  from: { name: string; address?: string };
  replyTo?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  html: string;
}

const DEFAULTS: Record<string, { subject: string; body: string }> = {
  de: {
    subject: '{type} {number} von {company}',
    body: 'Guten Tag,\n\nanbei erhalten Sie unsere {type} {number} vom {invoiceDate} über {total}, fällig am {dueDate}.\n\nMit freundlichen Grüßen\n{company}',
  },
  en: {
    subject: '{type} {number} from {company}',
    body: 'Hello,\n\nplease find attached our {type} {number} of {invoiceDate} for {total}, due on {dueDate}.\n\nKind regards,\n{company}',
  },
  fr: {
    subject: '{type} {number} de {company}',
    body: 'Bonjour,\n\nveuillez trouver ci-joint notre {type} {number} du {invoiceDate} d’un montant de {total}, à régler au plus tard le {dueDate}.\n\nCordialement,\n{company}',
  },
};

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Placeholders {name} filled in one pass (a value containing "{x}" is not filled again). */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? values[k] : m));
}

/** Where an address was read: named in the error, so the cell can be found and fixed. */
export interface AddressSource {
  sheet: string;
  column: string;
  /** Sheet row (header = 1), when known. */
  row?: number;
  /** The row's id (tenant, contact), to find it when the row is not known. */
  id?: string;
}

/** Sheet rows a mail's addresses come from (both optional: the error then names the id). */
export interface MailRows {
  /** The tenant's Settings row. */
  settings?: number;
  /** A contact's Contacts row. */
  contact?: (contactId: string) => number | undefined;
}

const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/;
// RFC 5322 atext (plus UTF-8, RFC 6531) in dot-atom form; quoted local parts are not accepted.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a1-\uffff-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u00a1-\uffff-]+)*$/;
// A host name label: letters, digits (or internationalized letters) and inner hyphens.
const LABEL = /^[A-Za-z0-9\u00a1-\uffff]([A-Za-z0-9\u00a1-\uffff-]*[A-Za-z0-9\u00a1-\uffff])?$/;

/**
 * Why `value` is not exactly one plain email address (`local@domain.tld`), or undefined if it is.
 * One rule for every address billing puts into a mail header: no line break or control character
 * (header injection), no list (`,` `;`), no group (`:`), no name or angle brackets, no quotes or
 * comments, no space; a dot-atom local part of at most 64 characters and a domain name with at
 * least one dot (labels of letters, digits and inner hyphens; not an IP address), 254 at most.
 */
export function addressProblem(value: string): string | undefined {
  if (!value) return 'it is empty';
  if (LINE_BREAK.test(value)) return 'it contains a line break';
  if (CONTROL.test(value)) return 'it contains a control or invisible character';
  if (/[,;]/.test(value)) return 'it is a list: only one address is allowed here';
  if (/[<>]/.test(value)) return 'it has a name or angle brackets: write the address alone, like billing@example.com';
  if (/["()\\]/.test(value)) return 'quotes, brackets and backslashes are not accepted in an address';
  if (/:/.test(value)) return 'it contains ":" (an address group)';
  if (/\s/.test(value)) return 'it contains a space';
  const at = value.split('@');
  if (at.length !== 2) return at.length < 2 ? 'it has no "@"' : 'it has more than one "@"';
  const [local, domain] = at;
  if (!local || local.length > 64 || !LOCAL.test(local)) return `"${local}" before the "@" is not a valid mailbox name`;
  const labels = domain.split('.');
  if (labels.length < 2 || domain.length > 253 || labels.some((l) => l.length > 63 || !LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) {
    return `"${domain}" after the "@" is not a domain name`;
  }
  if (value.length > 254) return 'it is longer than 254 characters';
  return undefined;
}

/** A cell value as text with its control characters visible (\n, \u2028). */
function shown(value: string): string {
  const esc: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029"\\]/g, (c) => esc[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The address in a cell, checked to be exactly one plain address (see addressProblem): spaces
 * around it are dropped, nothing else is changed. Otherwise a BillingError naming sheet, row,
 * column and value: the mail is not sent, never sent with a header made of something else.
 */
export function checkAddress(value: string, at: AddressSource): string {
  const v = value.replace(/^ +| +$/g, '');
  const problem = addressProblem(v);
  if (!problem) return v;
  const where = `${at.sheet}${at.row ? ` row ${at.row}` : ''}${at.id ? ` (${at.id})` : ''}`;
  throw new BillingError(`${where}, column ${at.column} (value "${shown(value)}"): not one email address: ${problem}`);
}

/** One line of header text (subject, sender name): line breaks and control characters become spaces. */
export function headerText(s: string): string {
  return s
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Contacts per account, so that mailing n invoices does not scan every contact n times. */
export function contactsByAccount(contacts: readonly Contact[]): Map<string, Contact[]> {
  const out = new Map<string, Contact[]>();
  for (const c of contacts) out.set(c.accountId, [...(out.get(c.accountId) ?? []), c]);
  return out;
}

/**
 * `contacts`: the account's contacts (or all; others are ignored). `rows`: where the tenant's
 * Settings row and the contacts' rows are, for errors. Every address is checked (checkAddress):
 * a bad one throws a BillingError naming its sheet, row, column and value.
 */
export function invoiceMail(inv: Invoice, tenant: Tenant, contacts: readonly Contact[], rows: MailRows = {}): InvoiceMail {
  const mine = contacts.filter((c) => c.accountId === inv.accountId && c.active !== false);
  const pick = (role: Contact['role']) => [
    ...new Set(mine.filter((c) => c.role === role).map((c) => checkAddress(c.email, { sheet: 'Contacts', row: rows.contact?.(c.contactId), id: c.contactId, column: 'Email' }))),
  ];
  const to = pick('invoice');
  if (!to.length) throw new BillingError(`account ${inv.accountId} has no active contact with role "invoice"`);
  const cc = pick('cc');
  const bcc = pick('bcc');
  const setting = (value: string | undefined, column: string) =>
    value === undefined || value.trim() === '' ? undefined : checkAddress(value, { sheet: 'Settings', row: rows.settings, id: tenant.tenantId, column });
  const from = setting(tenant.email, 'Email');
  const replyTo = setting(tenant.replyTo, 'Reply-To');
  const lang = inv.language ?? tenant.language ?? 'en';
  const L = labels(lang);
  const values = {
    type: L[inv.type],
    number: inv.number ?? L.draft,
    company: tenant.legalName,
    customer: inv.buyerName ?? inv.accountId,
    total: formatMoney(amountDue(inv), inv.currency, lang),
    dueDate: formatDate(inv.dueDate, lang),
    invoiceDate: formatDate(inv.invoiceDate, lang),
    period: inv.periodStart ? `${formatDate(inv.periodStart, lang)} – ${formatDate(inv.periodEnd, lang)}` : '',
  };
  const d = DEFAULTS[lang] ?? DEFAULTS.en;
  // Subject and sender name are one line each: no header injection through a name with a line break.
  const subject = headerText(fillTemplate(tenant.emailSubject ?? d.subject, values));
  const text = fillTemplate(tenant.emailBody ?? d.body, values);
  const html = `<!doctype html><html><body><p>${fillTemplate(escapeHtml(tenant.emailBody ?? d.body), Object.fromEntries(Object.entries(values).map(([k, v]) => [k, escapeHtml(v)])))
    .replace(/\n\n/g, '</p><p>')
    .replace(/\n/g, '<br>')}</p></body></html>`;
  return { from: { name: headerText(tenant.legalName), ...(from ? { address: from } : {}) }, ...(replyTo ? { replyTo } : {}), to, cc, bcc, subject, text, html };
}
