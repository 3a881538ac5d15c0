// The invoice email, host-independent: recipients by contact role, subject and text from the
// tenant's template or the language's default, placeholders filled, an HTML part escaped.
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

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** Contacts per account, so that mailing n invoices does not scan every contact n times. */
export function contactsByAccount(contacts: readonly Contact[]): Map<string, Contact[]> {
  const out = new Map<string, Contact[]>();
  for (const c of contacts) out.set(c.accountId, [...(out.get(c.accountId) ?? []), c]);
  return out;
}

/** `contacts`: the account's contacts (or all; others are ignored). */
export function invoiceMail(inv: Invoice, tenant: Tenant, contacts: readonly Contact[]): InvoiceMail {
  const mine = contacts.filter((c) => c.accountId === inv.accountId && c.active !== false);
  const pick = (role: Contact['role']) => [...new Set(mine.filter((c) => c.role === role).map((c) => c.email.trim()))];
  const to = pick('invoice');
  if (!to.length) throw new BillingError(`account ${inv.accountId} has no active contact with role "invoice"`);
  const bad = [...to, ...pick('cc'), ...pick('bcc')].filter((e) => !EMAIL.test(e));
  if (bad.length) throw new BillingError(`account ${inv.accountId}: ${bad.map((b) => `"${b}"`).join(', ')} is not an email address`);
  const lang = inv.language ?? tenant.language ?? 'en';
  const L = labels(lang);
  const values = {
    type: L[inv.type], number: inv.number ?? L.draft, company: tenant.legalName, customer: inv.buyerName ?? inv.accountId,
    total: formatMoney(inv.payable, inv.currency, lang), dueDate: formatDate(inv.dueDate, lang), invoiceDate: formatDate(inv.invoiceDate, lang),
    period: inv.periodStart ? `${formatDate(inv.periodStart, lang)} – ${formatDate(inv.periodEnd, lang)}` : '',
  };
  const d = DEFAULTS[lang] ?? DEFAULTS.en;
  // Subject lines are one line: no header injection through a name with a line break.
  const subject = fillTemplate(tenant.emailSubject ?? d.subject, values).replace(/[\r\n]+/g, ' ');
  const text = fillTemplate(tenant.emailBody ?? d.body, values);
  const html = `<!doctype html><html><body><p>${fillTemplate(escapeHtml(tenant.emailBody ?? d.body), Object.fromEntries(Object.entries(values).map(([k, v]) => [k, escapeHtml(v)]))).replace(/\n\n/g, '</p><p>').replace(/\n/g, '<br>')}</p></body></html>`;
  return { from: { name: tenant.legalName, address: tenant.email }, replyTo: tenant.replyTo, to, cc: pick('cc'), bcc: pick('bcc'), subject, text, html };
}
