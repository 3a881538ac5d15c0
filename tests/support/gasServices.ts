// Fakes of Drive, Docs, Mail, Blob and the clock-bound globals (Date, Utilities.formatDate) for the
// Apps Script bundle under test. They live with a FakeSpreadsheet (its drive, mailbox, clock, daily
// quotas and counters) and charge every service call through `ss.call`, like the Spreadsheet fakes.
// Where Apps Script is strict (closed documents, attached elements, RE2 patterns, Java replacement
// strings, quotas), the fakes are at least as strict: code that passes here should not fail there.
import type { FakeSpreadsheet } from './gasFakes';

// ---------------------------------------------------------------------------------------------
// Latencies (ms) of the calls below; `ss.spend` looks a call name up here after its own table.
// ---------------------------------------------------------------------------------------------

const SERVICE_LATENCY: Record<string, number> = {
  'DriveApp.getFolderById': 150,
  'DriveApp.getFileById': 150,
  'DriveApp.getRootFolder': 150,
  'DriveApp.createFolder': 400,
  'DriveApp.createFile': 500,
  'Folder.createFolder': 400,
  'Folder.createFile': 500,
  'Folder.getFoldersByName': 200,
  'Folder.getFilesByName': 200,
  'Folder.getFolders': 200,
  'Folder.getFiles': 200,
  'Folder.setTrashed': 200,
  'Iterator.hasNext': 20,
  'Iterator.next': 20,
  'File.makeCopy': 900,
  'File.getAs': 1500,
  'File.getBlob': 150,
  'File.setTrashed': 200,
  'File.moveTo': 300,
  'DocumentApp.create': 800,
  'DocumentApp.openById': 250,
  'Document.saveAndClose': 400,
  'Document.getAs': 1500,
  'MailApp.sendEmail': 400,
  'MailApp.getRemainingDailyQuota': 50,
  'Utilities.newBlob': 1,
};

/** Latency of a service call by name, or undefined when it is not one of these services. */
export function serviceLatency(call: string): number | undefined {
  if (call in SERVICE_LATENCY) return SERVICE_LATENCY[call];
  if (/^(File|Folder)\./.test(call)) return 5; // getters (getId, getName, getUrl, isTrashed, ...) and setName
  if (/^(Element|Document)\./.test(call)) return 3; // every method of a document and its elements
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Clock-bound globals
// ---------------------------------------------------------------------------------------------

/**
 * A Date for the vm context: a subclass of the host Date whose `new Date()` and `Date.now()` read
 * the simulated clock; with arguments it is Date. `instanceof` accepts every real Date (also host
 * Dates handed out by the Sheet fakes); called without `new` it returns the string, like Date().
 */
export function fakeDateClass(now: () => number): DateConstructor {
  const Host = Date;
  class GasDate extends Host {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(now());
      else super(...(args as [number, number]));
    }
    static override now() {
      return now();
    }
    static override [Symbol.hasInstance](v: unknown) {
      try {
        Host.prototype.getTime.call(v);
        return true;
      } catch {
        return false;
      }
    }
  }
  return new Proxy(GasDate, { apply: () => new Host(now()).toString() }) as unknown as DateConstructor;
}

const FORMAT_PATTERNS = new Set(['yyyy-MM-dd', 'H', 'HH', 'yyyy', 'MM', 'dd', 'yyyy-MM-dd HH:mm', "yyyy-MM-dd'T'HH:mm:ss"]);

const formatters = new Map<string, Intl.DateTimeFormat>();
/** One formatter per time zone (making one costs far more than using it). */
export function zoned(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(tz, f);
  }
  return f;
}

const partCache = new Map<string, Record<string, string>>();
const formatted = new Map<string, string>();
/** Calendar fields of an instant in a zone; zone offsets are whole minutes, so a minute's fields are cached. */
function partsAt(tz: string, ms: number): Record<string, string> {
  const minute = Math.floor(ms / 60000);
  const key = `${tz}|${minute}`;
  let p = partCache.get(key);
  if (!p) {
    p = Object.fromEntries(
      zoned(tz)
        .formatToParts(minute * 60000)
        .map((x) => [x.type, x.value]),
    );
    if (partCache.size > 10000) partCache.clear();
    partCache.set(key, p);
  }
  return { ...p, second: String(Math.floor((ms - minute * 60000) / 1000)).padStart(2, '0') };
}

