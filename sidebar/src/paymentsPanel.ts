// Payments: bank statements picked here and read in the browser (camt XML as text; a bank's CSV
// export as base64, since German banks write Windows-1252, which only the server's decoding of the
// bytes reads right), imported, matched and booked by the server; then the payments not (fully)
// matched with the engine's suggestions, each assigned by hand after the sidebar's confirmation,
// and an Undo for what a payment settles.
import type { ImportReport, PaymentSummary, StatementFilePicked } from '../../src/gas/serverApi';
import { call } from './call';
import { $, action, button, confirmAction, input, item, line, money, plural, showError, state } from './dom';
import { formatDate, guarded, sentence } from './creditPanel';

/** Files go to the script in calls of about this many characters. */
const IMPORT_BATCH = 4000000;
/** A statement bigger than this is not sent (a year of a busy account: split it at the bank). */
const IMPORT_MAX_BYTES = 15000000;
/** Remittance texts are cut here in the list (the whole text is the line's tooltip). */
const TEXT_MAX = 90;

/** "Rechnung RE-2026-0001 vom …" cut with "…" past `max` characters. */
export function cut(text: string, max = TEXT_MAX): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** The engine's suggestions ("RE-2026-00004 (amount and name fit); RE-2026-00007 (…)") as invoice numbers and why. */
export function suggestionsOf(text: string): { number: string; why: string }[] {
  return text
    .split(';')
    .map((s) => /^\s*(\S+)\s*(?:\((.*)\))?\s*$/.exec(s))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ number: m[1], why: m[2] ?? '' }));
}

/** What a payment settles ("RE-2026-00004 91.88; account credit 11.00") with its amounts in the sheet's number locale. */
export function settles(matched: string, currency: string): string {
  return matched
    .split(';')
    .map((part) => {
      const m = /^\s*(.*?)\s+(-?\d+(?:\.\d+)?)\s*$/.exec(part);
      return m ? m[1] + ' ' + money(m[2], currency) : part.trim();
    })
    .join('; ');
}

const isXml = (f: File) => /\.(xml|camt|053|054)$/i.test(f.name) || /xml/.test(f.type);

function readFile(file: File): Promise<StatementFilePicked> {
  const xml = isXml(file);
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(xml ? { name: file.name, text: String(r.result) } : { name: file.name, base64: String(r.result).replace(/^data:[^,]*,/, '') });
    r.onerror = () => reject(new Error('Could not read ' + file.name));
    if (xml) r.readAsText(file);
    else r.readAsDataURL(file);
  });
}

function batches(list: StatementFilePicked[]): StatementFilePicked[][] {
  const out: StatementFilePicked[][] = [];
  let size = 0;
  for (const f of list) {
    const n = (f.text || f.base64 || '').length;
    if (!out.length || size + n > IMPORT_BATCH) {
      out.push([]);
      size = 0;
    }
    out[out.length - 1].push(f);
    size += n;
  }
  return out;
}

const date = (iso: string) => formatDate(iso, state.locale);

/** Every button of the panel waits while one of its calls runs. */
function setBusy(on: boolean): void {
  button('payImport').disabled = on;
  button('payShow').disabled = on;
  for (const b of Array.prototype.slice.call($('paymentsPanel').querySelectorAll('li button')) as HTMLButtonElement[]) b.disabled = on;
}

function busyWith<T>(work: () => Promise<T>): Promise<T | undefined> {
  showError(null);
  return guarded(setBusy, work);
}

/** One payment: who, when, how much; the remittance text; what it settles or may settle; its actions. */
function paymentItem(list: HTMLElement, p: PaymentSummary, withActions: boolean): void {
  const li = item(list, p.payer || 'Unknown payer', money(p.amount, p.currency));
  li.setAttribute('data-payment', p.paymentId);
  line(li, p.paymentId + ' · ' + date(p.date));
  if (p.remittance) {
    line(li, cut(p.remittance));
    (li.lastChild as HTMLElement).title = p.remittance;
  }
  if (p.returnReason) line(li, 'Return: ' + p.returnReason, 'warning');
  const status = p.status ? p.status.charAt(0).toUpperCase() + p.status.slice(1) : 'Unmatched';
  line(li, p.matched ? status + ': ' + settles(p.matched, p.currency) : status + (p.how && status === 'Unmatched' ? ': ' + cut(p.how) : ''));
  if (!withActions) return;
  const open = p.status !== 'matched' && p.status !== 'ignored' && p.amount.charAt(0) !== '-';
  if (open) assignControls(li, p);
  if (p.matched) action(li, 'Undo', 'Undo payment ' + p.paymentId, () => void undo(p));
}

/** A field for invoice numbers, the suggestions as one-click choices, and Assign. */
function assignControls(li: HTMLElement, p: PaymentSummary): void {
  const field = document.createElement('input');
  field.type = 'text';
  field.autocomplete = 'off';
  field.className = 'assign';
  field.placeholder = 'Invoice numbers, comma-separated';
  field.setAttribute('aria-label', 'Invoices for payment ' + p.paymentId);
  const box = document.createElement('div');
  box.className = 'line';
  box.appendChild(field);
  li.appendChild(box);
  for (const s of suggestionsOf(p.suggestions)) {
    action(li, 'Take ' + s.number, 'Take suggestion ' + s.number + ' for payment ' + p.paymentId, () => {
      field.value = s.number;
    });
    const last = li.querySelector('.actions')!.lastChild as HTMLElement;
    if (s.why) last.title = s.why;
  }
  action(li, 'Assign', 'Assign payment ' + p.paymentId, () => void assign(p, field.value));
}

