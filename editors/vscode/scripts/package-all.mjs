// The .vsix in one command: builds the server in release mode, installs the
// extension's locked dependencies when node_modules is missing, and runs
// `npm run package` with the binary cargo just built.
// Usage: npm run package:all   (in editors/vscode; Node.js 20 or newer)
// CARGO=/path/to/cargo overrides the cargo that is run.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(root, '..', '..');
// npm and cargo are found on PATH; on Windows npm is `npm.cmd`, run by a shell.
const shell = process.platform === 'win32';

function run(command, args, options = {}) {
  console.log(`> ${command} ${args.join(' ')}`);
  const r = spawnSync(command, args, { stdio: 'inherit', shell, ...options });
  if (r.error) {
    console.error(`error: cannot run ${command}: ${r.error.message}`);
    process.exit(1);
  }
  if (r.status !== 0) {
    process.exit(r.status ?? 1);
  }
  return r;
}

// The executable comes from cargo's own report, so CARGO_TARGET_DIR or a
// `build.target-dir` in .cargo/config.toml is followed. Diagnostics stay
// on the terminal (stderr); the JSON messages come back on stdout.
const cargo = process.env.CARGO || 'cargo';
const build = run(
  cargo,
  ['build', '--release', '--bin', 'newsmark', '--message-format=json-render-diagnostics'],
  { cwd: repo, stdio: ['inherit', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 },
);
let binary;
for (const line of build.stdout.split('\n')) {
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    continue;
  }
  if (
    message.reason === 'compiler-artifact' &&
    message.target?.name === 'newsmark' &&
    message.target?.kind?.includes('bin') &&
    message.executable
  ) {
    binary = message.executable;
  }
}
if (!binary || !fs.existsSync(binary)) {
  console.error('error: cargo built no `newsmark` binary (no compiler-artifact message for it)');
  process.exit(1);
}
console.log(`server: ${binary}`);

if (!fs.existsSync(path.join(root, 'node_modules'))) {
  run('npm', ['ci'], { cwd: root });
}
run('npm', ['run', 'package'], { cwd: root, env: { ...process.env, NEWSMARK_BIN: binary } });