/** Utilities.formatDate for the Java SimpleDateFormat patterns the code uses, in a time zone. */
export function formatDate(d: Date, tz: string, pattern: string): string {
  if (!FORMAT_PATTERNS.has(pattern)) throw new Error(`fake Utilities.formatDate does not support the pattern ${pattern}`);
  const ms = Date.prototype.getTime.call(d); // any realm's Date
  // Patterns without seconds give the same text all minute long.
  const key = pattern.includes('ss') ? '' : `${tz}|${pattern}|${Math.floor(ms / 60000)}`;
  const hit = key && formatted.get(key);
  if (hit) return hit;
  const p = partsAt(tz, ms);
  const out = pattern.replace(/'([^']*)'|yyyy|MM|dd|HH|H|mm|ss/g, (tok: string, lit?: string) =>
    lit !== undefined ? lit : ({ yyyy: p.year, MM: p.month, dd: p.day, HH: p.hour, H: String(Number(p.hour)), mm: p.minute, ss: p.second } as Record<string, string>)[tok],
  );
  if (key) {
    if (formatted.size > 10000) formatted.clear();
    formatted.set(key, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Blob
// ---------------------------------------------------------------------------------------------

export class FakeBlob {
  private bytes: Uint8Array;
  /** Data as a string (UTF-8) or bytes (signed or unsigned); name and content type are null unless given. */
  constructor(
    data: string | ArrayLike<number>,
    private contentType: string | null = null,
    private name: string | null = null,
  ) {
    this.bytes = typeof data === 'string' ? new Uint8Array(Buffer.from(data, 'utf8')) : Uint8Array.from(data, (b) => b & 0xff);
  }
  /** Signed bytes, -128..127, as Apps Script (Java) hands them out. */
  getBytes() {
    return [...this.bytes].map((b) => (b > 127 ? b - 256 : b));
  }
  getDataAsString() {
    return Buffer.from(this.bytes).toString('utf8');
  }
  getContentType() {
    return this.contentType;
  }
  setContentType(t: string | null) {
    this.contentType = t;
    return this;
  }
  getName() {
    return this.name;
  }
  setName(n: string) {
    this.name = n;
    return this;
  }
  copyBlob() {
    return new FakeBlob(this.bytes, this.contentType, this.name);
  }
  /** A blob is its own BlobSource. */
  getBlob() {
    return this;
  }
  /** The fake converts nothing: only the blob's own type (real Apps Script converts e.g. to PDF or images). */
  getAs(contentType: string) {
    if (contentType !== this.contentType) throw new Error(`Exception: Converting from ${this.contentType} to ${contentType} is not supported.`);
    return this.copyBlob();
  }
  isGoogleType() {
    return false;
  }
  /** Size in bytes (test helper, not Apps Script API). */
  _size() {
    return this.bytes.length;
  }
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

export const DOC_MIME = 'application/vnd.google-apps.document';
export const FOLDER_MIME = 'application/vnd.google-apps.folder';
const CLOSED = 'Exception: Document is closed, its contents cannot be updated.';
const DETACHED = 'Exception: Element must be detached.';
const invalid = (what: string) => new Error(`Exception: Invalid argument: ${what}`);

export const ElementType = {
  PARAGRAPH: 'PARAGRAPH',
  TABLE: 'TABLE',
  TABLE_ROW: 'TABLE_ROW',
  TABLE_CELL: 'TABLE_CELL',
  TEXT: 'TEXT',
  BODY_SECTION: 'BODY_SECTION',
  HEADER_SECTION: 'HEADER_SECTION',
  FOOTER_SECTION: 'FOOTER_SECTION',
  INLINE_IMAGE: 'INLINE_IMAGE',
} as const;
type Kind = keyof typeof ElementType;
export const ParagraphHeading = { NORMAL: 'NORMAL', HEADING1: 'HEADING1', HEADING2: 'HEADING2', HEADING3: 'HEADING3', TITLE: 'TITLE' } as const;
export const HorizontalAlignment = { LEFT: 'LEFT', CENTER: 'CENTER', RIGHT: 'RIGHT' } as const;

/**
 * One open copy of a document (or a drive file's saved content, which nobody gets to call). Every
 * element belongs to one; after saveAndClose the session is closed and all its elements refuse.
 */
class DocSession {
  closed = false;
  constructor(readonly ss: FakeSpreadsheet) {}
}

/**
 * The element tree. Public methods are Apps Script's and charge a call ('Element.<method>');
 * methods starting with `_` are the fake's own, uncharged, for the Drive side and for tests.
 */
abstract class DocElement {
  abstract readonly kind: Kind;
  parent: DocElement | null = null;
  constructor(public s: DocSession) {}
  protected use(method: string) {
    if (this.s.closed) throw new Error(CLOSED);
    this.s.ss.call(`Element.${method}`);
  }
  getType() {
    this.use('getType');
    return this.kind;
  }
  getParent() {
    this.use('getParent');
    return this.parent;
  }
  getNextSibling() {
    this.use('getNextSibling');
    return this.sibling(1);
  }
  getPreviousSibling() {
    this.use('getPreviousSibling');
    return this.sibling(-1);
  }
  private sibling(d: number) {
    const list = this.parent?._children() ?? [];
    return list[list.indexOf(this) + d] ?? null;
  }
  /** Casts of an Element (getChild gives Elements): the element itself, or an error for another type. */
  protected cast<T>(m: string, kind: Kind): T {
    this.use(m);
    if (this.kind !== kind) throw new Error(`Exception: Cannot cast a ${this.kind} to ${kind}.`);
    return this as unknown as T;
  }
  asParagraph() {
    return this.cast<FakeParagraph>('asParagraph', 'PARAGRAPH');
  }
  asTable() {
    return this.cast<FakeTable>('asTable', 'TABLE');
  }
  asTableRow() {
    return this.cast<FakeTableRow>('asTableRow', 'TABLE_ROW');
  }
  asTableCell() {
    return this.cast<FakeTableCell>('asTableCell', 'TABLE_CELL');
  }
  asText() {
    return this.cast<FakeText>('asText', 'TEXT');
  }
  asBody() {
    return this.cast<FakeBody>('asBody', 'BODY_SECTION');
  }
  /** The Text elements inside, in document order (matching never crosses them). */
  abstract _texts(): FakeText[];
  abstract _text(): string;
  /** A detached deep copy in session s. */
  abstract _clone(s: DocSession): DocElement;
  abstract _children(): DocElement[];
  _adopt(s: DocSession) {
    this.s = s;
    for (const c of this._children()) c._adopt(s);
  }
  findText(pattern: string, from?: FakeRangeElement | null) {
    this.use('findText');
    return findIn(this._texts(), pattern, from ?? null);
  }
  replaceText(pattern: string, replacement: string) {
    this.use('replaceText');
    replaceIn(this._texts(), pattern, replacement);
    return this;
  }
}

/** Attach a detached element (Apps Script refuses an element that already has a parent). */
function attach<T extends { parent: DocElement | null; _adopt(s: DocSession): void }>(el: T, parent: DocElement): T {
  if (el.parent) throw new Error(DETACHED);
  el._adopt(parent.s);
  el.parent = parent;
  return el;
}

function checkIndex(i: number, n: number, inclusive = false) {
  if (!Number.isInteger(i) || i < 0 || (inclusive ? i > n : i >= n)) throw new Error(`Exception: Child index (${i}) must be less than the number of child elements (${n}).`);
}

/** A run of characters. In this fake every Paragraph holds exactly one Text (no inline images, breaks or runs). */
export class FakeText extends DocElement {
  readonly kind = 'TEXT';
  /** Style calls as made (start, end inclusive); not shifted by later edits: for tests to inspect. */
  styles: { start: number; end: number; bold?: boolean; fontSize?: number }[] = [];
  constructor(
    s: DocSession,
    public text = '',
  ) {
    super(s);
  }
  getText() {
    this.use('getText');
    return this.text;
  }
  setText(t: string) {
    this.use('setText');
    this.text = String(t);
    this.styles = [];
    return this;
  }
  appendText(t: string) {
    this.use('appendText');
    this.text += String(t);
    return this;
  }
  /** Apps Script rejects inserting an empty string; callers must not rely on it. */
  insertText(offset: number, t: string) {
    this.use('insertText');
    if (typeof t !== 'string' || t === '') throw invalid('text');
    if (!Number.isInteger(offset) || offset < 0 || offset > this.text.length) throw invalid('offset');
    this.text = this.text.slice(0, offset) + t + this.text.slice(offset);
    return this;
  }
  deleteText(start: number, endInclusive: number) {
    this.use('deleteText');
    if (!Number.isInteger(start) || start < 0 || start >= this.text.length) throw invalid('startOffset');
    if (!Number.isInteger(endInclusive) || endInclusive < start || endInclusive >= this.text.length) throw invalid('endOffsetInclusive');
    this.text = this.text.slice(0, start) + this.text.slice(endInclusive + 1);
    return this;
  }
  /** setBold(bold) or setBold(start, endInclusive, bold). */
  setBold(...a: [boolean] | [number, number, boolean]) {
    this.use('setBold');
    this.style(a, 'bold');
    return this;
  }
  /** setFontSize(size) or setFontSize(start, endInclusive, size). */
  setFontSize(...a: [number] | [number, number, number]) {
    this.use('setFontSize');
    this.style(a, 'fontSize');
    return this;
  }
  private style(a: unknown[], key: 'bold' | 'fontSize') {
    const [start, end, v] = a.length === 1 ? [0, this.text.length - 1, a[0]] : (a as [number, number, unknown]);
    if (a.length !== 1 && (start < 0 || end < start || end >= this.text.length)) throw invalid('endOffsetInclusive');
    this.styles.push({ start, end, [key]: v });
  }
  _texts(): FakeText[] {
    return [this];
  }
  _text(): string {
    return this.text;
  }
  _children() {
    return [];
  }
  _clone(s: DocSession) {
    const t = new FakeText(s, this.text);
    t.styles = this.styles.map((x) => ({ ...x }));
    return t;
  }
}

export class FakeParagraph extends DocElement {
  readonly kind = 'PARAGRAPH';
  heading: string = ParagraphHeading.NORMAL;
  alignment: string = HorizontalAlignment.LEFT;
  readonly t: FakeText;
  /** Inline images, in order; the fake keeps them apart from the text (they add nothing to getText, as in Docs). */
  images: FakeInlineImage[] = [];
  constructor(s: DocSession, text = '') {
    super(s);
    this.t = new FakeText(s, String(text));
    this.t.parent = this;
  }
  /** An image from a PNG, JPEG or GIF blob at a child index (0 before the text, 1 after it); other content is refused as Docs does. */
  insertInlineImage(childIndex: number, image: { getBlob(): FakeBlob }) {
    this.use('insertInlineImage');
    checkIndex(childIndex, 1 + this.images.length, true);
    const img = attach(FakeInlineImage.of(this.s, image), this);
    this.images.splice(Math.max(0, childIndex - 1), 0, img);
    return img;
  }
  /** The fake's own: puts an image in a new paragraph (Body.appendImage / insertImage) and returns the image. */
  _holding(img: FakeInlineImage) {
    this.images.push(attach(img, this));
    return img;
  }
  appendInlineImage(image: { getBlob(): FakeBlob }) {
    this.use('appendInlineImage');
    const img = attach(FakeInlineImage.of(this.s, image), this);
    this.images.push(img);
    return img;
  }
  getText() {
    this.use('getText');
    return this.t.text;
  }
  setText(t: string) {
    this.use('setText');
    this.t.text = String(t);
    this.t.styles = [];
    return this;
  }
  /** Like Apps Script, returns the Text appended to (here: the paragraph's one Text). */
  appendText(t: string) {
    this.use('appendText');
    this.t.text += String(t);
    return this.t;
  }
  editAsText() {
    this.use('editAsText');
    return this.t;
  }
  setHeading(h: string) {
    this.use('setHeading');
    this.heading = h;
    return this;
  }
  getHeading() {
    this.use('getHeading');
    return this.heading;
  }
  setAlignment(a: string) {
    this.use('setAlignment');
    this.alignment = a;
    return this;
  }
  getAlignment() {
    this.use('getAlignment');
    return this.alignment;
  }
  copy() {
    this.use('copy');
    return this._clone(this.s);
  }
  removeFromParent() {
    this.use('removeFromParent');
    detach(this);
    return this;
  }
  _texts(): FakeText[] {
    return [this.t];
  }
  _text(): string {
    return this.t.text;
  }
  _children(): DocElement[] {
    return [this.t, ...this.images];
  }
  _clone(s: DocSession) {
    const p = new FakeParagraph(s);
    p.heading = this.heading;
    p.alignment = this.alignment;
    p.images = this.images.map((i) => Object.assign(i._clone(s), { parent: p }));
    p.t.text = this.t.text;
    p.t.styles = this.t.styles.map((x) => ({ ...x }));
    return p;
  }
}

/** The magic bytes of the image types Docs takes; SVG, WebP, PDF and the rest are refused. */
const IMAGE_MAGIC: [string, number[]][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
];

/** Width and height in pixels of PNG, GIF or JPEG bytes, or Docs' refusal. */
function imageSize(b: Uint8Array): { type: string; width: number; height: number } {
  const type = IMAGE_MAGIC.find(([, m]) => m.every((x, i) => b[i] === x))?.[0];
  const be = (i: number) => (b[i] << 8) | b[i + 1];
  if (type === 'image/png' && b.length >= 24) return { type, width: (be(16) << 16) | be(18), height: (be(20) << 16) | be(22) };
  if (type === 'image/gif' && b.length >= 10) return { type, width: b[6] | (b[7] << 8), height: b[8] | (b[9] << 8) };
  if (type === 'image/jpeg') {
    // The first start-of-frame marker (C0–CF but C4, C8, CC) holds height and width.
    for (let i = 2; i + 9 < b.length && b[i] === 0xff; i += 2 + be(i + 2)) {
      if (b[i + 1] >= 0xc0 && b[i + 1] <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(b[i + 1])) return { type, width: be(i + 7), height: be(i + 5) };
    }
  }
  throw new Error('Exception: Invalid image data.');
}

/** An image in a paragraph. Width and height are in points (Apps Script calls them pixels), whole numbers. */
export class FakeInlineImage extends DocElement {
  readonly kind = 'INLINE_IMAGE';
  constructor(
    s: DocSession,
    readonly blob: FakeBlob,
    public width: number,
    public height: number,
  ) {
    super(s);
  }
  /** An image from a BlobSource: its content must be a PNG, JPEG or GIF (whatever the blob's content type says). */
  static of(s: DocSession, source: { getBlob(): FakeBlob }) {
    const blob = source?.getBlob?.();
    if (!(blob instanceof FakeBlob)) throw invalid('image');
    const { width, height } = imageSize(Uint8Array.from(blob.getBytes(), (x) => x & 0xff));
    return new FakeInlineImage(s, blob.copyBlob(), width, height);
  }
  private size(what: string, v: number) {
    if (!Number.isInteger(v) || v <= 0) throw invalid(what);
    return v;
  }
  getWidth() {
    this.use('getWidth');
    return this.width;
  }
  getHeight() {
    this.use('getHeight');
    return this.height;
  }
  setWidth(w: number) {
    this.use('setWidth');
    this.width = this.size('width', w);
    return this;
  }
  setHeight(h: number) {
    this.use('setHeight');
    this.height = this.size('height', h);
    return this;
  }
  getBlob() {
    this.use('getBlob');
    return this.blob.copyBlob();
  }
  _texts(): FakeText[] {
    return [];
  }
  _text(): string {
    return '';
  }
  _children() {
    return [];
  }
  _clone(s: DocSession) {
    return new FakeInlineImage(s, this.blob.copyBlob(), this.width, this.height);
  }
}

type Block = FakeParagraph | FakeTable;

/** Body, HeaderSection, FooterSection and TableCell: an ordered list of paragraphs and tables. */
abstract class FakeContainer extends DocElement {
  children: Block[] = [];
  /** Sections and cells start with one empty paragraph, as in Google Docs. */
  constructor(s: DocSession, empty = true) {
    super(s);
    if (empty) this.children.push(attach(new FakeParagraph(s), this));
  }
  protected insert<T extends Block>(i: number, el: T): T {
    checkIndex(i, this.children.length, true);
    this.children.splice(i, 0, attach(el, this));
    return el;
  }
  private para(text: string | FakeParagraph) {
    return typeof text === 'string' ? new FakeParagraph(this.s, text) : text;
  }
  appendParagraph(text: string | FakeParagraph) {
    this.use('appendParagraph');
    return this.insert(this.children.length, this.para(text));
  }
  insertParagraph(index: number, text: string | FakeParagraph) {
    this.use('insertParagraph');
    return this.insert(index, this.para(text));
  }
  /** A new paragraph holding an image from a PNG, JPEG or GIF blob (anything else is refused, as Docs does). */
  appendImage(image: { getBlob(): FakeBlob }) {
    this.use('appendImage');
    const img = FakeInlineImage.of(this.s, image);
    return this.insert(this.children.length, new FakeParagraph(this.s))._holding(img);
  }
  insertImage(index: number, image: { getBlob(): FakeBlob }) {
    this.use('insertImage');
    const img = FakeInlineImage.of(this.s, image);
    return this.insert(index, new FakeParagraph(this.s))._holding(img);
  }
  /** Every inline image inside, in document order (test helper). */
  _images(): FakeInlineImage[] {
    return this.blocks().flatMap((b) => (b instanceof FakeParagraph ? b.images : []));
  }
  /** A table from rows of cell texts (each cell holds one paragraph), or a detached table (e.g. a copy()). */
  appendTable(cells?: string[][] | FakeTable) {
    this.use('appendTable');
    return this.insert(this.children.length, this.table(cells));
  }
  insertTable(index: number, cells?: string[][] | FakeTable) {
    this.use('insertTable');
    return this.insert(index, this.table(cells));
  }
  private table(cells?: string[][] | FakeTable) {
    if (cells instanceof FakeTable) return cells;
    const t = new FakeTable(this.s);
    for (const r of cells ?? []) {
      const row = attach(new FakeTableRow(this.s), t);
      t.rows.push(row);
      for (const c of r) row.cells.push(attach(FakeTableCell.of(this.s, String(c)), row));
    }
    return t;
  }
  getNumChildren() {
    this.use('getNumChildren');
    return this.children.length;
  }
  getChild(i: number) {
    this.use('getChild');
    checkIndex(i, this.children.length);
    return this.children[i];
  }
  getChildIndex(el: DocElement) {
    this.use('getChildIndex');
    const i = this.children.indexOf(el as Block);
    if (i < 0) throw new Error('Exception: Element does not contain the specified child element.');
    return i;
  }
  removeChild(el: DocElement) {
    this.use('removeChild');
    if (!this.children.includes(el as Block)) throw new Error('Exception: Element does not contain the specified child element.');
    detach(el as Block);
    return this;
  }
  getParagraphs() {
    this.use('getParagraphs');
    return this.blocks().filter((b): b is FakeParagraph => b instanceof FakeParagraph);
  }
  /** All tables inside, nested ones included, in document order. */
  getTables() {
    this.use('getTables');
    return this.blocks().filter((b): b is FakeTable => b instanceof FakeTable);
  }
  private blocks(): Block[] {
    return this.children.flatMap((b) => (b instanceof FakeTable ? [b, ...b.rows.flatMap((r) => r.cells.flatMap((c) => c.blocks()))] : [b]));
  }
  getText() {
    this.use('getText');
    return this._text();
  }
  /** Removes everything but one empty paragraph (Docs has no empty section or cell). */
  clear() {
    this.use('clear');
    for (const b of this.children) b.parent = null;
    this.children = [attach(new FakeParagraph(this.s), this)];
    return this;
  }
  /**
   * The whole text as one Text. Simplification: a read-only view (getText, findText, and setBold /
   * setFontSize over everything); edits through it throw: edit the paragraphs instead.
   */
  editAsText() {
    this.use('editAsText');
    return new SectionText(this);
  }
  _texts(): FakeText[] {
    return this.children.flatMap((c) => c._texts());
  }
  /** Children's text joined by '\n' (a table's text is its cells' text joined by '\n'). */
  _text(): string {
    return this.children.map((c) => c._text()).join('\n');
  }
  _children(): DocElement[] {
    return this.children;
  }
  protected cloneInto<T extends FakeContainer>(c: T, s: DocSession): T {
    c.children = this.children.map((b) => {
      const x = b._clone(s) as Block;
      x.parent = c;
      return x;
    });
    return c;
  }
}

/** Remove an element from its parent (Apps Script: a section must keep its last paragraph). */
function detach(el: Block | FakeTableRow) {
  const p = el.parent;
  if (!p) return;
  if (p instanceof FakeTable) p.rows.splice(p.rows.indexOf(el as FakeTableRow), 1);
  else if (p instanceof FakeContainer) {
    if (el instanceof FakeParagraph && !(p instanceof FakeTableCell) && p.children[p.children.length - 1] === el) {
      throw new Error("Exception: Can't remove the last paragraph in a document section.");
    }
    p.children.splice(p.children.indexOf(el as Block), 1);
  }
  el.parent = null;
}

class SectionText extends FakeText {
  constructor(private section: FakeContainer) {
    super(section.s, section._text());
  }
  override getText() {
    this.use('getText');
    return this.section._text();
  }
  override findText(pattern: string, from?: FakeRangeElement | null) {
    this.use('findText');
    return findIn(this.section._texts(), pattern, from ?? null);
  }
  override replaceText(pattern: string, replacement: string) {
    this.use('replaceText');
    replaceIn(this.section._texts(), pattern, replacement);
    return this;
  }
  override setBold(...a: [boolean] | [number, number, boolean]) {
    if (a.length !== 1) return this.refuse();
    this.use('setBold');
    for (const t of this.section._texts()) t.styles.push({ start: 0, end: t.text.length - 1, bold: a[0] });
    return this;
  }
  override setFontSize(...a: [number] | [number, number, number]) {
    if (a.length !== 1) return this.refuse();
    this.use('setFontSize');
    for (const t of this.section._texts()) t.styles.push({ start: 0, end: t.text.length - 1, fontSize: a[0] });
    return this;
  }
  private refuse(): never {
    throw new Error('fake: editing a section through editAsText() is not supported; edit its paragraphs');
  }
  override setText(): this {
    return this.refuse();
  }
  override appendText(): this {
    return this.refuse();
  }
  override insertText(): this {
    return this.refuse();
  }
  override deleteText(): this {
    return this.refuse();
  }
}

export class FakeBody extends FakeContainer {
  readonly kind = 'BODY_SECTION';
  _clone(s: DocSession) {
    return this.cloneInto(new FakeBody(s, false), s);
  }
}
export class FakeHeaderSection extends FakeContainer {
  readonly kind = 'HEADER_SECTION';
  _clone(s: DocSession) {
    return this.cloneInto(new FakeHeaderSection(s, false), s);
  }
}
export class FakeFooterSection extends FakeContainer {
  readonly kind = 'FOOTER_SECTION';
  _clone(s: DocSession) {
    return this.cloneInto(new FakeFooterSection(s, false), s);
  }
}

export class FakeTableCell extends FakeContainer {
  readonly kind = 'TABLE_CELL';
  static of(s: DocSession, text: string) {
    const c = new FakeTableCell(s, false);
    c.children.push(attach(new FakeParagraph(s, text), c));
    return c;
  }
  /** Replaces the contents with one paragraph. */
  setText(t: string) {
    this.use('setText');
    for (const b of this.children) b.parent = null;
    this.children = [attach(new FakeParagraph(this.s, String(t)), this)];
    return this;
  }
  getParentRow() {
    this.use('getParentRow');
    return this.parent as FakeTableRow | null;
  }
  _clone(s: DocSession) {
    return this.cloneInto(new FakeTableCell(s, false), s);
  }
}

export class FakeTableRow extends DocElement {
  readonly kind = 'TABLE_ROW';
  cells: FakeTableCell[] = [];
  getNumCells() {
    this.use('getNumCells');
    return this.cells.length;
  }
  getCell(i: number) {
    this.use('getCell');
    checkIndex(i, this.cells.length);
    return this.cells[i];
  }
  getNumChildren() {
    this.use('getNumChildren');
    return this.cells.length;
  }
  getChild(i: number) {
    this.use('getChild');
    checkIndex(i, this.cells.length);
    return this.cells[i];
  }
  getChildIndex(el: DocElement) {
    this.use('getChildIndex');
    const i = this.cells.indexOf(el as FakeTableCell);
    if (i < 0) throw new Error('Exception: Element does not contain the specified child element.');
    return i;
  }
  appendTableCell(text = '') {
    this.use('appendTableCell');
    const c = attach(FakeTableCell.of(this.s, String(text)), this);
    this.cells.push(c);
    return c;
  }
  getParentTable() {
    this.use('getParentTable');
    return this.parent as FakeTable | null;
  }
  getText() {
    this.use('getText');
    return this._text();
  }
  /** A detached deep copy (to insert with Table.insertTableRow / appendTableRow). */
  copy() {
    this.use('copy');
    return this._clone(this.s);
  }
  removeFromParent() {
    this.use('removeFromParent');
    detach(this);
    return this;
  }
  _texts(): FakeText[] {
    return this.cells.flatMap((c) => c._texts());
  }
  /** Cells' text joined by '\n' (the fake's choice: every paragraph on its own line). */
  _text(): string {
    return this.cells.map((c) => c._text()).join('\n');
  }
  _children() {
    return this.cells;
  }
  _clone(s: DocSession) {
    const r = new FakeTableRow(s);
    r.cells = this.cells.map((c) => {
      const x = c._clone(s);
      x.parent = r;
      return x;
    });
    return r;
  }
}

export class FakeTable extends DocElement {
  readonly kind = 'TABLE';
  rows: FakeTableRow[] = [];
  borderWidth = 1;
  getNumRows() {
    this.use('getNumRows');
    return this.rows.length;
  }
  getRow(i: number) {
    this.use('getRow');
    checkIndex(i, this.rows.length);
    return this.rows[i];
  }
  getCell(r: number, c: number) {
    this.use('getCell');
    checkIndex(r, this.rows.length);
    checkIndex(c, this.rows[r].cells.length);
    return this.rows[r].cells[c];
  }
  getNumChildren() {
    this.use('getNumChildren');
    return this.rows.length;
  }
  getChild(i: number) {
    this.use('getChild');
    checkIndex(i, this.rows.length);
    return this.rows[i];
  }
  getChildIndex(el: DocElement) {
    this.use('getChildIndex');
    const i = this.rows.indexOf(el as FakeTableRow);
    if (i < 0) throw new Error('Exception: Element does not contain the specified child element.');
    return i;
  }
  /** Appends a new empty row, or the given DETACHED row (attached ones throw, as in Apps Script). */
  appendTableRow(row?: FakeTableRow) {
    this.use('appendTableRow');
    return this.insertRow(this.rows.length, row);
  }
  insertTableRow(index: number, row?: FakeTableRow) {
    this.use('insertTableRow');
    return this.insertRow(index, row);
  }
  private insertRow(i: number, row?: FakeTableRow) {
    checkIndex(i, this.rows.length, true);
    const r = attach(row ?? new FakeTableRow(this.s), this);
    this.rows.splice(i, 0, r);
    return r;
  }
  removeRow(i: number) {
    this.use('removeRow');
    checkIndex(i, this.rows.length);
    const r = this.rows[i];
    detach(r);
    return r;
  }
  setBorderWidth(n: number) {
    this.use('setBorderWidth');
    this.borderWidth = n;
    return this;
  }
  getBorderWidth() {
    this.use('getBorderWidth');
    return this.borderWidth;
  }
  getText() {
    this.use('getText');
    return this._text();
  }
  copy() {
    this.use('copy');
    return this._clone(this.s);
  }
  removeFromParent() {
    this.use('removeFromParent');
    detach(this);
    return this;
  }
  _texts(): FakeText[] {
    return this.rows.flatMap((r) => r._texts());
  }
  /** Rows' text joined by '\n'. */
  _text(): string {
    return this.rows.map((r) => r._text()).join('\n');
  }
  _children() {
    return this.rows;
  }
  _clone(s: DocSession) {
    const t = new FakeTable(s);
    t.borderWidth = this.borderWidth;
    t.rows = this.rows.map((r) => {
      const x = r._clone(s);
      x.parent = t;
      return x;
    });
    return t;
  }
}

/** A match found by findText: a range of one Text element. */
export class FakeRangeElement {
  constructor(
    private el: FakeText,
    private start: number,
    private end: number,
  ) {}
  private use(m: string) {
    if (this.el.s.closed) throw new Error(CLOSED);
    this.el.s.ss.call(`Element.${m}`);
  }
  /** The Text matched in (asText() gives itself, getParent() its paragraph). */
  getElement() {
    this.use('getElement');
    return this.el;
  }
  getStartOffset() {
    this.use('getStartOffset');
    return this.start;
  }
  getEndOffsetInclusive() {
    this.use('getEndOffsetInclusive');
    return this.end;
  }
  isPartial() {
    this.use('isPartial');
    return this.start > 0 || this.end < this.el.text.length - 1;
  }
  _at() {
    return { el: this.el, start: this.start, end: this.end };
  }
}

// ---------------------------------------------------------------------------------------------
// findText / replaceText: RE2 patterns, Java replacement strings
// ---------------------------------------------------------------------------------------------

const POSIX: Record<string, string> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  word: '\\w',
  xdigit: '0-9A-Fa-f',
  punct: '!-\\/:-@\\[-`{-~',
  blank: ' \\t',
};

/**
 * Apps Script takes the pattern as a STRING in RE2 syntax (Java-side). Converted to a JS RegExp:
 * leading (?i)/(?m)/(?s) become flags, (?P<name>…) a named group, \Q…\E a literal, \A and \z the
 * text's ends, [[:alpha:]]-style classes their ranges. RE2 has no lookaround and no backreferences:
 * (?=, (?!, (?<=, (?<! and \1..\9 are refused with the error Apps Script gives. Other inline flag
 * groups are refused by the fake (JS cannot express them); everything else is passed to JS as-is.
 */
export function re2(pattern: string): RegExp {
  const bad = () => invalid('searchPattern');
  if (typeof pattern !== 'string') throw bad();
  let flags = 'g';
  let src = pattern;
  const lead = /^\(\?([ims]+)\)/.exec(src);
  if (lead) {
    flags += [...new Set(lead[1])].join('');
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw bad();
      if (/[1-9]/.test(n)) throw bad(); // backreference
      i++;
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 1);
        out += src.slice(i + 1, end < 0 ? undefined : end).replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
      } else if (n === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (n === 'z' && !inClass) out += '(?![\\s\\S])';
      else out += c + n;
      continue;
    }
    if (inClass) {
      const posix = /^\[:(\^?)(\w+):\]/.exec(src.slice(i));
      if (posix && POSIX[posix[2]] && !posix[1]) {
        out += POSIX[posix[2]];
        i += posix[0].length - 1;
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      } // a leading ] is literal in RE2
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (/^(=|!|<=|<!)/.test(rest)) throw bad(); // lookahead / lookbehind
      if (rest.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (/^[imsU-]+[:)]/.test(rest)) throw new Error(`fake: inline flag groups other than a leading (?i)/(?m)/(?s) are not supported: ${pattern}`);
    }
    out += c;
  }
  if (/\\[pP]/.test(out)) flags += 'u';
  try {
    return new RegExp(out, flags);
  } catch {
    throw bad();
  }
}

