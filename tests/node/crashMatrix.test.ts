// Issue 10: the CLI crash matrix. Every state-changing command (run, finalize, cancel, credit, pdf,
// receive) is killed (SIGKILL, through the BILLING_CRASH_AT hook of src/node/crashPoint.ts) at each
// place where it changes something outside the process: lock, workbook save, PDFs, XML. Then it is
// run again, as a user would, and the ledger invariants are checked: numbers gapless and equal to
// NumberRanges, every invoice with its lines, Billed Until consistent, usage on one invoice, no
// draft key twice, mail at most once and any doubt reported, user sheets unchanged, verify clean,
// every file the ledger names there. Real kills at random moments of pdf and send come on top (send
// at each write point: sendCrash.test.ts). CRASH_MATRIX=full tries every point of pdf too.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { SMTPServer } from 'smtp-server';
import type { RawWorkbook } from '../../src/core/dataset';
import { createWorkbook, openWorkbook } from '../../src/node/xlsxWorkbook';
import { coreDemoRows } from '../../sheets-templates/demoData';
import { copySheets, ledgerViolations } from '../support/invariants';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'out', '.run', 'crash-matrix-cli.cjs');
const FULL = process.env.CRASH_MATRIX === 'full';

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

function cli(dir: string, args: string[], env: Record<string, string> = {}, killAfterMs?: number): Promise<Result> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, '-w', join(dir, 'book.xlsx'), ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BILLING_NOW: '2026-12-02T10:00:00Z', USER: 'tester', ...env },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => p.kill('SIGKILL'), killAfterMs);
    p.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() });
    });
  });
}

/** The mail server of the test: counts deliveries per Message-ID. */
class Smtp {
  readonly deliveries: string[] = [];
  private server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _s, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const id = /^Message-ID:\s*<([^>]+)>/im.exec(Buffer.concat(chunks).toString())?.[1] ?? '?';
        this.deliveries.push(id);
        done();
      });
    },
  });
  port = 0;
  async start() {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.port = (this.server.server.address() as { port: number }).port;
  }
  stop() {
    return new Promise<void>((ok) => this.server.close(() => ok()));
  }
  /** Invoice id of a Message-ID (`<I-000001.DE@sheets-billing.invalid>`). */
  static invoiceOf(messageId: string) {
    return messageId.split('.')[0];
  }
}

async function sheets(dir: string): Promise<RawWorkbook> {
  const book = await openWorkbook(join(dir, 'book.xlsx'));
  return Object.fromEntries(book.tables.sheets) as RawWorkbook;
}

/** Folders with the workbook at each stage of the month (copied for every trial). */
const stages: Record<string, string> = {};
let userSheets: RawWorkbook;
const smtp = new Smtp();
const counts = { trials: 0, killed: 0, realKills: 0, uncertain: 0 };
const received: string[] = [];

beforeAll(async () => {
  await build({
    entryPoints: [join(ROOT, 'src/node/cli.ts')],
    packages: 'external',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: CLI,
    logLevel: 'warning',
    absWorkingDir: ROOT,
  });
  await smtp.start();
  const base = mkdtempSync(join(tmpdir(), 'crash-matrix-'));
  const at = (name: string) => join(base, name);
  mkdirSync(at('fresh'));
  await createWorkbook(join(at('fresh'), 'book.xlsx'), coreDemoRows());
  userSheets = copySheets(await sheets(at('fresh')));
  stages.fresh = at('fresh');
  const next = async (from: string, to: string, args: string[]) => {
    cpSync(stages[from], at(to), { recursive: true });
    const r = await cli(at(to), args);
    if (r.code !== 0) throw new Error(`preparing ${to}: ${r.err}${r.out}`);
    stages[to] = at(to);
  };
  await next('fresh', 'drafted', ['run', '--period', '2026-11']);
  await next('drafted', 'finalized', ['finalize']);
  await next('finalized', 'documented', ['pdf', '--out', 'out']);
  // Received e-invoices: the customer's side of our own documents (an XRechnung XML and a Factur-X PDF).
  const files = (readdirSync(join(stages.documented, 'out'), { recursive: true }) as string[]).map((f) => join('out', f));
  const pdf = files.find((f) => f.endsWith('.pdf') && readFileSync(join(stages.documented, f)).includes('factur-x.xml'))!;
  received.push(pdf, files.find((f) => f.endsWith('.xml') && f !== pdf.replace(/\.pdf$/, '.xml'))!);
}, 120000);

