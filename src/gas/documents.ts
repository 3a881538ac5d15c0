// Invoice documents in Drive: a copy of the tenant's Google Docs template per finalized invoice with
// its {{placeholders}} filled and its template rows repeated per line, tax rate and total, saved,
// exported to PDF, both stored in <folder>/<yyyy>/<mm>/. Folders are looked up once per execution.
import { BillingError } from '../core/errors';
import type { DocText } from '../core/docText';
import type { Tenant } from '../core/model';
import { spcPayload, type SwissQrBill } from '../core/swissQr';
import { swissQrCodePng } from '../core/swissQrCode';
import type { DocumentsPort } from '../ports';

type Folder = GoogleAppsScript.Drive.Folder;
type Container = GoogleAppsScript.Document.Body | GoogleAppsScript.Document.HeaderSection | GoogleAppsScript.Document.FooterSection | GoogleAppsScript.Document.TableRow;

/** RE2 pattern (a string, as findText takes it) of a placeholder such as {{line.net}}. */
const PLACEHOLDER = '\\{\\{[A-Za-z.]+\\}\\}';

/** Values that read the same whether a replacement string is taken literally or with Java's `$1`/`\\` rules. */
const PLAIN = /^[^$\\]*$/;

/**
 * Fills the placeholders of one section with plain text. A value without `$` or `\` (nearly all)
 * goes through replaceText, one call per placeholder name. Any other value is inserted literally
 * with deleteText/insertText, never as a replaceText replacement (which treats `$` and `\`
 * specially), after all replaceText calls so that nothing searches it again: a customer named
 * "Cash $1 \ {{number}}" stays exactly that.
 */
function fill(section: Container, values: Record<string, string>): void {
  const names = [...new Set(section.getText().match(/\{\{[A-Za-z.]+\}\}/g) ?? [])].map((m) => m.slice(2, -2)).filter((k) => k in values);
  const literal = new Set<string>();
  for (const k of names) {
    if (PLAIN.test(values[k]) && !values[k].includes('{{')) section.replaceText(`\\{\\{${k.replace(/\./g, '\\.')}\\}\\}`, values[k]);
    else literal.add(k);
  }
  if (!literal.size) return;
  // Matches are collected first and filled from the last to the first, so offsets stay valid.
  const found: GoogleAppsScript.Document.RangeElement[] = [];
  for (let r = section.findText(PLACEHOLDER); r; r = section.findText(PLACEHOLDER, r)) found.push(r);
  for (const r of found.reverse()) {
    const text = r.getElement().asText();
    const start = r.getStartOffset();
    const end = r.getEndOffsetInclusive();
    const key = text.getText().slice(start + 2, end - 1);
    // An unknown name stays visible in the document: the user sees the typo in the template.
    if (!literal.has(key)) continue;
    text.deleteText(start, end);
    if (values[key]) text.insertText(start, values[key]);
  }
}

