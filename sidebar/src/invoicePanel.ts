// Manual and pro-forma invoices: an account, the kind of invoice (an invoice, a prepayment, partial or
// final invoice of a project), lines with a product or free text, quantity, unit price, tax class and
// service period. A final invoice's preview shows the deduction lines of the project's earlier
// prepayment and partial invoices, as the engine makes them. Preview asks the server to compute the draft's totals and tax with the
// engine (previewManualInvoice, which writes nothing); Save as draft / Save as pro-forma write it
// (createManualInvoice) under the same rules as every draft: billing admins only, listed under Drafts
// and finalized with the others, a pro-forma numbered from its own range. Amounts are typed as the
// sheet writes them.
import type { InvoiceSummary, ManualInvoiceForm, ManualInvoiceInput, ManualPreview } from '../../src/gas/serverApi';
import { call } from './call';
import { $, button, input, item, line, showError, showRow } from './dom';
import { formatDate, sentence, showProblem } from './creditPanel';
import { formatMoney, parseAmount } from './format';
import { showOverview } from './overview';
import { showWorkbookDrafts } from './runPanel';

let form: ManualInvoiceForm | null = null;
let loading: Promise<ManualInvoiceForm> | null = null;
/** Ids of the line blocks never repeat; a line's number is its place in the list. */
let nextLine = 1;

const select = (id: string) => $<HTMLSelectElement>(id);

function addOption(sel: HTMLSelectElement, value: string, text: string): void {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  sel.appendChild(o);
}

/** A label and its control, in a line block. */
function field(parent: HTMLElement, id: string, text: string, control: HTMLInputElement | HTMLSelectElement): void {
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = text;
  control.id = id;
  parent.appendChild(label);
  parent.appendChild(control);
}

function textInput(type: string, mode?: string): HTMLInputElement {
  const el = document.createElement('input');
  el.type = type;
  el.autocomplete = 'off';
  if (mode) el.inputMode = mode;
  return el;
}

/** The blocks of the lines, in order. */
const blocks = () => Array.from($('miLines').querySelectorAll<HTMLFieldSetElement>('fieldset.miLine'));

function renumber(): void {
  blocks().forEach((b, i) => {
    b.querySelector('legend')!.textContent = `Line ${i + 1}`;
    b.querySelector('button')!.setAttribute('aria-label', `Remove line ${i + 1}`);
  });
}

/** Choosing a product fills in its name, price and tax class (a text typed by the user stays). */
function productChosen(n: number, f: ManualInvoiceForm): void {
  const p = f.products.find((x) => x.productId === select(`miProduct-${n}`).value);
  const desc = input(`miDesc-${n}`);
  if (!desc.value.trim() || desc.dataset.auto === '1') {
    desc.value = p?.name ?? '';
    desc.dataset.auto = p ? '1' : '';
  }
  if (p) input(`miPrice-${n}`).value = formatMoney(p.price, '', f.numberLocale).trim();
  select(`miTax-${n}`).value = p && f.taxClasses.includes(p.taxClass) ? p.taxClass : '';
}

function addLine(f: ManualInvoiceForm): void {
  const n = nextLine++;
  const box = document.createElement('fieldset');
  box.className = 'miLine';
  box.dataset.n = String(n);
  box.appendChild(document.createElement('legend'));
  const product = document.createElement('select');
  addOption(product, '', 'Free text (no product)');
  for (const p of f.products) addOption(product, p.productId, `${p.name} (${p.productId})`);
  field(box, `miProduct-${n}`, 'Product', product);
  field(box, `miDesc-${n}`, 'Description', textInput('text'));
  field(box, `miQty-${n}`, 'Quantity', textInput('text', 'decimal'));
  field(box, `miPrice-${n}`, 'Unit price (net)', textInput('text', 'decimal'));
  const tax = document.createElement('select');
  addOption(tax, '', "The product's tax class, else standard");
  for (const t of f.taxClasses) addOption(tax, t, t);
  field(box, `miTax-${n}`, 'Tax class', tax);
  field(box, `miStart-${n}`, 'Service from (optional)', textInput('date'));
  field(box, `miEnd-${n}`, 'Service to (optional)', textInput('date'));
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.className = 'link';
  remove.textContent = 'Remove line';
  remove.addEventListener('click', () => {
    if (blocks().length > 1) box.remove();
    renumber();
  });
  box.appendChild(remove);
  $('miLines').appendChild(box);
  input(`miQty-${n}`).value = '1';
  product.addEventListener('change', () => productChosen(n, f));
  input(`miDesc-${n}`).addEventListener('input', () => {
    input(`miDesc-${n}`).dataset.auto = '';
  });
  renumber();
}

