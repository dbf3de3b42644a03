// The extension end to end, minus VS Code: src/extension.ts and the real
// vscode-languageclient run under Node against the real `newsmark` binary,
// with test/fake-vscode.ts standing in for the editor's API. Skipped when no
// binary has been built (NEWSMARK_BIN, else target/release, else target/debug).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { type Fake, createFake, installFake } from './fake-vscode';
import { REPO, ROOT } from './tm';

const binary = [
  process.env.NEWSMARK_BIN,
  path.join(REPO, 'target', 'release', 'newsmark'),
  path.join(REPO, 'target', 'debug', 'newsmark'),
].find((p): p is string => p !== undefined && p !== '' && fs.existsSync(p));
const corpus = path.join(REPO, 'corpus');
const skip =
  process.platform === 'win32'
    ? 'POSIX shell wrappers'
    : binary === undefined
      ? 'no newsmark binary: run `cargo build --release --bin newsmark`'
      : !fs.existsSync(corpus)
        ? 'no corpus/'
        : false;

// vscode-languageclient 9.0.1 leaves some promises unhandled when its server
// dies (a write to the closed pipe; `void this.stop()` while still starting).
// The extension host only logs those, so do the same here instead of letting
// the test runner fail on them, and check at the end that none of them comes
// from the extension's own code.
const rejections: unknown[] = [];
const onRejection = (e: unknown) => rejections.push(e);
let runnerListeners: NodeJS.UnhandledRejectionListener[] = [];

let tmp: string;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'newsmark-ext-'));
  runnerListeners = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', onRejection);
});

after(async () => {
  await new Promise((r) => setTimeout(r, 200));
  process.removeAllListeners('unhandledRejection');
  for (const l of runnerListeners) process.on('unhandledRejection', l);
  fs.rmSync(tmp, { recursive: true, force: true });
  if (process.env.NEWSMARK_DEBUG_HANDLES) {
    const handles = process.getActiveResourcesInfo();
    console.log('ACTIVE', handles);
  }
});

let current: Fake | undefined;

