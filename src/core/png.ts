// A minimal PNG writer for black-and-white pictures (the Swiss QR code a Google Doc carries): 1-bit
// grayscale, one IHDR, one IDAT and the IEND chunk, each with its CRC-32. The IDAT's zlib stream
// holds stored (uncompressed) deflate blocks and the Adler-32 of the data. Pure and byte-exact: no
// Buffer, no zlib, no TextEncoder, so it runs in Apps Script as in Node (PNG spec, RFC 1950/1951).

/** The CRC-32 table (polynomial 0xEDB88320), built on first use. */
let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/** CRC-32 of bytes[start, end), as PNG chunks carry it. */
export function crc32(bytes: ArrayLike<number>, start = 0, end = bytes.length): number {
  const t = table();
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Adler-32 of the bytes, as a zlib stream ends with it. */
export function adler32(bytes: ArrayLike<number>): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The most a stored deflate block holds. */
const STORED_MAX = 65535;

/** A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951, BTYPE 00): no compression. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / STORED_MAX));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  // CMF 0x78 (deflate, 32K window), FLG 0x01: (0x78 * 256 + 0x01) % 31 === 0, no dictionary.
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let k = 0; k < blocks; k++) {
    const from = k * STORED_MAX;
    const len = Math.min(STORED_MAX, data.length - from);
    out[o] = k === blocks - 1 ? 1 : 0; // BFINAL on the last block, BTYPE 00
    out[o + 1] = len & 0xff;
    out[o + 2] = len >>> 8;
    out[o + 3] = ~len & 0xff;
    out[o + 4] = (~len >>> 8) & 0xff;
    out.set(data.subarray(from, from + len), o + 5);
    o += 5 + len;
  }
  writeU32(out, o, adler32(data));
  return out;
}

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = (v >>> 24) & 0xff;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
}

/** One chunk: length, type, data, CRC-32 of type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  writeU32(out, 0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  writeU32(out, 8 + data.length, crc32(out, 4, 8 + data.length));
  return out;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A 1-bit grayscale PNG of width x height pixels; `black(x, y)` says which are black (all others
 * are white). Rows are unfiltered (filter type 0), 8 pixels a byte, the most significant bit first.
 */
export function blackWhitePng(width: number, height: number, black: (x: number, y: number) => boolean): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`a PNG of ${width} x ${height} pixels`);
  const stride = 1 + Math.ceil(width / 8);
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (!black(x, y)) raw[y * stride + 1 + (x >>> 3)] |= 0x80 >>> (x & 7);
  }
  const ihdr = new Uint8Array(13);
  writeU32(ihdr, 0, width);
  writeU32(ihdr, 4, height);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // colour type: grayscale (compression, filter and interlace methods 0)
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', zlibStored(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
