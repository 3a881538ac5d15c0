// Bytes to strings without TextDecoder (Apps Script has none): latin1, UTF-8, and PDF text strings.

/**
 * A string from char codes, in chunks: one call with millions of arguments overflows the stack, and
 * a char at a time is slow. apply() takes a typed array as it is (a spread would iterate it).
 */
function fromCodes(codes: Uint8Array | Uint16Array): string {
  const parts: string[] = [];
  for (let i = 0; i < codes.length; i += 8192) parts.push(String.fromCharCode.apply(null, codes.subarray(i, i + 8192) as unknown as number[]));
  return parts.join('');
}

export const latin1 = (bytes: Uint8Array): string => fromCodes(bytes);

// PDFDocEncoding differs from latin1 in 0x18-0x1F and 0x80-0xA0 (0x9F is undefined).
const PDF_DOC: Record<number, number> = {
  0x18: 0x2d8,
  0x19: 0x2c7,
  0x1a: 0x2c6,
  0x1b: 0x2d9,
  0x1c: 0x2dd,
  0x1d: 0x2db,
  0x1e: 0x2da,
  0x1f: 0x2dc,
  0x80: 0x2022,
  0x81: 0x2020,
  0x82: 0x2021,
  0x83: 0x2026,
  0x84: 0x2014,
  0x85: 0x2013,
  0x86: 0x192,
  0x87: 0x2044,
  0x88: 0x2039,
  0x89: 0x203a,
  0x8a: 0x2212,
  0x8b: 0x2030,
  0x8c: 0x201e,
  0x8d: 0x201c,
  0x8e: 0x201d,
  0x8f: 0x2018,
  0x90: 0x2019,
  0x91: 0x201a,
  0x92: 0x2122,
  0x93: 0xfb01,
  0x94: 0xfb02,
  0x95: 0x141,
  0x96: 0x152,
  0x97: 0x160,
  0x98: 0x178,
  0x99: 0x17d,
  0x9a: 0x131,
  0x9b: 0x142,
  0x9c: 0x153,
  0x9d: 0x161,
  0x9e: 0x17e,
  0xa0: 0x20ac,
};

/** A PDF text string: UTF-16BE (or, seen in the wild, LE) after its BOM, UTF-8 after its BOM (PDF 2.0), else PDFDocEncoding. */
export function textString(bytes: string): string {
  const utf16 = (be: boolean) => {
    const units = new Uint16Array((bytes.length - 2) >> 1);
    for (let k = 0, i = 2; k < units.length; k++, i += 2) units[k] = be ? (bytes.charCodeAt(i) << 8) | bytes.charCodeAt(i + 1) : (bytes.charCodeAt(i + 1) << 8) | bytes.charCodeAt(i);
    return fromCodes(units);
  };
  if (bytes.startsWith('\xfe\xff')) return utf16(true);
  if (bytes.startsWith('\xff\xfe')) return utf16(false);
  if (bytes.startsWith('\xef\xbb\xbf')) return utf8(Uint8Array.from(bytes, (c) => c.charCodeAt(0)));
  return bytes.replace(/[\x18-\x1f\x80-\xa0]/g, (c) => String.fromCharCode(PDF_DOC[c.charCodeAt(0)] ?? c.charCodeAt(0)));
}

/** UTF-8 to a string, without TextDecoder (Apps Script has none): a leading BOM is dropped, invalid bytes become U+FFFD. */
export function utf8(bytes: Uint8Array): string {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let ascii = i;
  while (ascii < bytes.length && bytes[ascii] < 0x80) ascii++;
  if (ascii === bytes.length) return fromCodes(bytes.subarray(i)); // ASCII, as most XML: no buffer twice the size
  const units = new Uint16Array(bytes.length); // never more UTF-16 units than UTF-8 bytes
  let n = 0;
  while (i < bytes.length) {
    if (bytes[i] < 0x80) {
      units[n++] = bytes[i++]; // ASCII, most of any XML: no tuple to allocate
      continue;
    }
    const [cp, size] = codePointAt(bytes, i);
    i += size;
    if (cp > 0xffff) {
      units[n++] = 0xd800 + ((cp - 0x10000) >> 10);
      units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    } else units[n++] = cp;
  }
  return fromCodes(units.subarray(0, n));
}

/** The code point at i and its byte count; [U+FFFD, 1] for a byte that starts no valid sequence. */
function codePointAt(b: Uint8Array, i: number): [number, number] {
  const c = b[i];
  if (c < 0x80) return [c, 1];
  const size = c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
  let cp = size ? c & (0xff >> (size + 1)) : 0;
  for (let k = 1; k < size; k++) {
    const cc = b[i + k];
    if (cc === undefined || (cc & 0xc0) !== 0x80) return [0xfffd, 1];
    cp = (cp << 6) | (cc & 0x3f);
  }
  const min = [0, 0, 0x80, 0x800, 0x10000][size];
  if (!size || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [0xfffd, 1]; // overlong or a surrogate
  return [cp, size];
}
