// A PDF file as read: its objects by number, its trailers, and following references between them.
import type { Budget } from './budget';
import { isDict, isRef, type PdfDict, type PdfValue } from './values';

export interface StreamSpan {
  start: number;
  end: number;
  complete: boolean;
}
export interface PdfObject {
  num: number;
  value: PdfValue;
  /** Where the stream's data lies in the file (objects in object streams have none). */
  stream?: StreamSpan;
  /** Position in the file (an object stream's members take the stream's): the larger wins. */
  order: number;
}

export interface PdfFile {
  bytes: Uint8Array;
  s: string;
  objects: Map<number, PdfObject>;
  /** `trailer` dictionaries and cross-reference stream dictionaries, in file order. */
  trailers: { order: number; dict: PdfDict }[];
  /** Object streams that could not be read, for the error message when nothing is found. */
  unreadable: string[];
  /** What reading this file has cost so far, against its limits. */
  budget: Budget;
}

/** Follows references (a few hops; a cycle or a missing object is null). */
export function resolve(file: PdfFile, v: PdfValue | undefined): PdfValue | undefined {
  for (let hops = 0; isRef(v) && hops < 8; hops++) v = file.objects.get(v.num)?.value ?? null;
  return isRef(v) ? null : v;
}

export const dictOf = (file: PdfFile, v: PdfValue | undefined) => {
  const d = resolve(file, v);
  return isDict(d) ? d : undefined;
};

export const numberOf = (file: PdfFile, v: PdfValue | undefined) => {
  const n = resolve(file, v);
  return typeof n === 'number' ? n : undefined;
};
