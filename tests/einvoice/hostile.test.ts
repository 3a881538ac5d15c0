// The hostile-file corpus: PDFs and XML a supplier (or an attacker posing as one) can send to make
// `receive` hang, run out of memory or write garbage. Each is read in a worker thread with a
// deadline (an endless loop cannot be interrupted in the test's own thread) and must be refused
// with a clear message, or read safely, within 2 s and 200 MB. Then the whole use case: a hostile
// file in a batch is reported, nothing of it written, and the good files beside it are read.
import { deflateSync } from 'node:zlib';
import { receiveInvoices } from '../../src/app/receive';
import { eInvoiceRoot, MAX_TEXT, parseEInvoice } from '../../src/core/einvoice/receive';
import { ports, table } from '../support/fixtures';
import {
  billionLaughs,
  CII_EXAMPLE,
  commentsAttachment,
  deepArrays,
  deepNesting,
  deepUnclosed,
  encryptedPdf,
  flateBomb,
  flateBombs,
  headersOnly,
  hugeAmount,
  hugeName,
  hugeXml,
  hybridPdf,
  longFraction,
  manyReferences,
  manyTags,
  objectStreamAtOneString,
  objectStreamBig,
  objectStreamIntoOneString,
  objectStreamMillions,
  objectStreamOfNames,
  quadraticBlowup,
  readHostile,
  sharedIndirectLengths,
  UBL_EXAMPLE,
  unterminatedStrings,
  xxeParameter,
  xxeSystem,
  type Outcome,
} from '../support/hostileFiles';

const MAX_MS = 2000;
const MAX_MB = 200;

interface Case {
  kind: 'pdf' | 'xml';
  make: () => Buffer | string;
  /** The error expected (class and message), or what must have been read. */
  expect: RegExp | ((o: Outcome) => void);
}

const NO_INVOICE = /^BillingError: the PDF has no embedded e-invoice \(factur-x\.xml \/ xrechnung\.xml\)/;
const TOO_MUCH_WORK = /^BillingError: the PDF takes too much work to read \(more than 128 million steps of parsing and unpacking\); it is damaged or built to stall readers and is not read$/;
const predictor = (parms: string) => hybridPdf(CII_EXAMPLE, parms);
const badParameter = (key: string, value: string, allowed: string) =>
  new RegExp(`^BillingError: the PDF is damaged: the embedded file "factur-x\\.xml" has a predictor with /${key} ${value.replace('.', '\\.')} \\(allowed: ${allowed}\\); it is not read$`);
const COLUMNS = 'a whole number from 1 to 1048576';
const NOT_READ = /^BillingError: the XML declares entities \(<!ENTITY …>\); e-invoices declare none, and such declarations can name outside files or expand to gigabytes, so it is not read$/;

