// Lines from stdin, one at a time, on demand: the first is the password (--password-stdin), each
// later one answers a "credentials needed" in `watch`. Also a hidden-echo prompt for terminals.
import { createInterface, type Interface } from 'node:readline';

export class LineInput {
  private readonly queued: string[] = [];
  private readonly waiting: Array<(line: string | undefined) => void> = [];
  private ended = false;
  private readonly reader: Interface;

  constructor(input: NodeJS.ReadableStream = process.stdin) {
    this.reader = createInterface({ input, crlfDelay: Infinity, terminal: false });
    this.reader.on('line', (line) => {
      const next = this.waiting.shift();
      if (next) next(line); else this.queued.push(line);
    });
    this.reader.on('close', () => {
      this.ended = true;
      for (const next of this.waiting.splice(0)) next(undefined);
    });
  }

  /** The next line, or undefined at end of input. */
  next(): Promise<string | undefined> {
    const line = this.queued.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Stop reading so stdin no longer keeps the process alive. */
  close(): void {
    this.reader.close();
    process.stdin.pause();
  }
}

/** Asks on the terminal without echoing what is typed. */
export function promptHidden(question: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const output = process.stderr;
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    const writer = rl as unknown as { _writeToOutput: (text: string) => void };
    let asked = false;
    writer._writeToOutput = (text: string) => {
      // Show the question once; swallow the echo of every key typed after it.
      if (!asked) { output.write(text); asked = true; }
    };
    rl.question(question, (answer) => {
      output.write('\n');
      resolve(answer); // before close(), whose handler would settle with undefined
      rl.close();
    });
    rl.once('close', () => resolve(undefined));
  });
}

/** A yes/no question on the terminal; without a terminal the answer is no. */
export function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return Promise.resolve(false);
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    rl.question(question, (answer) => {
      resolve(/^y(es)?$/i.test(answer.trim()));
      rl.close();
    });
    rl.once('close', () => resolve(false));
  });
}

/**
 * While `watch` runs on a terminal, whatever is typed between questions is neither echoed nor kept
 * (someone typing a password before the prompt appears must not see it printed in clear); Ctrl-C
 * still stops the watch. Returns the undo.
 */
export function muteTerminal(): { restore: () => void; resume: () => void } {
  const stdin = process.stdin;
  if (!stdin.isTTY) return { restore: () => undefined, resume: () => undefined };
  const onData = (data: Buffer): void => {
    if (data.includes(0x03)) process.kill(process.pid, 'SIGINT');
  };
  const mute = (): void => {
    stdin.setRawMode(true);
    stdin.resume();
  };
  stdin.on('data', onData);
  mute();
  return {
    restore: () => { stdin.off('data', onData); stdin.setRawMode(false); stdin.pause(); },
    // A prompt (readline) turns raw mode off when it closes: back to mute after each question.
    resume: mute,
  };
}
