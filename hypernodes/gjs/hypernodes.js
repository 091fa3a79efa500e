// hypernodes.js: the JavaScript face of hypernodes (gjs).
//
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   const Hypernodes = imports.hypernodes;
//   const double = Hypernodes.node('double', ['x'], ['doubled'],
//       args => new GLib.Variant('x', args[0].unpack() * 2));
//
// gjs runs JavaScript on the main thread only. The nodes made here are bound to the main
// context, so every executor (thread pool, async, composite) calls them on the main thread
// while the rest of a run stays parallel. Installed where gjs looks for modules
// (DATADIR/gjs-1.0); from a build tree, `meson devenv -C _build` puts hypernodes/gjs on
// GJS_PATH.

imports.gi.versions.Hn = '1';
const {GLib, Hn} = imports.gi;

/**
 * A node whose function computes the result: fn(args) gets one GLib.Variant per input and
 * returns the output (a tuple of the outputs for several).
 */
function node(name, inputs, outputs, fn) {
    const made = Hn.FunctionNode.new(name, inputs, outputs, fn);
    made.main_context = GLib.MainContext.default();
    return made;
}

/**
 * A node that waits without holding a thread (a timer, a Gio request): fn(args, call) starts the
 * work and later calls call.return_value(variant) or call.return_error(error). On the async
 * executor many calls are in flight at once.
 */
function asyncNode(name, inputs, outputs, fn) {
    const made = Hn.AsyncFunctionNode.new(name, inputs, outputs, fn);
    made.main_context = GLib.MainContext.default();
    return made;
}

/** Binds a node made otherwise (a subclass of Hn.Node written in JavaScript) to the main context. */
function bind(existing) {
    existing.main_context = GLib.MainContext.default();
    return existing;
}
