// A lock file beside the workbook (<workbook>.lock), so two CLI runs never write the same workbook
// at once; and a check that no office program has the workbook open (its next save would silently
// overwrite what a command saved).
//
// Taking the lock. The lock file is written completely under a unique temporary name and then
// hard-linked to <workbook>.lock: link() fails with EEXIST atomically, so the lock is either ours
// or someone else's, and it is never empty or half-written (a crash leaves at most the temporary
// file, which the next holder removes). It names the owner: pid, host, user, start time and a
// random token.
//
// Stale locks. A lock is stale when its owner runs on this host and is dead, or when it cannot be
// read (older versions wrote it in two steps) and has not been touched for a few seconds. A lock of
// another host is never broken: its pid means nothing here. Taking over a stale lock is where the
// old check → unlink → create went wrong: two processes both saw it stale, the first replaced it
// with its own lock, the second then deleted that live lock and made its own. So the takeover is
// serialized per stale lock instance:
//  1. The stale lock is identified by a key: a hash of its content, inode and mtime (the token
//     makes every lock's key unique; a key never comes back once the lock file changed).
//  2. A process takes it over only while holding the claim file <lock>.takeover-<key>-<n>, itself
//     created by link() (so only one process holds claim n). If claim n is held by a live process,
//     we wait for it; if its holder died mid-takeover, we try claim n+1.
//  3. Holding the claim, it reads the lock again: only if the key is still the same does it
//     rename() its own complete lock file over it (atomic replace, no moment without a lock).
// Why this cannot let two in: the lock file changes only by (a) its owner removing it at the end,
// which a dead owner never does, or (b) a claim holder replacing it. Two claim holders for one key
// never live at once: claim n+1 is only taken after seeing the holder of claim n dead, and claim
// files of a key are deleted only after the lock has moved on from that key (so a claim taken
// afterwards fails its re-check). Hence between our re-check and our rename nobody else can touch
// the lock, and a live lock is never replaced or removed by anyone but its owner.
// Assumption: the host name identifies the pid namespace (two containers with the same host name
// sharing the folder would see each other's pids as dead).
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, fsyncSync, linkSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { writePoint } from './crashPoint';

export interface LockOwner {
  pid: number;
  host: string;
  user: string;
  since: string;
  token?: string;
}

export interface LockOptions {
  /** Test hook, awaited between the steps of taking the lock ('exists', 'stale', 'claimed', 'verified'), to force interleavings. */
  pause?: (step: string) => void | Promise<void>;
  /** An unreadable lock file untouched this long is stale (default 5 s). */
  unreadableStaleMs?: number;
  /** How long to wait while another process is taking over a stale lock, or an unreadable one is fresh (default 6 s). */
  waitMs?: number;
  /** Told (in words) when a stale lock was taken over: whose it was, or that it was empty or unreadable. */
  onStale?: (message: string) => void;
}

export class WorkbookInUse extends Error {}

const HOST = hostname();
/** The host name as it goes into file names. */
const HOST_TAG = HOST.replace(/[^A-Za-z0-9.]/g, '_');

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '?';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // it exists but belongs to another user
  }
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

function removeQuietly(path: string) {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** The owner written in a lock or claim file; older versions wrote "<pid> <ISO time>" (always on this host). */
export function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(o.pid) && o.pid! > 0 && typeof o.host === 'string' && typeof o.since === 'string') {
      return { pid: o.pid!, host: o.host, user: String(o.user ?? '?'), since: o.since, token: typeof o.token === 'string' ? o.token : undefined };
    }
  } catch {
    // not JSON
  }
  const legacy = /^(\d+) (\S+)$/.exec(text.trim());
  if (legacy && Number(legacy[1]) > 0) return { pid: Number(legacy[1]), host: HOST, user: '?', since: legacy[2] };
  return undefined;
}

