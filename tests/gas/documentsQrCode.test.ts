// A Swiss invoice's Google Doc carries the real Swiss QR code, on the built bundle and the fakes:
// a PNG (Docs takes no SVG, Apps Script has no canvas) that decodes to exactly the invoice's SPC
// payload, placed above the payment part's text and sized so the code prints 46 x 46 mm. The fakes
// take only PNG, JPEG or GIF image data and only Java's signed bytes in Utilities.newBlob.
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { FakeSpreadsheet, gasGlobals } from '../support/gasFakes';
import { addOn, rowsOf, seedCustomers, seedTable } from '../support/gasHarness';
import { TAX_RULES } from '../support/fixtures';
import type { FakeInlineImage } from '../support/gasServices';

const DEC_2 = Date.parse('2026-12-02T08:00:00Z');
const idOf = (url: string) => /\/d\/([\w-]+)/.exec(url)![1];
const SWISS = { country: 'CH', currency: 'CHF', vatId: 'CHE-123.456.789 MWST', street: 'Bahnhofstrasse 1', postalCode: '8001', city: 'Zürich', iban: 'CH4431999123000889012' };

/** One customer's invoice finalized and its Doc made; `before` may change the workbook after setup. */
function document(tenant: Record<string, unknown>, before: (ss: FakeSpreadsheet) => void = () => {}) {
  const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
  seedCustomers(ss, 1, tenant);
  const admin = addOn(ss);
  admin.exec('setupBillingSheets');
  before(ss);
  admin.exec('runInvoicing', { periodStart: '2026-11-01', periodEnd: '2026-11-30', invoiceDate: '2026-11-30' });
  expect(admin.exec('finalizeInvoices', {}).failed).toEqual([]);
  expect(admin.exec('renderDocuments', {}).failed).toEqual([]);
  const [inv] = rowsOf(ss, 'Invoices');
  const saved = ss.drive.items.get(idOf(inv['Doc URL']))!.doc!;
  return { number: inv.Number as string, payable: Number(inv.Payable).toFixed(2), body: saved.body };
}

const swiss = (before: (ss: FakeSpreadsheet) => void = () => {}) =>
  document(SWISS, (ss) => {
    seedTable(ss, 'TaxRules', TAX_RULES);
    seedTable(ss, 'Accounts', [{ accountId: 'A0', name: 'Kunde 0', status: 'Active', customerType: 'B2B', country: 'CH', street: 'Gasse 3', postalCode: '3000', city: 'Bern' }]);
    before(ss);
  });

