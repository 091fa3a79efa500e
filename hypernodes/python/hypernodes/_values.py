# SPDX-License-Identifier: LGPL-2.1-or-later
"""Plain Python values to and from GLib.Variant."""

from gi.repository import GLib

_SCALARS = (
    (bool, "b"),
    (int, "x"),
    (float, "d"),
    (str, "s"),
    (bytes, "ay"),
)


def infer_type(value):
    """The GVariant type string for a plain Python value, or raise TypeError."""
    if isinstance(value, GLib.Variant):
        return value.get_type_string()
    for py_type, type_string in _SCALARS:
        if isinstance(value, py_type):
            return type_string
    if isinstance(value, (bytearray, memoryview)):
        return "ay"
    if isinstance(value, tuple):
        return "(" + "".join(infer_type(v) for v in value) + ")"
    if isinstance(value, list):
        types = {infer_type(v) for v in value}
        if len(types) == 1:
            return "a" + types.pop()
        return "av"
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return "a{sv}"
        raise TypeError("a dict converts to a GVariant only with string keys")
    if value is None:
        raise TypeError("None cannot be converted to a GVariant; return a value, or use a "
                        "typed port with a maybe type such as 'mx'")
    raise TypeError(f"a value of type {type(value).__name__} cannot be converted to a GVariant "
                    "(use bool, int, float, str, bytes, or lists, tuples and str-keyed dicts "
                    "of them)")


def to_variant(value, type_string=None):
    """Converts @value to a GLib.Variant of @type_string, inferred when None or indefinite."""
    if type_string == "v":
        return GLib.Variant("v", to_variant(value))
    if isinstance(value, GLib.Variant):
        return value
    if type_string is None or not GLib.VariantType.new(type_string).is_definite():
        type_string = infer_type(value)
    if type_string == "av":
        return GLib.Variant("av", [to_variant(v) for v in value])
    if type_string == "a{sv}":
        return GLib.Variant("a{sv}", {k: to_variant(v) for k, v in value.items()})
    if type_string == "ay" and not isinstance(value, bytes):
        value = bytes(value)
    try:
        return GLib.Variant(type_string, value)
    except (TypeError, ValueError, OverflowError) as e:
        raise TypeError(f"{value!r} cannot be converted to a GVariant of type "
                        f"'{type_string}': {e}") from None


def from_variant(variant):
    """The plain Python value of a GLib.Variant (recursively unpacked)."""
    if variant.get_type_string() == "ay":
        return bytes(variant.get_data_as_bytes().get_data() or b"")
    return variant.unpack()


def dict_to_vardict(values):
    """A dict of plain values (or None) to an a{sv} GLib.Variant."""
    if values is None:
        return None
    if isinstance(values, GLib.Variant):
        return values
    if not isinstance(values, dict):
        raise TypeError(f"inputs must be a dict, not {type(values).__name__}")
    return GLib.Variant("a{sv}", {str(k): to_variant(v) for k, v in values.items()})


def vardict_to_dict(variant):
    return {k: from_variant(variant.lookup_value(k, None)) for k in variant.keys()}


def items_to_variant(items):
    """A list of dicts to an aa{sv} GLib.Variant."""
    if isinstance(items, GLib.Variant):
        return items
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise TypeError(f"item {i} must be a dict of inputs, not {type(item).__name__}")
    return GLib.Variant("aa{sv}", [{str(k): to_variant(v) for k, v in item.items()}
                                   for item in items])


def variant_to_items(variant):
    return [vardict_to_dict(variant.get_child_value(i)) for i in range(variant.n_children())]


def serialize(variant):
    """A GLib.Variant as bytes that carry their type: b'<type>\\0<data>'."""
    normal = variant.get_normal_form()
    data = normal.get_data_as_bytes().get_data() or b""
    return normal.get_type_string().encode() + b"\0" + data


def deserialize(blob):
    type_string, _, data = bytes(blob).partition(b"\0")
    return GLib.Variant.new_from_bytes(GLib.VariantType.new(type_string.decode()),
                                       GLib.Bytes.new(data), False)