function tempName(target: string): string {
  return `${target}.tmp-${HOST_TAG}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

function writeComplete(path: string, text: string) {
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, text);
    fsyncSync(fd); // complete on disk before it gets its real name
  } finally {
    closeSync(fd);
  }
}

/** Creates target with text only if it does not exist yet: all or nothing. */
function createExclusive(target: string, text: string): boolean {
  const tmp = tempName(target);
  writePoint(`lock: write ${basename(tmp)}`);
  writeComplete(tmp, text);
  try {
    writePoint(`lock: link ${basename(target)}`);
    linkSync(tmp, target);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    // A file system without hard links (FAT, some network shares): exclusive create, then write.
    // An empty file can be seen for a moment; it is then treated as fresh and waited for.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(errno(e) ?? '')) throw e;
    try {
      writeComplete(target, text);
      return true;
    } catch (e2) {
      if (errno(e2) === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    removeQuietly(tmp);
  }
}

interface Seen {
  key: string;
  owner?: LockOwner;
  ageMs: number;
}

/** What is in a lock (or claim) file now, or undefined when there is none. Content and identity come from one open file. */
function look(path: string): Seen | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    const text = readFileSync(fd, 'utf8');
    const key = createHash('sha256').update(`${st.ino}:${st.mtimeMs}:${text}`).digest('hex').slice(0, 16);
    return { key, owner: parseOwner(text), ageMs: Date.now() - st.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

function describe(o: LockOwner): string {
  return `process ${o.pid} (${o.user}, ${o.host}) since ${o.since}`;
}

function inUse(lock: string, o: LockOwner | undefined): WorkbookInUse {
  if (!o) return new WorkbookInUse(`the workbook is in use: its lock file ${lock} is being written by another process (if it stays empty, delete it)`);
  const text = `the workbook is in use by ${describe(o)} (lock file ${lock})`;
  if (o.host === HOST) return new WorkbookInUse(text);
  return new WorkbookInUse(`${text}; that process runs on another host, so its lock is not broken automatically: if it is no longer running there, delete the lock file`);
}

/** Dead, on this host: only then may its lock or claim be taken over. */
function deadHere(o: LockOwner): boolean {
  return o.host === HOST && o.pid !== process.pid && !alive(o.pid);
}

/** 'done': the lock is ours; 'changed': it changed meanwhile; else the claim is held by another process (its owner, when readable). */
type Takeover = 'done' | 'changed' | { busy: LockOwner | undefined };

/** Replaces the stale lock with key `key` by ours, serialized by the claim files (see the top of the file). */
async function takeOver(lock: string, key: string, text: string, pause: (step: string) => unknown): Promise<Takeover> {
  for (let n = 1; n <= 1000; n++) {
    const claim = `${lock}.takeover-${key}-${n}`;
    if (createExclusive(claim, text)) {
      try {
        await pause('claimed');
        if (look(lock)?.key !== key) return 'changed';
        await pause('verified');
        const tmp = tempName(lock);
        try {
          writeComplete(tmp, text);
          writePoint(`lock: take over ${basename(lock)}`);
          renameSync(tmp, lock);
        } finally {
          removeQuietly(tmp);
        }
        return 'done';
      } finally {
        removeQuietly(claim); // the lock has moved on from `key`: a later claim of it fails its re-check
      }
    }
    const holder = look(claim);
    if (!holder) return 'changed'; // claims of a key are removed once the lock moved on
    if (!holder.owner || !deadHere(holder.owner)) return { busy: holder.owner };
    // Its holder died in the middle of the takeover: the next claim.
  }
  throw new Error(`cannot take over the stale lock ${lock}: too many abandoned takeovers (delete ${lock}.takeover-* and the lock file)`);
}

/** Removes what crashed processes of this host left: temporary files and takeover claims. Safe while we hold the lock (every claim is then of a lock that is gone). */
function removeLeftovers(lock: string) {
  const dir = dirname(lock);
  const prefix = `${basename(lock)}.`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(prefix));
  } catch {
    return;
  }
  for (const name of names) {
    const rest = name.slice(prefix.length);
    const tmp = /^tmp-(.+)-(\d+)-[0-9a-f]{8}$/.exec(rest);
    if (tmp) {
      if (tmp[1] === HOST_TAG && !alive(Number(tmp[2]))) removeQuietly(join(dir, name));
    } else if (rest.startsWith('takeover-')) {
      const o = look(join(dir, name))?.owner;
      if (o && deadHere(o)) removeQuietly(join(dir, name));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function acquire(lock: string, opts: LockOptions): Promise<string> {
  const pause = opts.pause ?? (() => undefined);
  const staleMs = opts.unreadableStaleMs ?? 5000;
  const deadline = Date.now() + (opts.waitMs ?? 6000);
  const me: LockOwner = { pid: process.pid, host: HOST, user: currentUser(), since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  const text = `${JSON.stringify(me)}\n`;
  for (;;) {
    if (createExclusive(lock, text)) return me.token!;
    await pause('exists');
    const seen = look(lock);
    if (!seen) continue; // released meanwhile
    const o = seen.owner;
    if (o && !deadHere(o)) throw inUse(lock, o);
    let busy: LockOwner | undefined;
    if (o || seen.ageMs >= staleMs) {
      await pause('stale');
      const t = await takeOver(lock, seen.key, text, pause);
      if (t === 'done') {
        const why = o ? `${describe(o)} is no longer running` : `it was empty or unreadable and untouched for ${Math.round(seen.ageMs / 1000)} s`;
        opts.onStale?.(`the lock file ${lock} was stale (${why}): taken over`);
        return me.token!;
      }
      if (t === 'changed') continue; // look again
      busy = t.busy;
    }
    // Another process is in the middle of a takeover, or an unreadable lock is fresh (an older
    // version is just writing it): wait a little.
    if (Date.now() > deadline) {
      if (busy) throw new WorkbookInUse(`the workbook is in use: ${describe(busy)} is taking over its stale lock (lock file ${lock})`);
      throw inUse(lock, undefined);
    }
    await sleep(25 + Math.random() * 50);
  }
}

function release(lock: string, token: string) {
  // Only our own lock: if someone deleted ours by hand and another process took it, that one stays.
  if (look(lock)?.owner?.token !== token) return;
  writePoint(`lock: release ${basename(lock)}`);
  removeQuietly(lock);
}

/** Runs fn while holding the lock file of the workbook at `path`; refuses (WorkbookInUse) when another process holds it. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = `${path}.lock`;
  const token = await acquire(lock, opts);
  removeLeftovers(lock);
  try {
    return await fn();
  } finally {
    release(lock, token);
  }
}

// Office programs' lock files.

export interface OpenElsewhere {
  program: 'LibreOffice' | 'Microsoft Office';
  lockFile: string;
  user?: string;
  host?: string;
  since?: string;
}

/** One entry of a LibreOffice lock file: fields separated by ',', ended by ';', with '\' escaping ',' ';' '\'. */
function libreOfficeFields(text: string): string[] {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) cur += text[++i];
    else if (ch === ',' || ch === ';') {
      fields.push(cur);
      cur = '';
      if (ch === ';') break;
    } else cur += ch;
  }
  return fields;
}

/** The user name in an MS Office owner file: a length byte and the name in the ANSI code page, and at 54 (Word) or 55 (Excel) a 2-byte length and the name in UTF-16LE. */
function officeOwner(buf: Buffer): string | undefined {
  const n = buf[0];
  if (!n || n > 52 || buf.length < 1 + n) return undefined;
  for (const at of [55, 54]) {
    if (buf.length >= at + 2 + 2 * n && buf[at] === n && buf[at + 1] === 0) return buf.subarray(at + 2, at + 2 + 2 * n).toString('utf16le');
  }
  return buf.subarray(1, 1 + n).toString('latin1');
}

function readIfThere(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return undefined;
    return Buffer.alloc(0); // there but unreadable (permissions): still open elsewhere
  }
}

/**
 * The office program that has the workbook open, from its lock file beside it: LibreOffice writes
 * `.~lock.<name>#` (CSV: name, system user, host, time, profile); MS Office an owner file `~$<name>`.
 * Excel (and LibreOffice, when it writes MS Office lock files) keeps the whole name; Word drops the
 * first two characters of names of 8 or more characters before the extension, one of 7. Both forms
 * are checked: an owner file in the short form beside an .xlsx is still an Office owner file.
 */
export function openElsewhere(workbook: string): OpenElsewhere | undefined {
  const paths = [workbook];
  try {
    const real = realpathSync(workbook);
    if (real !== workbook) paths.push(real); // LibreOffice puts its lock beside the target of a link
  } catch {
    // not there yet
  }
  for (const p of paths) {
    const dir = dirname(p);
    const name = basename(p);
    const lo = `.~lock.${name}#`;
    const loText = readIfThere(join(dir, lo));
    if (loText) {
      const f = libreOfficeFields(loText.toString('utf8'));
      return { program: 'LibreOffice', lockFile: lo, user: f[0] || f[1] || undefined, host: f[2] || undefined, since: f[3] || undefined };
    }
    const stem = name.replace(/\.[^.]*$/, '').length;
    const owners = [`~$${name}`, ...(stem >= 8 ? [`~$${name.slice(2)}`] : stem === 7 ? [`~$${name.slice(1)}`] : [])];
    for (const owner of owners) {
      const buf = readIfThere(join(dir, owner));
      if (buf) return { program: 'Microsoft Office', lockFile: owner, user: officeOwner(buf) };
    }
  }
  return undefined;
}

/** Refuses (throws) when an office program has the workbook open: for commands that save it. */
export function assertNotOpenElsewhere(workbook: string): void {
  const o = openElsewhere(workbook);
  if (!o) return;
  const who = [o.user && ` by ${o.user}`, o.host && ` on ${o.host}`, o.since && ` since ${o.since}`].filter(Boolean).join('');
  throw new WorkbookInUse(
    `${basename(workbook)} is open in ${o.program}${who} (lock file ${o.lockFile}): close it first, or its next save overwrites what this command saves (if the program is no longer running, delete that lock file)`,
  );
}
