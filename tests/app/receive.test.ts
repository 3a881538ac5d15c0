// Supplier e-invoices into the Received sheets: official examples and our own XML, totals checked,
// a file that is not an e-invoice reported with nothing written, a second reading skipped.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { receiveInvoices } from '../../src/app/receive';
import { oneInvoiceDoc, oneTenant, ports, table } from '../support/fixtures';
import { einvoiceDir } from '../support/einvoiceValidation';
import { demoLedger, xmlOf } from '../support/einvoiceCases';
import { renderInvoicePdf } from '../../src/node/invoicePdf';

const examples = (syntax: 'ubl' | 'cii') =>
  readdirSync(join(einvoiceDir(), 'examples', syntax))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => ({ name: f, xml: readFileSync(join(einvoiceDir(), 'examples', syntax, f), 'utf8') }));

describe('receiving e-invoices', () => {
  it('reads official UBL and CII examples and our own XRechnung into Received and ReceivedLines', () => {
    const p = ports({});
    const ds = demoLedger();
    const ours = ds.invoices.map((r) => r.record).find((i) => i.number && i.type === 'invoice')!;
    // (Several CII examples are the UBL examples in the other syntax: the same invoice twice would be skipped.)
    const cii = examples('cii').filter((f) => ['XRechnung-O.xml', 'huf_example_cii.xml', 'CII_business_example_Z.xml'].includes(f.name));
    const files = [...examples('ubl').slice(0, 3), ...cii, { name: 'ours.xml', xml: xmlOf(ds, ours, 'xrechnung-cii') }];
    const r = receiveInvoices(p, files);
    expect([r.failed, r.skipped]).toEqual([[], []]);
    expect(r.received.map((x) => x.receivedId)).toEqual(['RCV-000001', 'RCV-000002', 'RCV-000003', 'RCV-000004', 'RCV-000005', 'RCV-000006', 'RCV-000007']);
    const rows = table(p, 'Received');
    expect(rows).toHaveLength(7);
    const mine = rows[6];
    expect([mine.Number, mine.Supplier, mine.Currency, mine.Payable, mine.Validation, mine.Syntax]).toEqual([
      ours.number,
      'Nordlicht Software GmbH',
      ours.currency,
      Number(ours.payable.toFixed(2)),
      'valid',
      'CII XRechnung',
    ]);
    const lines = table(p, 'ReceivedLines').filter((l) => l['Received ID'] === 'RCV-000007');
    expect(lines.map((l) => l.Net)).toEqual((ds.linesByInvoice.get(ours.invoiceId) ?? []).map((l) => Number(l.record.net.toFixed(2))));
  });

  it('reports a file that is not an e-invoice and writes nothing for it; a corrupted total is read but flagged; a second reading is skipped', () => {
    const p = ports({});
    const [good] = examples('ubl');
    const corrupted = { name: 'bad-total.xml', xml: good.xml.replace(/(<cbc:PayableAmount[^>]*>)([^<]+)/, (_m, a: string, v: string) => `${a}${(Number(v) + 1).toFixed(2)}`) };
    const r = receiveInvoices(p, [{ name: 'page.html', xml: '<html><body>hi</body></html>' }, { name: 'broken.xml', xml: '<Invoice><cbc:ID>1' }, corrupted]);
    expect(r.failed.map((f) => f.file)).toEqual(['page.html', 'broken.xml']);
    expect(r.failed.every((f) => f.reason.length > 10)).toBe(true);
    expect(r.received.map((x) => x.status)).toEqual([expect.stringContaining('BR-CO-16')]);
    expect(table(p, 'Received')).toHaveLength(1);
    const again = receiveInvoices(p, [corrupted, { ...good, name: 'renamed.xml' }]);
    expect(again.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/is already in Received$/), expect.stringMatching(/is already in Received$/)]);
    expect(table(p, 'Received')).toHaveLength(1);
    // Another supplier's invoice under a file name read before is read: suppliers all send "invoice.pdf".
    const [, other] = examples('cii');
    expect(receiveInvoices(p, [{ ...other, name: 'bad-total.xml' }]).received).toHaveLength(1);
  });

  it('takes bytes: an XML file with a byte order mark, and the XML inside a Factur-X PDF; a PDF without one is reported', async () => {
    const p = ports({});
    const [ubl] = examples('ubl');
    const cii = examples('cii').find((f) => f.name === 'CII_example1.xml')!;
    const pdf = await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant, facturX: cii.xml });
    const plain = await renderInvoicePdf(oneInvoiceDoc(), { tenant: oneTenant });
    const r = receiveInvoices(p, [
      { name: 'bom.xml', bytes: new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from(ubl.xml, 'utf8')]) },
      { name: 'hybrid.pdf', bytes: new Uint8Array(pdf) },
      { name: 'plain.pdf', bytes: new Uint8Array(plain) },
      { name: 'notes.xml', bytes: new Uint8Array(Buffer.from('<notes>see %PDF-1.7</notes>')) },
    ]);
    expect(r.received.map((x) => [x.file, x.status, x.checked])).toEqual([
      ['bom.xml', 'valid', 'totals (BR-CO-10..16)'],
      ['hybrid.pdf', 'valid', 'totals (BR-CO-10..16)'],
    ]);
    expect(r.failed).toEqual([
      { file: 'plain.pdf', reason: expect.stringContaining('no embedded e-invoice') },
      { file: 'notes.xml', reason: expect.stringMatching(/^not an e-invoice: root element <notes>/) }, // XML, though "%PDF-" is in it
    ]);
    expect(table(p, 'Received')[1].Number).toBe(/<rsm:ExchangedDocument>\s*<ram:ID>([^<]+)/.exec(cii.xml)![1]);
  });

  it("adds the official rules' errors the host found (one finding per rule, the first 10 shown) and says what was checked", () => {
    const p = ports({});
    const [good, second] = examples('ubl');
    const corrupted = { name: 'bad-total.xml', xml: good.xml.replace(/(<cbc:PayableAmount[^>]*>)([^<]+)/, (_m, a: string, v: string) => `${a}${(Number(v) + 1).toFixed(2)}`) };
    const ran = ['UBL 2.1 schema', 'EN 16931'];
    const many = Array.from({ length: 12 }, (_, i) => `BR-${i + 1}: rule ${i + 1}`);
    const r = receiveInvoices(p, [
      { ...corrupted, rules: { ran, errors: ['BR-CO-16: [BR-CO-16]-Amount due for payment (BT-115) = ...', 'BR-DE-1: payment instructions missing'] } },
      { ...second, rules: { ran, errors: many } },
    ]);
    const [a, b] = r.received;
    expect(a.status).toMatch(/^BR-CO-16: the amount due for payment \(BT-115\).*; BR-DE-1: payment instructions missing$/);
    expect(a.status.match(/BR-CO-16/g)).toHaveLength(1);
    expect(b.status).toBe(`${many.slice(0, 10).join('; ')}; and 2 more`);
    expect(table(p, 'Received').map((row) => row['Checked Against'])).toEqual(['UBL 2.1 schema, EN 16931', 'UBL 2.1 schema, EN 16931']);
  });
});

describe('received cells stay within a cell', () => {
  it('a file name of 40,000 characters is cut to 32,000 with "…" in the File column', () => {
    const p = ports({});
    const ds = demoLedger();
    const ours = ds.invoices.map((r) => r.record).find((i) => i.number && i.type === 'invoice')!;
    const name = `${'n'.repeat(40000)}.xml`;
    const r = receiveInvoices(p, [{ name, xml: xmlOf(ds, ours, 'xrechnung-ubl') }]);
    expect(r.failed).toEqual([]);
    const file = String(table(p, 'Received')[0].File);
    expect([file.length, file.endsWith('…'), file.startsWith('nnnn')]).toEqual([32000, true, true]);
  });
});