/** Matches in one text from an offset on; empty matches are skipped (they find nothing to show). */
function matchesIn(re: RegExp, text: string, from = 0): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = from;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0] === '') {
      re.lastIndex++;
      continue;
    }
    out.push(m);
  }
  return out;
}

/** The first match in document order, strictly after `from` when given (in the same Text: after its end). */
function findIn(texts: FakeText[], pattern: string, from: FakeRangeElement | null): FakeRangeElement | null {
  const re = re2(pattern);
  let i = 0;
  let offset = 0;
  if (from) {
    const at = from._at();
    i = texts.indexOf(at.el);
    if (i < 0) throw invalid('from');
    offset = at.end + 1;
  }
  for (; i < texts.length; i++, offset = 0) {
    const [m] = matchesIn(re, texts[i].text, offset);
    if (m) return new FakeRangeElement(texts[i], m.index, m.index + m[0].length - 1);
  }
  return null;
}

function replaceIn(texts: FakeText[], pattern: string, replacement: string) {
  const re = re2(pattern);
  const rep = String(replacement);
  for (const t of texts) {
    let out = '';
    let last = 0;
    for (const m of matchesIn(re, t.text)) {
      out += t.text.slice(last, m.index) + javaReplacement(rep, m);
      last = m.index + m[0].length;
    }
    if (last) t.text = out + t.text.slice(last);
  }
}

