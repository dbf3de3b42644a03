import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CrashPolicy, Tail, describeExit, gaveUpMessage } from '../src/crashes';

test('CrashPolicy: restarts 4 times within 3 minutes, not a 5th', () => {
  let now = 0;
  const p = new CrashPolicy(4, 180_000, () => now);
  const answers = [];
  for (let i = 0; i < 5; i++) {
    answers.push(p.crashed());
    now += 10_000;
  }
  assert.deepEqual(answers, [true, true, true, true, false]);
  assert.match(gaveUpMessage(p, 'The Newsmark server exited with code 1.'), /crashed 5 times in 3 minutes and was not restarted/);
});

test('CrashPolicy: old crashes fall out of the window; reset forgets', () => {
  let now = 0;
  const p = new CrashPolicy(2, 1000, () => now);
  assert.equal(p.crashed(), true);
  assert.equal(p.crashed(), true);
  now = 5000;
  assert.equal(p.crashed(), true, 'the first two are older than the window');
  assert.equal(p.crashed(), true);
  assert.equal(p.crashed(), false);
  p.reset();
  assert.equal(p.crashed(), true);
});

test('Tail keeps the last lines, across chunk boundaries', () => {
  const t = new Tail(2);
  t.push('one\ntw');
  t.push('o\r\n\nthree\nfou');
  assert.deepEqual(t.all(), ['two', 'three', 'fou']);
  assert.equal(t.last(), 'fou');
  t.push('r\n');
  assert.equal(t.last(), 'four');
  assert.equal(new Tail().last(), undefined);
});

test('describeExit', () => {
  assert.equal(describeExit(undefined), 'The Newsmark server closed its connection.');
  assert.equal(describeExit({ code: 0, signal: null }), 'The Newsmark server exited.');
  assert.equal(
    describeExit({ code: 101, signal: null }, "thread 'main' panicked at src/lsp/mod.rs:1:1"),
    "The Newsmark server exited with code 101: thread 'main' panicked at src/lsp/mod.rs:1:1",
  );
  assert.equal(describeExit({ code: null, signal: 'SIGKILL' }), 'The Newsmark server was killed by SIGKILL.');
});
