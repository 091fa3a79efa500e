// SPDX-License-Identifier: LGPL-2.1-or-later
//
// A program outside the source tree, run by tests/devenv.sh through `meson devenv`: a two-node
// pipeline from gjs, from the build tree named by its arguments, with the JavaScript face.
//
//   gjs pipeline.js BUILD_DIR SOURCE_DIR

imports.gi.versions.Hn = '1';
imports.gi.versions.GIRepository = '2.0';
const {GIRepository, GLib, Hn} = imports.gi;
const Hypernodes = imports.hypernodes;

const [build, source] = ARGV.map(dir => GLib.canonicalize_filename(dir, null));

function check(condition, what) {
    if (!condition)
        throw new Error(what);
}

const typelib = GIRepository.Repository.get_default().get_typelib_path('Hn');
check(GLib.canonicalize_filename(typelib, null).startsWith(`${build}/`),
    `the typelib is ${typelib}, not the build tree's`);
check(imports.searchPath.includes(`${source}/hypernodes/gjs`),
    `the gjs module path is ${imports.searchPath}`);

const double = Hn.FunctionNode.new('double', ['x'], ['doubled'],
    args => new GLib.Variant('x', args[0].unpack() * 2));
const addOne = Hypernodes.node('add_one', ['doubled'], ['result'],
    args => new GLib.Variant('x', args[0].unpack() + 1));
const inputs = new GLib.Variant('a{sv}', {x: new GLib.Variant('x', 5)});
const result = Hn.Pipeline.new([double, addOne]).run(inputs, null, null).recursiveUnpack();
check(result.doubled === 10 && result.result === 11, `unexpected result ${JSON.stringify(result)}`);
print(`gjs: ${JSON.stringify(result)}`);
