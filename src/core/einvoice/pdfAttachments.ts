// Embedded files of a PDF, and the e-invoice XML of a hybrid PDF (Factur-X, ZUGFeRD, or an
// XRechnung attached to a PDF/A-3). Pure: no Node APIs, no TextDecoder, so it runs in Apps Script's
// V8 as well; inflating is fflate's synchronous code (no workers, no timers).
//
// A tolerant reader: xref offsets are often wrong after edits by other tools, so instead of
// following them it scans the file for `N G obj ... endobj` bodies and the `trailer` dictionaries,
// expands the object streams (PDF 1.5), and lets the later definition of an object number win, as
// an incremental update intends. Attachments are the file specifications (dictionaries with /EF)
// reachable from the newest catalog, so an attachment an update replaced is not reported.
import { inflateSync, unzlibSync } from 'fflate';
import { BillingError } from '../errors';

export interface PdfAttachment {
  name: string;
  data: Uint8Array;
  /** The file specification's /AFRelationship ("Alternative" for Factur-X), when given. */
  relationship?: string;
  /** The embedded file stream's /Subtype ("text/xml"), when given. */
  mimeType?: string;
}

// ---------- values ----------

type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfValue[];
interface PdfName { kind: 'name'; name: string }
/** The string's bytes as a latin1 "binary string" (one char per byte). */
interface PdfString { kind: 'string'; bytes: string }
interface PdfRef { kind: 'ref'; num: number; gen: number }
interface PdfDict { kind: 'dict'; entries: Map<string, PdfValue> }

const isDict = (v: PdfValue | undefined): v is PdfDict => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'dict';
const isRef = (v: PdfValue | undefined): v is PdfRef => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'ref';
const nameOf = (v: PdfValue | undefined): string | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'name' ? v.name : undefined;
const stringOf = (v: PdfValue | undefined): string | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'string' ? v.bytes : undefined;

/** Thrown by the parser on malformed syntax; the scanner skips that object and goes on. */
class Malformed extends Error {}

// ---------- the parser, on a latin1 string of the file (charCodeAt is byte access) ----------

// Character classes by byte (a table: this is the innermost loop): 0 regular, 1 whitespace, 2 delimiter.
const CLASS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) CLASS[c] = 1;
for (const c of '()<>[]{}/%') CLASS[c.charCodeAt(0)] = 2;
/** charCodeAt past the end is NaN, and CLASS[NaN] undefined: not regular. */
const isRegular = (c: number) => CLASS[c] === 0;
const isWhitespace = (c: number) => CLASS[c] === 1;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
/** Deeper nesting is not a real document; the limit keeps a hostile file from exhausting the stack. */
const MAX_DEPTH = 64;

