// The Swiss QR code of a QR-bill as a picture, for a host that cannot draw (Google Docs takes a PNG,
// no SVG, and Apps Script has no canvas). After the Swiss Payment Standards' Implementation
// Guidelines for the QR-bill (v2.3, section 6.4): the SPC payload in byte mode, UTF-8, error
// correction level M, at most version 25; the code prints 46 x 46 mm, in a 5 mm quiet zone, with
// the Swiss cross (7 x 7 mm: a black 6 mm square in a white border, a white cross) in its middle.
// The Node host's PDF draws the same with the swissqrbill library (its dimensions are taken here).
import qrcode from 'qrcode-generator';
import { blackWhitePng } from './png';

/** Millimetres of the code (without quiet zone), its quiet zone and the cross's parts. */
const CODE_MM = 46;
const QUIET_MM = 5;
const CROSS = { white: 7, black: 6, arm: 3.89, thickness: 1.17 } as const;
/** At least this many pixels across the code: 300 dpi at 46 mm. */
const MIN_CODE_PX = 544;
/** The largest version the guidelines allow (117 x 117 modules). */
const MAX_MODULES = 4 * 25 + 17;

/** The text's UTF-8 bytes, one char code (0–255) each: qrcode-generator's byte mode takes a char's low byte. */
export function utf8Binary(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    const bytes =
      c < 0x80
        ? [c]
        : c < 0x800
          ? [0xc0 | (c >> 6), 0x80 | (c & 63)]
          : c < 0x10000
            ? [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)]
            : [0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63)];
    out += String.fromCharCode(...bytes);
  }
  return out;
}

/** The QR code's modules (true = dark), rows first: byte mode, UTF-8, level M, the smallest version that fits. */
export function qrModules(text: string): boolean[][] {
  const qr = qrcode(0, 'M');
  qr.addData(utf8Binary(text), 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  if (n > MAX_MODULES) throw new RangeError(`the QR-bill's payload needs a QR code larger than version 25 (${n} modules)`);
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

export interface SwissQrCodeImage {
  /** The PNG file's bytes. */
  png: Uint8Array;
  /** Pixels across the picture (it is square), quiet zone included. */
  sizePx: number;
  /** Pixels across the code itself (the modules), which prints 46 mm. */
  codePx: number;
  /** The picture's printed width and height in points (whole points): the code 46 mm and its quiet zone. */
  sizePt: number;
}

/** Whether the pixel at (dx, dy) mm from the centre is white, black or the code's (undefined) under the Swiss cross. */
function crossAt(dx: number, dy: number): boolean | undefined {
  const ax = Math.abs(dx);
  const ay = Math.abs(dy);
  if (ax > CROSS.white / 2 || ay > CROSS.white / 2) return undefined;
  if (ax > CROSS.black / 2 || ay > CROSS.black / 2) return false;
  const bar = (a: number, b: number) => a <= CROSS.arm / 2 && b <= CROSS.thickness / 2;
  return !(bar(ax, ay) || bar(ay, ax));
}

/** The Swiss QR code of an SPC payload (swissQr.ts) as a 1-bit PNG, with its printed size. */
export function swissQrCodePng(payload: string): SwissQrCodeImage {
  const modules = qrModules(payload);
  const n = modules.length;
  const scale = Math.ceil(MIN_CODE_PX / n);
  const codePx = n * scale;
  const mmPerPx = CODE_MM / codePx;
  const quietPx = Math.round(QUIET_MM / mmPerPx);
  const sizePx = codePx + 2 * quietPx;
  const centre = sizePx / 2;
  const png = blackWhitePng(sizePx, sizePx, (x, y) => {
    const cross = crossAt((x + 0.5 - centre) * mmPerPx, (y + 0.5 - centre) * mmPerPx);
    if (cross !== undefined) return cross;
    const c = Math.floor((x - quietPx) / scale);
    const r = Math.floor((y - quietPx) / scale);
    return r >= 0 && r < n && c >= 0 && c < n && modules[r][c];
  });
  return { png, sizePx, codePx, sizePt: Math.round(((CODE_MM / 25.4) * 72 * sizePx) / codePx) };
}
