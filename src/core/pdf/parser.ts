// The PDF tokenizer and value parser, on a latin1 string of the file (charCodeAt is byte access).
import { PARSE_COST, type Budget } from './budget';
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
// Runs scanned by the regular expression engine: several times faster than a loop over characters
// on a hostile file's megabyte strings. Sticky or global, used with lastIndex, never re-entered.
const WORD = /[^\0\t\n\f\r ()<>[\]{}/%]*/y;
const COMMENT = /[^\r\n]*/y;
const IN_STRING = /[()\\\r]/g;

/** What one special character in a string costs (the engine's search stops there), in characters. */
const STRING_STEP = 32;

export class Parser {
  private depth = 0;
  private steps = 0;
  /**
   * With a budget, every value read (nested ones too: a 60 MB array of names would take gigabytes)
   * charges PARSE_COST, and each value read from the top its characters, also those scanned before
   * a failure.
   */
  constructor(
    readonly s: string,
    public pos: number,
    private readonly budget?: Budget,
  ) {}

  /** Skips whitespace and comments. */
  skipSpace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (isWhitespace(c)) this.pos++;
      else if (c === 37 /* % */) {
        COMMENT.lastIndex = this.pos;
        COMMENT.exec(s);
        this.pos = COMMENT.lastIndex;
      } else return;
    }
  }

  /** The run of regular characters at pos (a keyword, number or name body). */
  word(): string {
    const start = this.pos;
    WORD.lastIndex = start;
    WORD.exec(this.s);
    this.pos = WORD.lastIndex;
    return this.s.slice(start, this.pos);
  }

  value(): PdfValue {
    if (!this.budget) return this.read();
    this.budget.spend(PARSE_COST);
    if (this.depth) return this.read();
    const start = this.pos;
    this.steps = 0;
    try {
      return this.read();
    } finally {
      this.budget.spend(this.pos - start + this.steps * STRING_STEP);
    }
  }

  private read(): PdfValue {
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
    if (Number.isNaN(n)) throw new Malformed(`unexpected "${word.slice(0, 20) || c}"`);
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
    if (end < 0) {
      this.pos = this.s.length; // scanned to the end: the budget counts it
      throw new Malformed('unterminated hex string');
    }
    const digits = this.s.slice(this.pos + 1, end).replace(/[\0\t\n\f\r ]/g, '');
    this.pos = end + 1;
    if (!/^[0-9A-Fa-f]*$/.test(digits)) throw new Malformed('bad hex string');
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
      IN_STRING.lastIndex = i;
      if (!IN_STRING.exec(s)) {
        this.pos = s.length; // scanned to the end: the budget counts it
        throw new Malformed('unterminated string');
      }
      i = IN_STRING.lastIndex - 1;
      this.steps++;
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
