import assert from 'node:assert/strict';
import { test } from 'node:test';

import { failureMessage } from '../src/report';

test('report failure: the CLI’s first error line', () => {
  assert.equal(
    failureMessage({
      command: 'newsmark',
      code: 2,
      stderr: 'warning: x.news: something (left out of the report)\nerror: /nowhere: no such file or directory\n',
    }),
    '/nowhere: no such file or directory',
  );
});

test('report failure: an older binary without the subcommand', () => {
  const stderr = "error: unrecognized subcommand 'report'\n\nUsage: newsmark <COMMAND>\n\nFor more information, try '--help'.\n";
  assert.equal(failureMessage({ command: 'newsmark', code: 2, stderr }), "unrecognized subcommand 'report'");
});

test('report failure: the program is missing or not executable', () => {
  assert.match(failureMessage({ command: '/x/newsmark', errno: 'ENOENT' }), /could not run \/x\/newsmark: not found/);
  assert.match(failureMessage({ command: '/x/newsmark', errno: 'EACCES' }), /permission denied/);
});

test('report failure: no stderr', () => {
  assert.equal(failureMessage({ command: 'newsmark', code: 3, stderr: '' }), 'newsmark exited with code 3.');
  assert.equal(failureMessage({ command: 'newsmark', signal: 'SIGTERM' }), 'newsmark was killed by SIGTERM.');
  assert.equal(failureMessage({ command: 'newsmark', stderr: 'panicked somewhere\n' }), 'panicked somewhere');
  assert.equal(failureMessage({ command: 'newsmark', message: 'timed out' }), 'timed out');
});
