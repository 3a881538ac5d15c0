// "Set up billing sheets": every sheet of the schema with its header row, frozen and bold, a note
// per column, drop-downs for enum columns and formats; missing sheets and columns are added, the
// user's data and own columns are never touched. The engine's sheets, and the engine's columns of
// Items and Transactions, are protected so only the billing admins (Settings) can edit them.
// Formats, drop-downs and protections cover every row of the grid, not a fixed number of rows.
import { SCHEMA, TABLE_NAMES, type TableName } from '../core/schema';
import { normalizeHeader } from '../core/table';
import { BillingError } from '../core/errors';
import { numberFormatOf } from './sheetFormats';
import type { LockPort } from '../ports';

type Sheet = GoogleAppsScript.Spreadsheet.Sheet;

export interface SetupReport {
  createdSheets: string[];
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
    const headers = headerRow(sheet, name, report);
    formatColumns(sheet, name, headers, 2);
    protect(sheet, name, headers, admins, report);
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
      for (const g of grown) extendSheet(g.name, g.sheet, g.covered, g.rows);
    }, "extend the sheets' formats to new rows");
}

/** Rows covered+1..rows of a user sheet get the formats, drop-downs and engine-column protections. */
function extendSheet(name: TableName, sheet: Sheet, covered: number, rows: number): void {
  const headers = (sheet.getRange(1, 1, 1, Math.max(1, sheet.getLastColumn())).getValues()[0] as unknown[]).map(String);
  formatColumns(sheet, name, headers, covered + 1);
  for (const p of sheet.getProtections(SpreadsheetApp.ProtectionType.RANGE)) {
    if (p.getDescription() !== DESCRIPTION || !p.canEdit()) continue;
    const r = p.getRange();
    if (r.getLastRow() < rows) p.setRange(sheet.getRange(1, r.getColumn(), rows, 1));
  }
  PropertiesService.getDocumentProperties().setProperty(gridKey(name), String(rows));
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
  head.setFontWeight('bold');
  head.setNotes([headers.map((h) => SCHEMA[name].columns.find((c) => normalizeHeader(c.header) === normalizeHeader(h))?.note ?? '')]);
  sheet.setFrozenRows(1);
  return headers;
}

/** Formats and drop-downs of the schema's columns from row `first` to the end of the grid. */
function formatColumns(sheet: Sheet, name: TableName, headers: string[], first: number) {
  const rows = sheet.getMaxRows() - first + 1;
  if (rows < 1) return;
  for (const col of SCHEMA[name].columns) {
    const at = headers.findIndex((h) => normalizeHeader(h) === normalizeHeader(col.header));
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
    }
  }
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
    const at = headers.findIndex((h) => normalizeHeader(h) === normalizeHeader(col.header));
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
