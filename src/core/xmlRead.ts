// How the engine reads XML it did not write (supplier e-invoices, bank statements): element names
// without their prefixes (each sender chooses its own), text kept as text (parseTagValue false:
// "007.50" is not turned into 7.5), attributes as "@_name", and XML's entities and character
// references decoded (fast-xml-parser decodes &#...; only with htmlEntities). Each reader adds its
// depth limit and what it skips.
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
