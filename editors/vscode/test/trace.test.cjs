// The trace channel (src/trace.ts, compiled to out/trace.cjs) that makes
// `flowzap.trace.server` work with vscode-languageclient 11, which traces only while its
// trace channel's log level is Trace. Driven with a stubbed `vscode` and a fake log
// channel; test-code-server/ checks the same in real VS Code.
const assert = require('node:assert/strict');
const { join } = require('node:path');
const { test } = require('node:test');
const { makeVscode, requireWithVscode, EventEmitter } = require('../testlib/vscode-stub.cjs');

const ROOT = join(__dirname, '..');
const LEVEL = { Off: 0, Trace: 1, Debug: 2, Info: 3, Warning: 4, Error: 5 };

/** A LogOutputChannel that records what is written, at which level. */
function fakeChannel(level = LEVEL.Info) {
  const changed = new EventEmitter();
  const lines = [];
  const channel = { name: 'FlowZap Language Server', logLevel: level, onDidChangeLogLevel: changed.event, lines };
  for (const m of ['trace', 'debug', 'info', 'warn', 'error', 'appendLine']) channel[m] = (text) => lines.push([m, text]);
  channel.setLevel = (next) => {
    channel.logLevel = next;
    changed.fire(next);
  };
  return channel;
}

function setUp(setting) {
  const settings = setting === undefined ? {} : { 'flowzap.trace.server': setting };
  const vs = makeVscode({ settings });
  const { TraceOutputChannel } = requireWithVscode(join(ROOT, 'out', 'trace.cjs'), vs.stub);
  const channel = fakeChannel();
  const trace = new TraceOutputChannel(channel);
  const seen = [];
  trace.onDidChangeLogLevel((level) => seen.push(level));
  const setSetting = (value) => {
    settings['flowzap.trace.server'] = value;
    vs.events.changeConfig.fire({ affectsConfiguration: (key) => key === 'flowzap.trace.server' || key === 'flowzap' });
  };
  return { trace, channel, seen, setSetting };
}

test('setting off: the client sees the channel level and writes no trace', () => {
  const { trace, channel } = setUp('off');
  assert.equal(trace.logLevel, LEVEL.Info);
  trace.trace('Sending request');
  assert.deepEqual(channel.lines, []);
  assert.equal(trace.name, 'FlowZap Language Server');
});

test('verbose from the start: Trace, and the trace lands in the server channel as Info lines', () => {
  const { trace, channel } = setUp('verbose');
  assert.equal(trace.logLevel, LEVEL.Trace);
  trace.trace("Sending request 'textDocument/hover - (5)'.");
  assert.deepEqual(channel.lines, [['info', "Sending request 'textDocument/hover - (5)'."]]);
});

test('turning the setting on and off at run time tells the client', () => {
  const { trace, seen, setSetting } = setUp('off');
  setSetting('messages');
  assert.equal(trace.logLevel, LEVEL.Trace);
  setSetting('verbose'); // still Trace: no second event
  setSetting('off');
  assert.equal(trace.logLevel, LEVEL.Info);
  assert.deepEqual(seen, [LEVEL.Trace, LEVEL.Info]);
});

test('the channel set to Trace by the user traces too, as Trace lines', () => {
  const { trace, channel, seen } = setUp(undefined);
  channel.setLevel(LEVEL.Trace);
  assert.equal(trace.logLevel, LEVEL.Trace);
  assert.deepEqual(seen, [LEVEL.Trace]);
  trace.trace('Received notification');
  assert.deepEqual(channel.lines, [['trace', 'Received notification']]);
  channel.setLevel(LEVEL.Debug);
  assert.deepEqual(seen, [LEVEL.Trace, LEVEL.Debug]);
});

test('other log calls go to the server channel unchanged; dispose stops listening', () => {
  const { trace, channel, seen, setSetting } = setUp('off');
  trace.info('i');
  trace.warn('w');
  trace.error('e');
  trace.debug('d');
  trace.appendLine('a');
  assert.deepEqual(channel.lines, [['info', 'i'], ['warn', 'w'], ['error', 'e'], ['debug', 'd'], ['appendLine', 'a']]);
  trace.dispose();
  setSetting('verbose');
  assert.deepEqual(seen, []);
});
