// "Set up billing sheets": every sheet of the schema with its header row, frozen and bold (required
// columns dark red, the engine's grey), a note per column, drop-downs for enum columns and for
// reference columns (the referenced sheet's ids), formats, and widths for the columns it adds; a
// TaxRules sheet it creates gets example rules for the tenant's country. Missing sheets and columns
// are added, the user's data and own columns are never touched. The engine's sheets, and the engine's columns of
// Items and Transactions, are protected so only the billing admins (Settings) can edit them.
// Formats, drop-downs and protections cover every row of the grid, not a fixed number of rows.
import { columnNote, isRequiredInput, SCHEMA, TABLE_NAMES, type ColumnDef, type TableName } from '../core/schema';
import { hasStarterRules, STARTER_DEFAULT_COUNTRY, starterTaxRules } from '../core/starterTaxRules';
import { normalizeHeader } from '../core/table';
import { BillingError } from '../core/errors';
import { numberFormatOf } from './sheetFormats';
import type { LockPort } from '../ports';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

/** Where a column is among a sheet's headers, matched as the engine matches them (-1: not there). */
const columnAt = (headers: readonly unknown[], header: string) => headers.findIndex((h) => normalizeHeader(h) === normalizeHeader(header));
/** The schema's column a header names, if any. */
const schemaColumn = (name: TableName, header: unknown) => SCHEMA[name].columns.find((c) => normalizeHeader(c.header) === normalizeHeader(header));

export interface SetupReport {
  createdSheets: string[];
  /** Example TaxRules written into a TaxRules sheet setup created (their Rule IDs). */
  starterTaxRules?: string[];
  addedColumns: string[];
  protectedSheets: string[];
  protectedColumns: string[];
}

export const PROTECTION_DESCRIPTION = 'Billing engine';
const DESCRIPTION = PROTECTION_DESCRIPTION;

export function setupSheets(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, admins: string[]): SetupReport {
  const report: SetupReport = { createdSheets: [], addedColumns: [], protectedSheets: [], protectedColumns: [] };
  for (const name of TABLE_NAMES) {
    let sheet = ss.getSheetByName(name);
    if (!sheet) {
      sheet = ss.insertSheet(name);
      report.createdSheets.push(name);
    }
    const added = report.createdSheets.includes(name) ? SCHEMA[name].columns.map((c) => c.header) : [];
    const headers = headerRow(sheet, name, report);
    if (!added.length) added.push(...report.addedColumns.filter((c) => c.startsWith(`${name}.`)).map((c) => c.slice(name.length + 1)));
    fitColumns(sheet, name, headers, added);
    formatColumns(ss, sheet, name, headers, 2);
    protect(sheet, name, headers, admins, report);
    if (name === 'TaxRules' && report.createdSheets.includes(name)) report.starterTaxRules = writeStarterRules(ss, sheet, headers);
    if (!SCHEMA[name].engineOwned) PropertiesService.getDocumentProperties().setProperty(gridKey(name), String(sheet.getMaxRows()));
  }
  return report;
}

/** Rows of a user sheet that have the engine's formats, drop-downs and protections (Document Properties). */
const gridKey = (name: TableName) => `billing.grid.${name}`;
/** What setup covered before it recorded anything: rows 2–2001. */
const OLD_SETUP_ROWS = 2001;

/**
 * Rows users add to their sheets (Sheets' "Add more rows") have none of setup's formats, drop-downs
 * and protections: an admin's run gives them those, so typed ids stay text and engine columns stay
 * protected however far a sheet grows. Nothing happens while the grid is as setup left it.
 */
export function extendToGrid(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, ports: { lock: LockPort }): void {
  const props = PropertiesService.getDocumentProperties();
  const grown = TABLE_NAMES.filter((n) => !SCHEMA[n].engineOwned).flatMap((name) => {
    const sheet = ss.getSheetByName(name);
    if (!sheet) return [];
    const covered = Number(props.getProperty(gridKey(name)) ?? OLD_SETUP_ROWS);
    const rows = sheet.getMaxRows();
    return rows > covered ? [{ name, sheet, covered, rows }] : [];
  });
  // Only a grown sheet takes the lock (setup, another admin's run may be changing the same ranges).
  if (grown.length)
    ports.lock.withLock(() => {
      for (const g of grown) extendSheet(ss, g.name, g.sheet, g.covered, g.rows);
      repointReferences(ss, new Set(grown.map((g) => g.name)));
    }, "extend the sheets' formats to new rows");
}

/** Rows covered+1..rows of a user sheet get the formats, drop-downs and engine-column protections. */
function extendSheet(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, name: TableName, sheet: Sheet, covered: number, rows: number): void {
  const headers = (sheet.getRange(1, 1, 1, Math.max(1, sheet.getLastColumn())).getValues()[0] as unknown[]).map(String);
  formatColumns(ss, sheet, name, headers, covered + 1);
  for (const p of sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE)) {
    if (p.getDescription() !== DESCRIPTION || !p.canEdit()) continue;
    const r = p.getRange();
    if (r.getLastRow() < rows) p.setRange(sheet.getRange(1, r.getColumn(), rows, 1));
  }
  PropertiesService.getDocumentProperties().setProperty(gridKey(name), String(rows));
}

