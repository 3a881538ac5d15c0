// Real `billing` processes started at once on one workbook: the lock lets exactly one work, the
// others stop with the "in use" message and change nothing (no Log row of theirs, no output), and
// re-running them afterwards completes. At the end nothing was lost: finalized invoices keep their
// numbers, numbers are gapless per range, every invoice was sent once, `billing verify` passes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWorkbook } from '../../src/node/xlsxWorkbook';

const root = join(__dirname, '..', '..');
const env = { ...process.env, BILLING_NOW: '2026-12-02T10:00:00Z' };
const IN_USE = /^billing: the workbook is in use by process \d+ \([^,]+, [^)]+\) since \S+ \(lock file .+\.xlsx\.lock\)$/m;

interface Ran {
  who: string;
  args: string[];
  code: number | null;
  out: string;
  err: string;
}

function billing(book: string, who: string, ...args: string[]): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(root, 'bin/billing.mjs'), '-w', book, '--user', who, ...args], { cwd: root, env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ who, args, code, out, err }));
  });
}

/** A sheet's rows as records keyed by column header. */
async function sheet(book: string, name: string): Promise<Record<string, unknown>[]> {
  const t = (await openWorkbook(book)).tables.sheets.get(name)!;
  return t.rows.map((r) => Object.fromEntries(t.headers.map((h, i) => [String(h), r[i]])));
}

const what = (r: Ran) => `${r.who} (${r.args.join(' ')})`;

describe('billing commands started at once on one workbook', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-concurrent-'));
  const book = join(dir, 'billing.xlsx');
  const outbox = join(dir, 'out');

  /**
   * Starts the commands at once: exactly one works, the others are refused as "in use" without a
   * trace in the workbook; then the refused ones are run again, one after the other, and complete.
   */
  async function together(...commands: [string, ...string[]][]) {
    const logBefore = (await sheet(book, 'Log')).length;
    const ran = await Promise.all(commands.map(([who, ...args]) => billing(book, who, ...args)));
    const done = ran.filter((r) => r.code === 0);
    const refused = ran.filter((r) => r.code !== 0 && IN_USE.test(r.err));
    const other = ran.filter((r) => !done.includes(r) && !refused.includes(r)).map((r) => `${what(r)}: exit ${r.code}: ${r.err}`);
    expect({ done: done.map(what), other }).toEqual({ done: [expect.any(String)], other: [] });
    expect(refused.filter((r) => r.out !== '').map(what)).toEqual([]);
    // Everything logged since the start is the winner's: the refused commands wrote nothing.
    const logged = (await sheet(book, 'Log')).slice(logBefore).map((r) => r.User);
    expect(logged.filter((u) => u !== done[0].who)).toEqual([]);
    for (const r of refused) {
      const again = await billing(book, r.who, ...r.args);
      expect({ command: what(again), code: again.code, err: again.err }).toEqual({ command: what(r), code: 0, err: '' });
    }
    return { winner: done[0], refused };
  }

  beforeAll(async () => {
    const init = await billing(book, 'setup', 'init', '--demo');
    expect(init.code).toBe(0);
  });

  let kept: Map<unknown, unknown>;

  it('run + run: one plans the drafts, the other is refused and then finds them done (no duplicates)', async () => {
    await together(['run-a', 'run', '--period', '2026-11'], ['run-b', 'run', '--period', '2026-11']);
    const drafts = (await sheet(book, 'Invoices')).filter((i) => i.Status === 'Draft');
    expect(drafts.length).toBeGreaterThanOrEqual(30);
    expect(new Set(drafts.map((d) => d['Subscription ID'])).size).toBe(drafts.length);
  });

  it('run + finalize of one tenant: one at a time, the finalized invoices keep their numbers', async () => {
    await together(['run-c', 'run', '--period', '2026-11'], ['fin-ch', 'finalize', '--tenant', 'CH']);
    const finals = (await sheet(book, 'Invoices')).filter((i) => i.Number);
    expect(finals.length).toBeGreaterThan(0);
    kept = new Map(finals.map((i) => [i['Invoice ID'], i.Number]));
  });

  it('finalize + finalize + send: one at a time; afterwards all is finalized once, numbered without gaps, sent once, and verify passes', async () => {
    await together(['fin-a', 'finalize'], ['fin-b', 'finalize'], ['send-a', 'send', '--out', outbox]);
    // What the send of the round could not see yet (finalized after it) goes out now.
    expect((await billing(book, 'send-b', 'send', '--out', outbox)).code).toBe(0);

    const invoices = await sheet(book, 'Invoices');
    expect(invoices.filter((i) => i.Status === 'Draft').map((i) => i['Invoice ID'])).toEqual([]);
    const changed = [...kept].filter(([id, number]) => invoices.find((i) => i['Invoice ID'] === id)?.Number !== number);
    expect(changed).toEqual([]);
    const ranges = new Map<string, number[]>();
    for (const i of invoices) {
      const [, prefix, n] = /^(.*?)(\d+)$/.exec(String(i.Number))!;
      ranges.set(prefix, [...(ranges.get(prefix) ?? []), Number(n)]);
    }
    const gaps = [...ranges].filter(([, ns]) => ns.sort((a, b) => a - b).some((n, k) => n !== k + 1)).map(([p, ns]) => `${p}: ${ns.join(',')}`);
    expect(gaps).toEqual([]);
    const unsent = invoices.filter((i) => i.Delivery !== 'sent' || !existsSync(join(outbox, 'outbox', `${i.Number}.eml`))).map((i) => `${i.Number} (${i.Delivery})`);
    expect(unsent).toEqual([]);
    expect(readdirSync(join(outbox, 'outbox')).filter((n) => n.endsWith('.eml'))).toHaveLength(invoices.length);
    const verify = await billing(book, 'check', 'verify');
    expect({ code: verify.code, out: verify.out.trim() }).toEqual({ code: 0, out: `Ledger intact: ${invoices.length} finalized invoices checked.` });
    expect(readdirSync(dir).filter((n) => n.includes('.lock'))).toEqual([]);
  });
});
