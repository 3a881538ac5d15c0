// Serialising an e-invoice object tree with fast-xml-parser's builder, which escapes every text and
// attribute. Empty values are left out, never written as empty elements (PEPPOL-EN16931-R008).
import { XMLBuilder } from 'fast-xml-parser';

type Node = Record<string, unknown>;

function clean(v: unknown): unknown {
  if (Array.isArray(v)) {
    const a = v.map(clean).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (v && typeof v === 'object') {
    const o: Node = {};
    for (const [k, x] of Object.entries(v as Node)) {
      const c = clean(x);
      if (c !== undefined) o[k] = c;
    }
    const keys = Object.keys(o);
    // An element with only attributes and no text is empty too.
    return keys.length && !keys.every((k) => k.startsWith('@_')) ? o : undefined;
  }
  if (typeof v === 'string') {
    // Characters XML 1.0 forbids (a line break pasted from Word is U+000B) become spaces.
    const text = v.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ' ').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    return text === '' ? undefined : text;
  }
  return v === undefined || v === null ? undefined : v;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressEmptyNode: true });

export function toXml(root: string, tree: Node): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: clean(tree) })}`;
}
