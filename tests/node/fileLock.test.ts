// The workbook lock (src/node/fileLock.ts): taking and releasing it, live, dead, broken and foreign
// locks, a race of several processes over stale locks, and the lock files of LibreOffice and
// MS Office (a workbook open there must not be saved by a command).
import { build } from 'esbuild';
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNotOpenElsewhere, openElsewhere, withFileLock } from '../../src/node/fileLock';
import { main } from '../../src/node/cli';
import { createWorkbook } from '../../src/node/xlsxWorkbook';
import { coreDemoRows } from '../../sheets-templates/demoData';

const root = join(__dirname, '..', '..');
const host = hostname();

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

function lockOf(pid: number, user = 'alice', at = host) {
  return JSON.stringify({ pid, host: at, user, since: '2026-12-02T09:00:00.000Z', token: `t${pid}` });
}

function age(path: string, seconds: number) {
  const t = new Date(Date.now() - seconds * 1000);
  utimesSync(path, t, t);
}

/** Files the lock left beside the workbook (temporary files, takeover claims, the lock itself). */
function lockFiles(dir: string, name: string): string[] {
  return readdirSync(dir).filter((n) => n.startsWith(`${name}.lock`));
}

// The lock module bundled for child processes (they run plain node, not jest's transform).
let bundle: string;
beforeAll(async () => {
  bundle = join(mkdtempSync(join(tmpdir(), 'billing-lock-bundle-')), 'fileLock.cjs');
  await build({ entryPoints: [join(root, 'src/node/fileLock.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'warning' });
});

describe('workbook lock', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-lock-'));
  const book = join(dir, 'book.xlsx');
  const lock = `${book}.lock`;
  beforeEach(() => {
    for (const n of lockFiles(dir, 'book.xlsx')) unlinkSync(join(dir, n));
  });

  it('is held (naming pid, host, user and time) while the command runs, and removed afterwards, also after a failure', async () => {
    const inside = await withFileLock(book, async () => JSON.parse(readFileSync(lock, 'utf8')));
    expect(inside).toMatchObject({ pid: process.pid, host, user: expect.any(String), since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(existsSync(lock)).toBe(false);
    await expect(
      withFileLock(book, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(lockFiles(dir, 'book.xlsx')).toEqual([]);
  });

  it('is refused while a live process holds it, with a message naming its pid, user, host and time', async () => {
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      writeFileSync(lock, lockOf(live.pid!));
      const ran = jest.fn(async () => undefined);
      await expect(withFileLock(book, ran)).rejects.toThrow(`the workbook is in use by process ${live.pid} (alice, ${host}) since 2026-12-02T09:00:00.000Z (lock file ${lock})`);
      expect(ran).not.toHaveBeenCalled();
      expect(readFileSync(lock, 'utf8')).toBe(lockOf(live.pid!));
    } finally {
      live.kill();
    }
  });

  it('is taken over from a dead process of this host, in the current and in the old "<pid> <time>" format', async () => {
    for (const stale of [lockOf(deadPid()), `${deadPid()} 2026-12-01T08:00:00.000Z`]) {
      writeFileSync(lock, stale);
      const owner = await withFileLock(book, async () => JSON.parse(readFileSync(lock, 'utf8')).pid);
      expect({ stale, owner }).toEqual({ stale, owner: process.pid });
      expect(lockFiles(dir, 'book.xlsx')).toEqual([]);
    }
  });

  it('does not block forever on an empty or garbage lock file left by a crash: stale once a few seconds old', async () => {
    for (const content of ['', '\0\0\0', '{"pid":']) {
      writeFileSync(lock, content);
      age(lock, 10);
      await expect(withFileLock(book, async () => 'ran')).resolves.toBe('ran');
      expect({ content, left: lockFiles(dir, 'book.xlsx') }).toEqual({ content, left: [] });
    }
  });

  it("says that it took over a stale lock: an empty or unreadable one untouched for a while, or a dead process's", async () => {
    const told: string[] = [];
    const onStale = (m: string) => void told.push(m);
    writeFileSync(lock, '');
    age(lock, 30);
    await expect(withFileLock(book, async () => 'ran', { onStale })).resolves.toBe('ran');
    const dead = deadPid();
    writeFileSync(lock, lockOf(dead));
    await expect(withFileLock(book, async () => 'ran', { onStale })).resolves.toBe('ran');
    await expect(withFileLock(book, async () => 'ran', { onStale })).resolves.toBe('ran'); // no lock: nothing to say
    expect(told).toEqual([
      `the lock file ${lock} was stale (it was empty or unreadable and untouched for 30 s): taken over`,
      `the lock file ${lock} was stale (process ${dead} (alice, ${host}) since 2026-12-02T09:00:00.000Z is no longer running): taken over`,
    ]);
  });

  it('a command on a workbook with an empty lock file left by a crash runs and says the lock was stale', async () => {
    const wb = join(dir, 'cli.xlsx');
    await createWorkbook(wb, {});
    writeFileSync(`${wb}.lock`, '');
    age(`${wb}.lock`, 60);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(await main(['node', 'billing', '-w', wb, 'drafts'])).toBe(0);
      expect(err.mock.calls.map((c) => c.join(' '))).toEqual([`billing: the lock file ${wb}.lock was stale (it was empty or unreadable and untouched for 60 s): taken over`]);
    } finally {
      err.mockRestore();
      log.mockRestore();
    }
    expect(existsSync(`${wb}.lock`)).toBe(false);
  });

  it('waits for a fresh empty lock file (someone is just writing it): refused within the wait, taken once it is stale', async () => {
    writeFileSync(lock, '');
    await expect(withFileLock(book, async () => 'ran', { waitMs: 0 })).rejects.toThrow(`the workbook is in use: its lock file ${lock} is being written by another process`);
    await expect(withFileLock(book, async () => 'ran', { unreadableStaleMs: 300, waitMs: 5000 })).resolves.toBe('ran');
    expect(existsSync(lock)).toBe(false);
  });

  it('never breaks the lock of another host, even when that pid is not running here, and says so', async () => {
    const foreign = lockOf(deadPid(), 'bob', 'other-host.example');
    writeFileSync(lock, foreign);
    await expect(withFileLock(book, async () => 'ran')).rejects.toThrow(/in use by process \d+ \(bob, other-host\.example\) .* runs on another host, so its lock is not broken automatically/);
    expect(readFileSync(lock, 'utf8')).toBe(foreign);
  });

  it('leaves a lock that is no longer its own when done (someone deleted it by hand and another process took it)', async () => {
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await withFileLock(book, async () => writeFileSync(lock, lockOf(live.pid!)));
      expect(readFileSync(lock, 'utf8')).toBe(lockOf(live.pid!));
    } finally {
      live.kill();
    }
  });

  it('completes a takeover whose claimant died half-way, and cleans up what it left', async () => {
    writeFileSync(lock, lockOf(deadPid()));
    // A process that claims the stale lock, then dies before replacing it.
    const script = `require(${JSON.stringify(bundle)}).withFileLock(${JSON.stringify(book)}, async () => {}, { pause: (step) => { if (step === 'claimed') process.exit(7); } })`;
    expect(spawnSync(process.execPath, ['-e', script]).status).toBe(7);
    expect(lockFiles(dir, 'book.xlsx').filter((n) => n.includes('.takeover-'))).toHaveLength(1);
    await expect(withFileLock(book, async () => 'ran')).resolves.toBe('ran');
    expect(lockFiles(dir, 'book.xlsx')).toEqual([]);
  });
});

describe('lock race: processes taking over stale locks at once', () => {
  // 4 processes × 50 rounds = 200 attempts. Each round starts from a stale lock (or none), all four
  // try at once, with random pauses between the steps of taking the lock (the pause hook), so that
  // every interleaving of check, claim and replace happens.
  const WORKERS = 4;
  const ROUNDS = 50;
  const STALE: [string, (lock: string) => void][] = [
    ["a dead process's lock", (lock) => writeFileSync(lock, lockOf(deadPid(), 'ghost'))],
    ["a dead process's lock in the old format", (lock) => writeFileSync(lock, `${deadPid()} 2026-12-01T08:00:00.000Z`)],
    ['an empty lock file of a crash', (lock) => (writeFileSync(lock, ''), age(lock, 60))],
    ['no lock file', (lock) => rmSync(lock, { force: true })],
  ];

  it('lets at most one process hold the lock at any time, and a stale lock never blocks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-lock-race-'));
    const book = join(dir, 'race.xlsx');
    const lock = `${book}.lock`;
    const log = join(dir, 'holders.log');
    writeFileSync(log, '');
    const workers: ChildProcess[] = [];
    const inbox = new Map<ChildProcess, ((m: Record<string, unknown>) => void)[]>();
    const next = (w: ChildProcess) => new Promise<Record<string, unknown>>((resolve) => inbox.get(w)!.push(resolve));
    const replies: { round: number; held: boolean; message?: string }[] = [];
    try {
      for (let i = 0; i < WORKERS; i++) {
        const w = fork(join(root, 'tests/support/lockWorker.mjs'), [bundle, book, log, '15', '20'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
        inbox.set(w, []);
        w.on('message', (m) => inbox.get(w)!.shift()?.(m as Record<string, unknown>));
        workers.push(w);
      }
      await Promise.all(workers.map(next)); // ready
      for (let round = 0; round < ROUNDS; round++) {
        STALE[round % STALE.length][1](lock);
        const answers = workers.map(next);
        for (const w of workers) w.send({ round });
        replies.push(...((await Promise.all(answers)) as unknown as typeof replies));
      }
    } finally {
      for (const w of workers) w.kill();
    }

    expect(replies).toHaveLength(WORKERS * ROUNDS);
    const holding = new Set<string>();
    const overlaps: string[] = [];
    for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
      const [what, pid, round] = line.split(' ');
      if (what === 'enter' && holding.size) overlaps.push(`round ${round}: process ${pid} got the lock while ${[...holding].join(', ')} held it`);
      if (what === 'enter') holding.add(pid);
      else holding.delete(pid);
    }
    expect(overlaps).toEqual([]);
    const blocked = Array.from({ length: ROUNDS }, (_, r) => r)
      .filter((r) => !replies.some((x) => x.round === r && x.held))
      .map((r) => `round ${r} (${STALE[r % STALE.length][0]}): nobody got the lock: ${replies.find((x) => x.round === r)?.message}`);
    expect(blocked).toEqual([]);
    const odd = replies.filter((x) => !x.held && !/^the workbook is in use by process \d+ \(/.test(x.message ?? '')).map((x) => `round ${x.round}: ${x.message}`);
    expect(odd).toEqual([]);
    expect(lockFiles(dir, 'race.xlsx')).toEqual([]);
  });
});

/** An MS Office owner file as Excel writes it (LibreOffice's svl/msodocumentlockfile reverse-engineered it): 165 bytes. */
function excelOwnerFile(user: string): Buffer {
  const b = Buffer.alloc(165, 0x20);
  b[0] = user.length;
  b.write(user, 1, 'latin1');
  b[55] = user.length;
  b[56] = 0;
  b.write(user, 57, 'utf16le');
  return b;
}

describe('a workbook open in another program', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billing-office-'));
  const book = join(dir, 'billing.xlsx');
  writeFileSync(book, 'x');

  afterEach(() => {
    for (const n of readdirSync(dir)) if (n !== 'billing.xlsx' && n !== 'quarterly-billing.xlsx') unlinkSync(join(dir, n));
  });

  it('is refused while LibreOffice has it open, naming the user, host and time from its lock file', () => {
    writeFileSync(join(dir, '.~lock.billing.xlsx#'), 'Doe\\, Jane,jdoe,pc-17,02.12.2026 09:55,file:///home/jdoe/.config/libreoffice/4;');
    expect(() => assertNotOpenElsewhere(book)).toThrow('billing.xlsx is open in LibreOffice by Doe, Jane on pc-17 since 02.12.2026 09:55 (lock file .~lock.billing.xlsx#): close it first');
  });

  it('names the system user when LibreOffice has no user name set', () => {
    writeFileSync(join(dir, '.~lock.billing.xlsx#'), ',jdoe,pc-17,02.12.2026 09:55,file:///home/jdoe/.config/libreoffice/4;');
    expect(openElsewhere(book)).toEqual({ program: 'LibreOffice', lockFile: '.~lock.billing.xlsx#', user: 'jdoe', host: 'pc-17', since: '02.12.2026 09:55' });
  });

  it('is refused while Excel has it open (owner file ~$ plus the whole name), naming the user', () => {
    writeFileSync(join(dir, '~$billing.xlsx'), excelOwnerFile('Jane Doe'));
    expect(() => assertNotOpenElsewhere(book)).toThrow('billing.xlsx is open in Microsoft Office by Jane Doe (lock file ~$billing.xlsx): close it first');
  });

  it('also recognizes the short owner file name (first characters dropped, as Word does)', () => {
    const long = join(dir, 'quarterly-billing.xlsx');
    writeFileSync(long, 'x');
    writeFileSync(join(dir, '~$arterly-billing.xlsx'), excelOwnerFile('Jane Doe'));
    expect(openElsewhere(long)).toMatchObject({ program: 'Microsoft Office', lockFile: '~$arterly-billing.xlsx', user: 'Jane Doe' });
    // billing.xlsx: 7 characters before the extension, one is dropped.
    writeFileSync(join(dir, '~$illing.xlsx'), excelOwnerFile('Jane Doe'));
    expect(openElsewhere(book)).toMatchObject({ lockFile: '~$illing.xlsx' });
  });

  it('is not refused for the lock files of other workbooks', () => {
    writeFileSync(join(dir, '.~lock.other.xlsx#'), ',jdoe,pc-17,02.12.2026 09:55,x;');
    writeFileSync(join(dir, '~$other.xlsx'), excelOwnerFile('Jane Doe'));
    expect(openElsewhere(book)).toBeUndefined();
    expect(() => assertNotOpenElsewhere(book)).not.toThrow();
  });
});

async function billing(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const spies = [
    jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' '))),
    jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' '))),
    jest.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true)),
    jest.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true)),
  ];
  process.exitCode = undefined;
  try {
    return { code: await main(['node', 'billing', ...args]), out: out.join('\n'), err: err.join('\n') };
  } finally {
    for (const s of spies) s.mockRestore();
    process.exitCode = undefined;
  }
}