const CASES: [string, Case][] = [
  // PDF predictors: /Columns 0 made the TIFF loop step by 0 rows, forever.
  ['PDF, TIFF predictor with /Columns 0 (2 KB)', { kind: 'pdf', make: () => predictor('/Predictor 2 /Columns 0'), expect: badParameter('Columns', '0', COLUMNS) }],
  ['PDF, TIFF predictor with /Columns -3', { kind: 'pdf', make: () => predictor('/Predictor 2 /Columns -3'), expect: badParameter('Columns', '-3', COLUMNS) }],
  ['PDF, TIFF predictor with /Colors 0', { kind: 'pdf', make: () => predictor('/Predictor 2 /Colors 0'), expect: badParameter('Colors', '0', 'a whole number from 1 to 32') }],
  ['PDF, PNG predictor with /Colors 100000', { kind: 'pdf', make: () => predictor('/Predictor 12 /Colors 100000'), expect: badParameter('Colors', '100000', 'a whole number from 1 to 32') }],
  ['PDF, PNG predictor with /BitsPerComponent 3', { kind: 'pdf', make: () => predictor('/Predictor 12 /BitsPerComponent 3'), expect: badParameter('BitsPerComponent', '3', '1, 2, 4, 8 or 16') }],
  ['PDF, PNG predictor with /Columns 1000000000', { kind: 'pdf', make: () => predictor('/Predictor 12 /Columns 1000000000'), expect: badParameter('Columns', '1000000000', COLUMNS) }],
  ['PDF, PNG predictor with /Columns 2.5', { kind: 'pdf', make: () => predictor('/Predictor 12 /Columns 2.5'), expect: badParameter('Columns', '2.5', COLUMNS) }],
  ['PDF, PNG predictor with /Columns (a name)', { kind: 'pdf', make: () => predictor('/Predictor 12 /Columns /Wide'), expect: badParameter('Columns', '\\(not a number\\)', COLUMNS) }],
  [
    'PDF, predictor 7 (none such)',
    { kind: 'pdf', make: () => predictor('/Predictor 7 /Columns 4'), expect: /^BillingError: the embedded file "factur-x\.xml" in the PDF uses predictor 7, which is not supported$/ },
  ],
  // Object streams: a member is read once per offset, and all reading counts against one budget.
  ['PDF, 25 KB object stream: 8,000 members at one 4 MB string', { kind: 'pdf', make: objectStreamAtOneString, expect: NO_INVOICE }],
  ['PDF, 25 KB object stream: 8,000 members each one character further into a 4 MB string', { kind: 'pdf', make: objectStreamIntoOneString, expect: TOO_MUCH_WORK }],
  ['PDF, 340 KB object stream: 150,000 members at one 16 MB string', { kind: 'pdf', make: objectStreamBig, expect: NO_INVOICE }],
  [
    'PDF, object stream claiming 3,000,000 members (12 KB)',
    { kind: 'pdf', make: objectStreamMillions, expect: /^BillingError: the PDF has more than 250,000 objects \(object stream members included\); it is not read$/ },
  ],
  ['PDF, object stream member: an array of 7 million names (20 KB)', { kind: 'pdf', make: objectStreamOfNames, expect: TOO_MUCH_WORK }],
  // Scanning the file.
  ['PDF, 100,000 objects each opening a string that never closes', { kind: 'pdf', make: unterminatedStrings, expect: TOO_MUCH_WORK }],
  ['PDF, 30,000 streams with /Length naming one object defined 30,000 times', { kind: 'pdf', make: sharedIndirectLengths, expect: NO_INVOICE }],
  ['PDF, 2,000,000 object headers and nothing else (16 MB)', { kind: 'pdf', make: headersOnly, expect: /^BillingError: the PDF has more than 250,000 objects/ }],
  ['PDF, arrays nested 100,000 deep', { kind: 'pdf', make: deepArrays, expect: NO_INVOICE }],
  [
    'PDF, an XML attachment of "<!--" 50,000 times',
    { kind: 'pdf', make: commentsAttachment, expect: /^BillingError: the PDF has no embedded e-invoice \(factur-x\.xml \/ xrechnung\.xml\); its attachments: notes\.xml$/ },
  ],
  // Unpacking.
  [
    'PDF, flate bomb: factur-x.xml unpacks to 64 MB + 1 byte',
    { kind: 'pdf', make: flateBomb, expect: /^BillingError: the embedded file "factur-x\.xml" in the PDF unpacks to more than 64 MB; it is not read$/ },
  ],
  [
    'PDF, eight attachments of 60 MB each',
    { kind: 'pdf', make: flateBombs, expect: /^BillingError: the PDF's streams unpack to more than 64 MB in all \(reached at the embedded file "part2\.xml"\); it is not read$/ },
  ],
  ['PDF, encrypted', { kind: 'pdf', make: encryptedPdf, expect: /^BillingError: the PDF is encrypted; / }],
  [
    'PDF, truncated at 30 % (in the catalog)',
    { kind: 'pdf', make: () => truncated(0.3), expect: /^BillingError: the PDF has no embedded e-invoice \(factur-x\.xml \/ xrechnung\.xml\); the file may be truncated \(no %%EOF at its end\)$/ },
  ],
  ['PDF, truncated at 95 % (in the cross-reference table: the invoice is whole and read)', { kind: 'pdf', make: () => truncated(0.95), expect: (o) => expect(o.read?.number).toBe('12115118') }],
  [
    'PDF, truncated inside the compressed XML',
    { kind: 'pdf', make: () => truncatedInsideStream(), expect: /^BillingError: the PDF is damaged: the compressed data of the embedded file "factur-x\.xml" cannot be read$/ },
  ],
  // XML: entities.
  ['XML, external entity (XXE, SYSTEM "file:///etc/passwd")', { kind: 'xml', make: xxeSystem, expect: NOT_READ }],
  ['XML, external parameter entity (%remote;)', { kind: 'xml', make: xxeParameter, expect: NOT_READ }],
  ['XML, billion laughs (3 GB expanded)', { kind: 'xml', make: billionLaughs, expect: NOT_READ }],
  ['XML, one 10,000-character entity used 200,000 times', { kind: 'xml', make: quadraticBlowup, expect: NOT_READ }],
  // XML: structure.
  ['XML, 100,000 nested elements', { kind: 'xml', make: () => deepNesting(), expect: /^BillingError: the XML nests elements more than 100 deep \(e-invoices: about 10\); it is not read$/ }],
  ['XML, 100,000 nested elements never closed', { kind: 'xml', make: () => deepUnclosed(), expect: /^BillingError: malformed XML: .{1,250}$/ }],
  [
    'XML, mismatched tags',
    { kind: 'xml', make: () => UBL_EXAMPLE.replace('</cbc:ID>', '</cbc:Name>'), expect: /^BillingError: malformed XML: Expected closing tag 'cbc:ID' .* \(line 15, column \d+\)$/ },
  ],
  ['XML, binary junk', { kind: 'xml', make: () => deflateSync(Buffer.from(UBL_EXAMPLE)).toString('latin1'), expect: /^BillingError: malformed XML: / }],
  ['XML, cut in half', { kind: 'xml', make: () => UBL_EXAMPLE.slice(0, UBL_EXAMPLE.length / 2), expect: /^BillingError: malformed XML: / }],
  // XML: size.
  ['XML, 40 MB', { kind: 'xml', make: hugeXml, expect: /^BillingError: the XML has 41,\d{3},\d{3} characters; more than 32 MB is not read$/ }],
  ['XML, 1,200,000 elements', { kind: 'xml', make: manyTags, expect: /^BillingError: the XML has more than 1,000,000 tags; it is not read$/ }],
  ['XML, 1,200,000 "&amp;"', { kind: 'xml', make: manyReferences, expect: /^BillingError: the XML has more than 1,000,000 entity or character references \(&…;\); it is not read$/ }],
  // XML: values.
  [
    'XML, a 100,000-digit amount due',
    {
      kind: 'xml',
      make: () => hugeAmount(),
      expect:
        /^BillingError: UBL Invoice TOSL108 has amount due for payment \(BT-115\) "9{40}… \(100003 characters\)" in <PayableAmount>, which is beyond ±10\^13 \(100000 digits before the decimal point\)$/,
    },
  ],
  [
    'XML, an amount due with 100,000 decimals',
    {
      kind: 'xml',
      make: () => longFraction(),
      expect: /^BillingError: UBL Invoice TOSL108 has amount due for payment \(BT-115\) "801\.780{34}… \(100006 characters\)" in <PayableAmount>, which has 100002 decimals \(at most 20 are read\)$/,
    },
  ],
  [
    'XML, a 40,000-character item name (read, the name cut)',
    {
      kind: 'xml',
      make: () => hugeName(),
      expect: (o) => expect(o.read && { ...o.read, firstLineName: [o.read.firstLineName.length, o.read.firstLineName.slice(-1)] }).toEqual({ number: 'TOSL108', firstLineName: [MAX_TEXT, '…'] }),
    },
  ],
];

/** A hybrid PDF with the official CII example, cut after `fraction` of its bytes. */
function truncated(fraction: number): Buffer {
  const pdf = hybridPdf(CII_EXAMPLE);
  return pdf.subarray(0, Math.floor(pdf.length * fraction));
}

/** A hybrid PDF whose compressed XML is cut in the middle, the rest of the file intact. */
function truncatedInsideStream(): Buffer {
  const data = deflateSync(Buffer.from(CII_EXAMPLE));
  const pdf = hybridPdf(CII_EXAMPLE).toString('latin1');
  const cut = data.subarray(0, data.length >> 1);
  return Buffer.from(pdf.replace(data.toString('latin1'), cut.toString('latin1')).replace(`/Length ${data.length}`, `/Length ${cut.length}`), 'latin1');
}

const measured: string[] = [];
afterAll(() => console.log(`hostile files (ms, heap MB, ArrayBuffer MB):\n${measured.join('\n')}`));

describe(`hostile files are refused with a clear message, or read safely, within ${MAX_MS} ms and ${MAX_MB} MB`, () => {
  it.each(CASES)('%s', async (name, c) => {
    const o = await readHostile(c.kind, c.make());
    measured.push(`${o.ms.toFixed(0).padStart(6)} ${o.heapMb.toFixed(0).padStart(5)} ${o.arrayBuffersMb.toFixed(0).padStart(5)}  ${name}: ${o.error ?? 'read'}`.slice(0, 240));
    if (typeof c.expect === 'function') {
      expect(o.error).toBeUndefined();
      c.expect(o);
    } else {
      expect(o.error).toMatch(c.expect);
    }
    expect(o.ms).toBeLessThan(MAX_MS);
    expect(o.heapMb + o.arrayBuffersMb).toBeLessThan(MAX_MB);
  });
});

describe('finding the root element of any XML a PDF carries', () => {
  it.each([
    ['"<!--" 20,000 times', '<!--'.repeat(20_000)],
    ['"<?" 20,000 times', '<?'.repeat(20_000)],
    ['a DOCTYPE of "[]" 30 times, unclosed', `<!DOCTYPE ${'[]'.repeat(30)}`],
    ['a start tag of 4 MB, unclosed', `<a${'x'.repeat(4 << 20)}`],
    ['an element name of 4 MB, closed', `<a${'x'.repeat(4 << 20)}></a>`],
    ['an attribute of 4 MB on the root', `<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" note="${'y'.repeat(4 << 20)}"></Invoice>`],
  ])('is quick for %s', (_name, xml) => {
    const start = process.hrtime.bigint();
    expect(eInvoiceRoot(xml)).toBeUndefined();
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(MAX_MS / 4);
  });

  it('still finds an invoice behind a comment, a processing instruction and a DOCTYPE', () => {
    expect(eInvoiceRoot(`<!-- a -->\n<?pi x?>\n<!DOCTYPE Invoice [ <!-- ] --> ]>\n${UBL_EXAMPLE.slice(UBL_EXAMPLE.indexOf('<Invoice'))}`)).toEqual({ local: 'Invoice', syntax: 'ubl' });
  });
});

describe('receiving a batch with hostile files', () => {
  it('reports each hostile file with its reason, writes nothing of it, and still reads the good XML and PDF beside them', () => {
    const p = ports({});
    const files = [
      { name: 'loop.pdf', bytes: new Uint8Array(hybridPdf(CII_EXAMPLE, '/Predictor 2 /Columns 0')) },
      { name: 'good.xml', xml: UBL_EXAMPLE },
      { name: 'objstm.pdf', bytes: new Uint8Array(objectStreamIntoOneString()) },
      { name: 'xxe.xml', xml: xxeSystem() },
      { name: 'amount.xml', xml: hugeAmount().replace(/TOSL108/g, 'TOSL109') },
      { name: 'good.pdf', bytes: new Uint8Array(hybridPdf(CII_EXAMPLE)) },
      { name: 'name.xml', xml: hugeName().replace(/TOSL108/g, 'TOSL110') },
    ];
    const start = process.hrtime.bigint();
    const r = receiveInvoices(p, files);
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(3 * MAX_MS);
    expect(r.failed.map((f) => [f.file, f.reason.split(/[;(]/)[0]])).toEqual([
      ['loop.pdf', 'the PDF is damaged: the embedded file "factur-x.xml" has a predictor with /Columns 0 '],
      ['objstm.pdf', 'the PDF takes too much work to read '],
      ['xxe.xml', 'the XML declares entities '],
      ['amount.xml', 'UBL Invoice TOSL109 has amount due for payment '],
    ]);
    expect(r.received.map((x) => x.file)).toEqual(['good.xml', 'good.pdf', 'name.xml']);
    const rows = table(p, 'Received');
    expect(rows.map((x) => x.File)).toEqual(['good.xml', 'good.pdf', 'name.xml']);
    expect(rows.every((x) => Number.isFinite(x.Payable))).toBe(true);
    const names = table(p, 'ReceivedLines').map((l) => String(l.Item));
    expect(Math.max(...names.map((n) => n.length))).toBe(MAX_TEXT);
    expect(names.filter((n) => n.endsWith('…'))).toHaveLength(1);
    expect(parseEInvoice(UBL_EXAMPLE).number).toBe('TOSL108');
  });
});
