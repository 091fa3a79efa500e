#!/usr/bin/env gjs
// hello.js: the double/add_one pipeline from GJS, through GObject-Introspection.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Run from a build tree:
//   meson devenv -C _build -w . gjs examples/gjs/hello.js
//
// GJS only runs JavaScript on the main thread: executors.js shows how nodes written in
// JavaScript run on the thread pool and the async executor (their "main-context").

imports.gi.versions.Hn = '1';
const {Hn, GLib} = imports.gi;

function check(condition, what) {
    if (!condition)
        throw new Error(`unexpected result: ${what}`);
}

// A node function gets one GLib.Variant per input and returns a GLib.Variant.
const double = Hn.FunctionNode.new('double', ['x'], ['doubled'],
    args => new GLib.Variant('x', args[0].unpack() * 2));
const addOne = Hn.FunctionNode.new('add_one', ['doubled'], ['result'],
    args => new GLib.Variant('x', args[0].unpack() + 1));

const pipeline = Hn.Pipeline.new([double, addOne]);
print(`nodes: ${pipeline.get_topological_order().join(' -> ')}`);

// One run, every output.
const inputs = new GLib.Variant('a{sv}', {x: new GLib.Variant('x', 5)});
const result = pipeline.run(inputs, null, null).recursiveUnpack();
print(`run x=5: ${JSON.stringify(result)}`);
check(result.doubled === 10 && result.result === 11, 'run');

// Only "doubled": add_one does not run.
const partial = pipeline.run(inputs, ['doubled'], null).recursiveUnpack();
print(`run x=5, outputs [doubled]: ${JSON.stringify(partial)}`);
check(partial.doubled === 10 && !('result' in partial), 'selected run');

// Map over a list of x.
const xs = [1, 2, 3, 4];
const items = pipeline.map(new GLib.Variant('a{sv}', {x: new GLib.Variant('ax', xs)}),
    ['x'], Hn.MapMode.ZIP, null, null).recursiveUnpack();
items.forEach(item => print(`map: ${JSON.stringify(item)}`));
check(items.length === xs.length, 'map length');
xs.forEach((x, i) => check(items[i].doubled === 2 * x && items[i].result === 2 * x + 1, 'map'));

// Errors are GLib.Error with a domain and a code.
let failed = false;
try {
    pipeline.run(new GLib.Variant('a{sv}', {}), null, null);
} catch (e) {
    failed = true;
    print(`error: ${e.message} (matches MISSING_INPUT: ` +
          `${e.matches(Hn.PipelineError, Hn.PipelineError.MISSING_INPUT)})`);
    check(e.matches(Hn.PipelineError, Hn.PipelineError.MISSING_INPUT), 'error code');
}
check(failed, 'a run without x should have failed');