describe('CLI with the workbook open in LibreOffice', () => {
  beforeAll(() => {
    process.env.BILLING_NOW = '2026-12-02T10:00:00Z';
  });
  afterAll(() => {
    delete process.env.BILLING_NOW;
  });

  it('refuses the commands that save (the workbook stays as it was); drafts, verify, report and --dry-run still run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billing-office-cli-'));
    const book = join(dir, 'billing.xlsx');
    await createWorkbook(book, coreDemoRows());
    expect((await billing('-w', book, 'run', '--period', '2026-11')).code).toBe(0);
    const before = readFileSync(book);
    writeFileSync(join(dir, '.~lock.billing.xlsx#'), 'Jane Doe,jdoe,pc-17,02.12.2026 09:55,file:///home/jdoe/.config/libreoffice/4;');
    for (const args of [['finalize'], ['run', '--period', '2026-11']]) {
      const r = await billing('-w', book, ...args);
      expect({ args, code: r.code, err: r.err }).toEqual({
        args,
        code: 1,
        err: expect.stringContaining('billing.xlsx is open in LibreOffice by Jane Doe on pc-17 since 02.12.2026 09:55 (lock file .~lock.billing.xlsx#): close it first'),
      });
    }
    expect(readFileSync(book).equals(before)).toBe(true);
    for (const args of [['drafts'], ['verify'], ['report'], ['--dry-run', 'finalize']]) {
      const r = await billing('-w', book, ...args);
      expect({ args, code: r.code, err: r.err }).toEqual({ args, code: 0, err: '' });
    }
    expect(readFileSync(book).equals(before)).toBe(true);
    unlinkSync(join(dir, '.~lock.billing.xlsx#'));
    expect((await billing('-w', book, 'finalize')).code).toBe(0);
  });
});
