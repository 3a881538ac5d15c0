// Damaged and unusual .xlsx files for the workbook tests, made by editing the zip parts of a file
// exceljs wrote (fflate): a chart on a sheet, no shared strings part, inline strings, a broken
// sheet part. Generated at test time, so no binary fixture is kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';

export class XlsxParts {
  constructor(readonly files: Record<string, Uint8Array>) {}

  has(name: string): boolean {
    return name in this.files;
  }

  text(name: string): string {
    if (!this.has(name)) throw new Error(`no part ${name}`);
    return strFromU8(this.files[name]);
  }

  setText(name: string, text: string): void {
    this.files[name] = strToU8(text);
  }

  remove(name: string): void {
    delete this.files[name];
  }

  /** The worksheet part of a sheet, found through workbook.xml and its relationships. */
  sheetPart(sheetName: string): string {
    const sheet = new RegExp(`<sheet\\b[^>]*\\bname="${sheetName}"[^>]*/>`).exec(this.text('xl/workbook.xml'));
    if (!sheet) throw new Error(`no sheet ${sheetName}`);
    const rId = /\br:id="([^"]+)"/.exec(sheet[0])![1];
    const rel = new RegExp(`<Relationship\\b[^>]*\\bId="${rId}"[^>]*/>`).exec(this.text('xl/_rels/workbook.xml.rels'))!;
    const target = /\bTarget="([^"]+)"/.exec(rel[0])![1];
    return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  }

  /** Adds a content type override for a new part. */
  override(part: string, contentType: string): void {
    const types = this.text('[Content_Types].xml');
    this.setText('[Content_Types].xml', types.replace('</Types>', `<Override PartName="/${part}" ContentType="${contentType}"/></Types>`));
  }
}

export function editXlsx(path: string, edit: (parts: XlsxParts) => void): void {
  const parts = new XlsxParts(unzipSync(readFileSync(path)));
  edit(parts);
  writeFileSync(path, zipSync(parts.files));
}

const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Adds a relationship to a part's .rels (creating it), returns its id. */
function addRelationship(parts: XlsxParts, part: string, type: string, target: string): string {
  const slash = part.lastIndexOf('/');
  const rels = `${part.slice(0, slash)}/_rels/${part.slice(slash + 1)}.rels`;
  const xml = parts.has(rels) ? parts.text(rels) : `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL}"></Relationships>`;
  let n = 1;
  while (xml.includes(`Id="rId${n}"`)) n++;
  parts.setText(rels, xml.replace('</Relationships>', `<Relationship Id="rId${n}" Type="${REL}/${type}" Target="${target}"/></Relationships>`));
  return `rId${n}`;
}

/** A 1×1 PNG. */
const PIXEL = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64'));

