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

/** What `streamXml` hands over: the root's name and attributes first, then each detached element as it closes. */
export interface XmlStream {
  /** Elements (local names) handed to `onElement` when they close and then dropped, not kept in their parent. */
  detach: ReadonlySet<string>;
  /** Called at the root's start tag (its name as written, with any prefix; attributes as written, xmlns ones included); may throw to stop reading. */
  onRoot?: (qualifiedName: string, attributes: Record<string, string>) => void;
  /**
   * A detached element with its subtree. `ancestors` are the elements open above it, from the root
   * down, as built so far, and `path` their local names.
   */
  onElement: (name: string, element: Obj, ancestors: readonly Obj[], path: readonly string[]) => void;
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

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/**
 * Reads a document with saxes (a strict XML 1.0 well-formedness checker: names, nesting,
 * attributes, entity and character references) into trees of the shape the parsed-tree helpers
 * above read: children by local name (always arrays), attributes as "@_name", text trimmed as
 * "#text". Detached elements are handed over one by one as they close, so a statement of ten
 * thousand entries is never one tree: about five times faster than fast-xml-parser's validate +
 * parse on a 6 MB camt file, and the memory of one entry at a time. Returns the root without them.
 */
export function streamXml(xml: string, s: XmlStream): Obj {
  const parser = new SaxesParser({ xmlns: false, position: true });
  const root: Obj = {};
  // The document node, then the open elements; their local names; the text each has gathered.
  const stack: Obj[] = [root];
  const path: string[] = [];
  const texts: string[] = [''];
  parser.on('opentag', (tag) => {
    if (stack.length === 1) s.onRoot?.(tag.name, tag.attributes as Record<string, string>);
    if (stack.length > s.maxDepth) throw new XmlSyntaxError(parser.line, `elements nest deeper than ${s.maxDepth} levels`, true);
    const el: Obj = {};
    const attributes = tag.attributes as Record<string, string>;
    for (const k in attributes) if (!k.startsWith('xmlns')) el[`@_${localName(k)}`] = attributes[k];
    stack.push(el);
    path.push(localName(tag.name));
    texts.push('');
  });
  parser.on('text', (t) => {
    // Indentation between elements is most of a statement's text: not gathered.
    if (texts[texts.length - 1] || t.trim()) texts[texts.length - 1] += t;
  });
  parser.on('cdata', (t) => {
    texts[texts.length - 1] += t;
  });
  parser.on('closetag', () => {
    const el = stack.pop()!;
    const name = path.pop()!;
    const t = texts.pop()!.trim();
    if (t) el['#text'] = t;
    if (s.detach.has(name)) return s.onElement(name, el, stack.slice(1), path);
    const parent = stack[stack.length - 1];
    ((parent[name] ??= []) as Obj[]).push(el);
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    const m = e instanceof XmlSyntaxError ? null : /^(\d+):\d+: ([\s\S]*)$/.exec((e as Error).message);
    throw m ? new XmlSyntaxError(Number(m[1]), m[2]) : e;
  }
  return root;
}