class Parser {
  private depth = 0;
  constructor(readonly s: string, public pos: number) {}

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (isWhitespace(c)) this.pos++;
      else if (c === 37 /* % */) while (this.pos < s.length && s[this.pos] !== '\n' && s[this.pos] !== '\r') this.pos++;
      else return;
    }
  }

  /** The run of regular characters at pos (a keyword, number or name body). */
  word(): string {
    const start = this.pos;
    while (isRegular(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  value(): PdfValue {
    this.skipSpace();
    if (this.pos >= this.s.length) throw new Malformed('unexpected end of file');
    const c = this.s[this.pos];
    if (c === '/') return this.name();
    if (c === '(') return this.literal();
    if (c === '<') return this.s[this.pos + 1] === '<' ? this.nested(() => this.dict()) : this.hex();
    if (c === '[') return this.nested(() => this.array());
    const word = this.word();
    if (word === 'true' || word === 'false') return word === 'true';
    if (word === 'null') return null;
    const n = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(word) ? Number(word) : NaN;
    if (Number.isNaN(n)) throw new Malformed(`unexpected "${word || c}"`);
    return Number.isInteger(n) && n >= 0 ? this.refOr(n) : n;
  }

  private nested<T>(read: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new Malformed('nested too deeply');
    try {
      return read();
    } finally {
      this.depth--;
    }
  }

  /** `n` or, when "G R" follows, the reference n G R. */
  private refOr(n: number): number | PdfRef {
    const back = this.pos;
    this.skipSpace();
    const gen = this.word();
    if (/^\d+$/.test(gen)) {
      this.skipSpace();
      if (this.word() === 'R') return { kind: 'ref', num: n, gen: Number(gen) };
    }
    this.pos = back;
    return n;
  }

  private name(): PdfName {
    this.pos++;
    // #xx is a hex-escaped byte (/text#2Fxml is text/xml).
    const raw = this.word();
    return { kind: 'name', name: raw.includes('#') ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw };
  }

  private dict(): PdfDict {
    this.pos += 2;
    const entries = new Map<string, PdfValue>();
    for (;;) {
      this.skipSpace();
      if (this.s.startsWith('>>', this.pos)) {
        this.pos += 2;
        return { kind: 'dict', entries };
      }
      const key = this.value();
      const k = nameOf(key);
      if (k === undefined) throw new Malformed('a dictionary key is not a name');
      entries.set(k, this.value());
    }
  }

  private array(): PdfValue[] {
    this.pos++;
    const items: PdfValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === ']') {
        this.pos++;
        return items;
      }
      items.push(this.value());
    }
  }

  private hex(): PdfString {
    const end = this.s.indexOf('>', this.pos);
    if (end < 0) throw new Malformed('unterminated hex string');
    const digits = this.s.slice(this.pos + 1, end).replace(/[\0\t\n\f\r ]/g, '');
    if (!/^[0-9A-Fa-f]*$/.test(digits)) throw new Malformed('bad hex string');
    this.pos = end + 1;
    const padded = digits.length % 2 ? `${digits}0` : digits; // an odd last digit is followed by 0
    const bytes = new Uint8Array(padded.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(padded.slice(2 * i, 2 * i + 2), 16);
    return { kind: 'string', bytes: latin1(bytes) };
  }

  /** A (literal) string: balanced parentheses, backslash escapes, EOLs read as \n. */
  private literal(): PdfString {
    const s = this.s;
    const out: string[] = [];
    let depth = 0;
    let i = this.pos;
    let start = i + 1;
    for (;;) {
      if (i >= s.length) throw new Malformed('unterminated string');
      const c = s[i];
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
      else if (c === '\\' || c === '\r') {
        out.push(s.slice(start, i), c === '\r' ? '\n' : '');
        i = c === '\r' ? this.eol(i) : this.escape(i + 1, out);
        start = i;
        continue;
      }
      i++;
    }
    out.push(s.slice(start, i));
    this.pos = i + 1;
    return { kind: 'string', bytes: out.join('') };
  }

  /** The position after the EOL (CR, LF or CRLF) at i. */
  private eol(i: number): number {
    return this.s[i] === '\r' && this.s[i + 1] === '\n' ? i + 2 : i + 1;
  }

  /** Reads the escape after a backslash at i - 1 into `out`; returns the position after it. */
  private escape(i: number, out: string[]): number {
    const s = this.s;
    const c = s[i];
    if (c === undefined) return i;
    if (c === '\r' || c === '\n') return this.eol(i); // a backslash before an EOL continues the line
    if (c >= '0' && c <= '7') {
      let j = i;
      while (j < i + 3 && s[j] >= '0' && s[j] <= '7') j++;
      out.push(String.fromCharCode(parseInt(s.slice(i, j), 8) & 0xff));
      return j;
    }
    out.push(ESCAPES[c] ?? c); // an unknown escape is the character itself
    return i + 1;
  }
}

/**
 * A string from char codes, in chunks: one call with millions of arguments overflows the stack, and
 * a char at a time is slow. apply() takes a typed array as it is (a spread would iterate it).
 */
function fromCodes(codes: Uint8Array | Uint16Array): string {
  const parts: string[] = [];
  for (let i = 0; i < codes.length; i += 8192) parts.push(String.fromCharCode.apply(null, codes.subarray(i, i + 8192) as unknown as number[]));
  return parts.join('');
}

const latin1 = (bytes: Uint8Array): string => fromCodes(bytes);

// ---------- the file: objects, trailers ----------

interface StreamSpan { start: number; end: number; complete: boolean }
interface PdfObject {
  num: number;
  value: PdfValue;
  /** Where the stream's data lies in the file (objects in object streams have none). */
  stream?: StreamSpan;
  /** Position in the file (an object stream's members take the stream's): the larger wins. */
  order: number;
}

interface PdfFile {
  bytes: Uint8Array;
  s: string;
  objects: Map<number, PdfObject>;
  /** `trailer` dictionaries and cross-reference stream dictionaries, in file order. */
  trailers: { order: number; dict: PdfDict }[];
  /** Object streams that could not be read, for the error message when nothing is found. */
  unreadable: string[];
}

/** Where `N G obj` or `trailer` starts, where the object or dictionary after it starts, and N. */
interface Header { at: number; body: number; num?: number }

/**
 * Every `N G obj` and `trailer` keyword in the file, in order, also those inside streams (the scan
 * skips those later). Found with indexOf, looking back for the numbers: a regular expression
 * trying every digit of the content streams takes ten times as long.
 */
function findHeaders(s: string): Header[] {
  const out: Header[] = [];
  for (let at = s.indexOf('obj'); at >= 0; at = s.indexOf('obj', at + 3)) {
    if (isRegular(s.charCodeAt(at + 3)) || !isWhitespace(s.charCodeAt(at - 1))) continue; // "endobj", "objects"
    const m = /(?:^|[^\d])(\d+)[\0\t\n\f\r ]+\d+[\0\t\n\f\r ]+$/.exec(s.slice(Math.max(0, at - 40), at));
    if (m) out.push({ at: at - m[0].length + m[0].indexOf(m[1]), body: at + 3, num: +m[1] });
  }
  const trailers: Header[] = [];
  for (let at = s.indexOf('trailer'); at >= 0; at = s.indexOf('trailer', at + 7)) trailers.push({ at, body: at + 7 });
  return out.concat(trailers).sort((a, b) => a.at - b.at);
}

function define(file: PdfFile, obj: PdfObject): void {
  const prev = file.objects.get(obj.num);
  if (!prev || obj.order >= prev.order) file.objects.set(obj.num, obj);
}

/** Reads every object and trailer of the file, then the members of its object streams. */
function readFile(bytes: Uint8Array): PdfFile {
  const s = latin1(bytes);
  const file: PdfFile = { bytes, s, objects: new Map(), trailers: [], unreadable: [] };
  // Every header candidate first, also those inside streams: an indirect /Length needs its object
  // before the scan reaches it. The scan then skips candidates inside an object already read.
  const headers = findHeaders(s);
  const positions = new Map<number, number[]>();
  for (const h of headers) {
    if (h.num === undefined) continue;
    const list = positions.get(h.num) ?? [];
    list.push(h.body);
    positions.set(h.num, list);
  }
  let skipTo = 0;
  for (const h of headers) {
    if (h.at < skipTo) continue;
    skipTo = h.num === undefined ? readTrailer(file, h.body) : readObject(file, h.num, h.body, h.at, positions);
  }
  checkNotEncrypted(file);
  for (const obj of [...file.objects.values()]) {
    if (obj.stream && isDict(obj.value) && nameOf(obj.value.entries.get('Type')) === 'ObjStm') expandObjectStream(file, obj);
  }
  return file;
}

/** Reads the dictionary after `trailer`; returns where the scan goes on. */
function readTrailer(file: PdfFile, at: number): number {
  const p = new Parser(file.s, at);
  try {
    const dict = p.value();
    if (isDict(dict)) file.trailers.push({ order: at, dict });
    return p.pos;
  } catch (e) {
    if (e instanceof Malformed) return at;
    throw e;
  }
}

/** Reads `num G obj` whose body starts at `at`; returns where the scan goes on. */
function readObject(file: PdfFile, num: number, at: number, order: number, positions: Map<number, number[]>): number {
  const s = file.s;
  const p = new Parser(s, at);
  let value: PdfValue;
  try {
    p.skipSpace();
    value = s.startsWith('endobj', p.pos) ? null : p.value();
  } catch (e) {
    if (e instanceof Malformed) return at; // not an object after all (or a damaged one): scan on
    throw e;
  }
  p.skipSpace();
  let stream: StreamSpan | undefined;
  if (isDict(value) && s.startsWith('stream', p.pos)) {
    stream = streamSpan(s, p.pos + 6, lengthCandidates(s, value.entries.get('Length'), positions));
    p.pos = stream.end;
    if (stream.complete) p.pos = s.indexOf('endstream', p.pos) + 9;
    p.skipSpace();
  }
  define(file, { num, value, stream, order });
  if (isDict(value) && nameOf(value.entries.get('Type')) === 'XRef') file.trailers.push({ order, dict: value });
  return s.startsWith('endobj', p.pos) ? p.pos + 6 : p.pos;
}

/** /Length: a direct number, or the values of the objects an indirect one may name (newest first). */
function lengthCandidates(s: string, length: PdfValue | undefined, positions: Map<number, number[]>): number[] {
  if (typeof length === 'number') return [length];
  if (!isRef(length)) return [];
  const out: number[] = [];
  for (const at of [...(positions.get(length.num) ?? [])].reverse()) {
    try {
      const v = new Parser(s, at).value();
      if (typeof v === 'number') out.push(v);
    } catch (e) {
      if (!(e instanceof Malformed)) throw e;
    }
  }
  return out;
}

/**
 * Where a stream's data lies: `start` is just after the `stream` keyword. A /Length is trusted
 * only when `endstream` follows it (lengths are often wrong in edited files); else the data runs
 * to the next `endstream`, less the EOL that belongs to the syntax. No `endstream`: truncated.
 */
function streamSpan(s: string, start: number, lengths: number[]): StreamSpan {
  if (s[start] === '\r') start++;
  if (s[start] === '\n') start++;
  for (const n of lengths) {
    if (Number.isInteger(n) && n >= 0 && start + n <= s.length && /^[\0\t\n\f\r ]*endstream/.test(s.slice(start + n, start + n + 32))) {
      return { start, end: start + n, complete: true };
    }
  }
  const at = s.indexOf('endstream', start);
  if (at < 0) return { start, end: s.length, complete: false };
  let end = at;
  if (s[end - 1] === '\n') end--;
  if (s[end - 1] === '\r') end--;
  return { start, end: Math.max(start, end), complete: true };
}

/** Before any stream is decoded: an encrypted file's strings and streams are ciphertext, its object streams would only fail. */
function checkNotEncrypted(file: PdfFile): void {
  if (file.trailers.some((t) => t.dict.entries.has('Encrypt'))) {
    throw new BillingError('the PDF is encrypted; its embedded files cannot be read. Save or export a copy without a password or other protection and try again');
  }
}

/** Defines the members of an object stream, as if at the stream's position in the file. */
function expandObjectStream(file: PdfFile, container: PdfObject): void {
  try {
    const dict = dictOf(file, container.value)!;
    const data = latin1(decodeStream(file, container, `object stream ${container.num}`));
    const n = numberOf(file, dict.entries.get('N')) ?? 0;
    const first = numberOf(file, dict.entries.get('First')) ?? 0;
    const index = new Parser(data, 0);
    const members: [number, number][] = [];
    for (let i = 0; i < n; i++) members.push([index.value() as number, index.value() as number]);
    for (const [num, offset] of members) {
      if (typeof num !== 'number' || typeof offset !== 'number') throw new Malformed('bad object stream index');
      try {
        define(file, { num, value: new Parser(data, first + offset).value(), order: container.order + 0.5 });
      } catch (e) {
        if (!(e instanceof Malformed)) throw e; // one damaged member does not lose the others
      }
    }
  } catch (e) {
    if (!(e instanceof Malformed || e instanceof BillingError)) throw e;
    file.unreadable.push(`object stream ${container.num}: ${e.message}`);
  }
}

// ---------- resolving ----------

/** Follows references (a few hops; a cycle or a missing object is null). */
function resolve(file: PdfFile, v: PdfValue | undefined): PdfValue | undefined {
  for (let hops = 0; isRef(v) && hops < 8; hops++) v = file.objects.get(v.num)?.value ?? null;
  return isRef(v) ? null : v;
}

const dictOf = (file: PdfFile, v: PdfValue | undefined) => {
  const d = resolve(file, v);
  return isDict(d) ? d : undefined;
};

const numberOf = (file: PdfFile, v: PdfValue | undefined) => {
  const n = resolve(file, v);
  return typeof n === 'number' ? n : undefined;
};

// ---------- decoding streams ----------

/** A stream's data with its filters undone; BillingError for what cannot be read, naming `what`. */
function decodeStream(file: PdfFile, obj: PdfObject, what: string): Uint8Array {
  if (!obj.stream) throw new BillingError(`the PDF is damaged: ${what} is not a stream`);
  if (!obj.stream.complete) throw new BillingError(`the PDF is truncated or damaged: ${what} has no end`);
  const dict = dictOf(file, obj.value)!;
  const filters = asList(resolve(file, dict.entries.get('Filter')));
  const parms = asList(resolve(file, dict.entries.get('DecodeParms') ?? dict.entries.get('DP')));
  let data = file.bytes.subarray(obj.stream.start, obj.stream.end);
  filters.forEach((f, i) => {
    const filter = nameOf(resolve(file, f));
    if (filter !== 'FlateDecode' && filter !== 'Fl') {
      throw new BillingError(`${what} in the PDF uses the ${filter ?? 'unnamed'} filter, which is not supported (only FlateDecode)`);
    }
    data = unpredict(inflate(data, what), dictOf(file, parms[i]), what);
  });
  return data;
}

const asList = (v: PdfValue | undefined): PdfValue[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** zlib data; some writers omit or break the zlib header or checksum, so raw deflate is tried too. */
function inflate(data: Uint8Array, what: string): Uint8Array {
  for (const attempt of [() => unzlibSync(data), () => inflateSync(data.subarray(2)), () => inflateSync(data)]) {
    try {
      return attempt();
    } catch {
      // next attempt
    }
  }
  throw new BillingError(`the PDF is damaged: the compressed data of ${what} cannot be read`);
}

/** Undoes a /Predictor: 2 (TIFF, 8 bits per component) or 10-15 (PNG, a filter type byte per row). */
function unpredict(data: Uint8Array, parms: PdfDict | undefined, what: string): Uint8Array {
  const get = (key: string, dflt: number) => {
    const v = parms?.entries.get(key);
    return typeof v === 'number' ? v : dflt;
  };
  const predictor = get('Predictor', 1);
  if (predictor === 1) return data;
  const colors = get('Colors', 1);
  const bits = get('BitsPerComponent', 8);
  const bpp = Math.max(1, Math.ceil((colors * bits) / 8));
  const rowLength = Math.ceil((colors * bits * get('Columns', 1)) / 8);
  if (predictor >= 10 && predictor <= 15) return unpredictPng(data, bpp, rowLength, what);
  if (predictor === 2 && bits === 8) return unpredictTiff(data, colors, rowLength);
  throw new BillingError(`${what} in the PDF uses predictor ${predictor} (${bits} bits), which is not supported`);
}

function unpredictTiff(data: Uint8Array, colors: number, rowLength: number): Uint8Array {
  const out = Uint8Array.from(data);
  for (let row = 0; row < out.length; row += rowLength) {
    for (let i = row + colors; i < Math.min(row + rowLength, out.length); i++) out[i] += out[i - colors];
  }
  return out;
}

/** PNG filters per row: 0 none, 1 sub, 2 up, 3 average, 4 Paeth. A partial last row is dropped. */
function unpredictPng(data: Uint8Array, bpp: number, rowLength: number, what: string): Uint8Array {
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)];
    const src = r * (rowLength + 1) + 1;
    const o = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const left = i >= bpp ? out[o + i - bpp] : 0;
      const up = r > 0 ? out[o - rowLength + i] : 0;
      const upLeft = r > 0 && i >= bpp ? out[o - rowLength + i - bpp] : 0;
      out[o + i] = data[src + i] + pngPrediction(type, left, up, upLeft, what);
    }
  }
  return out;
}

