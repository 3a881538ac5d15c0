// Ports for running the engine in Node on an in-memory workbook (tests, benchmarks, CLI core).
import { createHash } from 'node:crypto';
import { BillingError } from '../core/errors';
import type { KeyValuePort, Ports } from '../ports';
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
  };
}

function memoryStore(): KeyValuePort {
  const m = new Map<string, string>();
  return { get: (k) => m.get(k), set: (k, v) => void m.set(k, v), delete: (k) => void m.delete(k) };
}
