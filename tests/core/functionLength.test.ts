// House rule (CONTRIBUTING.md): no function in src/core or src/app is longer than 60 lines unless a
// comment starting "Long because:" right above it says why. Long functions were where the hubs grew
// (planRun, the UBL/CII readers, credit); this keeps new ones from growing unnoticed.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(__dirname, '../..');
const MAX_LINES = 60;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return files(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

interface Fn {
  where: string;
  name: string;
  lines: number;
  reason?: string;
}

/** Every function-like node of a file, with its length and the "Long because:" comment above it or its statement. */
function functionsOf(file: string, text = readFileSync(file, 'utf8')): Fn[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: Fn[] = [];
  const reasonAbove = (node: ts.Node): string | undefined => {
    // The comment may sit above the function itself or above the statement that holds it (const f = () => …).
    for (let n: ts.Node | undefined = node; n && n !== sf; n = n.parent) {
      for (const r of ts.getLeadingCommentRanges(text, n.getFullStart()) ?? []) {
        const m = /Long because:\s*(.+)/.exec(text.slice(r.pos, r.end));
        if (m) return m[1].trim();
      }
      if (ts.isStatement(n) || ts.isClassElement(n) || ts.isPropertyAssignment(n)) break;
    }
    return undefined;
  };
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = node.name ?? (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent) ? node.parent.name : undefined);
      out.push({ where: `${relative(ROOT, file)}:${start + 1}`, name: named ? named.getText(sf) : '(anonymous)', lines: end - start + 1, reason: reasonAbove(node) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('function length', () => {
  it(`no function in src/core or src/app is over ${MAX_LINES} lines without a "Long because:" comment`, () => {
    const all = ['src/core', 'src/app'].flatMap((d) => files(join(ROOT, d))).flatMap((f) => functionsOf(f));
    const tooLong = all.filter((f) => f.lines > MAX_LINES && !f.reason).map((f) => `${f.where} ${f.name}: ${f.lines} lines`);
    expect(tooLong).toEqual([]);
  });

  it('measures lines and finds the reason above a function or its statement', () => {
    const body = Array.from({ length: 61 }, (_, i) => `  x += ${i};`).join('\n');
    const text = [
      `function long() {\n  let x = 0;\n${body}\n}`,
      `// Long because: a flat table of fields reads best as one.\nconst table = () => {\n${body}\n};`,
      'function short() {\n  return 1;\n}',
    ].join('\n');
    const found = functionsOf(join(ROOT, 'src/core/example.ts'), text).map((f) => [f.name, f.lines, f.reason]);
    expect(found).toEqual([
      ['long', 64, undefined],
      ['table', 63, 'a flat table of fields reads best as one.'],
      ['short', 3, undefined],
    ]);
  });
});
