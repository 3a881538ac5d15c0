// A child process of the lock race test (tests/node/fileLock.test.ts). On each message it tries to
// take the workbook lock once; while it holds it, it appends "enter <pid> <round>" and
// "exit <pid> <round>" to a shared log (appendFileSync opens with O_APPEND, so lines of different
// processes never overwrite each other), then reports whether it got the lock.
// argv: <bundled fileLock.cjs> <workbook> <log> <max pause ms> <hold ms>
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const [bundle, workbook, log, maxPauseMs, holdMs] = process.argv.slice(2);
const { withFileLock } = createRequire(import.meta.url)(bundle);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Random pauses between the steps of taking the lock, so the processes interleave in every order.
const pause = () => sleep(Math.random() * Number(maxPauseMs));

process.on('message', async ({ round }) => {
  try {
    await withFileLock(
      workbook,
      async () => {
        appendFileSync(log, `enter ${process.pid} ${round}\n`);
        await sleep(Number(holdMs));
        appendFileSync(log, `exit ${process.pid} ${round}\n`);
      },
      { pause },
    );
    process.send({ round, held: true });
  } catch (e) {
    process.send({ round, held: false, message: e.message });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
