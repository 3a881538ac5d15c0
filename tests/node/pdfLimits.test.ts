// A PDF with texts no real invoice has (a 40,000-character description, a 40,000-character word
// without a blank, 500 lines of 1,000 characters) renders in bounded time and memory, and prints
// the cut texts with "…". The rendering runs in a child process so its peak memory can be measured
// (process.resourceUsage().maxRSS) and a runaway render is stopped (heap limit, time limit).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectPdf } from '../support/pdfInspect';

const ROOT = join(__dirname, '..', '..');
const SECONDS = 10;
const EXTRA_MB = 500;

/** 40,000 characters of numbered words ("w1 w2 … w6000"): every word is found once, so the cut is seen exactly. */
const numberedWords = (n: number) => {
  let s = '';
  for (let i = 1; s.length < n; i++) s += `w${i} `;
  return s.slice(0, n);
};
/** A line of exactly 1,000 characters (the description limit: printed whole, no "…"). */
const thousand = (n: number) => `Line ${n}: ${'Wartung und Pflege '.repeat(60)}`.slice(0, 999) + '.';

/**
 * The child: TypeScript sources loaded through esbuild (as jest does), a small invoice first (the
 * fonts are parsed once per process), then the big one, timed with process.hrtime and its peak
 * resident memory above the warm process measured with process.resourceUsage().maxRSS.
 */
const CHILD = `
const { readFileSync, writeFileSync } = require('node:fs');
const { transformSync } = require('esbuild');
require.extensions['.ts'] = (m, file) => m._compile(transformSync(readFileSync(file, 'utf8'), { loader: 'ts', format: 'cjs', target: 'node20' }).code, file);
const { renderInvoicePdf } = require('./src/node/invoicePdf');
const { D } = require('./src/core/money');
const input = JSON.parse(readFileSync(0, 'utf8'));
const tenant = { tenantId: 'DE', legalName: 'Muster GmbH', country: 'DE', currency: 'EUR', language: 'en' };
const doc = (descriptions) => ({
  invoice: { invoiceId: 'I-1', key: 'M', type: 'invoice', status: 'Open', number: 'INV-1', tenantId: 'DE', accountId: 'A', currency: 'EUR', language: 'en',
    net: new D(descriptions.length), tax: new D(0), gross: new D(descriptions.length), rounding: new D(0), payable: new D(descriptions.length), buyerName: 'Big Buyer Ltd' },
  lines: descriptions.map((description, i) => ({ invoiceId: 'I-1', lineNo: i + 1, kind: 'manual', description, quantity: new D(1), unitPrice: new D(1), net: new D('1.00'), taxCategory: 'Z', taxRate: new D(0) })),
});
(async () => {
  await renderInvoicePdf(doc(['warm-up']), { tenant });
  const rss = process.resourceUsage().maxRSS;
  const start = process.hrtime.bigint();
  const pdf = await renderInvoicePdf(doc(input.descriptions), { tenant });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const extraMB = (process.resourceUsage().maxRSS - rss) / 1024;
  writeFileSync(input.out, pdf);
  process.stdout.write(JSON.stringify({ seconds, extraMB, heapMB: process.memoryUsage().heapUsed / 2 ** 20 }));
})();
`;

describe('PDF of an invoice with huge texts', () => {
  it(`renders a 40,000-character description, a 40,000-character word and 500 lines of 1,000 characters in under ${SECONDS} s and ${EXTRA_MB} MB, the long ones cut with "…"`, () => {
    const description = numberedWords(40000);
    const word = 'x'.repeat(40000);
    const lines = Array.from({ length: 500 }, (_, i) => thousand(i + 3));
    const out = join(mkdtempSync(join(tmpdir(), 'billing-pdf-limits-')), 'huge.pdf');
    // Twice the time bound before the child is stopped; a heap of 1.5 GB at most, so a runaway render fails fast instead of taking the machine's memory.
    const child = spawnSync(process.execPath, ['--max-old-space-size=1536', '-e', CHILD], {
      cwd: ROOT,
      input: JSON.stringify({ descriptions: [description, word, ...lines], out }),
      encoding: 'utf8',
      timeout: 2 * SECONDS * 1000,
      killSignal: 'SIGKILL',
      maxBuffer: 1 << 20,
    });
    const failed =
      (child.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT'
        ? `still rendering after ${2 * SECONDS} s: stopped`
        : `exit code ${child.status}${child.signal ? `, signal ${child.signal}` : ''}`;
    const outcome = child.status === 0 ? JSON.parse(child.stdout) : { failed, stderr: child.stderr.slice(-500) };
    expect({ rendered: child.status === 0, ...outcome }).toEqual({ rendered: true, seconds: expect.any(Number), extraMB: expect.any(Number), heapMB: expect.any(Number) });
    expect({ seconds: outcome.seconds < SECONDS, extraMB: outcome.extraMB < EXTRA_MB, measured: outcome }).toEqual({ seconds: true, extraMB: true, measured: outcome });

    const { pages } = inspectPdf(out);
    const text = pages.join(' ').replace(/\u200B/g, '');
    // The description: its first 999 characters (up to a word) and "…"; nothing after.
    const cut = description.slice(0, 999).trimEnd();
    const lastWord = cut.slice(cut.lastIndexOf(' ') + 1);
    const nextWord = description.slice(description.indexOf(' ', 999) + 1).split(' ')[0];
    expect({ endsWith: `${lastWord}…`, found: text.includes(`${lastWord}…`), after: nextWord, afterFound: text.includes(` ${nextWord} `) }).toEqual({
      endsWith: `${lastWord}…`,
      found: true,
      after: nextWord,
      afterFound: false,
    });
    // The word: 999 x and "…" (pdf.js sees its line breaks as blanks).
    const xs = text.replace(/(?<=x) (?=x)/g, '');
    expect({ word999: xs.includes(`${'x'.repeat(999)}…`), word1000: xs.includes('x'.repeat(1000)) }).toEqual({ word999: true, word1000: false });
    // All 500 lines, whole: "…" only on the two cut texts.
    const missing = lines.map((_, i) => `Line ${i + 3}:`).filter((s) => !text.includes(s));
    expect(missing).toEqual([]);
    expect(text.split('…').length - 1).toBe(2);
  });
});
