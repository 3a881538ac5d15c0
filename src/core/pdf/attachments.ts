// The embedded files of a PDF: the file specifications (dictionaries with /EF) reachable from the
// newest catalog, so an attachment an incremental update replaced is not reported.
import { BillingError } from '../errors';
import { readFile } from './file';
import { dictOf, numberOf, resolve, type PdfFile, type PdfObject } from './objects';
import { decodeStream } from './streams';
import { textString } from './text';
import { isDict, isRef, nameOf, stringOf, type PdfDict, type PdfValue } from './values';

export interface PdfAttachment {
  name: string;
  data: Uint8Array;
  /** The file specification's /AFRelationship ("Alternative" for Factur-X), when given. */
  relationship?: string;
  /** The embedded file stream's /Subtype ("text/xml"), when given. */
  mimeType?: string;
}

/** An attachment whose data is decoded only when asked for: one unreadable file must not hide the others. */
export interface FoundFile extends Omit<PdfAttachment, 'data'> {
  data(): Uint8Array;
  stream: PdfObject;
}

/** The file specifications with embedded files, depth first from the newest catalog, in document order. */
function embeddedFiles(file: PdfFile): FoundFile[] {
  const out: FoundFile[] = [];
  const seen = new Set<number>();
  const streams = new Set<PdfObject>(); // a file listed twice (as a direct dictionary in /AF and the name tree) counts once
  const stack: (PdfValue | undefined)[] = startingPoints(file).reverse();
  while (stack.length) {
    const v = stack.pop();
    file.budget.spend(1);
    if (isRef(v)) {
      if (!seen.has(v.num)) stack.push(file.objects.get(v.num)?.value);
      seen.add(v.num);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (isDict(v)) {
      const found = fileOf(file, v);
      if (found && !streams.has(found.stream)) out.push(found);
      if (found) streams.add(found.stream);
      const entries = [...v.entries.values()];
      for (let i = entries.length - 1; i >= 0; i--) stack.push(entries[i]); // not push(...): a dictionary of a million entries overflows the call
    }
  }
  return out;
}

/** The newest trailer's /Root; every object in file order when there is none (a damaged trailer). */
function startingPoints(file: PdfFile): PdfValue[] {
  const withRoot = file.trailers.filter((t) => dictOf(file, t.dict.entries.get('Root')));
  if (withRoot.length) return [withRoot.reduce((a, b) => (b.order >= a.order ? b : a)).dict.entries.get('Root')!];
  return [...file.objects.values()].sort((a, b) => a.order - b.order).map((o) => ({ kind: 'ref', num: o.num, gen: 0 }));
}

/** The embedded file of a file specification dictionary (/EF with /F or /UF naming a stream). */
function fileOf(file: PdfFile, spec: PdfDict): FoundFile | undefined {
  const ef = dictOf(file, spec.entries.get('EF'));
  const ref = ef?.entries.get('F') ?? ef?.entries.get('UF');
  const stream = isRef(ref) ? file.objects.get(ref.num) : undefined;
  if (!stream?.stream) return undefined;
  const text = (key: string) => {
    const raw = stringOf(resolve(file, spec.entries.get(key)));
    return raw === undefined || raw === '' ? undefined : textString(raw);
  };
  const name = text('UF') ?? text('F') ?? text('DOS') ?? text('Unix') ?? text('Mac') ?? '';
  const relationship = nameOf(resolve(file, spec.entries.get('AFRelationship')));
  const mimeType = nameOf(resolve(file, dictOf(file, stream.value)?.entries.get('Subtype')));
  return {
    name,
    ...(relationship ? { relationship } : {}),
    ...(mimeType ? { mimeType } : {}),
    data: () => {
      const what = `the embedded file "${name}"`;
      const data = decodeStream(file, stream, what);
      // /Params /Size is the file's length as written: a damaged stream that still inflates shows here.
      const size = numberOf(file, dictOf(file, dictOf(file, stream.value)?.entries.get('Params'))?.entries.get('Size'));
      if (size !== undefined && size !== data.length) throw new BillingError(`the PDF is damaged: ${what} has ${data.length} bytes, not the ${size} it declares`);
      return data;
    },
    stream,
  };
}

/** Where %PDF- starts (the spec allows up to 1024 bytes before it), or -1. */
function headerAt(bytes: Uint8Array): number {
  const sig = [0x25, 0x50, 0x44, 0x46, 0x2d];
  for (let i = 0; i <= Math.min(1024, bytes.length - sig.length); i++) if (sig.every((c, k) => bytes[i + k] === c)) return i;
  return -1;
}

export function isPdf(bytes: Uint8Array): boolean {
  return headerAt(bytes) >= 0;
}

export function openPdf(pdf: Uint8Array): { file: PdfFile; files: FoundFile[] } {
  if (!isPdf(pdf)) throw new BillingError('not a PDF: the file does not start with %PDF-');
  const file = readFile(pdf);
  return { file, files: embeddedFiles(file) };
}

/** All embedded files (from Filespec dictionaries with /EF), in document order. */
export function pdfAttachments(pdf: Uint8Array): PdfAttachment[] {
  return openPdf(pdf).files.map(({ data, stream: _, ...f }) => ({ ...f, data: data() }));
}
