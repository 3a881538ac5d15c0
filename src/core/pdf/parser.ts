// The PDF tokenizer and value parser, on a latin1 string of the file (charCodeAt is byte access).
import { latin1 } from './text';
import { nameOf, type PdfDict, type PdfName, type PdfRef, type PdfString, type PdfValue } from './values';

/** Thrown by the parser on malformed syntax; the scanner skips that object and goes on. */
export class Malformed extends Error {}

// Character classes by byte (a table: this is the innermost loop): 0 regular, 1 whitespace, 2 delimiter.
const CLASS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) CLASS[c] = 1;
for (const c of '()<>[]{}/%') CLASS[c.charCodeAt(0)] = 2;
/** charCodeAt past the end is NaN, and CLASS[NaN] undefined: not regular. */
export const isRegular = (c: number) => CLASS[c] === 0;
export const isWhitespace = (c: number) => CLASS[c] === 1;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '(': '(', ')': ')', '\\': '\\' };
/** Deeper nesting is not a real document; the limit keeps a hostile file from exhausting the stack. */
const MAX_DEPTH = 64;

export class Parser {
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
