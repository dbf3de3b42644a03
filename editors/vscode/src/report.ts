// `newsmark report` for the "Open Story Report" command: what to tell the
// user when it fails. Pure: no `vscode` import.

export interface Failure {
  command: string;
  /** Exit status, or undefined when the program did not run at all. */
  code?: number | null;
  signal?: string | null;
  /** Node's error code, e.g. ENOENT or EACCES, when it did not run. */
  errno?: string;
  stderr?: string;
  /** Node's error message, the fallback. */
  message?: string;
}

/** One line for the error notification. */
export function failureMessage(f: Failure): string {
  if (f.errno === 'ENOENT') {
    return `could not run ${f.command}: not found. Set newsmark.server.path.`;
  }
  if (f.errno === 'EACCES') {
    return `could not run ${f.command}: permission denied.`;
  }
  const lines = (f.stderr ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  // The CLI prints `error: …` lines; the first one says what went wrong
  // (clap's "unrecognized subcommand 'report'" from an older binary, too).
  const error = lines.find((l) => /^error\b/i.test(l));
  if (error !== undefined) {
    return error.replace(/^error:\s*/i, '');
  }
  if (lines.length > 0) {
    return lines[lines.length - 1];
  }
  if (f.signal) {
    return `${f.command} was killed by ${f.signal}.`;
  }
  if (f.code !== undefined && f.code !== null) {
    return `${f.command} exited with code ${f.code}.`;
  }
  return f.message ?? `${f.command} failed.`;
}
