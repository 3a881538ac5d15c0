// Reads a PDF file into its objects and trailers (PdfFile), expanding its object streams; refuses an
// encrypted one.
import { BillingError } from '../errors';
import { Budget, PARSE_COST, PdfLimitError } from './budget';
import { dictOf, numberOf, type PdfFile, type PdfObject, type StreamSpan } from './objects';
import { isRegular, isWhitespace, Malformed, Parser } from './parser';
import { decodeStream } from './streams';
import { latin1 } from './text';
import { isDict, isRef, nameOf, type PdfValue } from './values';

/** Where `N G obj` or `trailer` starts, where the object or dictionary after it starts, and N. */
interface Header {
  at: number;
  body: number;
  num?: number;
}

/**
 * Every `N G obj` and `trailer` keyword in the file, in order, also those inside streams (the scan
 * skips those later). Found with indexOf, looking back for the numbers: a regular expression
 * trying every digit of the content streams takes ten times as long.
 */
function findHeaders(s: string, budget: Budget): Header[] {
  const out: Header[] = [];
  for (let at = s.indexOf('obj'); at >= 0; at = s.indexOf('obj', at + 3)) {
    budget.spend(PARSE_COST); // a file of nothing but "0 0 obj" is millions of candidates
    if (isRegular(s.charCodeAt(at + 3)) || !isWhitespace(s.charCodeAt(at - 1))) continue; // "endobj", "objects"
    const m = /(?:^|[^\d])(\d+)[\0\t\n\f\r ]+\d+[\0\t\n\f\r ]+$/.exec(s.slice(Math.max(0, at - 40), at));
    if (m) out.push({ at: at - m[0].length + m[0].indexOf(m[1]), body: at + 3, num: +m[1] });
    budget.found(out.length);
  }
  const trailers: Header[] = [];
  for (let at = s.indexOf('trailer'); at >= 0; at = s.indexOf('trailer', at + 7)) trailers.push({ at, body: at + 7 });
  return out.concat(trailers).sort((a, b) => a.at - b.at);
}

function define(file: PdfFile, obj: PdfObject): void {
  const prev = file.objects.get(obj.num);
  if (!prev || obj.order >= prev.order) file.objects.set(obj.num, obj);
}

/**
 * Reads every object and trailer of the file, then the members of its object streams.
 *
 * A tolerant reader: xref offsets are often wrong after edits by other tools, so instead of
 * following them it scans the file for `N G obj ... endobj` bodies and the `trailer` dictionaries,
 * expands the object streams (PDF 1.5), and lets the later definition of an object number win, as
 * an incremental update intends.
 */
export function readFile(bytes: Uint8Array): PdfFile {
  const s = latin1(bytes);
  const file: PdfFile = { bytes, s, objects: new Map(), trailers: [], unreadable: [], budget: new Budget() };
  // Every header candidate first, also those inside streams: an indirect /Length needs its object
  // before the scan reaches it. The scan then skips candidates inside an object already read.
  const headers = findHeaders(s, file.budget);
  const positions = new Map<number, number[]>();
  for (const h of headers) {
    if (h.num === undefined) continue;
    const list = positions.get(h.num) ?? [];
    list.push(h.body);
    positions.set(h.num, list);
  }
  let skipTo = 0;
  const lengths: Lengths = { positions, values: new Map() };
  for (const h of headers) {
    if (h.at < skipTo) continue;
    skipTo = h.num === undefined ? readTrailer(file, h.body) : readObject(file, h.num, h.body, h.at, lengths);
  }
  checkNotEncrypted(file);
  for (const obj of [...file.objects.values()]) {
    if (obj.stream && isDict(obj.value) && nameOf(obj.value.entries.get('Type')) === 'ObjStm') expandObjectStream(file, obj);
  }
  return file;
}

/** Reads the dictionary after `trailer`; returns where the scan goes on. */
function readTrailer(file: PdfFile, at: number): number {
  const p = new Parser(file.s, at, file.budget);
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
function readObject(file: PdfFile, num: number, at: number, order: number, lengths: Lengths): number {
  const s = file.s;
  const p = new Parser(s, at, file.budget);
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
    stream = streamSpan(s, p.pos + 6, lengthCandidates(file, value.entries.get('Length'), lengths));
    p.pos = stream.end;
    if (stream.complete) p.pos = s.indexOf('endstream', p.pos) + 9;
    p.skipSpace();
  }
  file.budget.object();
  define(file, { num, value, stream, order });
  if (isDict(value) && nameOf(value.entries.get('Type')) === 'XRef') file.trailers.push({ order, dict: value });
  return s.startsWith('endobj', p.pos) ? p.pos + 6 : p.pos;
}

/** Where each object number is defined, and the numbers found there (an indirect /Length), read once per object number. */
interface Lengths {
  positions: Map<number, number[]>;
  values: Map<number, number[]>;
}

/**
 * /Length: a direct number, or the values of the objects an indirect one may name (newest first).
 * Remembered: thousands of streams naming one object defined thousands of times would otherwise
 * be read a million times.
 */
function lengthCandidates(file: PdfFile, length: PdfValue | undefined, lengths: Lengths): number[] {
  if (typeof length === 'number') return [length];
  if (!isRef(length)) return [];
  const known = lengths.values.get(length.num);
  if (known) return known;
  const out: number[] = [];
  for (const at of [...(lengths.positions.get(length.num) ?? [])].reverse()) {
    try {
      const v = new Parser(file.s, at, file.budget).value();
      if (typeof v === 'number') out.push(v);
    } catch (e) {
      if (!(e instanceof Malformed)) throw e;
    }
  }
  lengths.values.set(length.num, out);
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

/**
 * Defines the members of an object stream, as if at the stream's position in the file. Members
 * at the same offset are read once (a hostile stream points thousands at one 4 MB string); every
 * member counts against the file's object limit, every value read against its work budget.
 */
function expandObjectStream(file: PdfFile, container: PdfObject): void {
  try {
    const dict = dictOf(file, container.value)!;
    const data = latin1(decodeStream(file, container, `object stream ${container.num}`));
    const n = numberOf(file, dict.entries.get('N')) ?? 0;
    const first = numberOf(file, dict.entries.get('First')) ?? 0;
    const index = new Parser(data, 0, file.budget);
    const members: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      file.budget.object(); // before the index grows: /N can claim millions
      members.push([index.value() as number, index.value() as number]);
    }
    const byOffset = new Map<number, PdfValue | Malformed>();
    for (const [num, offset] of members) {
      if (typeof num !== 'number' || typeof offset !== 'number') throw new Malformed('bad object stream index');
      if (!byOffset.has(offset)) byOffset.set(offset, member(file, data, first + offset));
      const value = byOffset.get(offset)!;
      if (!(value instanceof Malformed)) define(file, { num, value, order: container.order + 0.5 }); // one damaged member does not lose the others
    }
  } catch (e) {
    if (e instanceof PdfLimitError || !(e instanceof Malformed || e instanceof BillingError)) throw e;
    file.unreadable.push(`object stream ${container.num}: ${e.message}`);
  }
}

function member(file: PdfFile, data: string, at: number): PdfValue | Malformed {
  try {
    return new Parser(data, at, file.budget).value();
  } catch (e) {
    if (e instanceof Malformed) return e;
    throw e;
  }
}
