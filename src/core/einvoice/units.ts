// Units of measure as UN/ECE Recommendation 20 codes (BT-130), from what users type in Products.
const CODES: Record<string, string> = {
  '': 'C62', stk: 'H87', 'stück': 'H87', piece: 'H87', pcs: 'H87', pc: 'H87', 'pièce': 'H87', unit: 'C62', einheit: 'C62', 'unité': 'C62',
  lizenz: 'C62', license: 'C62', licence: 'C62', seat: 'C62', user: 'C62', nutzer: 'C62',
  monat: 'MON', month: 'MON', mois: 'MON', mo: 'MON', jahr: 'ANN', year: 'ANN', 'année': 'ANN', an: 'ANN', quartal: 'QAN', quarter: 'QAN',
  woche: 'WEE', week: 'WEE', tag: 'DAY', day: 'DAY', jour: 'DAY', h: 'HUR', std: 'HUR', stunde: 'HUR', hour: 'HUR', heure: 'HUR',
  min: 'MIN', minute: 'MIN', kg: 'KGM', g: 'GRM', t: 'TNE', m: 'MTR', km: 'KMT', l: 'LTR', m2: 'MTK', 'm²': 'MTK', m3: 'MTQ', 'm³': 'MTQ',
  kwh: 'KWH', gb: 'E34', mb: '4L', tb: 'E35', call: 'C62', request: 'C62', api: 'C62', pauschal: 'LS', flat: 'LS', 'forfait': 'LS',
};

/** A Rec 20 code for a unit name; a Rec 20 code itself passes through; anything else is "one" (C62). */
export function unitCode(unit: string | undefined): string {
  const u = (unit ?? '').trim();
  const key = u.toLowerCase().replace(/\.$/, '');
  // "months", "hours", "Stunden": the singular. Names first, so "KG" or "STK" map like "kg" and "Stk".
  const named = CODES[key] ?? CODES[key.replace(/s$/, '')] ?? CODES[key.replace(/n$/, '')];
  if (named) return named;
  return /^[A-Z0-9]{2,3}$/.test(u) ? u : 'C62';
}