function chartPart(parts: XlsxParts, sheetName: string, userShapes: boolean): string {
  let n = 1;
  while (parts.has(`xl/charts/chart${n}.xml`)) n++;
  const part = `xl/charts/chart${n}.xml`;
  let shapes = '';
  if (userShapes) {
    // A picture laid over the chart: Excel keeps it in a drawing part of the chart ("user
    // shapes", root c:userShapes), with its own relationship to the image.
    let d = 1;
    while (parts.has(`xl/drawings/drawing${d}.xml`)) d++;
    const drawing = `xl/drawings/drawing${d}.xml`;
    parts.files['xl/media/image1.png'] = PIXEL;
    const imageRel = addRelationship(parts, drawing, 'image', '../media/image1.png');
    parts.setText(
      drawing,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:userShapes xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"><cdr:relSizeAnchor xmlns:cdr="http://schemas.openxmlformats.org/drawingml/2006/chartDrawing"><cdr:from><cdr:x>0.7</cdr:x><cdr:y>0.05</cdr:y></cdr:from><cdr:to><cdr:x>0.95</cdr:x><cdr:y>0.2</cdr:y></cdr:to><cdr:pic><cdr:nvPicPr><cdr:cNvPr id="2" name="Logo"/><cdr:cNvPicPr/></cdr:nvPicPr><cdr:blipFill><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${REL}" r:embed="${imageRel}"/><a:stretch xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:fillRect/></a:stretch></cdr:blipFill><cdr:spPr><a:prstGeom xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" prst="rect"/></cdr:spPr></cdr:pic></cdr:relSizeAnchor></c:userShapes>`,
    );
    parts.override(drawing, 'application/vnd.openxmlformats-officedocument.drawingml.chartshapes+xml');
    if (!parts.text('[Content_Types].xml').includes('Extension="png"')) {
      parts.setText('[Content_Types].xml', parts.text('[Content_Types].xml').replace('</Types>', '<Default Extension="png" ContentType="image/png"/></Types>'));
    }
    shapes = `<c:userShapes r:id="${addRelationship(parts, part, 'chartUserShapes', `../drawings/drawing${d}.xml`)}"/>`;
  }
  parts.setText(
    part,
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="${REL}"><c:chart><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:ser><c:idx val="0"/><c:order val="0"/><c:val><c:numRef><c:f>'${sheetName}'!$A$2:$A$4</c:f></c:numRef></c:val></c:ser><c:axId val="1"/><c:axId val="2"/></c:barChart><c:catAx><c:axId val="1"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:axPos val="b"/><c:crossAx val="2"/></c:catAx><c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:axPos val="l"/><c:crossAx val="1"/></c:valAx></c:plotArea><c:plotVisOnly val="1"/></c:chart>${shapes}</c:chartSpace>`,
  );
  parts.override(part, 'application/vnd.openxmlformats-officedocument.drawingml.chart+xml');
  return part;
}

/**
 * A column chart on a sheet, as Excel saves one: a <drawing> in the sheet, a drawing part with a
 * graphicFrame anchored over F2:M16, and a chart part plotting the sheet's A2:A4. With
 * `pictureOverChart`, a picture is laid over the chart (the file exceljs 4.4 cannot open:
 * "Cannot read properties of undefined (reading 'anchors')").
 */
export function addChart(path: string, sheetName: string, o: { pictureOverChart?: boolean } = {}): void {
  editXlsx(path, (parts) => {
    const sheet = parts.sheetPart(sheetName);
    const drawing = 'xl/drawings/drawing1.xml';
    const rId = addRelationship(parts, sheet, 'drawing', '../drawings/drawing1.xml');
    // The <drawing> element comes after the page setup and before legacyDrawing/tableParts/extLst.
    const xml = parts.text(sheet);
    const at = ['<legacyDrawing', '<tableParts', '<extLst', '</worksheet>'].map((t) => xml.indexOf(t)).filter((i) => i >= 0)[0];
    parts.setText(sheet, `${xml.slice(0, at)}<drawing r:id="${rId}"/>${xml.slice(at)}`);
    parts.setText(drawing, '<placeholder/>'); // reserves the name before the chart's own drawing is made
    const chart = chartPart(parts, sheetName, !!o.pictureOverChart);
    const chartRel = addRelationship(parts, drawing, 'chart', `../charts/${chart.split('/').pop()}`);
    parts.setText(
      drawing,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>12</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>15</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="${REL}" r:id="${chartRel}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>`,
    );
    parts.override(drawing, 'application/vnd.openxmlformats-officedocument.drawing+xml');
  });
}