async function assign(p: PaymentSummary, typed: string): Promise<void> {
  const invoices = typed
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (!invoices.length) return showError(new Error('Enter the invoice number to assign payment ' + p.paymentId + ' to, or take a suggestion.'));
  const ok = await confirmAction(
    'Assign payment ' + p.paymentId + ' to ' + invoices.join(', ') + '?',
    [
      money(p.amount, p.currency) + ' from ' + (p.payer || 'an unknown payer') + ' on ' + date(p.date),
      ...(p.matched ? ['It settles now: ' + settles(p.matched, p.currency) + ' (replaced)'] : []),
      'Oldest invoice first; what they do not need stays a credit on the account.',
    ],
    'Yes, assign',
  );
  if (!ok) return;
  const r = await busyWith(() => call('assignPayment', { paymentId: p.paymentId, invoices }));
  if (!r) return;
  $('payStatus').textContent = 'Payment ' + r.paymentId + ' ' + (r.matched ? 'settles ' + settles(r.matched, r.currency) : 'settles nothing') + '.';
  await show();
}

async function undo(p: PaymentSummary): Promise<void> {
  const ok = await confirmAction(
    'Undo payment ' + p.paymentId + '?',
    [
      money(p.amount, p.currency) + ' from ' + (p.payer || 'an unknown payer') + ' on ' + date(p.date),
      'It settles now: ' + settles(p.matched, p.currency),
      'These invoices are open again and the payment is unmatched.',
    ],
    'Yes, undo',
  );
  if (!ok) return;
  const r = await busyWith(() => call('undoPayment', p.paymentId));
  if (!r) return;
  $('payStatus').textContent = 'Payment ' + r.paymentId + ' is unmatched again.';
  await show();
}

/** The Payments sheet as the checkbox asks: only the unmatched ones (default), or all, newest first. */
async function show(): Promise<void> {
  const unmatched = input('payOnlyUnmatched').checked;
  const list = await busyWith(() => call('listPayments', { unmatched }));
  if (!list) return;
  const ul = $('payList');
  ul.textContent = '';
  for (const p of list) paymentItem(ul, p, true);
  $('payListStatus').textContent = list.length
    ? plural(list.length, unmatched ? 'payment to assign' : 'payment', unmatched ? 'payments to assign' : 'payments')
    : unmatched
      ? 'Every payment is matched.'
      : 'No payments yet.';
  setBusy(false);
}

function showImport(r: ImportReport): void {
  const files = $('payFileCounts');
  files.textContent = '';
  for (const f of r.files) {
    const li = item(
      files,
      f.file +
        ' (' +
        f.format +
        '): ' +
        plural(f.imported, 'new payment', 'new payments') +
        (f.duplicates ? ', ' + f.duplicates + ' read before' : '') +
        (f.outgoing ? ', ' + f.outgoing + ' outgoing left out' : ''),
    );
    for (const s of f.skipped) line(li, 'Skipped ' + cut(s, 160), 'warning');
  }
  for (const f of r.failed) item(files, f.file + ': ' + sentence(f.reason), null, 'failed');
  for (const p of r.problems || []) item(files, sentence(p), null, 'warning');
  const added = $('payNew');
  added.textContent = '';
  for (const p of r.payments) paymentItem(added, p, false);
  const matched = r.payments.filter((p) => p.status === 'matched').length;
  $('payStatus').textContent =
    'Imported ' +
    plural(r.payments.length, 'payment', 'payments') +
    (r.payments.length ? ', ' + matched + ' matched in full' : '') +
    (r.failed.length ? '; ' + plural(r.failed.length, 'file', 'files') + ' not read' : '') +
    '.';
}

async function importFiles(): Promise<void> {
  showError(null);
  const files: File[] = Array.prototype.slice.call(input('payFiles').files || []);
  if (!files.length) return showError(new Error('Choose the bank statements to import first (camt.053 XML or the CSV export of your bank).'));
  const tooBig = files.filter((f) => f.size > IMPORT_MAX_BYTES);
  if (tooBig.length) return showError(new Error(tooBig.map((f) => f.name).join(', ') + ': too large to import here (over 15 MB); export a shorter period at your bank.'));
  $('payStatus').textContent = 'Reading ' + plural(files.length, 'file', 'files') + '…';
  const report: ImportReport = { files: [], payments: [], failed: [] };
  const done = await busyWith(async () => {
    const all = batches(await Promise.all(files.map(readFile)));
    for (let i = 0; i < all.length; i++) {
      if (all.length > 1) $('payStatus').textContent = 'Importing batch ' + (i + 1) + ' of ' + all.length + '…';
      const r = await call('importPayments', all[i]);
      report.files = report.files.concat(r.files);
      report.payments = report.payments.concat(r.payments);
      report.failed = report.failed.concat(r.failed);
      // Each batch reads the same Payments sheet: the last one says what is left as booked.
      report.problems = r.problems;
    }
    return true;
  });
  if (!done) {
    $('payStatus').textContent = '';
    return;
  }
  showImport(report);
  await show();
}

export function paymentsPanel(): void {
  button('payImport').addEventListener('click', () => void importFiles());
  button('payShow').addEventListener('click', () => void show());
  input('payOnlyUnmatched').addEventListener('change', () => void show());
  // Opened the first time: the payments waiting for an assignment show without a click.
  let loaded = false;
  $('paymentsPanel').addEventListener('toggle', () => {
    if (loaded || !($('paymentsPanel') as HTMLDetailsElement).open) return;
    loaded = true;
    void show();
  });
}
