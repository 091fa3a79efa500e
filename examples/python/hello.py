#!/usr/bin/python3
# hello.py: the double/add_one pipeline from Python, through GObject-Introspection.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run from a build tree:
#   GI_TYPELIB_PATH=_build/hypernodes LD_LIBRARY_PATH=_build/hypernodes \
#     /usr/bin/python3 examples/python/hello.py

import gi

gi.require_version("Hn", "1")
from gi.repository import GLib, Hn  # noqa: E402


# A node function gets one GLib.Variant per input and returns a GLib.Variant. PyGObject also
# passes the number of arguments and any user data after the list: take them with *rest.
def double(args, *rest):
    return GLib.Variant("x", args[0].unpack() * 2)


def add_one(args, *rest):
    return GLib.Variant("x", args[0].unpack() + 1)


pipeline = Hn.Pipeline.new([
    Hn.FunctionNode.new("double", ["x"], ["doubled"], double),
    Hn.FunctionNode.new("add_one", ["doubled"], ["result"], add_one),
])
print("nodes:", " -> ".join(pipeline.get_topological_order()))

# One run, every output.
result = pipeline.run(GLib.Variant("a{sv}", {"x": GLib.Variant("x", 5)}), None, None)
print("run x=5:", result.unpack())
assert result.unpack() == {"doubled": 10, "result": 11}

# Only "doubled": add_one does not run.
result = pipeline.run(GLib.Variant("a{sv}", {"x": GLib.Variant("x", 5)}), ["doubled"], None)
print("run x=5, outputs [doubled]:", result.unpack())
assert result.unpack() == {"doubled": 10}

# Map over a list of x.
results = pipeline.map(GLib.Variant("a{sv}", {"x": GLib.Variant("ax", [1, 2, 3, 4])}),
                       ["x"], Hn.MapMode.ZIP, None, None)
for item in results.unpack():
    print("map:", item)
assert results.unpack() == [{"doubled": 2 * x, "result": 2 * x + 1} for x in [1, 2, 3, 4]]

# Errors are GLib.Error with a domain and a code.
try:
    pipeline.run(GLib.Variant("a{sv}", {}), None, None)
except GLib.Error as e:
    print(f"error: {e.message} ({e.domain}, code {e.code})")
    assert e.matches(Hn.pipeline_error_quark(), Hn.PipelineError.MISSING_INPUT)
else:
    raise SystemExit("a run without x should have failed")
