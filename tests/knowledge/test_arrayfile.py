"""Saved arrays read back exactly, and a damaged file is refused, never misread."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from knowledge.arrayfile import load_arrays, save_arrays


def test_arrays_and_meta_read_back_exactly(tmp_path: Path) -> None:
    arrays = {
        "ints": np.arange(10, dtype=np.int32),
        "floats": np.linspace(0, 1, 7, dtype=np.float32),
        "spans": np.arange(12, dtype=np.int64).reshape(6, 2),
        "empty": np.zeros(0, dtype=np.int64),
        "text": np.frombuffer("l'Assemblée".encode(), dtype=np.uint8),
    }
    meta = {"key": "abc", "warnings": ["Épik déjà vu"], "format": 1}
    path = tmp_path / "saved.arrays"
    save_arrays(path, meta, arrays)
    loaded_meta, loaded = load_arrays(path)
    assert loaded_meta == meta
    assert set(loaded) == set(arrays)
    for name, array in arrays.items():
        assert loaded[name].dtype == array.dtype
        assert np.array_equal(loaded[name], array)
    loaded["ints"][0] = 5  # a writable buffer: scipy may sort indices in place


@pytest.mark.parametrize("cut", [0, 10, 40, 200, -8])
def test_cut_short_or_foreign_file_is_refused(tmp_path: Path, cut: int) -> None:
    path = tmp_path / "saved.arrays"
    save_arrays(path, {"key": "k"}, {"values": np.arange(100, dtype=np.int64)})
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(ValueError):
        load_arrays(path)


def test_a_zip_file_is_not_taken_for_arrays(tmp_path: Path) -> None:
    path = tmp_path / "saved.npz"
    np.savez(path, values=np.arange(3))
    with pytest.raises(ValueError, match="not an arrays file"):
        load_arrays(path)


def test_a_damaged_byte_inside_an_array_is_refused(tmp_path: Path) -> None:
    # Structure intact, contents not: a saved text would decode as garbage later.
    path = tmp_path / "saved.arrays"
    text = np.frombuffer(b"John Matze, PDG de Parler", dtype=np.uint8)
    save_arrays(path, {"key": "k"}, {"text": text})
    data = bytearray(path.read_bytes())
    data[data.index(b"Matze")] = 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum"):
        load_arrays(path)


def test_a_damaged_byte_in_the_saved_key_is_damage_not_other_inputs(tmp_path: Path) -> None:
    # The key lives in the header: changed, it read as "built for other inputs".
    path = tmp_path / "saved.arrays"
    save_arrays(path, {"key": "abcdef"}, {"text": np.zeros(3, dtype=np.uint8)})
    data = bytearray(path.read_bytes())
    data[data.index(b"abcdef")] = ord("x")
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="checksum"):
        load_arrays(path)
