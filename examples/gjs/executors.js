#!/usr/bin/env gjs
// executors.js: nodes written in JavaScript on the thread pool and the async executor.
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Run from a build tree:
//   meson devenv -C _build -w . gjs examples/gjs/executors.js
//
// GJS runs JavaScript on the main thread only. A node written in JavaScript says so: its
// "main-context" is the main thread's. Every executor then calls it on the main thread (the
// thread that runs the pipeline), and the nodes written in C still run on the pool's threads.
// A JavaScript node with an asynchronous implementation (a timeout here; a Gio request in
// practice) runs concurrently on the async executor.

imports.gi.versions.Hn = '1';
const {Hn, GLib} = imports.gi;
// the JavaScript face: nodes bound to the main context (installed where gjs looks for
// modules; from a build tree, meson devenv puts hypernodes/gjs on GJS_PATH)
const Hypernodes = imports.hypernodes;

function check(condition, what) {
    if (!condition)
        throw new Error(`unexpected result: ${what}`);
}

let jsCalls = 0;
const square = Hypernodes.node('square', ['x'], ['squared'], args => {
    jsCalls++;
    return new GLib.Variant('x', args[0].unpack() ** 2);
});
const addOne = Hypernodes.node('add_one', ['squared'], ['result'],
    args => new GLib.Variant('x', args[0].unpack() + 1));
const pipeline = Hn.Pipeline.new([square, addOne]);

const xs = [...Array(40).keys()];
const inputs = new GLib.Variant('a{sv}', {x: new GLib.Variant('ax', xs)});
for (const [label, executor] of [['thread pool', Hn.ThreadPoolExecutor.new(4)],
    ['async', Hn.AsyncExecutor.new(8)],
    ['composite', Hn.CompositeExecutor.new(Hn.ThreadPoolExecutor.new(2),
        Hn.AsyncExecutor.new(8))]]) {
    jsCalls = 0;
    const configured = pipeline.with_config(Hn.RuntimeConfig.new(null, executor));
    const items = configured.map(inputs, ['x'], Hn.MapMode.ZIP, null, null).recursiveUnpack();
    xs.forEach((x, i) => check(items[i].result === x * x + 1, `${label} map`));
    check(jsCalls === xs.length, `${label}: one call per item`);
    const single = configured.run(new GLib.Variant('a{sv}', {x: new GLib.Variant('x', 7)}),
        null, null).recursiveUnpack();
    check(single.result === 50, `${label} run`);
    print(`${label}: ${items.length} items, ${jsCalls} JavaScript calls on the main thread`);
}

// An asynchronous JavaScript node: waits 100 ms without holding a thread. (GJS cannot implement
// HnNode.invoke_async, a virtual function that takes a callback: an AsyncFunctionNode gives the
// function a call to complete instead.)
const sleepy = Hypernodes.asyncNode('sleepy', ['x'], ['y'], (args, call) => {
    const x = args[0].unpack();
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 100, () => {
        call.return_value(new GLib.Variant('x', x * 10));
        return GLib.SOURCE_REMOVE;
    });
});
check(sleepy.main_context !== null, 'main-context is set');
// the sequential executor waits for each call
const one = Hn.Pipeline.new([sleepy]).run(new GLib.Variant('a{sv}', {x: new GLib.Variant('x', 4)}),
    null, null).recursiveUnpack();
check(one.y === 40, 'async node, sequential');
const waiting = Hn.Pipeline.new([sleepy]).with_config(
    Hn.RuntimeConfig.new(null, Hn.AsyncExecutor.new(20)));
const start = GLib.get_monotonic_time();
const slept = waiting.map(new GLib.Variant('a{sv}', {x: new GLib.Variant('ax', [1, 2, 3, 4, 5,
    6, 7, 8, 9, 10])}), ['x'], Hn.MapMode.ZIP, null, null).recursiveUnpack();
const ms = (GLib.get_monotonic_time() - start) / 1000;
slept.forEach((item, i) => check(item.y === (i + 1) * 10, 'async node'));
print(`async JavaScript node: 10 items of 100 ms in ${Math.round(ms)} ms`);
check(ms < 900, 'the async node calls overlap');

// The same asynchronous node with items on a thread pool and each item's nodes on the async
// executor: its calls start on the main thread, wherever the item runs.
const composite = Hn.Pipeline.new([sleepy]).with_config(Hn.RuntimeConfig.new(null,
    Hn.CompositeExecutor.new(Hn.ThreadPoolExecutor.new(2), Hn.AsyncExecutor.new(8))));
const mixed = composite.map(new GLib.Variant('a{sv}', {x: new GLib.Variant('ax', [1, 2, 3, 4])}),
    ['x'], Hn.MapMode.ZIP, null, null).recursiveUnpack();
mixed.forEach((item, i) => check(item.y === (i + 1) * 10, 'async node, composite'));
print(`async JavaScript node on the composite executor: ${mixed.length} items`);