/** A chart sheet (a sheet that is one chart) after the other sheets, plotting a sheet's A2:A4. */
export function addChartSheet(path: string, name: string, dataSheet: string): void {
  editXlsx(path, (parts) => {
    const chart = chartPart(parts, dataSheet, false);
    let d = 1;
    while (parts.has(`xl/drawings/drawing${d}.xml`)) d++;
    const drawing = `xl/drawings/drawing${d}.xml`;
    const chartRel = addRelationship(parts, drawing, 'chart', `../charts/${chart.split('/').pop()}`);
    parts.setText(
      drawing,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><xdr:absoluteAnchor><xdr:pos x="0" y="0"/><xdr:ext cx="8000000" cy="5000000"/><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="${REL}" r:id="${chartRel}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:absoluteAnchor></xdr:wsDr>`,
    );
    parts.override(drawing, 'application/vnd.openxmlformats-officedocument.drawing+xml');
    const sheet = 'xl/chartsheets/sheet1.xml';
    const drawingRel = addRelationship(parts, sheet, 'drawing', `../drawings/drawing${d}.xml`);
    parts.setText(
      sheet,
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="${REL}"><sheetPr/><sheetViews><sheetView workbookViewId="0"/></sheetViews><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/><drawing r:id="${drawingRel}"/></chartsheet>`,
    );
    parts.override(sheet, 'application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml');
    const bookRel = addRelationship(parts, 'xl/workbook.xml', 'chartsheet', 'chartsheets/sheet1.xml');
    const book = parts.text('xl/workbook.xml');
    const ids = [...book.matchAll(/sheetId="(\d+)"/g)].map((m) => Number(m[1]));
    parts.setText('xl/workbook.xml', book.replace('</sheets>', `<sheet name="${name}" sheetId="${Math.max(...ids) + 1}" r:id="${bookRel}"/></sheets>`));
  });
}

/** A pivot table on a sheet (its part only; what matters is that the sheet has one). */
export function addPivotTable(path: string, sheetName: string): void {
  editXlsx(path, (parts) => {
    const sheet = parts.sheetPart(sheetName);
    addRelationship(parts, sheet, 'pivotTable', '../pivotTables/pivotTable1.xml');
    parts.setText(
      'xl/pivotTables/pivotTable1.xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<pivotTableDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" name="PivotTable1" cacheId="1" dataCaption="Values"><location ref="A3:B5" firstHeaderRow="1" firstDataRow="1" firstDataCol="1"/></pivotTableDefinition>`,
    );
    parts.override('xl/pivotTables/pivotTable1.xml', 'application/vnd.openxmlformats-officedocument.spreadsheetml.pivotTable+xml');
  });
}

/** Moves xl/sharedStrings.xml to another name, which the workbook's relationship names (valid). */
export function renameSharedStrings(path: string, to: string): void {
  editXlsx(path, (parts) => {
    parts.files[to] = parts.files['xl/sharedStrings.xml'];
    parts.remove('xl/sharedStrings.xml');
    const rels = parts.text('xl/_rels/workbook.xml.rels');
    parts.setText('xl/_rels/workbook.xml.rels', rels.replace(/Target="sharedStrings\.xml"/, `Target="${to.replace(/^xl\//, '')}"`));
    const types = parts.text('[Content_Types].xml');
    parts.setText('[Content_Types].xml', types.replace('PartName="/xl/sharedStrings.xml"', `PartName="/${to}"`));
  });
}

/** Deletes xl/sharedStrings.xml, leaving the cells that point into it (a damaged file). */
export function removeSharedStrings(path: string): void {
  editXlsx(path, (parts) => parts.remove('xl/sharedStrings.xml'));
}

/**
 * Turns every shared string cell into an inline string and drops xl/sharedStrings.xml, its
 * relationship and content type: a valid file, as some tools write them.
 */
export function inlineSharedStrings(path: string): void {
  editXlsx(path, (parts) => {
    const strings = [...parts.text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => [...m[1].matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((t) => t[1]).join(''));
    for (const name of Object.keys(parts.files).filter((n) => /^xl\/worksheets\/[^/]+\.xml$/.test(n))) {
      parts.setText(
        name,
        parts
          .text(name)
          .replace(/<c ([^>]*?)t="s"([^>]*)><v>(\d+)<\/v><\/c>/g, (_, a: string, b: string, i: string) => `<c ${a}t="inlineStr"${b}><is><t xml:space="preserve">${strings[Number(i)]}</t></is></c>`),
      );
    }
    parts.remove('xl/sharedStrings.xml');
    parts.setText('xl/_rels/workbook.xml.rels', parts.text('xl/_rels/workbook.xml.rels').replace(/<Relationship [^>]*sharedStrings[^>]*\/>/, ''));
    parts.setText('[Content_Types].xml', parts.text('[Content_Types].xml').replace(/<Override [^>]*sharedStrings[^>]*\/>/, ''));
  });
}

/** Damages one sheet's part: not XML at all, cut off in the middle, or gone. */
export function damageSheet(path: string, sheetName: string, how: 'garbage' | 'truncated' | 'missing'): void {
  editXlsx(path, (parts) => {
    const sheet = parts.sheetPart(sheetName);
    if (how === 'missing') parts.remove(sheet);
    else if (how === 'garbage') parts.files[sheet] = new Uint8Array([0x00, 0xff, 0x13, 0x37, 0x42, 0x00, 0x9c]);
    else {
      const xml = parts.text(sheet);
      parts.setText(sheet, xml.slice(0, Math.floor(xml.length / 2)));
    }
  });
}