async function waitFor(what: string, cond: () => boolean, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) {
      const state = current
        ? `\nstatus: ${current.statusTexts.join(' | ')}\nlog:\n${current.log.join('').split('\n').filter((l) => !l.startsWith(' ') && !l.startsWith('{') && !l.startsWith('}')).slice(-40).join('\n')}`
        : '';
      throw new Error(`timed out waiting for ${what}${state}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An extension folder whose packaged server records each process id it starts. */
function extensionDir(name: string, script?: string): { dir: string; pids: () => number[] } {
  const dir = path.join(tmp, name);
  const pidFile = path.join(dir, 'pids');
  fs.mkdirSync(path.join(dir, 'server'), { recursive: true });
  const body = script ?? `echo $$ >> '${pidFile}'\nexec '${binary}' "$@"\n`;
  fs.writeFileSync(path.join(dir, 'server', 'newsmark'), `#!/bin/sh\n${body}`, { mode: 0o755 });
  return {
    dir,
    pids: () =>
      fs.existsSync(pidFile)
        ? fs.readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number)
        : [],
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

interface Running {
  fake: Fake;
  deactivate(): Promise<void>;
}

/** Activates a fresh copy of the extension against a fake VS Code. */
async function activate(extensionPath: string, settings: Record<string, unknown> = {}): Promise<Running> {
  const fake = createFake(corpus);
  current = fake;
  Object.assign(fake.settings, settings);
  const uninstall = installFake(fake);
  const main = path.join(ROOT, 'out', 'src', 'extension.js');
  // Fresh modules, so that they bind to this fake (the client requires vscode too).
  const fresh = [path.join(ROOT, 'out', 'src'), path.join(ROOT, 'node_modules', 'vscode-languageclient')];
  for (const key of Object.keys(require.cache)) {
    if (fresh.some((dir) => key.startsWith(dir))) delete require.cache[key];
  }
  const ext = require(main);
  const context = fake.context(extensionPath);
  await ext.activate(context);
  return {
    fake,
    async deactivate() {
      await ext.deactivate();
      for (const d of context.subscriptions) d.dispose();
      uninstall();
    },
  };
}

const READY = 'Newsmark';
const INDEXING = '$(sync~spin) Newsmark: indexing…';
const ERROR = '$(error) Newsmark: error';

describe('the extension against the real server', { skip }, () => {
  test('starts the packaged server: starting…, indexing…, then ready; deactivating stops it', async () => {
    const ext = extensionDir('ready');
    const { fake, deactivate } = await activate(ext.dir, { 'newsmark.debounceMs': 50 });
    try {
      await waitFor('ready after indexing', () => fake.statusTexts.includes(INDEXING) && fake.status.text === READY);
      assert.deepEqual(fake.statusTexts.slice(0, 2), [READY, '$(sync~spin) Newsmark: starting…']);
      assert.match(fake.status.tooltip, /Newsmark server \d+\.\d+\.\d+ is running/);
      assert.equal(ext.pids().length, 1);
      assert.ok(fake.log.join('').includes('(bundled)'), 'the packaged server was used');
      assert.deepEqual([...fake.commands.keys()].sort(), ['newsmark.openReport', 'newsmark.restartServer', 'newsmark.showLog']);
      assert.deepEqual(fake.notifications, []);
    } finally {
      await deactivate();
    }
    const [pid] = ext.pids();
    await waitFor('the server to exit', () => !alive(pid), 5000);
    assert.equal(fake.status.text, 'Newsmark: stopped');
  });

  test('restarts a server that dies; after 5 deaths in 3 minutes, error with the reason', async () => {
    const ext = extensionDir('crash');
    const { fake, deactivate } = await activate(ext.dir);
    try {
      // Kill each server once it has indexed (a kill between the client's
      // `initialize` and `initialized` is a failed start, not a crash).
      const indexed = (from: number) =>
        fake.status.text === READY && fake.statusTexts.slice(from).includes(INDEXING);
      await waitFor('ready', () => indexed(0) && ext.pids().length === 1);
      for (let n = 1; n <= 5; n++) {
        const mark = fake.statusTexts.length;
        process.kill(ext.pids()[n - 1], 'SIGKILL');
        if (n < 5) {
          await waitFor(`restart #${n}`, () => ext.pids().length === n + 1 && indexed(mark));
          assert.ok(fake.statusTexts.slice(mark).includes('$(sync~spin) Newsmark: restarting…'), fake.statusTexts.join(' | '));
        }
      }
      await waitFor('the error state', () => fake.status.text === ERROR);
      assert.match(fake.status.tooltip, /killed by SIGKILL\. It crashed 5 times in 3 minutes and was not restarted/);
      assert.equal(
        fake.notifications.filter((n) => n.level === 'error').length,
        1,
        `${JSON.stringify(fake.notifications)}\n${fake.log.join('').split('\n').filter((l) => l.startsWith('[')).join('\n')}`,
      );
      assert.equal(ext.pids().length, 5);

      // "Restart Server" starts again from a clean slate.
      await fake.commands.get('newsmark.restartServer')?.();
      await waitFor('ready again', () => fake.status.text === READY);
      assert.equal(ext.pids().length, 6);
    } finally {
      await deactivate();
    }
  });

  test('Restart Server and a changed setting each start a new process', async () => {
    const ext = extensionDir('restart');
    const { fake, deactivate } = await activate(ext.dir);
    try {
      await waitFor('ready', () => fake.status.text === READY && ext.pids().length === 1);
      await fake.commands.get('newsmark.restartServer')?.();
      await waitFor('second server', () => ext.pids().length === 2 && fake.status.text === READY);
      assert.ok(fake.statusTexts.includes('Newsmark: stopped'));
      await waitFor('first server gone', () => !alive(ext.pids()[0]), 5000);
      fake.configure({ 'newsmark.trace.server': 'verbose' });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(ext.pids().length, 2, 'tracing does not need a restart');
      const mark = fake.statusTexts.length;
      fake.configure({ 'newsmark.rules': { 'unused-entity': 'off' } });
      await waitFor('third server', () => ext.pids().length === 3 && fake.statusTexts.slice(mark).includes(READY));
      assert.ok(fake.log.join('').includes('"unused-entity": "off"'), 'initializationOptions.rules is in the trace');
    } finally {
      await deactivate();
    }
  });

  test('Open Story Report writes newsmark-report.html to the temp folder and opens it', async () => {
    const ext = extensionDir('report');
    const { fake, deactivate } = await activate(ext.dir);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = fs.mkdtempSync(path.join(tmp, 'report-'));
    try {
      await fake.commands.get('newsmark.openReport')?.();
      const out = path.join(process.env.TMPDIR, 'newsmark-report.html');
      assert.deepEqual(fake.notifications, []);
      assert.deepEqual(fake.opened, [out]);
      assert.match(fs.readFileSync(out, 'utf8').slice(0, 500), /<html/i);
    } finally {
      process.env.TMPDIR = saved;
      await deactivate();
    }
  });

  test('a server path that does not exist: error state and a notification, no process', async () => {
    const ext = extensionDir('missing');
    const { fake, deactivate } = await activate(ext.dir, { 'newsmark.server.path': path.join(tmp, 'nope', 'newsmark') });
    try {
      await waitFor('the error state', () => fake.status.text === ERROR);
      assert.match(fake.status.tooltip, /nope\/newsmark \(newsmark\.server\.path\) does not exist or is not executable/);
      assert.equal(fake.notifications.length, 1);
      assert.match(fake.notifications[0].message, /does not exist/);
      assert.deepEqual(ext.pids(), []);
    } finally {
      await deactivate();
    }
  });

  test('a binary that cannot serve: error with its stderr, no restart loop; the report error is shown', async () => {
    const ext = extensionDir('broken', `echo "error: unrecognized subcommand '$1'" >&2\nexit 2\n`);
    const { fake, deactivate } = await activate(ext.dir);
    try {
      await waitFor('the error state', () => fake.status.text === ERROR);
      assert.match(fake.status.tooltip, /exited with code 2: error: unrecognized subcommand 'lsp' \(while starting\)/);
      assert.ok(!fake.statusTexts.some((t) => t.includes('restarting')), fake.statusTexts.join(' | '));
      await fake.commands.get('newsmark.openReport')?.();
      assert.ok(
        fake.notifications.some((n) => n.message === "Newsmark report failed: unrecognized subcommand 'report'"),
        JSON.stringify(fake.notifications),
      );
      assert.deepEqual(fake.opened, []);
    } finally {
      await deactivate();
    }
  });

  test('no unhandled rejection came from the extension itself', async () => {
    await new Promise((r) => setTimeout(r, 200));
    for (const e of rejections) {
      const stack = e instanceof Error ? (e.stack ?? '') : String(e);
      const origin = stack.split('\n').find((l) => l.trim().startsWith('at ')) ?? '';
      assert.ok(!origin.includes(path.join('out', 'src')), `a rejection from the extension itself: ${stack}`);
    }
  });
});
