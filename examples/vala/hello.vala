/* hello.vala: the double/add_one pipeline from Vala.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Build and run from a build tree:
 *   valac --vapidir _build/hypernodes --pkg hypernodes-1 --pkg gio-2.0 \
 *     -X -I. -X -Ihypernodes -X -I_build/hypernodes -X -L_build/hypernodes -X -lhypernodes-1 \
 *     -o _build/hello-vala examples/vala/hello.vala
 *   meson devenv -C _build -w . _build/hello-vala
 */

static void check (bool condition, string what) {
    if (!condition)
        error ("unexpected result: %s", what);
}

static string describe (Variant dict) {
    int64 doubled = -1, result = -1;
    var has_doubled = dict.lookup ("doubled", "x", out doubled);
    var has_result = dict.lookup ("result", "x", out result);
    return "{doubled: %s, result: %s}".printf (has_doubled ? doubled.to_string () : "-",
                                               has_result ? result.to_string () : "-");
}

static Variant x_input (int64 x) {
    var builder = new VariantBuilder (VariantType.VARDICT);
    builder.add ("{sv}", "x", new Variant.int64 (x));
    return builder.end ();
}

int main () {
    Intl.setlocale ();
    /* A node function gets one Variant per input and returns a Variant. Functions may be
     * called from worker threads (run_async below), so these capture nothing. */
    var double_node = new Hn.FunctionNode ("double", { "x" }, { "doubled" }, (args) => {
        return new Variant.int64 (args[0].get_int64 () * 2);
    });
    var add_one = new Hn.FunctionNode ("add_one", { "doubled" }, { "result" }, (args) => {
        return new Variant.int64 (args[0].get_int64 () + 1);
    });

    Hn.Pipeline pipeline;
    try {
        pipeline = new Hn.Pipeline ({ double_node, add_one });
    } catch (Error e) {
        error ("%s", e.message);
    }
    print ("nodes: %s\n", string.joinv (" -> ", pipeline.get_topological_order ()));

    try {
        /* One run, every output. */
        var result = pipeline.run (x_input (5), null);
        print ("run x=5: %s\n", describe (result));
        check (describe (result) == "{doubled: 10, result: 11}", "run");

        /* Only "doubled": add_one does not run. */
        var partial = pipeline.run (x_input (5), { "doubled" });
        print ("run x=5, outputs [doubled]: %s\n", describe (partial));
        check (describe (partial) == "{doubled: 10, result: -}", "selected run");

        /* Map over a list of x. */
        int64[] xs = { 1, 2, 3, 4 };
        Variant[] elements = {};
        foreach (var x in xs)
            elements += new Variant.int64 (x);
        var builder = new VariantBuilder (VariantType.VARDICT);
        builder.add ("{sv}", "x", new Variant.array (VariantType.INT64, elements));
        var items = pipeline.map (builder.end (), { "x" }, Hn.MapMode.ZIP, null);
        check (items.n_children () == xs.length, "map length");
        for (var i = 0; i < items.n_children (); i++) {
            var item = items.get_child_value (i);
            print ("map: %s\n", describe (item));
            var expected = "{doubled: %s, result: %s}".printf ((2 * xs[i]).to_string (),
                                                               (2 * xs[i] + 1).to_string ());
            check (describe (item) == expected, "map");
        }
    } catch (Error e) {
        error ("%s", e.message);
    }

    /* Errors are GLib.Error in the Hn.PipelineError and Hn.NodeError domains. */
    try {
        pipeline.run (new Variant.array (new VariantType ("{sv}"), {}), null);
        error ("a run without x should have failed");
    } catch (Hn.PipelineError.MISSING_INPUT e) {
        print ("error: %s (Hn.PipelineError.MISSING_INPUT)\n", e.message);
    } catch (Error e) {
        error ("wrong error: %s", e.message);
    }

    /* Asynchronously: the nodes run on a worker thread, the callback in this main loop. */
    var loop = new MainLoop ();
    pipeline.run_async.begin (x_input (21), null, null, (obj, res) => {
        try {
            var result = pipeline.run_async.end (res);
            print ("run_async x=21: %s\n", describe (result));
            check (describe (result) == "{doubled: 42, result: 43}", "run_async");
        } catch (Error e) {
            error ("%s", e.message);
        }
        loop.quit ();
    });
    loop.run ();

    return 0;
}