/**
 * Java's Matcher.appendReplacement (Apps Script is Java underneath): `$n` inserts group n (further
 * digits join while the number stays a valid group; an unmatched group inserts nothing), `\x`
 * inserts x literally. A `$` not followed by a valid group number (also `${name}`, and $n past the
 * last group, which Java reports as "No group n") throws "Illegal group reference"; a trailing
 * backslash throws. Like Java, the replacement is only parsed when something matches. This strictness
 * is deliberate: production code must escape user text before using it as a replacement.
 */
export function javaReplacement(rep: string, m: RegExpExecArray): string {
  const groups = m.length - 1;
  let out = '';
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (c === '\\') {
      if (++i >= rep.length) throw new Error('Exception: character to be escaped is missing');
      out += rep[i];
    } else if (c === '$') {
      const d = rep[++i];
      if (d === undefined || !/[0-9]/.test(d) || Number(d) > groups) throw new Error('Exception: Illegal group reference');
      let n = Number(d);
      while (/[0-9]/.test(rep[i + 1] ?? '') && n * 10 + Number(rep[i + 1]) <= groups) n = n * 10 + Number(rep[++i]);
      out += m[n] ?? '';
    } else out += c;
  }
  return out;
}

/** What a drive holds of a Google Doc: its saved sections. */
interface SavedDoc {
  body: FakeBody;
  header: FakeHeaderSection | null;
  footer: FakeFooterSection | null;
}

