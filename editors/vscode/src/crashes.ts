// When the server dies: restart it, unless it keeps dying; and say why.
// Pure: no `vscode` import.

/** Restart after a crash, at most `maxRestarts` times within `windowMs`. */
export class CrashPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 4,
    readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a crash; whether to restart the server. */
  crashed(): boolean {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c <= this.windowMs);
    this.crashes.push(t);
    return this.crashes.length <= this.maxRestarts;
  }

  /** Forget past crashes (after a restart the user asked for). */
  reset(): void {
    this.crashes = [];
  }

  get recent(): number {
    return this.crashes.length;
  }
}

/** The last lines a process wrote to stderr, for error messages. */
export class Tail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly max = 20) {}

  push(chunk: string): void {
    const parts = (this.partial + chunk).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      if (line.trim() !== '') {
        this.lines.push(line);
      }
    }
    if (this.lines.length > this.max) {
      this.lines.splice(0, this.lines.length - this.max);
    }
  }

  /** The last non-empty line, including an unfinished one. */
  last(): string | undefined {
    if (this.partial.trim() !== '') {
      return this.partial;
    }
    return this.lines[this.lines.length - 1];
  }

  all(): string[] {
    return this.partial.trim() !== '' ? [...this.lines, this.partial] : [...this.lines];
  }
}

export interface Exit {
  code: number | null;
  signal: string | null;
}

/** "The Newsmark server exited with code 101: thread 'main' panicked …" */
export function describeExit(exit: Exit | undefined, lastStderrLine?: string): string {
  let what: string;
  if (exit === undefined) {
    what = 'The Newsmark server closed its connection';
  } else if (exit.signal !== null) {
    what = `The Newsmark server was killed by ${exit.signal}`;
  } else if (exit.code === 0) {
    what = 'The Newsmark server exited';
  } else {
    what = `The Newsmark server exited with code ${exit.code}`;
  }
  const detail = lastStderrLine?.trim();
  return detail ? `${what}: ${detail}` : `${what}.`;
}

/** Why the server was not restarted. */
export function gaveUpMessage(policy: CrashPolicy, last: string): string {
  const minutes = Math.round(policy.windowMs / 60000);
  return `${last} It crashed ${policy.recent} times in ${minutes} minutes and was not restarted; run "Newsmark: Restart Server" after fixing the cause.`;
}
