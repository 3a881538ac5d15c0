// What crosses google.script.run between the server and the sidebar: primitives, arrays and plain
// objects. A Date (or any other object) anywhere in a server function's result fails the call, so
// the stand-in used by the sidebar tests refuses it instead of quietly turning it into a string.

/** The value as the browser receives it, or the error the call fails with. */
export function acrossScriptRun(value: unknown, path = 'result'): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'function') return null;
  if (typeof value !== 'object') return value;
  if (value instanceof Date || Object.prototype.toString.call(value) === '[object Date]') {
    throw new Error(`google.script.run: ${path} is a Date, which cannot be returned to the browser (send an ISO string)`);
  }
  if (Array.isArray(value)) return value.map((v, i) => acrossScriptRun(v, `${path}[${i}]`));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null && proto.constructor?.name !== 'Object') {
    throw new Error(`google.script.run: ${path} is a ${proto.constructor?.name ?? 'class instance'}, not a plain object`);
  }
  return Object.fromEntries(
    Object.entries(value as object)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, acrossScriptRun(v, `${path}.${k}`)]),
  );
}