export class FakeDocument {
  private sections: SavedDoc;
  private session: DocSession;
  constructor(
    private ss: FakeSpreadsheet,
    private id: string,
  ) {
    const saved = ss.drive._item(id).doc!;
    this.session = new DocSession(ss);
    this.sections = cloneDoc(saved, this.session);
  }
  private use(m: string) {
    if (this.session.closed) throw new Error(CLOSED);
    this.ss.call(`Document.${m}`);
  }
  getId() {
    this.use('getId');
    return this.id;
  }
  getName() {
    this.use('getName');
    return this.ss.drive._item(this.id).name;
  }
  setName(n: string) {
    this.use('setName');
    this.ss.drive._item(this.id).name = n;
    return this;
  }
  getUrl() {
    this.use('getUrl');
    return this.ss.drive._url(this.id);
  }
  getBody() {
    this.use('getBody');
    return this.sections.body;
  }
  /** Null until addHeader(). */
  getHeader() {
    this.use('getHeader');
    return this.sections.header;
  }
  getFooter() {
    this.use('getFooter');
    return this.sections.footer;
  }
  addHeader() {
    this.use('addHeader');
    if (this.sections.header) throw new Error('Exception: Document tab already contains a header.');
    return (this.sections.header = new FakeHeaderSection(this.session));
  }
  addFooter() {
    this.use('addFooter');
    if (this.sections.footer) throw new Error('Exception: Document tab already contains a footer.');
    return (this.sections.footer = new FakeFooterSection(this.session));
  }
  /** The SAVED content as PDF (like File.getAs). */
  getAs(contentType: string) {
    this.use('getAs');
    return this.ss.drive._export(this.id, contentType);
  }
  /** Only now do the edits become the drive file's content; this object and its elements are closed. */
  saveAndClose() {
    this.use('saveAndClose');
    this._save();
  }
  _save() {
    if (this.session.closed) return;
    this.ss.drive._item(this.id).doc = cloneDoc(this.sections, new DocSession(this.ss));
    this.session.closed = true;
  }
  _isOpen() {
    return !this.session.closed;
  }
}