/** What a saved draft of each kind is called. */
const KINDS: Record<string, { status: string; listed: string; next: string }> = {
  invoice: { status: 'Invoice', listed: 'Draft', next: 'Finalized with the other drafts.' },
  pro_forma: { status: 'Pro-forma invoice', listed: 'Pro-forma draft', next: 'Numbered from the pro-forma range when finalized; no revenue, no mail.' },
  prepayment: { status: 'Prepayment invoice', listed: 'Prepayment draft', next: 'Finalized with the other drafts; a final invoice of its project deducts it.' },
  partial: { status: 'Partial invoice', listed: 'Partial invoice draft', next: 'Finalized with the other drafts; a final invoice of its project deducts it.' },
  final: { status: 'Final invoice', listed: 'Final invoice draft', next: "Finalized with the other drafts; it deducts the project's finalized prepayment and partial invoices." },
};

/** The kind chosen in the form (Save as pro-forma overrides it). */
const chosenType = (): ManualInvoiceInput['type'] => (select('miType').value || 'invoice') as ManualInvoiceInput['type'];

/** The form as the server's input, or an Error naming the line and field the user must fix. */
function request(f: ManualInvoiceForm, type: ManualInvoiceInput['type']): ManualInvoiceInput {
  const accountId = select('miAccount').value;
  if (!accountId) throw new Error('Choose the customer account.');
  const project = input('miProject').value.trim() || undefined;
  if (type === 'final' && !project) throw new Error('A final invoice needs its project: the finalized prepayment and partial invoices of that project are deducted.');
  const example = formatMoney('1234.5', '', f.numberLocale).trim();
  const lines = blocks().map((b, i) => {
    const n = b.dataset.n!;
    const at = `Line ${i + 1}`;
    const number = (id: string, name: string) => {
      const typed = input(`${id}-${n}`).value.trim();
      if (!typed) throw new Error(`${at}: enter the ${name}.`);
      const v = parseAmount(typed, f.numberLocale);
      if (v === null) throw new Error(`${at}: the ${name} "${typed}" is not a number as this sheet writes them (for example ${example}).`);
      return v;
    };
    const productId = select(`miProduct-${n}`).value || undefined;
    const description = input(`miDesc-${n}`).value.trim();
    if (!description && !productId) throw new Error(`${at}: choose a product or type a description.`);
    const start = input(`miStart-${n}`).value || undefined;
    const end = input(`miEnd-${n}`).value || undefined;
    if (end && !start) throw new Error(`${at}: the service period needs its first day too.`);
    if (start && end && end < start) throw new Error(`${at}: the service period ends before it starts.`);
    return {
      productId,
      description,
      quantity: number('miQty', 'quantity'),
      unitPrice: number('miPrice', 'unit price'),
      taxClass: select(`miTax-${n}`).value || undefined,
      serviceStart: start,
      serviceEnd: end,
    };
  });
  return { accountId, type, ...(project ? { project } : {}), invoiceDate: input('miDate').value || undefined, lines };
}

function showPreview(p: ManualPreview, locale: ManualInvoiceForm['numberLocale']): void {
  const box = $('miPreviewBox');
  box.hidden = false;
  const inv = p.invoice;
  const m = (s: string) => formatMoney(s, inv.currency, locale);
  $('miPreviewTitle').textContent = `Preview for ${inv.buyerName ?? inv.accountId}: payable ${m(inv.payable)}`;
  const list = $('miPreviewLines');
  list.textContent = '';
  for (const l of p.lines) {
    const li = item(list, `${l.lineNo}. ${l.description}`, m(l.net));
    const period = l.serviceStart ? `, ${formatDate(l.serviceStart, locale)} – ${formatDate(l.serviceEnd ?? l.serviceStart, locale)}` : '';
    line(li, `${locale === 'de' ? l.quantity.replace('.', ',') : l.quantity} × ${m(l.unitPrice)}, tax ${l.taxCategory} ${l.taxRate} %${period}`);
  }
  for (const t of p.taxes) item(list, `Tax ${t.category} ${t.rate} % on ${m(t.taxable)}`, m(t.tax), 'tax');
  item(list, 'Net', m(inv.net), 'total');
  item(list, 'Tax', m(inv.tax), 'total');
  item(list, 'Total', m(inv.payable), 'total');
  if (inv.warnings) item(list, `Warning: ${sentence(inv.warnings)}`, null, 'failed');
}

