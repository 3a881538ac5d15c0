// The Swiss QR code as a PNG (src/core/png.ts, src/core/swissQrCode.ts), read back with real
// decoders: pngjs (which checks every chunk's CRC-32, and zlib the Adler-32) and jsQR, which must
// read exactly the SPC payload. The guidelines' geometry is checked on the pixels: the code 46 mm
// across in a quiet zone, the Swiss cross in the middle, level M, byte mode, at most version 25.
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { QR_IBAN, swissInvoice, swissTenant } from '../support/swissInvoice';
import { adler32, blackWhitePng, crc32, zlibStored } from '../../src/core/png';
import { spcPayload, swissQrBill } from '../../src/core/swissQr';
import { qrModules, swissQrCodePng, utf8Binary } from '../../src/core/swissQrCode';

// Umlauts in both names: the payload is UTF-8 in the code.
const tenant = swissTenant(QR_IBAN, { legalName: 'Bäckerei Müller AG' });
const invoice = swissInvoice({ buyerName: 'Café Zoë GmbH' });

function payload(): string {
  const r = swissQrBill(invoice, tenant);
  if (!('bill' in r)) throw new Error(r.problem);
  return spcPayload(r.bill);
}

/** The PNG decoded (CRC and Adler-32 checked) to RGBA, and a reader of one pixel's blackness. */
function read(png: Uint8Array) {
  const img = PNG.sync.read(Buffer.from(png), { checkCRC: true } as never);
  const black = (x: number, y: number) => img.data[(y * img.width + x) * 4] < 128;
  return { img, black };
}

const utf8 = (s: string) => [...Buffer.from(s, 'utf8')];

describe('the PNG writer', () => {
  it('computes the standard CRC-32 and Adler-32 check values', () => {
    expect(crc32(utf8('123456789'))).toBe(0xcbf43926);
    expect(adler32(utf8('Wikipedia'))).toBe(0x11e60398);
    expect(adler32([])).toBe(1);
  });

  it('splits data over 65,535 bytes into stored blocks that zlib inflates back, Adler-32 checked', () => {
    const data = Uint8Array.from({ length: 150_000 }, (_, i) => (i * 7) % 251);
    const z = zlibStored(data);
    // Header, three blocks of 5 bytes' framing each, the data, the Adler-32.
    expect(z.length).toBe(2 + 3 * 5 + data.length + 4);
    expect(Buffer.compare(inflateSync(z), data)).toBe(0);
    const broken = Uint8Array.from(z);
    broken[broken.length - 1] ^= 1;
    expect(() => inflateSync(broken)).toThrow(/incorrect data check/);
  });

  it('writes a 1-bit grayscale picture a decoder reads pixel for pixel, rows not a multiple of 8 wide', () => {
    const black = (x: number, y: number) => (x * 3 + y * 5) % 7 < 3;
    const { img, black: isBlack } = read(blackWhitePng(13, 5, black));
    expect([img.width, img.height, img.depth, img.colorType]).toEqual([13, 5, 1, 0]);
    for (let y = 0; y < 5; y++) for (let x = 0; x < 13; x++) expect([x, y, isBlack(x, y)]).toEqual([x, y, black(x, y)]);
  });

  it('a corrupted chunk fails the decoder’s CRC check', async () => {
    const png = blackWhitePng(8, 8, () => true);
    png[50] ^= 0xff; // a pixel byte inside the IDAT chunk
    const parsed = new Promise((resolve, reject) => new PNG().parse(Buffer.from(png), (e, img) => (e ? reject(e) : resolve(img))));
    await expect(parsed).rejects.toThrow(/crc error/i);
  });
});

describe('the Swiss QR code as a PNG', () => {
  it('decodes to exactly the SPC payload, umlauts in UTF-8, in byte mode', () => {
    const text = payload();
    expect(text).toContain('Bäckerei Müller AG');
    const qr = swissQrCodePng(text);
    const { img } = read(qr.png);
    const found = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
    expect(found?.data).toBe(text);
    expect(found?.binaryData).toEqual(utf8(text));
    expect(found?.chunks.map((c) => c.type)).toEqual(['byte']);
    expect(found!.version).toBeLessThanOrEqual(25);
  });

  it('uses error correction level M (format information bits 00 after the mask)', () => {
    const m = qrModules(payload());
    // Format bits 14 and 13 (row 8, columns 0 and 1) XOR the format mask's 1 0: level M is 00.
    expect([m[8][0], m[8][1]]).toEqual([true, false]);
  });

  it('prints the code 46 mm across in a white quiet zone of 5 mm, at 300 dpi or more', () => {
    const qr = swissQrCodePng(payload());
    const { img, black } = read(qr.png);
    expect([img.width, img.height]).toEqual([qr.sizePx, qr.sizePx]);
    const mm = (pt: number) => (pt / 72) * 25.4;
    // Whole points: the code within half a point of 46 mm.
    expect(Math.abs(mm((qr.sizePt * qr.codePx) / qr.sizePx) - 46)).toBeLessThan(mm(0.5));
    expect(qr.codePx / (46 / 25.4)).toBeGreaterThanOrEqual(300);
    const quiet = (qr.sizePx - qr.codePx) / 2;
    expect(Math.abs((quiet / qr.codePx) * 46 - 5)).toBeLessThan(0.1);
    for (let i = 0; i < qr.sizePx; i++) {
      for (const [x, y] of [
        [i, quiet - 1],
        [quiet - 1, i],
        [i, qr.sizePx - quiet],
        [qr.sizePx - quiet, i],
      ])
        expect(black(x, y)).toBe(false);
    }
    // The top-left finder pattern starts right at the quiet zone.
    expect(black(quiet, quiet)).toBe(true);
  });

  it('carries the Swiss cross in the middle: a black 6 mm square in a white 7 mm border, a white cross', () => {
    const qr = swissQrCodePng(payload());
    const { black } = read(qr.png);
    const pxPerMm = qr.codePx / 46;
    const at = (dx: number, dy: number) => black(Math.floor(qr.sizePx / 2 + dx * pxPerMm), Math.floor(qr.sizePx / 2 + dy * pxPerMm));
    expect(at(0, 0)).toBe(false); // the cross's centre
    expect([at(1.5, 0), at(-1.5, 0), at(0, 1.5), at(0, -1.5)]).toEqual([false, false, false, false]); // its arms
    expect([at(2.5, 0), at(0, -2.5), at(1.5, 1.5), at(-2.5, 2.5)]).toEqual([true, true, true, true]); // the black square
    expect([at(3.25, 0), at(0, -3.25), at(-3.25, 3.25), at(3.25, 3.25)]).toEqual([false, false, false, false]); // the white border
  });

  it('fits the longest payload the guidelines allow (997 characters) in version 25, and refuses a longer one', () => {
    expect(qrModules('x'.repeat(997)).length).toBeLessThanOrEqual(4 * 25 + 17);
    expect(() => qrModules('x'.repeat(1300))).toThrow(/version 25/);
  });

  it('encodes text as UTF-8 bytes, beyond the Basic Multilingual Plane too', () => {
    expect([...utf8Binary('aé€😀')].map((c) => c.charCodeAt(0))).toEqual(utf8('aé€😀'));
  });
});