function pngPrediction(type: number, left: number, up: number, upLeft: number, what: string): number {
  switch (type) {
    case 0: return 0;
    case 1: return left;
    case 2: return up;
    case 3: return (left + up) >> 1;
    case 4: {
      const p = left + up - upLeft;
      const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
      return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }
    default: throw new BillingError(`the PDF is damaged: ${what} has PNG filter type ${type}`);
  }
}

// ---------- text ----------

// PDFDocEncoding differs from latin1 in 0x18-0x1F and 0x80-0xA0 (0x9F is undefined).
const PDF_DOC: Record<number, number> = {
  0x18: 0x2d8, 0x19: 0x2c7, 0x1a: 0x2c6, 0x1b: 0x2d9, 0x1c: 0x2dd, 0x1d: 0x2db, 0x1e: 0x2da, 0x1f: 0x2dc,
  0x80: 0x2022, 0x81: 0x2020, 0x82: 0x2021, 0x83: 0x2026, 0x84: 0x2014, 0x85: 0x2013, 0x86: 0x192, 0x87: 0x2044,
  0x88: 0x2039, 0x89: 0x203a, 0x8a: 0x2212, 0x8b: 0x2030, 0x8c: 0x201e, 0x8d: 0x201c, 0x8e: 0x201d, 0x8f: 0x2018,
  0x90: 0x2019, 0x91: 0x201a, 0x92: 0x2122, 0x93: 0xfb01, 0x94: 0xfb02, 0x95: 0x141, 0x96: 0x152, 0x97: 0x160,
  0x98: 0x178, 0x99: 0x17d, 0x9a: 0x131, 0x9b: 0x142, 0x9c: 0x153, 0x9d: 0x161, 0x9e: 0x17e, 0xa0: 0x20ac,
};