function prefixed(prefix: string, values: object): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${prefix}.${k}`, String(v)]));
}

/** Template rows (a row holding {{line.…}}, {{tax.…}} or {{total.…}}) become one row per entry. */
function repeatRows(body: GoogleAppsScript.Document.Body, text: DocText): void {
  const sets: Record<string, { values: Record<string, string>; strong?: boolean }[]> = {
    line: text.lines.map((l) => ({ values: prefixed('line', l) })),
    tax: text.taxes.map((t) => ({ values: prefixed('tax', t) })),
    total: text.totals.map((t) => ({ values: prefixed('total', { label: t.label, value: t.value }), strong: t.strong })),
  };
  for (const table of body.getTables()) {
    for (let i = table.getNumRows() - 1; i >= 0; i--) {
      const row = table.getRow(i);
      const kind = /\{\{(line|tax|total)\./.exec(row.getText())?.[1];
      if (!kind) continue;
      sets[kind].forEach((entry, k) => {
        const copy = table.insertTableRow(i + 1 + k, row.copy());
        fill(copy, entry.values);
        if (entry.strong) for (let c = 0; c < copy.getNumCells(); c++) copy.getCell(c).editAsText().setBold(true);
      });
      table.removeRow(i);
    }
  }
}

function fillDocument(doc: GoogleAppsScript.Document.Document, text: DocText): void {
  const body = doc.getBody();
  // A template without the {{qrBill}} placeholder (made before it existed) gets a Swiss invoice's payment part at the end.
  const qrPlace = body.getText().includes('{{qrBill}}');
  // The placeholder's paragraph, found before filling (its text changes, the paragraph stays); none in a list item.
  const qrAnchor = text.qrBill ? body.findText('\\{\\{qrBill\\}\\}')?.getElement().getParent() : undefined;
  repeatRows(body, text);
  const header = doc.getHeader();
  for (const section of [body, header, doc.getFooter()]) if (section) fill(section, text.fields);
  if (text.qrBill) insertQrCode(body, qrAnchor?.getType() === DocumentApp.ElementType.PARAGRAPH ? qrAnchor.asParagraph() : undefined, text.qrBill);
  if (text.qrText && !qrPlace) body.appendParagraph(text.qrText);
  nameEveryPage(doc, header, text);
}

/** Bytes 0–255 as Apps Script's Blob takes them: Java's signed bytes, -128..127. */
function signedBytes(bytes: Uint8Array): number[] {
  return Array.from(bytes, (b) => (b > 127 ? b - 256 : b));
}

/**
 * The Swiss QR code (a PNG: Docs takes no SVG, Apps Script has no canvas) in a paragraph of its
 * own above the payment part's text: before the {{qrBill}} paragraph when it sits in the body,
 * else at the start of that paragraph (in a table cell, say); at the end without the placeholder.
 * Sized so that the code itself prints 46 x 46 mm; Docs measures an image in points (1/72 inch).
 */
function insertQrCode(body: GoogleAppsScript.Document.Body, place: GoogleAppsScript.Document.Paragraph | undefined, bill: SwissQrBill): void {
  const qr = swissQrCodePng(spcPayload(bill));
  const blob = Utilities.newBlob(signedBytes(qr.png), 'image/png', 'swiss-qr-code.png');
  const inBody = place && place.getParent().getType() === DocumentApp.ElementType.BODY_SECTION;
  const image = !place ? body.appendImage(blob) : inBody ? body.insertImage(body.getChildIndex(place), blob) : place.insertInlineImage(0, blob);
  image.setWidth(qr.sizePt).setHeight(qr.sizePt);
}

/**
 * Every page of a Doc names its document: Docs has no header for continuation pages only (no
 * "different first page" in DocumentApp), so the header of every page carries the title with the
 * number. A template whose header does not say it (a user's own, or one made before) gets it added.
 */
function nameEveryPage(doc: GoogleAppsScript.Document.Document, header: GoogleAppsScript.Document.HeaderSection | null, text: DocText): void {
  const says = header?.getText() ?? '';
  if (says.includes(text.title) || (text.fields.number !== text.L.draft && says.includes(text.fields.number))) return;
  (header ?? doc.addHeader()).appendParagraph(text.title).setAlignment(DocumentApp.HorizontalAlignment.RIGHT).editAsText().setFontSize(8);
}

/** The Drive file id inside a Docs or Drive link. */
export function fileIdOf(url: string): string | undefined {
  return /\/d\/([\w-]+)/.exec(url)?.[1];
}

export class DriveDocuments implements DocumentsPort {
  private readonly folders = new Map<string, Folder>();

  private readonly templates = new Map<string, GoogleAppsScript.Drive.File>();
  private readonly folderKeys = new Map<Folder, string>();

  private child(parent: Folder, name: string): Folder {
    const key = `${this.folderKeys.get(parent) ?? parent.getId()}/${name}`;
    let f = this.folders.get(key);
    if (!f) {
      const it = parent.getFoldersByName(name);
      f = it.hasNext() ? it.next() : parent.createFolder(name);
      this.folders.set(key, f);
      this.folderKeys.set(f, key);
    }
    return f;
  }

  private root(t: Tenant): Folder {
    if (!t.driveFolderId) throw new BillingError(`Settings has no Drive Folder ID for ${t.tenantId}: run Extensions → Billing → Set up billing sheets`);
    let f = this.folders.get(t.driveFolderId);
    if (!f) {
      try {
        f = DriveApp.getFolderById(t.driveFolderId);
      } catch {
        throw new BillingError(`the Drive folder of ${t.tenantId} (Settings, Drive Folder ID "${t.driveFolderId}") cannot be opened: clear the cell and run Set up billing sheets`);
      }
      this.folders.set(t.driveFolderId, f);
      this.folderKeys.set(f, t.driveFolderId);
    }
    return f;
  }

  private template(t: Tenant): GoogleAppsScript.Drive.File {
    if (!t.templateId) throw new BillingError(`Settings has no Template ID for ${t.tenantId}: run Extensions → Billing → Set up billing sheets`);
    const cached = this.templates.get(t.templateId);
    if (cached) return cached;
    try {
      const f = DriveApp.getFileById(t.templateId);
      this.templates.set(t.templateId, f);
      return f;
    } catch {
      throw new BillingError(`the invoice template of ${t.tenantId} (Settings, Template ID "${t.templateId}") cannot be opened: clear the cell and run Set up billing sheets`);
    }
  }

  /** Copy, fill, save, export: the Doc and its PDF, named `name`, in `folder`. */
  private make(text: DocText, t: Tenant, name: string, folder: Folder) {
    // A copy left by an execution that stopped before the ledger got its links is replaced.
    const left = folder.getFilesByName(name);
    if (left.hasNext()) {
      while (left.hasNext()) left.next().setTrashed(true);
      for (const ext of ['pdf', 'xml']) {
        const files = folder.getFilesByName(`${name}.${ext}`);
        while (files.hasNext()) files.next().setTrashed(true);
      }
    }
    const copy = this.template(t).makeCopy(name, folder);
    try {
      const doc = DocumentApp.openById(copy.getId());
      fillDocument(doc, text);
      // Export sees only saved content.
      doc.saveAndClose();
      const pdf = folder.createFile(copy.getAs('application/pdf').setName(`${name}.pdf`));
      return { copy, pdf };
    } catch (e) {
      copy.setTrashed(true);
      throw e;
    }
  }

  /** <folder>/<yyyy>/<mm>/ of the tenant. */
  private month(t: Tenant, date: string): Folder {
    return this.child(this.child(this.root(t), date.slice(0, 4)), date.slice(5, 7));
  }

  render(text: DocText, t: Tenant, name: string, date: string) {
    const { copy, pdf } = this.make(text, t, name, this.month(t, date));
    return { docUrl: copy.getUrl(), pdfUrl: pdf.getUrl() };
  }

  saveXml(xml: string, t: Tenant, name: string, date: string): string {
    return this.month(t, date)
      .createFile(Utilities.newBlob(xml, 'application/xml', `${name}.xml`))
      .getUrl();
  }

  preview(text: DocText, t: Tenant, name: string): string {
    const { copy, pdf } = this.make(text, t, name, this.child(this.root(t), 'Previews'));
    // A preview keeps only its PDF.
    copy.setTrashed(true);
    return pdf.getUrl();
  }

  exists(url: string): boolean {
    const id = fileIdOf(url);
    if (!id) return false;
    try {
      return !DriveApp.getFileById(id).isTrashed();
    } catch {
      return false;
    }
  }
}

/**
 * The default invoice template: every placeholder in a layout that works as it is, for the user to
 * restyle in Docs (logo, fonts, colours). Labels are placeholders too, so one template serves
 * German, English and French invoices.
 */
export function createDefaultTemplate(folder: Folder, tenantName: string): string {
  const doc = DocumentApp.create(`Invoice template – ${tenantName}`);
  const header = doc.addHeader();
  // The title with the number on every page, so a continuation page names its document.
  header.appendParagraph('{{title}}').setAlignment(DocumentApp.HorizontalAlignment.RIGHT).editAsText().setFontSize(8);
  header.appendParagraph('{{sellerName}}').setAlignment(DocumentApp.HorizontalAlignment.RIGHT).editAsText().setBold(true);
  header.appendParagraph('{{sellerAddress}}').setAlignment(DocumentApp.HorizontalAlignment.RIGHT);
  const body = doc.getBody();
  body.appendParagraph('{{senderLine}}').editAsText().setFontSize(7);
  body.appendParagraph('{{recipient}}');
  body.appendParagraph('{{info}}').setAlignment(DocumentApp.HorizontalAlignment.RIGHT);
  body.appendParagraph('{{title}}').setHeading(DocumentApp.ParagraphHeading.HEADING1);
  body.appendParagraph('{{credits}}');
  const lines = body.appendTable([
    ['{{label.pos}}', '{{label.description}}', '{{label.qty}}', '{{label.unit}}', '{{label.unitPrice}}', '{{label.discount}}', '{{label.net}}'],
    ['{{line.no}}', '{{line.description}} {{line.period}}', '{{line.quantity}}', '{{line.unit}}', '{{line.unitPrice}}', '{{line.discount}}', '{{line.net}}'],
  ]);
  for (let c = 0; c < 7; c++) lines.getRow(0).getCell(c).editAsText().setBold(true);
  body.appendTable([['{{total.label}}', '{{total.value}}']]);
  body.appendParagraph('{{notes}}');
  body.appendParagraph('{{payment}}');
  // A Swiss invoice's QR-bill payment part as text, the QR code (a PNG) above it: empty on other invoices.
  body.appendParagraph('{{qrBill}}');
  doc.addFooter().appendParagraph('{{footer}}').editAsText().setFontSize(7);
  const id = doc.getId();
  doc.saveAndClose();
  DriveApp.getFileById(id).moveTo(folder);
  return id;
}
