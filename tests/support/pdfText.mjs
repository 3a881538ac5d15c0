// Prints the text of each page of a PDF as JSON (pdfjs-dist is ESM-only, so tests run this in a child process).
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { readFileSync } from 'node:fs';

const data = new Uint8Array(readFileSync(process.argv[2]));
const pdf = await getDocument({ data, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
const pages = [];
for (let i = 1; i <= pdf.numPages; i++) {
  const content = await (await pdf.getPage(i)).getTextContent();
  pages.push(content.items.map((it) => it.str).join(' ').replace(/\s+/g, ' '));
}
process.stdout.write(JSON.stringify({ pages, title: (await pdf.getMetadata()).info.Title }));