function cloneDoc(d: SavedDoc, s: DocSession): SavedDoc {
  return { body: d.body._clone(s), header: d.header?._clone(s) ?? null, footer: d.footer?._clone(s) ?? null };
}

// ---------------------------------------------------------------------------------------------
// Drive
// ---------------------------------------------------------------------------------------------

export interface DriveItem {
  id: string;
  name: string;
  parentId: string | null;
  trashed: boolean;
  mimeType: string;
  /** Content of a plain file. */
  blob?: FakeBlob;
  /** Saved content of a Google Doc. */
  doc?: SavedDoc;
  /** Who created it (whose Drive it is in). */
  owner: string;
  /**
   * Who reaches it through the add-on: with the drive.file scope a user sees only the files the
   * add-on created or opened FOR THAT USER, whoever else they are shared with.
   */
  users: Set<string>;
}

const NOT_FOUND = 'Exception: No item with the given ID could be found. Possibly because you have not edited this item or you do not have permission to access it.';

/**
 * A per-test in-memory Google Drive of every user; ids are deterministic (F0000, F0001, ... in order
 * of creation). Each user has their own My Drive and, under drive.file, reaches only their own items.
 */
export class FakeDrive {
  items = new Map<string, DriveItem>();
  /** Documents opened (create/openById) by the bundle: Apps Script saves them when an execution ends. */
  open: FakeDocument[] = [];
  private seq = 0;
  private roots = new Map<string, string>();
  constructor(private ss: FakeSpreadsheet) {}
  /** The running user's My Drive. */
  get rootId(): string {
    const user = this.ss.user;
    let id = this.roots.get(user);
    if (!id) this.roots.set(user, (id = this._add({ name: 'My Drive', parentId: null, mimeType: FOLDER_MIME }).id));
    return id;
  }
  _add(x: Omit<DriveItem, 'id' | 'trashed' | 'owner' | 'users'>): DriveItem {
    const item: DriveItem = { ...x, id: `F${String(this.seq++).padStart(4, '0')}`, trashed: false, owner: this.ss.user, users: new Set([this.ss.user]) };
    this.items.set(item.id, item);
    return item;
  }
  /** Any item, whoever asks (the fake's own bookkeeping and tests). */
  _item(id: string) {
    const it = this.items.get(String(id));
    if (!it) throw new Error(NOT_FOUND);
    return it;
  }
  /** An item as the running user reaches it through the add-on: unknown to them unless it is theirs under drive.file. */
  _reach(id: string) {
    const it = this._item(id);
    if (!it.users.has(this.ss.user)) throw new Error(NOT_FOUND);
    return it;
  }
  /** Test helper: the add-on opened this item for a user (e.g. picked in a Google Picker), so drive.file reaches it. */
  grant(id: string, user: string) {
    this._item(id).users.add(user);
  }
  _url(id: string) {
    const it = this._item(id);
    return it.mimeType === FOLDER_MIME
      ? `https://drive.google.com/drive/folders/${id}`
      : it.mimeType === DOC_MIME
        ? `https://docs.google.com/document/d/${id}/edit`
        : `https://drive.google.com/file/d/${id}/view`;
  }
  /** Test helper: items by name (trashed ones too). */
  byName(name: string) {
    return [...this.items.values()].filter((i) => i.name === name);
  }
  /** Test helper: the saved text of a Google Doc (body, then header and footer). */
  savedText(id: string) {
    const d = this._item(id).doc;
    if (!d) throw new Error(`${id} is not a Google Doc`);
    return [d.body, d.header, d.footer]
      .filter((x) => x)
      .map((x) => x!._text())
      .join('\n');
  }
  /** A new Google Doc (counts against the daily docs quota) with one empty paragraph in its body. */
  _newDoc(name: string, parentId: string, content?: SavedDoc): DriveItem {
    this.ss.useDaily('docsCreated', 1);
    const s = new DocSession(this.ss);
    return this._add({ name, parentId, mimeType: DOC_MIME, doc: content ? cloneDoc(content, s) : { body: new FakeBody(s), header: null, footer: null } });
  }
  _open(id: string) {
    const it = this._reach(id);
    if (it.mimeType !== DOC_MIME) throw new Error(NOT_FOUND);
    const d = new FakeDocument(this.ss, id);
    this.open.push(d);
    return d;
  }
  /** A Google Doc as PDF: '%PDF-1.4\n' and the SAVED text; other conversions only to the file's own type. */
  _export(id: string, contentType: string) {
    const it = this._item(id);
    if (it.mimeType === DOC_MIME) {
      if (contentType !== 'application/pdf') throw new Error(`Exception: Converting from ${DOC_MIME} to ${contentType} is not supported.`);
      return new FakeBlob(`%PDF-1.4\n${this.savedText(id)}`, 'application/pdf', `${it.name}.pdf`);
    }
    if (!it.blob) throw new Error(`Exception: Converting from ${it.mimeType} to ${contentType} is not supported.`);
    return it.blob.getAs(contentType).setName(it.name);
  }
  /** Saves and closes what the previous execution left open (Apps Script does so when a script ends). */
  _endExecution() {
    for (const d of this.open) d._save();
    this.open = [];
  }
}