function setBusy(on: boolean): void {
  for (const id of ['miPreview', 'miSaveDraft', 'miSaveProForma', 'miAddLine']) button(id).disabled = on;
}

async function preview(): Promise<void> {
  const f = form;
  if (!f) return;
  showError(null);
  setBusy(true);
  try {
    showPreview(await call('previewManualInvoice', request(f, chosenType())), f.numberLocale);
  } catch (e) {
    showProblem(e);
  } finally {
    setBusy(false);
  }
}

function listSaved(inv: InvoiceSummary, locale: ManualInvoiceForm['numberLocale']): void {
  const kind = KINDS[inv.type] ?? KINDS.invoice;
  const li = item($('miResults'), `${kind.listed} ${inv.invoiceId} for ${inv.buyerName ?? inv.accountId}`, formatMoney(inv.payable, inv.currency, locale));
  line(li, kind.next);
  showRow(li, inv);
}

/** Save as draft (the kind chosen) or Save as pro-forma. */
async function save(which: 'chosen' | 'pro_forma'): Promise<void> {
  const type = which === 'pro_forma' ? 'pro_forma' : chosenType();
  const f = form;
  if (!f) return;
  showError(null);
  $('miStatus').textContent = '';
  setBusy(true);
  try {
    const inv = await call('createManualInvoice', request(f, type));
    listSaved(inv, f.numberLocale);
    const what = (KINDS[type ?? 'invoice'] ?? KINDS.invoice).status;
    $('miStatus').textContent = `${what} saved as draft ${inv.invoiceId} (${formatMoney(inv.payable, inv.currency, f.numberLocale)}). It is listed under Drafts: finalize it like the others.`;
    reset(f);
    // The Drafts list and the overview show the workbook's drafts again, this one among them.
    const s = await call('sidebarState');
    showOverview(s);
    showWorkbookDrafts(s.drafts);
  } catch (e) {
    showProblem(e);
  } finally {
    setBusy(false);
  }
}

/** An empty form with one line. */
function reset(f: ManualInvoiceForm): void {
  $('miLines').textContent = '';
  $('miPreviewBox').hidden = true;
  $('miPreviewLines').textContent = '';
  addLine(f);
}

/** The accounts, products and tax classes, asked for when the panel first opens. */
function load(): Promise<ManualInvoiceForm> {
  if (!loading) {
    loading = call('manualInvoiceForm').then((f) => {
      form = f;
      const acc = select('miAccount');
      acc.textContent = '';
      addOption(acc, '', 'Choose an account');
      for (const a of f.accounts) addOption(acc, a.accountId, `${a.name} (${a.accountId}, ${a.currency})`);
      reset(f);
      for (const id of ['miPreview', 'miSaveDraft', 'miSaveProForma', 'miAddLine']) button(id).disabled = false;
      return f;
    });
    loading.catch((e) => {
      loading = null;
      showProblem(e);
    });
  }
  return loading;
}

export function invoicePanel(): void {
  const panel = $<HTMLDetailsElement>('invoicePanel');
  panel.addEventListener('toggle', () => {
    if (panel.open) void load().catch(() => undefined);
  });
  button('miAddLine').addEventListener('click', () => form && addLine(form));
  button('miPreview').addEventListener('click', () => void preview());
  button('miSaveDraft').addEventListener('click', () => void save('chosen'));
  button('miSaveProForma').addEventListener('click', () => void save('pro_forma'));
  // Any change makes the preview stale: it hides until asked for again.
  $('invoicePanel').addEventListener('input', (e) => {
    if ((e.target as HTMLElement).closest('#miLines, #miAccount, #miDate, #miType, #miProject')) $('miPreviewBox').hidden = true;
  });
}
