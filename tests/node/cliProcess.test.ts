// The `billing` command as another program meets it: output piped to a reader, and signals.
// Issue 10, defects 11 (output cut at 64 KB) and 15 (killing the wrapper left the worker running).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { createWorkbook } from '../../src/node/xlsxWorkbook';
import { DE_TENANT, TAX_RULES, account, item, product, subscription } from '../support/fixtures';

const BIN = join(__dirname, '../../bin/billing.mjs');
const ENV = { ...process.env, BILLING_NOW: '2026-12-02T10:00:00Z' };

type Result = { code: number | null; signal: string | null; out: string; err: string };

/**
 * Runs billing. With `shellPipe` its output goes through a pipe made by a shell (`billing … | cat`),
 * as in a script: Node writes to such a pipe asynchronously (to the socket pair of spawn, it blocks).
 */
function billing(args: string[], onStart?: (pid: number) => void, shellPipe = false): Promise<Result> {
  return new Promise((resolve) => {
    const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const p = shellPipe
      ? spawn('sh', ['-c', `${quoted} | cat`], { env: ENV, cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [BIN, ...args], { env: ENV, cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    onStart?.(p.pid!);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('close', (code, signal) => resolve({ code, signal, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() }));
  });
}

describe('billing as a process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-proc-'));

  it('prints all of a JSON report larger than a pipe buffer (64 KB)', async () => {
    const book = join(dir, 'big.xlsx');
    const n = 400;
    const ids = Array.from({ length: n }, (_, i) => String(i + 1).padStart(4, '0'));
    await createWorkbook(book, {
      Settings: [DE_TENANT],
      TaxRules: TAX_RULES,
      Products: [product('P1', '10.00')],
      Accounts: ids.map((i) => account(`A${i}`)),
      Subscriptions: ids.map((i) => subscription(`S${i}`, `A${i}`)),
      Items: ids.map((i) => item(`I${i}`, `S${i}`, 'P1')),
    });
    const r = await billing(['-w', book, '--json', 'run', '--period', '2026-11'], undefined, true);
    expect(r.err).toBe('');
    expect(r.out.length).toBeGreaterThan(65536);
    const report = JSON.parse(r.out) as { drafts: unknown[] };
    expect(report.drafts).toHaveLength(n);
  });

  it('a receive that reads nothing leaves the workbook file as it was, byte for byte', async () => {
    const book = join(dir, 'receive.xlsx');
    expect((await billing(['-w', book, 'init', '--demo'])).code).toBe(0);
    const before = readFileSync(book);
    writeFileSync(join(dir, 'not-an-invoice.xml'), '<order/>');
    const r = await billing(['-w', book, 'receive', join(dir, 'not-an-invoice.xml')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/NOT READ .*not-an-invoice.xml: not an e-invoice/);
    expect(readFileSync(book).equals(before)).toBe(true);
  });

  it('killed while sending, it sends nothing more: no worker process outlives the command', async () => {
    const book = join(dir, 'demo.xlsx');
    const out = join(dir, 'out');
    for (const args of [['init', '--demo'], ['run', '--period', '2026-11'], ['finalize'], ['pdf', '--out', out]]) {
      const r = await billing(['-w', book, ...args]);
      expect([args[0], r.code, r.err]).toEqual([args[0], 0, '']);
    }
    let pid = 0;
    let received = 0;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => {
          received++;
          if (received === 1) process.kill(pid, 'SIGKILL');
          callback();
        });
      },
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.server.address() as { port: number }).port;
    try {
      const r = await billing(['-w', book, 'send', '--smtp-host', '127.0.0.1', '--smtp-port', String(port), '--out', out], (p) => (pid = p));
      expect(r.signal).toBe('SIGKILL');
      // Anything still running would go on sending the remaining 30-odd invoices.
      await new Promise((ok) => setTimeout(ok, 3000));
      expect(received).toBeLessThanOrEqual(2);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
  });
});
