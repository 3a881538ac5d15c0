// What reading one PDF may cost. A few KB can be built to make a reader loop for days (8,000
// object stream members pointing into one 4 MB string) or unpack gigabytes; in Apps Script that
// burns the 6-minute execution. The counters cover the whole file, not one stream.
import { BillingError } from '../errors';

/** A limit hit while reading a PDF: it ends the reading of the file, never skipped as one damaged part. */
export class PdfLimitError extends BillingError {}

export const PDF_LIMITS = {
  /**
   * Bytes all streams of a file may unpack to together, as much as one stream (MAX_STREAM_BYTES):
   * an invoice XML bigger than that is not read anyway, and unpacking is about 60 MB a second.
   */
  decodedBytes: 64 << 20,
  /** Objects defined, object stream members included: real invoices have a few thousand. */
  objects: 250_000,
  /**
   * Work: characters the parser scans, PARSE_COST per value read, bytes unpacked. An invoice PDF
   * needs a few million; this much takes about a second, and holds at most a million values.
   */
  work: 128_000_000,
};

/** The fixed part of the work of reading one value (also inside arrays and dictionaries) or looking at an object header. */
export const PARSE_COST = 128;

const mb = (n: number) => `${Math.round(n / (1 << 20))} MB`;
const thousands = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export class Budget {
  decoded = 0;
  objects = 0;
  work = 0;

  constructor(readonly limits: typeof PDF_LIMITS = PDF_LIMITS) {}

  /** `bytes` more unpacked; `what` names the stream. */
  decode(bytes: number, what: string): void {
    this.decoded += bytes;
    if (this.decoded > this.limits.decodedBytes) {
      throw new PdfLimitError(`the PDF's streams unpack to more than ${mb(this.limits.decodedBytes)} in all (reached at ${what}); it is not read`);
    }
    this.spend(bytes);
  }

  /** One more object defined. */
  object(): void {
    this.found(++this.objects);
  }

  /** `n` objects found (e.g. headers before they are read). */
  found(n: number): void {
    if (n > this.limits.objects) {
      throw new PdfLimitError(`the PDF has more than ${thousands(this.limits.objects)} objects (object stream members included); it is not read`);
    }
  }

  spend(units: number): void {
    this.work += units;
    if (this.work > this.limits.work) {
      throw new PdfLimitError(
        `the PDF takes too much work to read (more than ${this.limits.work / 1e6} million steps of parsing and unpacking); it is damaged or built to stall readers and is not read`,
      );
    }
  }
}
