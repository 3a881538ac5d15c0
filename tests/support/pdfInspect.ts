// A PDF as a PDF reader (pdf.js, run by pdfInspect.mjs in a child process) sees it.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface PdfView {
  pages: string[];
  title: string;
  info: Record<string, unknown>;
  xmp: string | null;
  attachments: { filename: string; content: Buffer }[];
}

export function inspectPdf(path: string): PdfView {
  const r = JSON.parse(execFileSync(process.execPath, [join(__dirname, 'pdfInspect.mjs'), path], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  return { ...r, title: r.info?.Title, attachments: r.attachments.map((a: { filename: string; content: string }) => ({ filename: a.filename, content: Buffer.from(a.content, 'base64') })) };
}
