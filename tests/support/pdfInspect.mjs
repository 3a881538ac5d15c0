// Prints what a PDF reader (pdf.js) sees of a PDF's container as JSON: embedded files (base64),
// the raw XMP packet, the Info dictionary and the text of each page. ESM-only pdfjs-dist, so tests
// run this in a child process.
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { readFileSync } from 'node:fs';

const data = new Uint8Array(readFileSync(process.argv[2]));
const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
const attachments = Object.values((await pdf.getAttachments()) ?? {}).map((a) => ({ filename: a.filename, content: Buffer.from(a.content).toString('base64') }));
const meta = await pdf.getMetadata();
const pages = [];
const items = [];
for (let i = 1; i <= pdf.numPages; i++) {
  const page = await pdf.getPage(i);
  const content = await page.getTextContent();
  // Where each text run sits, in points from the top left: its baseline, width and font height.
  const height = page.view[3];
  items.push(content.items.filter((it) => it.str.trim()).map((it) => ({ str: it.str, x: it.transform[4], baseline: height - it.transform[5], width: it.width, height: it.height })));
  pages.push(
    content.items
      .map((it) => it.str)
      .join(' ')
      .replace(/\s+/g, ' '),
  );
}
process.stdout.write(JSON.stringify({ attachments, xmp: meta.metadata ? meta.metadata.getRaw() : null, info: meta.info, pages, items }));