afterAll(async () => {
  await smtp.stop();
  // eslint-disable-next-line no-console
  console.log(`crash matrix: ${counts.trials} trials, ${counts.killed} killed at a write point, ${counts.realKills} real SIGKILLs, ${counts.uncertain} invoices reported uncertain`);
});

interface Command {
  name: string;
  stage: string;
  args: (smtpPort: number) => string[];
  /** What a user does when the command reports a doubt: here, resend what the server never got. */
  mail?: boolean;
}

const COMMANDS: Command[] = [
  { name: 'run', stage: 'fresh', args: () => ['run', '--period', '2026-11'] },
  { name: 'finalize', stage: 'drafted', args: () => ['finalize'] },
  { name: 'cancel', stage: 'finalized', args: () => ['cancel', 'RE-2026-00002', '--release-transactions'] },
  { name: 'credit', stage: 'finalized', args: () => ['credit', 'RE-2026-00003', '--amount', '10'] },
  { name: 'pdf', stage: 'finalized', args: () => ['pdf', '--out', 'out'] },
  { name: 'receive', stage: 'documented', args: () => ['receive', ...received] },
];

/** send is killed at each write point in sendCrash.test.ts (the demo's 32 invoices: several batches); here by real kills. */
const SEND: Command = { name: 'send', stage: 'documented', args: (port) => ['send', '--out', 'out', '--smtp-host', '127.0.0.1', '--smtp-port', String(port)], mail: true };

/** The write points of a clean run of the command, by label. */
async function points(c: Command): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), `crash-${c.name}-trace-`));
  cpSync(stages[c.stage], dir, { recursive: true });
  const trace = join(dir, 'trace.txt');
  const before = smtp.deliveries.length;
  const r = await cli(dir, c.args(smtp.port), { BILLING_CRASH_TRACE: trace });
  smtp.deliveries.splice(before);
  if (r.code !== 0) throw new Error(`${c.name} without a crash failed: ${r.err}${r.out}`);
  const labels = readFileSync(trace, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.replace(/^\d+ /, ''));
  rmSync(dir, { recursive: true, force: true });
  return labels;
}

/**
 * Points to crash at: all of them with CRASH_MATRIX=full; by default the first and last of each kind
 * of point (labels alike but for numbers and file names), the first 4, and every 5th.
 */
function chosen(labels: string[]): number[] {
  if (FULL) return labels.map((_, i) => i + 1);
  const kind = (l: string) => l.replace(/[^\s:]*\d[^\s:]*/g, '#');
  const out = new Set<number>();
  const seen = new Map<string, number>();
  labels.forEach((l, i) => {
    if (!seen.has(kind(l))) out.add(i + 1);
    seen.set(kind(l), i + 1);
    if (i < 4 || i % 5 === 0) out.add(i + 1);
  });
  for (const last of seen.values()) out.add(last);
  return [...out].sort((a, b) => a - b);
}

