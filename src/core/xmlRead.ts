// How the engine reads XML it did not write (supplier e-invoices, bank statements): element names
// without their prefixes (each sender chooses its own), text kept as text (parseTagValue false:
// "007.50" is not turned into 7.5), attributes as "@_name", and XML's entities and character
// references decoded (fast-xml-parser decodes &#...; only with htmlEntities). Each reader adds its
// depth limit and what it skips.
import { SaxesParser } from 'saxes';

export const READ_XML_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: true,
} as const;

/** A parsed element: its children by name, attributes as "@_name", its text as "#text". */
export type Obj = Record<string, unknown>;

export const isObj = (n: unknown): n is Obj => typeof n === 'object' && n !== null && !Array.isArray(n);

/** The children called `name`: an element may occur once (a value) or many times (an array). */
export function children(n: unknown, name: string): unknown[] {
  if (!isObj(n) || !Object.prototype.hasOwnProperty.call(n, name)) return [];
  const v = n[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

// ---------- streaming: large documents read element by element ----------

/**
 * An element as streamXml reads it: local name, attributes by local name (xmlns ones left out),
 * trimmed text, children in order (undefined for a leaf: most elements are, and an empty array
 * each is ten thousand allocations per statement).
 */
export interface XmlElement {
  name: string;
  attributes?: Record<string, string>;
  text: string;
  children?: XmlElement[];
}

/** What `streamXml` hands over: the root's name and attributes first, then each detached element as it closes. */
export interface XmlStream {
  /** Elements (local names) handed to `onElement` when they close and then dropped, not kept in their parent. */
  detach: ReadonlySet<string>;
  /** Called at the root's start tag (its name as written, with any prefix; attributes as written, xmlns ones included); may throw to stop reading. */
  onRoot?: (qualifiedName: string, attributes: Record<string, string>) => void;
  /** A detached element with its subtree; `ancestors` are the elements open above it, from the root down, as built so far. */
  onElement: (element: XmlElement, ancestors: readonly XmlElement[]) => void;
  /** Deeper nesting is refused: a hostile file cannot exhaust the stack or the memory of the tree. */
  maxDepth: number;
}

/** Where a streamed document failed: not well-formed (saxes's "line:column: message", split), or past a limit. */
export class XmlSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly limit = false,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** A name without its prefix (most statements use none: then the name itself, nothing allocated). */
const localName = (name: string) => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};
const NON_BLANK = /\S/;

/** An element's attributes by local name, without the namespace declarations; undefined when none is left. */
function attributesOf(written: Record<string, string>): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const k in written) if (!k.startsWith('xmlns')) (out ??= {})[localName(k)] = written[k];
  return out;
}

/**
 * Reads a document with saxes (a strict XML 1.0 well-formedness checker: names, nesting,
 * attributes, entity and character references) into XmlElement trees. Children are kept in
 * arrays, not as properties named after them (a property per element name costs a string-table
 * look-up each). Detached elements are handed over one by one as they close, so a statement of
 * ten thousand entries is never one tree: about five times faster than fast-xml-parser's
 * validate + parse on a 6 MB camt file, with the memory of one entry at a time. Returns the
 * document node (its one child the root) without the detached elements.
 */
export function streamXml(xml: string, s: XmlStream): XmlElement {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const doc: XmlElement = { name: '', text: '' };
  // The document node, then the open elements.
  const stack: XmlElement[] = [doc];
  parser.on('opentag', (tag) => {
    const written = tag.attributes as Record<string, string>;
    if (stack.length === 1) s.onRoot?.(tag.name, written);
    if (stack.length > s.maxDepth) throw new XmlSyntaxError(parser.line, `elements nest deeper than ${s.maxDepth} levels`, true);
    stack.push({ name: localName(tag.name), attributes: attributesOf(written), text: '', children: undefined });
  });
  parser.on('text', (t) => {
    const el = stack[stack.length - 1];
    // Indentation between elements is most of a statement's text: not gathered.
    if (el.text || NON_BLANK.test(t)) el.text += t;
  });
  parser.on('cdata', (t) => {
    stack[stack.length - 1].text += t;
  });
  parser.on('closetag', () => {
    const el = stack.pop()!;
    if (el.text) el.text = el.text.trim();
    if (s.detach.has(el.name)) return s.onElement(el, stack.slice(1));
    const parent = stack[stack.length - 1];
    if (parent.children) parent.children.push(el);
    else parent.children = [el];
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    const m = e instanceof XmlSyntaxError ? null : /^(\d+):\d+: ([\s\S]*)$/.exec((e as Error).message);
    throw m ? new XmlSyntaxError(Number(m[1]), m[2]) : e;
  }
  return doc;
}
