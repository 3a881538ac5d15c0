import { progressBar } from '../../src/node/progress';

describe('progress bar', () => {
  it('draws on a terminal and stays silent otherwise', () => {
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    const bar = progressBar('PDF', tty)!;
    bar(1, 4);
    bar(4, 4);
    expect(written).toEqual([`\rPDF [${'#'.repeat(8)}${' '.repeat(22)}] 1/4`, `\rPDF [${'#'.repeat(30)}] 4/4\n`]);
    expect(progressBar('PDF', { isTTY: false } as unknown as NodeJS.WriteStream)).toBeUndefined();
  });
});