/**
 * The drop-downs of reference columns name the referenced sheet's id rows as they were: when that
 * sheet grew, they are set again over every row, so ids in its new rows are offered too.
 */
function repointReferences(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, grown: Set<TableName>): void {
  for (const name of TABLE_NAMES) {
    const refs = SCHEMA[name].columns.filter((c) => c.ref && grown.has(c.ref));
    const sheet = refs.length && !SCHEMA[name].engineOwned ? ss.getSheetByName(name) : null;
    if (!sheet || sheet.getMaxRows() < 2) continue;
    const headers = (sheet.getRange(1, 1, 1, Math.max(1, sheet.getLastColumn())).getValues()[0] as unknown[]).map(String);
    for (const col of refs) {
      const at = columnAt(headers, col.header);
      const ids = at < 0 ? undefined : idRange(ss, col.ref!);
      if (ids) sheet.getRange(2, at + 1, sheet.getMaxRows() - 1, 1).setDataValidation(referenceRule(ids, col));
    }
  }
}

/** Adds the schema columns the header row lacks, at its end, in one write; returns the header row. */
function headerRow(sheet: Sheet, name: TableName, report: SetupReport): string[] {
  const width = sheet.getLastColumn();
  const current = width ? (sheet.getRange(1, 1, 1, width).getValues()[0] as unknown[]).map((h) => String(h)) : [];
  const have = new Set(current.map(normalizeHeader));
  const missing = SCHEMA[name].columns.filter((c) => !have.has(normalizeHeader(c.header)));
  while (current.length && current[current.length - 1] === '') current.pop();
  const headers = [...current, ...missing.map((c) => c.header)];
  const maxCols = sheet.getMaxColumns();
  if (headers.length > maxCols) sheet.insertColumnsAfter(maxCols, headers.length - maxCols);
  if (missing.length) {
    sheet.getRange(1, 1, 1, headers.length).setValues([headers]);
    report.addedColumns.push(...missing.map((c) => `${name}.${c.header}`));
  }
  const head = sheet.getRange(1, 1, 1, headers.length);
  const cols = headers.map((h) => schemaColumn(name, h));
  head.setFontWeight('bold');
  // Required columns stand out (dark red), the engine's are grey; the user's own keep the default.
  head.setFontColors([cols.map((c) => (!c ? null : isRequiredInput(name, c) ? REQUIRED_COLOR : c.engine || SCHEMA[name].engineOwned ? ENGINE_COLOR : null))]);
  head.setNotes([cols.map((c) => (c ? columnNote(name, c) : ''))]);
  sheet.setFrozenRows(1);
  return headers;
}

const REQUIRED_COLOR = '#9c0006';
const ENGINE_COLOR = '#555555';

/** Pixels per character of the default font, and the bounds of a column's width. */
const PX = { perChar: 7, padding: 24, min: 80, max: 420 } as const;

/** The characters a column's usual values need (dates, date-times, amounts, invoice numbers, names). */
function typicalChars(col: ColumnDef): number {
  if (col.type === 'datetime') return 19;
  if (col.type === 'date' || col.type === 'money') return 12;
  if (col.type === 'ref' || col.key.endsWith('Id') || col.key === 'number' || col.key === 'name' || col.key === 'legalName' || col.key === 'buyerName') return 16;
  return 0;
}

/**
 * Widths for the columns setup added (all of a sheet it created), from the schema: header and usual
 * values fit ("RE-2026-00001", names). Columns that were there keep the width the user gave them.
 * One call per run of adjacent columns of the same width.
 */
function fitColumns(sheet: Sheet, name: TableName, headers: string[], added: string[]) {
  const want = new Map<number, number>();
  for (const h of added) {
    const col = schemaColumn(name, h);
    const at = columnAt(headers, h);
    if (!col || at < 0) continue;
    const chars = Math.max(col.header.length + 2, typicalChars(col));
    want.set(at + 1, Math.min(PX.max, Math.max(PX.min, chars * PX.perChar + PX.padding)));
  }
  const cols = [...want.keys()].sort((a, b) => a - b);
  for (let i = 0; i < cols.length; ) {
    let j = i;
    while (j + 1 < cols.length && cols[j + 1] === cols[j] + 1 && want.get(cols[j + 1]) === want.get(cols[i])) j++;
    sheet.setColumnWidths(cols[i], cols[j] - cols[i] + 1, want.get(cols[i])!);
    i = j + 1;
  }
}

/**
 * A new TaxRules sheet gets the example rules (Rule IDs EXAMPLE-…, a run warns until they are
 * checked) for the first tenant's country, else the spreadsheet locale's, else DE.
 */
