// The SEPA character set (EPC "Latin character set": a-z A-Z 0-9 / - ? : ( ) . , ' + space). Banks
// may reject or garble anything else in a direct debit file, so names and remittance texts are
// transliterated here rather than sent as UTF-8 and hoped for.

/** Letters whose plain-Latin spelling is not just the letter without its accent. */
const SPELLED: Record<string, string> = {
  ä: 'ae',
  ö: 'oe',
  ü: 'ue',
  Ä: 'Ae',
  Ö: 'Oe',
  Ü: 'Ue',
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'Ae',
  œ: 'oe',
  Œ: 'Oe',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'Th',
  '&': '+',
  // Typographic punctuation from word processors: keep its meaning.
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u2013': '-',
  '\u2014': '-',
  '\u2010': '-',
  '\u2011': '-',
};

const NOT_SEPA = /[^A-Za-z0-9/\-?:().,'+ ]/g;
const SEPA_ONLY = /^[A-Za-z0-9/\-?:().,'+ ]*$/;

/** Strips accents (é → e, ç → c, å → a, ñ → n) where the runtime can decompose; otherwise they become spaces below. */
function withoutAccents(s: string): string {
  return typeof s.normalize === 'function' ? s.normalize('NFD').replace(/[\u0300-\u036f]/g, '') : s;
}

/**
 * `s` in the SEPA character set, at most `max` characters: umlauts and ligatures spelled out, accents
 * dropped, "&" as "+", anything else a space; runs of spaces collapsed and the ends trimmed.
 */
export function sepaText(s: string, max: number): string {
  let out = '';
  for (const ch of s) out += SPELLED[ch] ?? ch;
  const plain = withoutAccents(out).replace(NOT_SEPA, ' ').replace(/ {2,}/g, ' ').trim();
  return plain.slice(0, Math.max(0, max)).trimEnd();
}

/** Whether every character of `s` is in the SEPA character set. */
export function isSepaText(s: string): boolean {
  return SEPA_ONLY.test(s);
}
