// A stream's data with its filters undone: FlateDecode (fflate's synchronous code: no workers, no
// timers, so it runs in Apps Script's V8) and the TIFF and PNG predictors.
import { Inflate, Unzlib } from 'fflate';
import { BillingError } from '../errors';
import { PdfLimitError, type Budget } from './budget';
import { dictOf, resolve, type PdfFile, type PdfObject } from './objects';
import { nameOf, type PdfDict, type PdfValue } from './values';

/** A stream's data with its filters undone; BillingError for what cannot be read, naming `what`. */
export function decodeStream(file: PdfFile, obj: PdfObject, what: string): Uint8Array {
  if (!obj.stream) throw new BillingError(`the PDF is damaged: ${what} is not a stream`);
  if (!obj.stream.complete) throw new BillingError(`the PDF is truncated or damaged: ${what} has no end`);
  const dict = dictOf(file, obj.value)!;
  const filters = asList(resolve(file, dict.entries.get('Filter')));
  const parms = asList(resolve(file, dict.entries.get('DecodeParms') ?? dict.entries.get('DP')));
  let data = file.bytes.subarray(obj.stream.start, obj.stream.end);
  filters.forEach((f, i) => {
    const filter = nameOf(resolve(file, f));
    if (filter !== 'FlateDecode' && filter !== 'Fl') {
      throw new BillingError(`${what} in the PDF uses the ${filter ?? 'unnamed'} filter, which is not supported (only FlateDecode)`);
    }
    data = unpredict(file, inflate(data, what, file.budget), dictOf(file, parms[i]), what);
  });
  return data;
}

const asList = (v: PdfValue | undefined): PdfValue[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** More than this from one stream is refused: a few KB of deflate can claim gigabytes (a "zip bomb"). */
export const MAX_STREAM_BYTES = 64 << 20;
/** Input is fed in pieces this big, so no single step can produce more than about 16 MB. */
const PIECE = 1 << 14;

class TooLarge extends BillingError {}

/** zlib data; some writers omit or break the zlib header or checksum, so raw deflate is tried too. */
function inflate(data: Uint8Array, what: string, budget: Budget): Uint8Array {
  for (const attempt of [() => inflateCapped(data, true, what, budget), () => inflateCapped(data.subarray(2), false, what, budget), () => inflateCapped(data, false, what, budget)]) {
    try {
      return attempt();
    } catch (e) {
      if (e instanceof TooLarge || e instanceof PdfLimitError) throw e;
      // next attempt
    }
  }
  throw new BillingError(`the PDF is damaged: the compressed data of ${what} cannot be read`);
}

/** Inflates in pieces, counting the output against MAX_STREAM_BYTES and the file's budget (a failed attempt's output counts too). */
function inflateCapped(data: Uint8Array, zlib: boolean, what: string, budget: Budget): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  const stream = zlib ? new Unzlib() : new Inflate();
  stream.ondata = (chunk) => {
    total += chunk.length;
    if (total > MAX_STREAM_BYTES) throw new TooLarge(`${what} in the PDF unpacks to more than ${MAX_STREAM_BYTES >> 20} MB; it is not read`);
    budget.decode(chunk.length, what);
    parts.push(chunk);
  };
  if (!data.length) stream.push(data, true);
  for (let at = 0; at < data.length; at += PIECE) stream.push(data.subarray(at, at + PIECE), at + PIECE >= data.length);
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Predictor parameters a real stream can have (ISO 32000 7.4.4.4); anything else is refused before a loop runs on it. */
const PREDICTOR_PARAMS: Record<string, { dflt: number; ok: (n: number) => boolean; allowed: string }> = {
  Colors: { dflt: 1, ok: (n) => Number.isInteger(n) && n >= 1 && n <= 32, allowed: 'a whole number from 1 to 32' },
  BitsPerComponent: { dflt: 8, ok: (n) => [1, 2, 4, 8, 16].includes(n), allowed: '1, 2, 4, 8 or 16' },
  Columns: { dflt: 1, ok: (n) => Number.isInteger(n) && n >= 1 && n <= 1 << 20, allowed: 'a whole number from 1 to 1048576' },
};

/** Undoes a /Predictor: 2 (TIFF, 8 bits per component) or 10-15 (PNG, a filter type byte per row). */
function unpredict(file: PdfFile, data: Uint8Array, parms: PdfDict | undefined, what: string): Uint8Array {
  const present = (key: string) => {
    const v = parms?.entries.get(key);
    return v === undefined ? undefined : resolve(file, v);
  };
  const predictor = present('Predictor') ?? 1;
  if (predictor === 1) return data;
  if (typeof predictor !== 'number' || !(predictor === 2 || (Number.isInteger(predictor) && predictor >= 10 && predictor <= 15))) {
    throw new BillingError(`${what} in the PDF uses predictor ${typeof predictor === 'number' ? predictor : '(not a number)'}, which is not supported`);
  }
  const get = (key: string) => {
    const { dflt, ok, allowed } = PREDICTOR_PARAMS[key];
    const v = present(key) ?? dflt;
    if (typeof v !== 'number' || !ok(v)) {
      throw new BillingError(`the PDF is damaged: ${what} has a predictor with /${key} ${typeof v === 'number' ? v : '(not a number)'} (allowed: ${allowed}); it is not read`);
    }
    return v;
  };
  const colors = get('Colors');
  const bits = get('BitsPerComponent');
  const bpp = Math.max(1, Math.ceil((colors * bits) / 8));
  const rowLength = Math.ceil((colors * bits * get('Columns')) / 8);
  if (predictor >= 10) return unpredictPng(data, bpp, rowLength, what);
  if (bits === 8) return unpredictTiff(data, colors, rowLength);
  throw new BillingError(`${what} in the PDF uses predictor ${predictor} (${bits} bits), which is not supported`);
}

function unpredictTiff(data: Uint8Array, colors: number, rowLength: number): Uint8Array {
  const out = data.slice();
  for (let row = 0; row < out.length; row += rowLength) {
    for (let i = row + colors; i < Math.min(row + rowLength, out.length); i++) out[i] += out[i - colors];
  }
  return out;
}

/** PNG filters per row: 0 none, 1 sub, 2 up, 3 average, 4 Paeth. A partial last row is dropped. */
function unpredictPng(data: Uint8Array, bpp: number, rowLength: number, what: string): Uint8Array {
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)];
    const src = r * (rowLength + 1) + 1;
    const o = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const left = i >= bpp ? out[o + i - bpp] : 0;
      const up = r > 0 ? out[o - rowLength + i] : 0;
      const upLeft = r > 0 && i >= bpp ? out[o - rowLength + i - bpp] : 0;
      out[o + i] = data[src + i] + pngPrediction(type, left, up, upLeft, what);
    }
  }
  return out;
}

function pngPrediction(type: number, left: number, up: number, upLeft: number, what: string): number {
  switch (type) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const p = left + up - upLeft;
      const pa = Math.abs(p - left),
        pb = Math.abs(p - up),
        pc = Math.abs(p - upLeft);
      return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
    }
    default:
      throw new BillingError(`the PDF is damaged: ${what} has PNG filter type ${type}`);
  }
}
