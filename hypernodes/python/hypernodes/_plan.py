# SPDX-License-Identifier: LGPL-2.1-or-later
"""The parts of a pipeline a run needs, seen from Python: nodes in order, slot types, rows."""

from gi.repository import GLib



def _type_string(variant_type):
    return variant_type.dup_string()


class Plan:
    def __init__(self, pipeline, outputs):
        order = list(pipeline.get_topological_order())
        nodes = {name: pipeline.get_node(name) for name in order}
        producer = {}
        for name in order:
            for o in nodes[name].get_outputs():
                producer[o] = name
        wanted = list(outputs) if outputs else list(pipeline.get_outputs())
        # prune: the nodes the wanted outputs need
        needed, stack = set(), [producer[o] for o in wanted]
        while stack:
            name = stack.pop()
            if name in needed:
                continue
            needed.add(name)
            stack.extend(producer[i] for i in nodes[name].get_inputs() if i in producer)
        self.nodes = [nodes[n] for n in order if n in needed]
        self.outputs = list(dict.fromkeys(wanted))
        self.roots = list(pipeline.get_required_inputs(outputs))
        # the type each slot is stored with
        self.slot_types = {}
        for node in self.nodes:
            for o in node.get_outputs():
                self.slot_types[o] = _type_string(node.get_output_type(o))
        for node in self.nodes:
            for i in node.get_inputs():
                if i in producer:
                    continue
                t = _type_string(node.get_input_type(i))
                if self.slot_types.get(i, "*") == "*" and t != "*":
                    self.slot_types[i] = t
                self.slot_types.setdefault(i, t)

    def root_rows(self, items, inputs):
        """Rows of root input values (GLib.Variant) for a map, or the single row of a run."""
        shared = {}
        if inputs is not None:
            for k in inputs.keys():
                shared[k] = inputs.lookup_value(k, None)
        if items is None:
            return [{r: shared[r] for r in self.roots if r in shared}]
        rows = []
        for i in range(items.n_children()):
            item = items.get_child_value(i)
            row = dict(shared)
            for k in item.keys():
                row[k] = item.lookup_value(k, None)
            rows.append({r: row[r] for r in self.roots if r in row})
        return rows


def vardict(values, order):
    return GLib.Variant("a{sv}", {k: values[k] for k in order})


def build_result(rows, outputs, is_map):
    """The a{sv} of a run, or the aa{sv} of a map, of rows of GLib.Variant by output name."""
    # made of its parts with the C constructors: four times faster than GLib.Variant("a{sv}")
    entry, string, boxed = (GLib.Variant.new_dict_entry, GLib.Variant.new_string,
                            GLib.Variant.new_variant)
    new_array = GLib.Variant.new_array
    dicts = [new_array(_ENTRY, [entry(string(k), boxed(row[k])) for k in outputs])
             for row in rows]
    if is_map:
        return new_array(_VARDICT, dicts)
    return dicts[0]


_ENTRY = GLib.VariantType.new("{sv}")
_VARDICT = GLib.VariantType.new("a{sv}")


__all__ = ["Plan", "build_result", "vardict"]
