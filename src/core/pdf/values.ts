// The values of PDF syntax (null, booleans, numbers, names, strings, references, dictionaries,
// arrays) and the checks that narrow them.

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfDict | PdfValue[];
export interface PdfName {
  kind: 'name';
  name: string;
}
/** The string's bytes as a latin1 "binary string" (one char per byte). */
export interface PdfString {
  kind: 'string';
  bytes: string;
}
export interface PdfRef {
  kind: 'ref';
  num: number;
  gen: number;
}
export interface PdfDict {
  kind: 'dict';
  entries: Map<string, PdfValue>;
}

export const isDict = (v: PdfValue | undefined): v is PdfDict => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'dict';
export const isRef = (v: PdfValue | undefined): v is PdfRef => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'ref';
export const nameOf = (v: PdfValue | undefined): string | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'name' ? v.name : undefined);
export const stringOf = (v: PdfValue | undefined): string | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'string' ? v.bytes : undefined);
