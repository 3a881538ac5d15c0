// Country and currency codes: a country or currency cell takes only its ISO code. A name such as
// "Germany" or "EURO" is refused with the code to use instead, never guessed: a wrong country
// picks the wrong tax rule (an export at 0 % instead of German VAT) without anybody noticing.

/** ISO 3166-1 alpha-2, plus XK (Kosovo) and XI (Northern Ireland, VAT on goods). */
const COUNTRIES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW XK XI'
  ).split(' '),
);

/** ISO 4217 currencies one can invoice in (no metals, funds or test codes). */
const CURRENCIES = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF ' +
    'CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF ' +
    'IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK ' +
    'MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR ' +
    'SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES ' +
    'VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG'
  ).split(' '),
);

/** Names people type instead of the code (English, German, French; ISO alpha-3), for the message. */
const COUNTRY_NAMES: Record<string, string> = {};
for (const [code, names] of Object.entries({
  DE: 'germany deutschland allemagne deu ger brd',
  AT: 'austria österreich oesterreich autriche aut',
  CH: 'switzerland schweiz suisse svizzera che',
  FR: 'france frankreich fra',
  NL: 'netherlands the_netherlands holland niederlande pays-bas nld',
  BE: 'belgium belgien belgique bel',
  IT: 'italy italien italie ita',
  ES: 'spain spanien espagne esp',
  PT: 'portugal prt',
  PL: 'poland polen pologne pol',
  GB: 'united_kingdom uk great_britain britain england großbritannien grossbritannien vereinigtes_königreich royaume-uni gbr',
  US: 'united_states usa united_states_of_america vereinigte_staaten états-unis etats-unis america',
  LU: 'luxembourg luxemburg lux',
  DK: 'denmark dänemark daenemark danemark dnk',
  SE: 'sweden schweden suède suede swe',
  NO: 'norway norwegen norvège norvege nor',
  FI: 'finland finnland finlande fin',
  IE: 'ireland irland irlande irl',
  CZ: 'czech_republic czechia tschechien république_tchèque cze',
  GR: 'greece griechenland grèce grece grc el',
  HU: 'hungary ungarn hongrie hun',
  RO: 'romania rumänien rumaenien roumanie rou',
  BG: 'bulgaria bulgarien bulgarie bgr',
  HR: 'croatia kroatien croatie hrv',
  SK: 'slovakia slowakei slovaquie svk',
  SI: 'slovenia slowenien slovénie slovenie svn',
  EE: 'estonia estland estonie est',
  LV: 'latvia lettland lettonie lva',
  LT: 'lithuania litauen lituanie ltu',
  MT: 'malta malte mlt',
  CY: 'cyprus zypern chypre cyp',
  LI: 'liechtenstein lie',
  CA: 'canada kanada can',
  AU: 'australia australien australie aus',
  JP: 'japan japon jpn',
  CN: 'china chine chn',
  IN: 'india indien inde ind',
  TR: 'turkey türkei tuerkei turquie türkiye tur',
  UA: 'ukraine ukr',
  NZ: 'new_zealand neuseeland nzl',
}))
  for (const n of names.split(' ')) COUNTRY_NAMES[n] = code;

const CURRENCY_NAMES: Record<string, string> = {
  euro: 'EUR',
  euros: 'EUR',
  '€': 'EUR',
  eu: 'EUR',
  dollar: 'USD',
  dollars: 'USD',
  $: 'USD',
  us$: 'USD',
  usd$: 'USD',
  franken: 'CHF',
  sfr: 'CHF',
  'sfr.': 'CHF',
  'fr.': 'CHF',
  franc: 'CHF',
  pfund: 'GBP',
  pound: 'GBP',
  '£': 'GBP',
  sterling: 'GBP',
  zloty: 'PLN',
  złoty: 'PLN',
  zł: 'PLN',
  yen: 'JPY',
  '¥': 'JPY',
  krone: 'DKK',
  kronor: 'SEK',
  forint: 'HUF',
};

const key = (s: string) => s.trim().toLowerCase().replace(/\s+/g, '_');

export type CodeCheck = { ok: true; code: string } | { ok: false; message: string };

/** A country cell: its ISO code (any case), or `extra` values such as "*" or "EU" in TaxRules. */
export function checkCountry(value: string, extra: readonly string[] = []): CodeCheck {
  const s = value.trim().toUpperCase();
  if (COUNTRIES.has(s) || extra.includes(s)) return { ok: true, code: s };
  const hint = COUNTRY_NAMES[key(value)];
  const more = extra.length ? ` (or ${extra.join(', ')})` : '';
  return { ok: false, message: hint ? `use the ISO country code ${hint} for "${value}"` : `"${value}" is not an ISO 3166 two-letter country code${more}, e.g. DE, AT, CH` };
}

/** A currency cell: its ISO 4217 code (any case). */
export function checkCurrency(value: string): CodeCheck {
  const s = value.trim().toUpperCase();
  if (CURRENCIES.has(s)) return { ok: true, code: s };
  const hint = CURRENCY_NAMES[key(value)];
  return { ok: false, message: hint ? `use the ISO currency code ${hint} for "${value}"` : `"${value}" is not an ISO 4217 currency code, e.g. EUR, CHF, USD` };
}
