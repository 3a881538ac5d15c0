// One rule set for a synchronous host (Apps Script) and an asynchronous one (Node): the delivery
// flows are generators that hand every host call to a runner as a thunk (`yield* io(() => ...)`).
// runSync calls it and insists on a plain value; runAsync awaits it. A call that throws (or
// rejects) is thrown back into the flow at that point, so the flow's try/catch/finally decide
// what a failed host call means, the same way for both hosts.

/** A delivery flow: yields host calls, returns its report. */
export type Io<T> = Generator<() => unknown, T, unknown>;

/** One host call inside a flow; its result (awaited in Node) comes back typed. */
export function* io<T>(call: () => T | Promise<T>): Io<T> {
  return (yield call) as T;
}

const isPromise = (v: unknown): v is Promise<unknown> => !!v && typeof (v as { then?: unknown }).then === 'function';

/** Runs a flow whose host calls all return plain values (Apps Script: no promises there). */
export function runSync<T>(flow: Io<T>): T {
  let step = flow.next();
  while (!step.done) {
    let value: unknown;
    try {
      value = step.value();
      if (isPromise(value)) throw new Error('an asynchronous host call in a synchronous delivery');
    } catch (e) {
      step = flow.throw(e);
      continue;
    }
    step = flow.next(value);
  }
  return step.value;
}

/** Runs a flow whose host calls may return promises (Node: pdfkit, SMTP, the workbook's save). */
export async function runAsync<T>(flow: Io<T>): Promise<T> {
  let step = flow.next();
  while (!step.done) {
    let value: unknown;
    try {
      value = await step.value();
    } catch (e) {
      step = flow.throw(e);
      continue;
    }
    step = flow.next(value);
  }
  return step.value;
}
