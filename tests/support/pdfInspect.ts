// A PDF as a PDF reader (pdf.js, run by pdfInspect.mjs in a child process) sees it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** One text run as pdf.js places it: points from the page's top left, `baseline` the y of its baseline. */
export interface TextItem {
  str: string;
  x: number;
  baseline: number;
  width: number;
  height: number;
}

export interface PdfView {
  pages: string[];
  /** The text runs of each page with their positions. */
  items: TextItem[][];
  title: string;
  info: Record<string, unknown>;
  xmp: string | null;
  attachments: { filename: string; content: Buffer }[];
}

export function inspectPdf(path: string): PdfView {
  const r = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'pdfInspect.mjs'), path], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  return { ...r, title: r.info?.Title, attachments: r.attachments.map((a: { filename: string; content: string }) => ({ filename: a.filename, content: Buffer.from(a.content, 'base64') })) };
}