function writeStarterRules(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, sheet: Sheet, headers: string[]): string[] {
  const rules = starterTaxRules(starterCountry(ss));
  if (!rules.length) return [];
  const at = headers.map((h) => schemaColumn('TaxRules', h)?.key);
  const rows = rules.map((r) => at.map((k) => (k ? ((r as Record<string, string | number | undefined>)[k] ?? '') : '')));
  sheet.getRange(2, 1, rows.length, headers.length).setValues(rows);
  return rules.map((r) => r.ruleId);
}

function starterCountry(ss: GoogleAppsScript.Spreadsheet.Spreadsheet): string {
  const settings = ss.getSheetByName('Settings');
  if (settings && settings.getLastRow() >= 2) {
    const [head, first] = settings.getRange(1, 1, 2, Math.max(1, settings.getLastColumn())).getValues() as unknown[][];
    const at = columnAt(head, 'Country');
    const country =
      at >= 0
        ? String(first[at] ?? '')
            .trim()
            .toUpperCase()
        : '';
    if (hasStarterRules(country)) return country;
  }
  const fromLocale = (ss.getSpreadsheetLocale().split('_')[1] ?? '').toUpperCase();
  return hasStarterRules(fromLocale) ? fromLocale : STARTER_DEFAULT_COUNTRY;
}

/** Formats and drop-downs (enum values, ids of referenced sheets) of the schema's columns from row `first` to the end of the grid. */
function formatColumns(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, sheet: Sheet, name: TableName, headers: string[], first: number) {
  const rows = sheet.getMaxRows() - first + 1;
  if (rows < 1) return;
  for (const col of SCHEMA[name].columns) {
    const at = columnAt(headers, col.header);
    if (at < 0) continue;
    const range = sheet.getRange(first, at + 1, rows, 1);
    const format = numberFormatOf(name, col.key);
    if (format) range.setNumberFormat(format);
    if (col.values?.length && !SCHEMA[name].engineOwned) {
      range.setDataValidation(
        SpreadsheetApp.newDataValidation()
          .requireValueInList([...col.values], true)
          .setAllowInvalid(false)
          .setHelpText(col.note)
          .build(),
      );
    } else if (col.ref && !SCHEMA[name].engineOwned) {
      const ids = idRange(ss, col.ref);
      if (ids) range.setDataValidation(referenceRule(ids, col));
    }
  }
}

/** A drop-down of a referenced sheet's ids. Invalid values are flagged, not refused: the run reports an unknown id with its row anyway. */
function referenceRule(ids: GoogleAppsScript.Spreadsheet.Range, col: ColumnDef) {
  return SpreadsheetApp.newDataValidation().requireValueInRange(ids, true).setAllowInvalid(true).setHelpText(col.note).build();
}

/** The id column of a referenced sheet below its header, for a drop-down; none while the sheet or column is missing. */
function idRange(ss: GoogleAppsScript.Spreadsheet.Spreadsheet, table: TableName): GoogleAppsScript.Spreadsheet.Range | undefined {
  const def = SCHEMA[table];
  const target = ss.getSheetByName(table);
  const idHeader = def.columns.find((c) => c.key === def.id)?.header;
  if (!target || !idHeader || target.getMaxRows() < 2) return undefined;
  const head = target.getRange(1, 1, 1, Math.max(1, target.getLastColumn())).getValues()[0] as unknown[];
  const at = columnAt(head, idHeader);
  return at < 0 ? undefined : target.getRange(2, at + 1, target.getMaxRows() - 1, 1);
}

function protect(sheet: Sheet, name: TableName, headers: string[], admins: string[], report: SetupReport) {
  const restrict = (p: GoogleAppsScript.Spreadsheet.Protection) => {
    // Changing a protection someone else set up needs its editors' rights: say so instead of Google's error.
    if (!p.canEdit()) {
      throw new BillingError(
        `The protection of ${name} does not list you as an editor yet, so setup cannot change it: ask a billing admin who set it up (${p
          .getEditors()
          .map((e) => e.getEmail())
          .join(', ')}) to run Set up billing sheets again, which adds every admin named in Settings.`,
      );
    }
    p.setDescription(DESCRIPTION);
    p.removeEditors(p.getEditors());
    if (admins.length) p.addEditors(admins);
    if (p.canDomainEdit()) p.setDomainEdit(false);
  };
  if (SCHEMA[name].engineOwned) {
    const existing = sheet.getProtections(SpreadsheetApp.ProtectionType.SHEET).find((p) => p.getDescription() === DESCRIPTION);
    restrict(existing ?? sheet.protect());
    report.protectedSheets.push(name);
    return;
  }
  const existing = sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE).filter((p) => p.getDescription() === DESCRIPTION);
  const rows = sheet.getMaxRows();
  for (const col of SCHEMA[name].columns.filter((c) => c.engine)) {
    const at = columnAt(headers, col.header);
    if (at < 0) continue;
    const range = sheet.getRange(1, at + 1, rows, 1);
    const old = existing.find((x) => x.getRange().getColumn() === at + 1);
    const p = old ?? range.protect();
    restrict(p);
    // The whole column, also rows added to the grid since the last setup.
    if (old && old.getRange().getLastRow() < rows) old.setRange(range);
    report.protectedColumns.push(`${name}.${col.header}`);
  }
}
