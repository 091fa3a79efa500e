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

# Types PyGObject converts well, element by element, for arrays of them too.
_NUMERIC = frozenset("bynqiuxthd")
_STRINGS = frozenset("sog")

# A GVariant string ends at its first NUL, so a str holding U+0000 cannot be an 's'. It travels
# as this dict entry instead, {'hn:str': <UTF-8 bytes>}, and comes back as the same str. The
# Python face never makes a bare dict entry otherwise, and a C node still reads it easily.
STR_WITH_NUL_TYPE = "{say}"
STR_WITH_NUL_KEY = "hn:str"


def infer_type(value):
    """The GVariant type string for a plain Python value, or raise TypeError."""
    if isinstance(value, GLib.Variant):
        return value.get_type_string()
    if isinstance(value, str) and "\0" in value:
        return STR_WITH_NUL_TYPE
    for py_type, type_string in _SCALARS:
        if isinstance(value, py_type):
            return type_string
    if isinstance(value, (bytearray, memoryview)):
        return "ay"
    if isinstance(value, tuple):
        return "(" + "".join(infer_type(v) for v in value) + ")"
    if isinstance(value, list):
        types = {infer_type(v) for v in value}
        # an array of dict entries would be a dict: strs holding NUL go in an 'av'
        if len(types) == 1 and STR_WITH_NUL_TYPE not in types:
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


def _bytes_variant(value):
    # One copy into a GBytes, no per-byte work (GLib.Variant("ay", b) builds a child per byte).
    if not isinstance(value, bytes):
        value = bytes(value)
    return GLib.Variant.new_from_bytes(GLib.VariantType.new("ay"), GLib.Bytes.new(value), True)


def _string(value, type_string):
    if not isinstance(value, str):
        raise TypeError(f"expected a str, not {type(value).__name__}")
    if "\0" in value:
        raise TypeError(f"a GVariant string ('{type_string}') cannot hold NUL (U+0000); leave "
                        "the port untyped (such a str travels as "
                        f"{{'{STR_WITH_NUL_KEY}': <bytes>}}) or pass bytes")
    return GLib.Variant(type_string, value)


def _check_strings(values, type_string):
    for v in values:
        if isinstance(v, str) and "\0" in v:
            _string(v, type_string[-1])


def _build(value, type_string):
    """@value as a GLib.Variant of the definite @type_string."""
    if type_string == "v":
        return GLib.Variant.new_variant(to_variant(value))
    if isinstance(value, GLib.Variant):
        if value.get_type().is_subtype_of(GLib.VariantType.new(type_string)):
            return value
        raise TypeError(f"a GLib.Variant of type '{value.get_type_string()}' cannot be a "
                        f"'{type_string}'")
    first = type_string[0]
    if type_string == "ay":
        if not isinstance(value, (bytes, bytearray, memoryview)):
            value = bytes(value)
        return _bytes_variant(value)
    if type_string in _STRINGS:
        return _string(value, type_string)
    if type_string == STR_WITH_NUL_TYPE and isinstance(value, str):
        return GLib.Variant.new_dict_entry(GLib.Variant.new_string(STR_WITH_NUL_KEY),
                                           _bytes_variant(value.encode("utf-8")))
    if first == "(":
        members = GLib.Variant.split_signature(type_string)
        if not isinstance(value, (tuple, list)) or len(value) != len(members):
            raise TypeError(f"expected a tuple of {len(members)} values")
        return GLib.Variant.new_tuple(*[_build(v, t) for v, t in zip(value, members)])
    if first == "m":
        if value is None:
            return GLib.Variant.new_maybe(GLib.VariantType.new(type_string[1:]), None)
        return GLib.Variant.new_maybe(None, _build(value, type_string[1:]))
    if type_string.startswith("a{"):
        if not isinstance(value, dict):
            raise TypeError(f"expected a dict, not {type(value).__name__}")
        key_type, value_type = type_string[2], type_string[3:-1]
        return GLib.Variant.new_array(
            GLib.VariantType.new(type_string[1:]),
            [GLib.Variant.new_dict_entry(_build(k, key_type), _build(v, value_type))
             for k, v in value.items()])
    if first == "a":
        element = type_string[1:]
        if element in _NUMERIC:
            return GLib.Variant(type_string, value)
        if element in _STRINGS:
            _check_strings(value, type_string)
            return GLib.Variant(type_string, value)
        if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
            raise TypeError(f"expected a list, not {type(value).__name__}")
        return GLib.Variant.new_array(GLib.VariantType.new(element),
                                      [_build(v, element) for v in value])
    return GLib.Variant(type_string, value)


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