const ITEM = Symbol('driveItemId');

/** Apps Script's error for arguments that fit no overload of a method. */
function signature(method: string, args: unknown[]): string {
  const kind = (a: unknown) =>
    a === null ? 'null' : a instanceof FakeBlob ? 'Blob' : typeof a === 'string' ? 'String' : typeof a === 'object' ? Object.prototype.toString.call(a).slice(8, -1) : typeof a;
  const kinds = args.filter((a) => a !== undefined).map(kind);
  return `Exception: The parameters (${kinds.join(',')}) don't match the method signature for DriveApp.${method}.`;
}

function iterator<T>(ss: FakeSpreadsheet, list: T[]) {
  let i = 0;
  return {
    hasNext: () => (ss.call('Iterator.hasNext'), i < list.length),
    next: () => {
      ss.call('Iterator.next');
      if (i >= list.length) throw new Error('Exception: Cannot retrieve the next object: iterator has reached the end.');
      return list[i++];
    },
  };
}

abstract class DriveObject {
  readonly [ITEM]: string;
  constructor(
    protected ss: FakeSpreadsheet,
    id: string,
    private prefix: 'File' | 'Folder',
  ) {
    this[ITEM] = id;
  }
  protected use(m: string, ms?: number) {
    this.ss.call(`${this.prefix}.${m}`, 0, undefined, ms);
    return this.ss.drive._reach(this[ITEM]);
  }
  getId() {
    return this.use('getId').id;
  }
  getName() {
    return this.use('getName').name;
  }
  setName(n: string) {
    this.use('setName').name = String(n);
    return this;
  }
  getUrl() {
    this.use('getUrl');
    return this.ss.drive._url(this[ITEM]);
  }
  isTrashed() {
    return this.use('isTrashed').trashed;
  }
  /** Trashing a folder flags the folder only in this fake (its contents keep their own flag). */
  setTrashed(b: boolean) {
    this.use('setTrashed').trashed = Boolean(b);
    return this;
  }
  getParents() {
    const it = this.use('getParents');
    return iterator(this.ss, it.parentId ? [new FakeFolder(this.ss, it.parentId)] : []);
  }
  moveTo(folder: FakeFolder) {
    const it = this.use('moveTo');
    it.parentId = this.ss.drive._reach(folder[ITEM]).id;
    return this;
  }
}

export class FakeFolder extends DriveObject {
  constructor(ss: FakeSpreadsheet, id: string) {
    super(ss, id, 'Folder');
  }
  private kids(folders: boolean, name?: string) {
    return [...this.ss.drive.items.values()]
      .filter((i) => i.parentId === this[ITEM] && !i.trashed && i.users.has(this.ss.user) && (i.mimeType === FOLDER_MIME) === folders && (name === undefined || i.name === name))
      .map((i) => (folders ? new FakeFolder(this.ss, i.id) : new FakeFile(this.ss, i.id)));
  }
  createFolder(name: string) {
    this.use('createFolder');
    return new FakeFolder(this.ss, this.ss.drive._add({ name: String(name), parentId: this[ITEM], mimeType: FOLDER_MIME }).id);
  }
  /**
   * createFile(blob) (name and type from the blob) or createFile(name, content, mimeType = 'text/plain').
   * As Google: content must be a string (at most 10 MB with a type, 50 MB without), a Google type
   * (Docs, folders) cannot be made from content, and anything but a blob or a name is refused.
   */
  createFile(blobOrName: FakeBlob | string, content?: string, mimeType?: string) {
    this.use('createFile');
    if (typeof blobOrName !== 'string' && !(blobOrName instanceof FakeBlob)) throw new Error(signature('Folder.createFile', [blobOrName, content, mimeType]));
    if (typeof blobOrName === 'string') {
      if (typeof content !== 'string' || (mimeType !== undefined && typeof mimeType !== 'string')) throw new Error(signature('Folder.createFile', [blobOrName, content, mimeType]));
      if (mimeType?.startsWith('application/vnd.google-apps.')) throw new Error('Exception: Invalid argument: file.contentType');
      if (Buffer.byteLength(content, 'utf8') > (mimeType === undefined ? 50 : 10) * 1024 * 1024) throw new Error('Exception: File content is too large.');
    }
    const blob = typeof blobOrName === 'string' ? new FakeBlob(content ?? '', mimeType ?? 'text/plain', blobOrName) : blobOrName.copyBlob();
    const item = this.ss.drive._add({ name: blob.getName() ?? 'Untitled', parentId: this[ITEM], mimeType: blob.getContentType() ?? 'application/octet-stream', blob });
    return new FakeFile(this.ss, item.id);
  }
  /** Iterators over the non-trashed children (a snapshot taken now). */
  getFoldersByName(name: string) {
    this.use('getFoldersByName');
    return iterator(this.ss, this.kids(true, name) as FakeFolder[]);
  }
  getFilesByName(name: string) {
    this.use('getFilesByName');
    return iterator(this.ss, this.kids(false, name) as FakeFile[]);
  }
  getFolders() {
    this.use('getFolders');
    return iterator(this.ss, this.kids(true) as FakeFolder[]);
  }
  getFiles() {
    this.use('getFiles');
    return iterator(this.ss, this.kids(false) as FakeFile[]);
  }
}

