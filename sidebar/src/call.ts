// google.script.run as a typed promise: `call('runInvoicing', req)` checks the function's name, its
// request and its response against ServerApi, the server object's type (src/gas/serverApi.ts).
import type { RequestOf, ResponseOf, ServerFunction } from '../../src/gas/serverApi';

/** The part of google.script.run the sidebar uses; the server functions are reached by name. */
interface ScriptRun {
  withSuccessHandler(ok: (value: unknown) => void): ScriptRun;
  withFailureHandler(fail: (error: Error) => void): ScriptRun;
}

declare global {
  /** Given by Apps Script's HtmlService (a test or a browser page injects a stand-in). */
  const google: { script: { run: ScriptRun } };
}

/**
 * One server call: asynchronous, arguments and results cross as plain data (dates as ISO strings).
 * A server error rejects with an Error whose message is the server's.
 */
export function call<K extends ServerFunction>(fn: K, ...args: RequestOf<K>): Promise<ResponseOf<K>> {
  return new Promise((resolve, reject) => {
    const runner = google.script.run.withSuccessHandler((v) => resolve(v as ResponseOf<K>)).withFailureHandler(reject);
    (runner as unknown as Record<K, (...a: RequestOf<K>) => void>)[fn](...args);
  });
}
