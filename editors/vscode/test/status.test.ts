import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { INITIAL, type StatusEvent, type StatusView, StatusModel, reduce, render, run } from '../src/status';

const begin = (token: string | number, title = 'Indexing the corpus', message?: string): StatusEvent => ({
  type: 'progress',
  token,
  value: { kind: 'begin', title, message },
});
const end = (token: string | number): StatusEvent => ({ type: 'progress', token, value: { kind: 'end' } });

describe('status bar', () => {
  test('before anything: stopped', () => {
    assert.equal(render(INITIAL).text, 'Newsmark: stopped');
  });

  test('start-up: starting, then indexing while the progress runs, then ready', () => {
    const views: string[] = [];
    let state = INITIAL;
    for (const e of [
      { type: 'starting' },
      { type: 'running', version: '0.1.0' },
      begin('newsmark-indexing', 'Indexing the corpus', '1 folder(s)'),
      end('newsmark-indexing'),
    ] as StatusEvent[]) {
      state = reduce(state, e);
      views.push(render(state).text);
    }
    assert.deepEqual(views, ['Newsmark: starting…', 'Newsmark', 'Newsmark: indexing…', 'Newsmark']);
    assert.match(render(state).tooltip, /Newsmark server 0\.1\.0 is running/);
  });

  test('indexing shows a spinner and the progress message and percentage in the tooltip', () => {
    const s = run([
      { type: 'starting' },
      { type: 'running' },
      begin('t', 'Indexing the corpus', '1 folder(s)'),
      { type: 'progress', token: 't', value: { kind: 'report', percentage: 42.4 } },
    ]);
    const v = render(s);
    assert.equal(v.icon, 'sync~spin');
    assert.equal(v.tone, 'normal');
    assert.match(v.tooltip, /^Indexing the corpus: 1 folder\(s\) \(42%\)/);
  });

  test('progress that arrives before the running event still counts', () => {
    const s = run([{ type: 'starting' }, begin(1), { type: 'running' }]);
    assert.equal(render(s).text, 'Newsmark: indexing…');
  });

  test('ready only when every progress has ended; other work says working', () => {
    const s = run([{ type: 'starting' }, { type: 'running' }, begin('a'), begin('b', 'Renaming')]);
    assert.equal(render(s).text, 'Newsmark: indexing…');
    assert.equal(render(reduce(s, end('a'))).text, 'Newsmark: working…');
    assert.equal(render(run([end('a'), end('b')], s)).text, 'Newsmark');
  });

  test('an end or report for an unknown token changes nothing', () => {
    const s = run([{ type: 'starting' }, { type: 'running' }]);
    assert.equal(reduce(s, end('nope')), s);
    assert.equal(reduce(s, { type: 'progress', token: 'nope', value: { kind: 'report', message: 'x' } }), s);
  });

  test('failing to start: error state with the message as tooltip', () => {
    const s = run([{ type: 'starting' }, { type: 'failed', message: 'could not start newsmark: spawn newsmark ENOENT' }]);
    const v = render(s);
    assert.equal(v.text, 'Newsmark: error');
    assert.equal(v.icon, 'error');
    assert.equal(v.tone, 'error');
    assert.match(v.tooltip, /^could not start newsmark: spawn newsmark ENOENT\n/);
  });

  test('dying mid-indexing: restarting (warning) with the reason, then back to ready', () => {
    const crashed = run([
      { type: 'starting' },
      { type: 'running' },
      begin('newsmark-indexing'),
      { type: 'crashed', message: 'The Newsmark server exited with code 101: panicked' },
    ]);
    assert.equal(render(crashed).text, 'Newsmark: restarting…');
    assert.equal(render(crashed).tone, 'warning');
    assert.equal(crashed.tasks.size, 0, 'the dead server’s progress is forgotten');
    const restarting = reduce(crashed, { type: 'starting' });
    assert.match(render(restarting).tooltip, /exited with code 101/);
    assert.equal(render(reduce(restarting, { type: 'running' })).text, 'Newsmark');
  });

  test('dying for good: error; progress afterwards is ignored; a restart clears it', () => {
    const dead = run([{ type: 'starting' }, { type: 'running' }, { type: 'failed', message: 'crashed 5 times' }]);
    assert.equal(reduce(dead, begin('x')), dead);
    const again = run([{ type: 'starting' }, { type: 'running' }], dead);
    assert.equal(render(again).text, 'Newsmark');
    assert.equal(again.message, undefined);
  });

  test('stopping on purpose', () => {
    const s = run([{ type: 'starting' }, { type: 'running' }, begin(1), { type: 'stopped' }]);
    assert.equal(render(s).text, 'Newsmark: stopped');
    assert.equal(s.tasks.size, 0);
  });

  test('reduce never mutates its input', () => {
    const s = run([{ type: 'starting' }, { type: 'running' }]);
    const before = s.tasks.size;
    reduce(s, begin('t'));
    assert.equal(s.tasks.size, before);
  });

  test('StatusModel reports each change once', () => {
    const seen: StatusView[] = [];
    const m = new StatusModel((v) => seen.push(v));
    m.dispatch({ type: 'starting' });
    m.dispatch({ type: 'running' });
    m.dispatch(end('unknown'));
    m.dispatch(begin('t'));
    assert.deepEqual(
      seen.map((v) => v.text),
      ['Newsmark: starting…', 'Newsmark', 'Newsmark: indexing…'],
    );
    assert.equal(m.state.phase, 'running');
  });
});