/** After a crash: the same command again, and what a user does with reported doubts. Returns the problems. */
async function recover(dir: string, c: Command, crashed: string): Promise<string[]> {
  const problems: string[] = [];
  const mark = smtp.deliveries.length;
  const again = await cli(dir, c.args(smtp.port));
  const uncertain = new Set<string>();
  if (c.mail && again.code !== 0) {
    const block = again.out.split('Delivery uncertain')[1]?.split('\n\n')[0] ?? '';
    const listed = block
      .split('\n')
      .slice(1)
      .map((l) => /^ {2}(\S+)/.exec(l)?.[1])
      .filter((x): x is string => !!x);
    if (!listed.length) problems.push(`${crashed}: send again failed: ${again.err}${again.out}`);
    counts.uncertain += listed.length;
    const state = await sheets(dir);
    const inv = state.Invoices!;
    const col = (h: string) => inv.headers.indexOf(h);
    for (const number of listed) {
      const row = inv.rows.find((r) => r[col('Number')] === number);
      const id = String(row?.[col('Invoice ID')]);
      uncertain.add(id);
      // The user looks in the mail server's log: delivered → mark as sent, else → resend.
      const delivered = smtp.deliveries.some((m) => Smtp.invoiceOf(m) === id);
      const r = await cli(dir, delivered ? ['mark-sent', number] : [...c.args(smtp.port), '--resend', number]);
      if (r.code !== 0) problems.push(`${crashed}: following the advice for ${number} failed: ${r.err}${r.out}`);
    }
    if (listed.length > 10) problems.push(`${crashed}: ${listed.length} invoices uncertain (at most one batch of 10 may be)`);
  } else if (again.code !== 0 && !/is already cancelled|was already issued today/.test(again.err)) {
    // Those two answers are the retry of a cancel or credit that went through before the crash.
    problems.push(`${crashed}: ${c.name} again exited ${again.code}: ${again.err}${again.out}`);
  }
  void mark;
  const state = await sheets(dir);
  const mine = smtp.deliveries.filter((m) => m.endsWith('@sheets-billing.invalid')).map(Smtp.invoiceOf);
  problems.push(...ledgerViolations(state, { userSheetsBefore: userSheets, deliveries: c.mail ? mine : undefined, uncertain }).map((v) => `${crashed}: ${v}`));
  // Every file the ledger names exists; after send every invoice went out exactly once.
  const inv = state.Invoices!;
  const col = (h: string) => inv.headers.indexOf(h);
  for (const r of inv.rows) {
    for (const h of ['PDF URL', 'XML URL']) {
      const f = r[col(h)];
      if (f && !existsSync(join(dir, String(f))) && !existsSync(String(f))) problems.push(`${crashed}: ${r[col('Number')]} names ${h} ${String(f)}, which is missing`);
    }
    if (c.mail && r[col('Status')] !== 'Draft') {
      const id = String(r[col('Invoice ID')]);
      if (r[col('Delivery')] !== 'sent') problems.push(`${crashed}: ${r[col('Number')]} is "${r[col('Delivery')]}" after recovery`);
      if (!mine.includes(id)) problems.push(`${crashed}: ${r[col('Number')]} was never delivered`);
    }
  }
  if (c.name === 'receive' && state.Received?.rows.length !== received.length) problems.push(`${crashed}: ${state.Received?.rows.length} received invoices, expected ${received.length}`);
  if (!existsSync(join(dir, 'book.xlsx'))) problems.push(`${crashed}: the workbook is gone`);
  for (const f of ['book.xlsx.lock']) if (existsSync(join(dir, f))) problems.push(`${crashed}: ${f} left behind after a clean run`);
  return problems;
}

describe('CLI crash matrix', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    '%s killed at every write point, then run again: nothing lost, nothing twice',
    async (_n, c) => {
      const labels = await points(c);
      expect(labels.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const n of chosen(labels)) {
        const dir = mkdtempSync(join(tmpdir(), `crash-${c.name}-${n}-`));
        cpSync(stages[c.stage], dir, { recursive: true });
        smtp.deliveries.length = 0;
        counts.trials++;
        const r = await cli(dir, c.args(smtp.port), { BILLING_CRASH_AT: String(n) });
        const crashed = `${c.name} killed at point ${n} (${labels[n - 1]})`;
        if (r.signal !== 'SIGKILL') problems.push(`${crashed}: was not killed (exit ${r.code}: ${r.err})`);
        else counts.killed++;
        problems.push(...(await recover(dir, c, crashed)));
        rmSync(dir, { recursive: true, force: true });
      }
      expect(problems.slice(0, 20)).toEqual([]);
    },
    600000,
  );

  it('real SIGKILLs at random moments of pdf and send leave nothing lost or twice', async () => {
    const problems: string[] = [];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (const c of [...COMMANDS.filter((x) => x.name === 'pdf'), SEND]) {
      for (let i = 0; i < 4; i++) {
        const dir = mkdtempSync(join(tmpdir(), `crash-real-${c.name}-`));
        cpSync(stages[c.stage], dir, { recursive: true });
        smtp.deliveries.length = 0;
        const after = Math.round(300 + random() * 2500);
        counts.trials++;
        const r = await cli(dir, c.args(smtp.port), {}, after);
        if (r.signal === 'SIGKILL') counts.realKills++;
        problems.push(...(await recover(dir, c, `${c.name} killed after ${after} ms`)));
        rmSync(dir, { recursive: true, force: true });
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  }, 300000);
});