export class FakeFile extends DriveObject {
  constructor(ss: FakeSpreadsheet, id: string) {
    super(ss, id, 'File');
  }
  getMimeType() {
    return this.use('getMimeType').mimeType;
  }
  /** makeCopy(), makeCopy(name), makeCopy(folder), makeCopy(name, folder). A Doc's copy takes its SAVED content. */
  makeCopy(nameOrFolder?: string | FakeFolder, folder?: FakeFolder) {
    const it = this.use('makeCopy');
    const name = typeof nameOrFolder === 'string' ? nameOrFolder : `Copy of ${it.name}`;
    const dest = typeof nameOrFolder === 'object' ? nameOrFolder : folder;
    const parentId = dest ? this.ss.drive._reach(dest[ITEM]).id : it.parentId!;
    const copy = it.doc ? this.ss.drive._newDoc(name, parentId, it.doc) : this.ss.drive._add({ name, parentId, mimeType: it.mimeType, blob: it.blob?.copyBlob() });
    return new FakeFile(this.ss, copy.id);
  }
  /** A plain file's content; a Google Doc's getBlob is its PDF (as in Apps Script). */
  getBlob() {
    const it = this.use('getBlob', this.ss.drive._item(this[ITEM]).doc ? SERVICE_LATENCY['File.getAs'] : undefined);
    return it.doc ? this.ss.drive._export(it.id, 'application/pdf') : it.blob!.copyBlob().setName(it.name);
  }
  /**
   * Overwrites a plain file's content with text (id, name, type and link stay): at most 10 MB, and
   * never a Google Doc or other Google type, whose content is not a file's bytes.
   */
  setContent(content: string) {
    const it = this.use('setContent');
    if (typeof content !== 'string') throw new Error(signature('File.setContent', [content]));
    if (it.mimeType.startsWith('application/vnd.google-apps.')) throw new Error(`Exception: Invalid argument: cannot set the content of a ${it.mimeType} file`);
    if (Buffer.byteLength(content, 'utf8') > 10 * 1024 * 1024) throw new Error('Exception: File content is too large.');
    it.blob = new FakeBlob(content, it.mimeType, it.name);
    return this;
  }
  /** A Google Doc as 'application/pdf' (its SAVED text); anything else only as its own type. */
  getAs(contentType: string) {
    this.use('getAs');
    return this.ss.drive._export(this[ITEM], contentType);
  }
}

// ---------------------------------------------------------------------------------------------
// Mail
// ---------------------------------------------------------------------------------------------

export interface SentMail {
  to: string;
  cc: string;
  bcc: string;
  /** Every address of to, cc and bcc, as counted against the daily quota. */
  recipients: string[];
  subject: string;
  body: string;
  htmlBody?: string;
  name?: string;
  replyTo?: string;
  noReply?: boolean;
  attachments: { name: string | null; contentType: string | null; data: string; size: number }[];
  /** Simulated time it was sent (ms). */
  at: number;
}

export class FakeMailbox {
  sent: SentMail[] = [];
}

interface MailMessage {
  to?: string;
  cc?: string;
  bcc?: string;
  subject?: string;
  body?: string;
  htmlBody?: string;
  name?: string;
  replyTo?: string;
  noReply?: boolean;
  attachments?: ({ getBlob(): FakeBlob } | FakeBlob)[];
}

const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
const MAX_ATTACHMENTS = 25 * 1024 * 1024;

function addresses(list: string | undefined): string[] {
  return String(list ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a)
    .map((a) => {
      const addr = /<([^>]*)>\s*$/.exec(a)?.[1].trim() ?? a; // "Name <addr>"
      if (!EMAIL.test(addr)) throw new Error(`Exception: Invalid email: ${addr}`);
      return addr;
    });
}

// ---------------------------------------------------------------------------------------------
// The service globals
// ---------------------------------------------------------------------------------------------

/**
 * Utilities.newBlob's data as Apps Script takes it: a string, or an array of Java bytes, whole
 * numbers -128..127 (a byte 200 must come as -56). A typed array or a value out of range is refused.
 */
function blobData(data: unknown): string | number[] {
  if (typeof data === 'string') return data;
  if (!Array.isArray(data)) throw new Error(`Exception: The parameters (${Object.prototype.toString.call(data).slice(8, -1)}) don't match the method signature for Utilities.newBlob.`);
  const bad = data.findIndex((b) => !Number.isInteger(b) || b < -128 || b > 127);
  if (bad >= 0) throw new Error(`Exception: Invalid argument: data (byte ${bad} is ${data[bad]}, not -128..127)`);
  return data;
}

/** DriveApp, DocumentApp, MailApp, Utilities.newBlob and Date for gasGlobals, bound to one spreadsheet. */
export function gasServices(ss: FakeSpreadsheet) {
  const drive = ss.drive;
  const folder = (id: string) => {
    const it = drive._reach(id);
    if (it.mimeType !== FOLDER_MIME) throw new Error(NOT_FOUND);
    return new FakeFolder(ss, id);
  };
  const file = (id: string) => {
    const it = drive._reach(id);
    if (it.mimeType === FOLDER_MIME) throw new Error(NOT_FOUND);
    return new FakeFile(ss, id);
  };
  const DriveApp = {
    getRootFolder: () => (ss.call('DriveApp.getRootFolder'), new FakeFolder(ss, drive.rootId)),
    /** Unknown ids throw; a trashed item is still returned (isTrashed() tells). */
    getFolderById: (id: string) => (ss.call('DriveApp.getFolderById'), folder(id)),
    getFileById: (id: string) => (ss.call('DriveApp.getFileById'), file(id)),
    createFolder: (name: string) => (ss.call('DriveApp.createFolder'), new FakeFolder(ss, drive._add({ name: String(name), parentId: drive.rootId, mimeType: FOLDER_MIME }).id)),
    createFile: (blobOrName: FakeBlob | string, content?: string, mimeType?: string) => new FakeFolder(ss, drive.rootId).createFile(blobOrName, content, mimeType),
  };
  const DocumentApp = {
    ParagraphHeading,
    HorizontalAlignment,
    ElementType,
    /** A new Google Doc in the root folder (counts against the daily docs quota). */
    create: (name: string) => {
      ss.call('DocumentApp.create');
      return drive._open(drive._newDoc(String(name), drive.rootId).id);
    },
    /** A fresh open copy of the saved content; unknown ids and non-docs throw like getFileById. */
    openById: (id: string) => (ss.call('DocumentApp.openById'), drive._open(id)),
  };
  const MailApp = {
    getRemainingDailyQuota: () => (ss.call('MailApp.getRemainingDailyQuota'), ss.quotas.mailRecipientsPerDay - ss.daily().mailRecipients),
    /** sendEmail(message), sendEmail(to, subject, body, options?) or sendEmail(to, replyTo, subject, body). */
    sendEmail: (a0: MailMessage | string, a1?: string, a2?: string, a3?: MailMessage | string) => {
      ss.call('MailApp.sendEmail');
      const m: MailMessage = typeof a0 === 'object' ? a0 : typeof a3 === 'string' ? { to: a0, replyTo: a1, subject: a2, body: a3 } : { ...(a3 ?? {}), to: a0, subject: a1, body: a2 };
      const recipients = [...addresses(m.to), ...addresses(m.cc), ...addresses(m.bcc)];
      if (!recipients.length) throw new Error('Exception: Failed to send email: no recipient');
      if (recipients.length > 50) throw new Error('Exception: Too many recipients');
      const blobs = (m.attachments ?? []).map((x) => x.getBlob());
      if (blobs.reduce((n, b) => n + b._size(), 0) > MAX_ATTACHMENTS) throw new Error('Exception: Limit Exceeded: Email Total Attachments Size.');
      // Each recipient counts; a message that needs more than what is left is not sent at all.
      ss.useDaily('mailRecipients', recipients.length);
      ss.mail.sent.push({
        to: m.to ?? '',
        cc: m.cc ?? '',
        bcc: m.bcc ?? '',
        recipients,
        subject: String(m.subject ?? ''),
        body: String(m.body ?? ''),
        htmlBody: m.htmlBody,
        name: m.name,
        replyTo: m.replyTo,
        noReply: m.noReply,
        attachments: blobs.map((b) => ({ name: b.getName(), contentType: b.getContentType(), data: b.getDataAsString(), size: b._size() })),
        at: ss.now(),
      });
    },
  };
  return {
    DriveApp,
    DocumentApp,
    MailApp,
    Date: fakeDateClass(() => ss.now()),
    newBlob: (data: string | number[], contentType?: string, name?: string) => (ss.call('Utilities.newBlob'), new FakeBlob(blobData(data), contentType ?? null, name ?? null)),
  };
}