/** A PDF text string: UTF-16BE (or, seen in the wild, LE) after its BOM, UTF-8 after its BOM (PDF 2.0), else PDFDocEncoding. */
function textString(bytes: string): string {
  const utf16 = (be: boolean) => {
    const units = new Uint16Array((bytes.length - 2) >> 1);
    for (let k = 0, i = 2; k < units.length; k++, i += 2) units[k] = be ? (bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1) : (bytes.charCodeAt(i + 1) << 8) | bytes.charCodeAt(i);
    return fromCodes(units);
  };
  if (bytes.startsWith('\xfe\xff')) return utf16(true);
  if (bytes.startsWith('\xff\xfe')) return utf16(false);
  if (bytes.startsWith('\xef\xbb\xbf')) return utf8(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
  return bytes.replace(/[\x18-\x1f\x80-\xa0]/g, (c) => String.fromCharCode(PDF_DOC[c.charCodeAt(0)] ?? c.charCodeAt(0)));
}

/** UTF-8 to a string, without TextDecoder (Apps Script has none): a leading BOM is dropped, invalid bytes become U+FFFD. */
export function utf8(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length); // never more UTF-16 units than UTF-8 bytes
  let n = 0;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length) {
    if (bytes[i] < 0x80) {
      units[n++] = bytes[i++]; // ASCII, most of any XML: no tuple to allocate
      continue;
    }
    const [cp, size] = codePointAt(bytes, i);
    i += size;
    if (cp > 0xffff) {
      units[n++] = 0xd800 + ((cp - 0x10000) >> 10);
      units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    } else units[n++] = cp;
  }
  return fromCodes(units.subarray(0, n));
}

