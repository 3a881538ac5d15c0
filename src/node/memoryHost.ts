// Ports for running the engine in Node on an in-memory workbook (tests, benchmarks, CLI core).
import { createHash } from 'node:crypto';
import { BillingError } from '../core/errors';
import type { FilesPort, KeyValuePort, Ports } from '../ports';
import type { MemoryTables } from './memoryTables';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface MemoryHostOptions {
  /** Fixed "now" for reproducible runs; default: the real clock. */
  now?: () => Date;
  user?: string;
  locale?: 'de' | 'en';
  /** Where small state lives (default: in memory). */
  kv?: KeyValuePort;
  /** Where SEPA files go (default: in memory, `memory:<tenant>/<folder>/<name>`). */
  files?: FilesPort;
}

/** Files kept in memory (tests): the content by the link `save` returned. */
export class MemoryFiles implements FilesPort {
  readonly saved = new Map<string, string>();
  save(tenant: { tenantId: string }, folder: string, name: string, content: string): string {
    const link = `memory:${tenant.tenantId}/${folder}/${name}`;
    this.saved.set(link, content);
    return link;
  }
}

export function memoryPorts(tables: MemoryTables, o: MemoryHostOptions = {}): Ports & { tables: MemoryTables } {
  const now = o.now ?? (() => new Date());
  let locked = false;
  return {
    tables,
    clock: { now, today: () => now().toISOString().slice(0, 10), hour: () => now().getUTCHours() },
    kv: o.kv ?? memoryStore(),
    lock: {
      withLock<T>(fn: () => T): T {
        if (locked) throw new BillingError('another billing action is in progress; try again when it has finished', { code: 'busy' });
        locked = true;
        try {
          return fn();
        } finally {
          locked = false;
        }
      },
    },
    sha256: sha256Hex,
    user: () => o.user ?? 'local',
    locale: o.locale,
    files: o.files ?? new MemoryFiles(),
  };
}

function memoryStore(): KeyValuePort {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v), delete: (k) => void m.delete(k) };
}