/** The text a QR code scanner reads off the image. */
function decode(image: FakeInlineImage): string | undefined {
  const png = PNG.sync.read(Buffer.from(image.blob.getBytes()));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

const POINTS_PER_MM = 72 / 25.4;

describe('the Swiss QR code in a Google Doc', () => {
  it('is one PNG that decodes to the invoice’s SPC payload, the code printing 46 x 46 mm', () => {
    const doc = swiss();
    const images = doc.body._images();
    expect(images).toHaveLength(1);
    const [image] = images;
    expect(image.blob.getContentType()).toBe('image/png');
    const payload = decode(image)!.split('\n');
    expect(payload.slice(0, 11)).toEqual(['SPC', '0200', '1', 'CH4431999123000889012', 'S', 'Muster GmbH', 'Bahnhofstrasse 1', '', '8001', 'Zürich', 'CH']);
    expect(payload.slice(18, 27)).toEqual([doc.payable, 'CHF', 'S', 'Kunde 0', 'Gasse 3', '', '3000', 'Bern', 'CH']);
    expect(payload.slice(27)).toEqual(['QRR', '000000000000000002026000014', doc.number, 'EPD', `//S1/10/${doc.number}/11/261130`]);
    // The picture is the code and its 5 mm quiet zone on each side, in whole points.
    expect(image.width).toBe(image.height);
    expect(Math.abs(image.width - 56 * POINTS_PER_MM)).toBeLessThan(1);
    const png = PNG.sync.read(Buffer.from(image.blob.getBytes()));
    const quietPx = [...Array(png.width).keys()].find((x) => png.data[(x * png.width + x) * 4] < 128)!;
    const codeMm = (image.width * ((png.width - 2 * quietPx) / png.width)) / POINTS_PER_MM;
    expect(Math.abs(codeMm - 46)).toBeLessThan(0.2);
  });

  it('stands in its own paragraph right above the payment part’s text', () => {
    const doc = swiss();
    const paragraphs = doc.body.getParagraphs();
    const at = paragraphs.findIndex((p) => p.images.length);
    expect(paragraphs[at]._text()).toBe('');
    expect(paragraphs[at + 1]._text().split('\n')[0]).toBe('Zahlteil');
  });

  it('is appended with the payment part’s text to a template without the {{qrBill}} placeholder', () => {
    const doc = swiss((ss) => {
      const templateId = rowsOf(ss, 'Settings')[0]['Template ID'];
      const body = ss.drive.items.get(templateId)!.doc!.body;
      const place = body.getParagraphs().find((p) => p._text() === '{{qrBill}}')!;
      place.t.text = '';
    });
    const paragraphs = doc.body.getParagraphs();
    expect(doc.body._images()).toHaveLength(1);
    expect(paragraphs.at(-2)!.images).toHaveLength(1);
    expect(paragraphs.at(-1)!._text().split('\n')[0]).toBe('Zahlteil');
  });

  it('goes into the {{qrBill}} paragraph itself when the placeholder sits in a table cell', () => {
    const doc = swiss((ss) => {
      const templateId = rowsOf(ss, 'Settings')[0]['Template ID'];
      const body = ss.drive.items.get(templateId)!.doc!.body;
      body.getParagraphs().find((p) => p._text() === '{{qrBill}}')!.t.text = '';
      body.appendTable([['{{qrBill}}', '']]);
    });
    const cell = doc.body.getTables().at(-1)!.getRow(0).getCell(0);
    const [paragraph] = cell.getParagraphs();
    expect(paragraph.images).toHaveLength(1);
    expect(paragraph._text().split('\n')[0]).toBe('Zahlteil');
    expect(doc.body._images()).toHaveLength(1);
    expect(decode(paragraph.images[0])!.startsWith('SPC\n0200\n1\nCH4431999123000889012\n')).toBe(true);
  });

  it('is not on a German invoice', () => {
    const doc = document({});
    expect(doc.body._images()).toEqual([]);
    expect(doc.body._text()).not.toContain('Zahlteil');
  });
});

describe('the fakes take images as Docs does', () => {
  const PNG_1PX = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  function docs() {
    const ss = new FakeSpreadsheet('Europe/Berlin', 'de_DE', { startMs: DEC_2 });
    const g = gasGlobals(ss, 'owner@example.com').globals as unknown as { Utilities: GoogleAppsScript.Utilities.Utilities; DocumentApp: GoogleAppsScript.Document.DocumentApp };
    return { Utilities: g.Utilities, body: g.DocumentApp.create('Probe').getBody() };
  }

  it('Utilities.newBlob takes Java’s signed bytes, refusing unsigned ones and typed arrays', () => {
    const { Utilities } = docs();
    expect(Utilities.newBlob([-119, 80, 0, 127, -128]).getBytes()).toEqual([-119, 80, 0, 127, -128]);
    expect(() => Utilities.newBlob([137, 80])).toThrow(/Invalid argument/);
    expect(() => Utilities.newBlob(new Uint8Array([1, 2]) as unknown as number[])).toThrow(/method signature/);
  });

  it('an image must be PNG, JPEG or GIF data: SVG is refused, whatever the content type says', () => {
    const { Utilities, body } = docs();
    const svg = Utilities.newBlob('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', 'image/png', 'qr.png');
    expect(() => body.appendImage(svg)).toThrow('Invalid image data');
    expect(() =>
      body.insertImage(
        0,
        Utilities.newBlob(
          PNG_1PX.map((b) => (b > 127 ? b - 256 : b)),
          'image/png',
        ),
      ),
    ).toThrow('Invalid image data');
    const gif = Utilities.newBlob('GIF89a\u0003\u0000\u0002\u0000', 'image/gif');
    const image = body.appendImage(gif);
    expect([image.getWidth(), image.getHeight()]).toEqual([3, 2]);
    expect(() => image.setWidth(130.4)).toThrow(/Invalid argument/);
  });
});