/** The code point at i and its byte count; [U+FFFD, 1] for a byte that starts no valid sequence. */
function codePointAt(b: Uint8Array, i: number): [number, number] {
  const c = b[i];
  if (c < 0x80) return [c, 1];
  const size = c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
  let cp = size ? c & (0xff >> (size + 1)) : 0;
  for (let k = 1; k < size; k++) {
    const cc = b[i + k];
    if (cc === undefined || (cc & 0xc0) !== 0x80) return [0xfffd, 1];
    cp = (cp << 6) | (cc & 0x3f);
  }
  const min = [0, 0, 0x80, 0x800, 0x10000][size];
  if (!size || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [0xfffd, 1]; // overlong or a surrogate
  return [cp, size];
}

// ---------- attachments ----------

/** An attachment whose data is decoded only when asked for: one unreadable file must not hide the others. */
interface FoundFile extends Omit<PdfAttachment, 'data'> {
  data(): Uint8Array;
  stream: PdfObject;
}

/** The file specifications with embedded files, depth first from the newest catalog, in document order. */
function embeddedFiles(file: PdfFile): FoundFile[] {
  const out: FoundFile[] = [];
  const seen = new Set<number>();
  const streams = new Set<PdfObject>(); // a file listed twice (as a direct dictionary in /AF and the name tree) counts once
  const stack: (PdfValue | undefined)[] = startingPoints(file).reverse();
  while (stack.length) {
    const v = stack.pop();
    if (isRef(v)) {
      if (!seen.has(v.num)) stack.push(file.objects.get(v.num)?.value);
      seen.add(v.num);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (isDict(v)) {
      const found = fileOf(file, v);
      if (found && !streams.has(found.stream)) out.push(found);
      if (found) streams.add(found.stream);
      stack.push(...[...v.entries.values()].reverse());
    }
  }
  return out;
}

/** The newest trailer's /Root; every object in file order when there is none (a damaged trailer). */
function startingPoints(file: PdfFile): PdfValue[] {
  const withRoot = file.trailers.filter((t) => dictOf(file, t.dict.entries.get('Root')));
  if (withRoot.length) return [withRoot.reduce((a, b) => (b.order >= a.order ? b : a)).dict.entries.get('Root')!];
  return [...file.objects.values()].sort((a, b) => a.order - b.order).map((o) => ({ kind: 'ref', num: o.num, gen: 0 }));
}

/** The embedded file of a file specification dictionary (/EF with /F or /UF naming a stream). */
function fileOf(file: PdfFile, spec: PdfDict): FoundFile | undefined {
  const ef = dictOf(file, spec.entries.get('EF'));
  const ref = ef?.entries.get('F') ?? ef?.entries.get('UF');
  const stream = isRef(ref) ? file.objects.get(ref.num) : undefined;
  if (!stream?.stream) return undefined;
  const text = (key: string) => {
    const raw = stringOf(resolve(file, spec.entries.get(key)));
    return raw === undefined || raw === '' ? undefined : textString(raw);
  };
  const name = text('UF') ?? text('F') ?? text('DOS') ?? text('Unix') ?? text('Mac') ?? '';
  const relationship = nameOf(resolve(file, spec.entries.get('AFRelationship')));
  const mimeType = nameOf(resolve(file, dictOf(file, stream.value)?.entries.get('Subtype')));
  return {
    name,
    ...(relationship ? { relationship } : {}),
    ...(mimeType ? { mimeType } : {}),
    data: () => decodeStream(file, stream, `the embedded file "${name}"`),
    stream,
  };
}

/** Where %PDF- starts (the spec allows up to 1024 bytes before it), or -1. */
function headerAt(bytes: Uint8Array): number {
  const sig = [0x25, 0x50, 0x44, 0x46, 0x2d];
  for (let i = 0; i <= Math.min(1024, bytes.length - sig.length); i++) if (sig.every((c, k) => bytes[i + k] === c)) return i;
  return -1;
}

export function isPdf(bytes: Uint8Array): boolean {
  return headerAt(bytes) >= 0;
}

function openPdf(pdf: Uint8Array): { file: PdfFile; files: FoundFile[] } {
  if (!isPdf(pdf)) throw new BillingError('not a PDF: the file does not start with %PDF-');
  const file = readFile(pdf);
  return { file, files: embeddedFiles(file) };
}

/** All embedded files (from Filespec dictionaries with /EF), in document order. */
export function pdfAttachments(pdf: Uint8Array): PdfAttachment[] {
  return openPdf(pdf).files.map(({ data, stream: _, ...f }) => ({ ...f, data: data() }));
}

// ---------- the e-invoice ----------

const E_INVOICE_NAMES = new Set(['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml']);
const INVOICE_ROOTS = new Set(['Invoice', 'CreditNote', 'CrossIndustryInvoice']);

const baseName = (name: string) => name.split(/[\\/]/).pop()!.toLowerCase();

/** The local name of the root element, after the prolog (declaration, comments, processing instructions, doctype). */
function rootName(xml: string): string | undefined {
  let i = xml.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    while (xml[i] === ' ' || xml[i] === '\t' || xml[i] === '\n' || xml[i] === '\r') i++;
    const close = xml.startsWith('<?', i) ? '?>' : xml.startsWith('<!--', i) ? '-->' : xml.startsWith('<!', i) ? '>' : undefined;
    if (!close) break;
    const end = xml.indexOf(close, i + 2);
    if (end < 0) return undefined;
    i = end + close.length;
  }
  return /^<(?:[\w.-]+:)?([A-Za-z_][\w.-]*)/.exec(xml.slice(i, i + 256))?.[1];
}
const looksXml = (f: FoundFile) => baseName(f.name).endsWith('.xml') || /xml/i.test(f.mimeType ?? '');

/**
 * The e-invoice XML of a hybrid PDF: the attachment named factur-x.xml, zugferd-invoice.xml or
 * xrechnung.xml (any case), else the only XML attachment whose root is an Invoice, CreditNote or
 * CrossIndustryInvoice; UTF-8 without its BOM. BillingError, for the user, when there is none.
 */
export function eInvoiceFromPdf(pdf: Uint8Array): { name: string; xml: string } {
  const { file, files } = openPdf(pdf);
  const named = files.find((f) => E_INVOICE_NAMES.has(baseName(f.name)));
  if (named) return { name: named.name, xml: utf8(named.data()) };
  const invoices = files.filter(looksXml).map((f) => ({ name: f.name, xml: utf8(f.data()) })).filter((f) => INVOICE_ROOTS.has(rootName(f.xml) ?? ''));
  if (invoices.length === 1) return invoices[0];
  if (invoices.length > 1) {
    throw new BillingError(`the PDF has ${invoices.length} embedded invoices (${invoices.map((f) => f.name).join(', ')}); expected one, or one named factur-x.xml / xrechnung.xml`);
  }
  throw new BillingError(`the PDF has no embedded e-invoice (factur-x.xml / xrechnung.xml)${whyNone(file, files)}`);
}

/** What the user can check when no e-invoice was found: what is attached, or why the file may not have been read. */
function whyNone(file: PdfFile, files: FoundFile[]): string {
  if (files.length) return `; its attachments: ${files.map((f) => f.name || '(unnamed)').join(', ')}`;
  if (file.unreadable.length) return `; parts of it could not be read (${file.unreadable.join('; ')})`;
  if (!file.s.slice(-1024).includes('%%EOF')) return '; the file may be truncated (no %%EOF at its end)';
  return '';
}
