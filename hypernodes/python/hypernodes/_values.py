# SPDX-License-Identifier: LGPL-2.1-or-later
"""Plain Python values to and from GLib.Variant."""

from gi.repository import GLib


def to_variant(value, type_string=None):
    """Converts @value to a GLib.Variant of @type_string, inferred when None or indefinite.

    The conversion of the library itself (hypernodes._native): bytes convert without per-byte
    work; a str holding NUL, None, an int beyond 64 bits and any object with no data form (a
    dataclass, a numpy array) travel as a {'hn:<kind>': <bytes>} dict entry (pickled for
    objects), which from_variant() and Python nodes turn back into the value.
    """
    from . import _native

    if type_string == "v":
        return GLib.Variant("v", to_variant(value))
    if isinstance(value, GLib.Variant) and type_string is None:
        return value
    if type_string is not None and not GLib.VariantType.string_is_valid(type_string):
        raise TypeError(f"'{type_string}' is not a GVariant type")
    try:
        t, data = _native.to_data(value, type_string)
    except TypeError as e:
        raise TypeError(f"{value!r:.200} cannot be converted to a GVariant"
                        f"{' of type ' + repr(type_string) if type_string else ''}: {e}") from None
    return GLib.Variant.new_from_bytes(GLib.VariantType.new(t), GLib.Bytes.new(data), True)


def variant_from_data(type_string, data):
    """A GLib.Variant of @type_string from its serialized @data."""
    return GLib.Variant.new_from_bytes(GLib.VariantType.new(type_string), GLib.Bytes.new(data),
                                       True)


def _bytes_of(variant):
    return bytes(variant.get_data_as_bytes().get_data() or b"")


def from_variant(variant):
    """The plain Python value of a GLib.Variant: the inverse of to_variant()."""
    from . import _native

    normal = variant.get_normal_form()
    return _native.from_data(normal.get_type_string(), _bytes_of(normal))


def dict_to_vardict(values):
    """A dict of plain values (or None) to an a{sv} GLib.Variant."""
    if values is None:
        return None
    if isinstance(values, GLib.Variant):
        return values
    if not isinstance(values, dict):
        raise TypeError(f"inputs must be a dict, not {type(values).__name__}")
    return GLib.Variant("a{sv}", {_name(k): to_variant(v) for k, v in values.items()})


def _name(key):
    """An input name: GVariant would cut it at a NUL, and then maybe name another input."""
    key = str(key)
    if "\0" in key:
        raise TypeError(f"the input name {key!r} contains NUL (U+0000), which no name can hold")
    return key


def vardict_to_dict(variant):
    return {k: from_variant(variant.lookup_value(k, None)) for k in variant.keys()}


def items_to_variant(items):
    """A list of dicts to an aa{sv} GLib.Variant."""
    if isinstance(items, GLib.Variant):
        return items
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise TypeError(f"item {i} must be a dict of inputs, not {type(item).__name__}")
    return GLib.Variant("aa{sv}", [{_name(k): to_variant(v) for k, v in item.items()}
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
