# SPDX-License-Identifier: LGPL-2.1-or-later
"""The values of the engine glue: Data (a value that is data) and NOT_GIVEN cross processes
exactly, and the compact encoding of binary engine columns gives back what it was given."""

import pickle

import pytest

from hypernodes import _native


class Opaque:
    def __init__(self, n):
        self.n = n

    def __eq__(self, other):
        return isinstance(other, Opaque) and other.n == self.n


def data(type_string, obj):
    return _native._data(*_native.to_data(obj, type_string))


def test_data_pickles_exactly():
    value = data("i", 7)  # an int32, not an int64
    back = pickle.loads(pickle.dumps(value))
    assert back == value
    assert back.type_string == "i"
    assert back.unpack() == 7
    assert back != data("x", 7)


def test_not_given_is_one_object():
    assert pickle.loads(pickle.dumps(_native.NOT_GIVEN)) is _native.NOT_GIVEN
    assert repr(_native.NOT_GIVEN) == "hypernodes._native.NOT_GIVEN"


def test_encode_round_trip():
    values = [0, -1, 2**63 - 1, -2**63, 2**70, 1.5, float("inf"), "", "héllo", "a\0b",
              "\udcff", b"", b"\x00\xff", True, False, None, _native.NOT_GIVEN,
              data("(is)", (1, "x")), (1, [2, {"k": 3}]), Opaque(4)]
    encoded = _native.encode(values)
    assert all(isinstance(b, bytes) for b in encoded)
    back = _native.decode(encoded)
    assert back == values
    assert [type(v) for v in back] == [type(v) for v in values]
    assert back[values.index(_native.NOT_GIVEN)] is _native.NOT_GIVEN


def test_encode_is_compact_for_plain_values():
    assert _native.encode([5, "ab", b"c"]) == [b"i" + (5).to_bytes(8, "little"), b"sab", b"bc"]


@pytest.mark.parametrize("blob", [b"", b"i123", b"Dnot-a-type\0", b"?", b"p\x80"])
def test_decode_refuses_what_encode_did_not_make(blob):
    with pytest.raises((ValueError, pickle.UnpicklingError, EOFError)):
        _native.decode([blob])


def test_unpack():
    assert _native.unpack([data("x", 3), "s", _native.NOT_GIVEN]) == [3, "s", None]


@pytest.mark.parametrize("values,kind", [
    ([1, 2, -2**63, 2**63 - 1], "int64"), ([1.5, 2.0], "float64"), (["a", "", "é"], "string"),
    ([True, False], "bool"), ([], None), ([1, 2**63], None), ([1, 2.0], None),
    ([True, 1], None), ([1, True], None), (["a", "\udcff"], None), ([None], None),
    ([b"x"], None), ([_native.NOT_GIVEN], None)])
def test_plain_column(values, kind):
    column = _native.plain_column(values)
    assert (column[0] if column else None) == kind
    if kind in ("int64", "float64"):
        (blob,) = column[1]
        assert blob == b"".join(e[1:] for e in _native.encode(values))
    elif kind == "string":
        offsets, blob = column[1]
        assert blob == "".join(values).encode()
        assert len(offsets) == 8 * (len(values) + 1)


def test_encode_column_round_trip():
    values = [0, -1, 2**70, 1.5, "", "héllo", b"\x00", True, None, _native.NOT_GIVEN,
              data("(is)", (1, "x")), Opaque(4)]
    offsets, blob = _native.encode_column(values)
    assert blob == b"".join(_native.encode(values))
    ends = [int.from_bytes(offsets[i:i + 8], "little") for i in range(0, len(offsets), 8)]
    assert ends[0] == 0 and ends[-1] == len(blob) and len(ends) == len(values) + 1
    assert _native.decode_column(offsets, blob, None, 0, len(values)) == values
    # a slice, and a null (bit 1 of the validity bitmap clear)
    assert _native.decode_column(offsets, blob, None, 2, 3) == values[2:5]
    assert _native.decode_column(offsets, blob, bytes([0b101]), 0, 3) == [0, None, 2**70]


@pytest.mark.parametrize("offsets,blob", [
    ((0).to_bytes(8, "little"), b""),  # one offset for one value
    ((0).to_bytes(8, "little") + (5).to_bytes(8, "little"), b"sab"),  # past the data
    ((2).to_bytes(8, "little") + (1).to_bytes(8, "little"), b"sab"),  # backwards
    ((0).to_bytes(8, "little") + (1).to_bytes(8, "little"), b"?")])
def test_decode_column_refuses_bad_buffers(offsets, blob):
    with pytest.raises(ValueError):
        _native.decode_column(offsets, blob, None, 0, 1)
