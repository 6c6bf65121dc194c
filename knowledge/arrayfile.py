"""Named numpy arrays and a JSON header in one file, read back with a single read.

The saved corpus, indexes and sentences were .npz files: a zip member, a format header
parsed with `ast` and a separate read per array, about 0.15 ms each and 5 ms of a
10 ms start at 761 passages. Here the whole file is read into one buffer and every
array is a view of it. No pickle, like .npz; the header says each array's dtype,
shape and place, and anything that does not fit raises ValueError. The header also
holds a CRC-32 of itself and the arrays: a byte damaged inside a saved text decodes
as nothing valid, and only a checksum tells it at load (about 4 GB/s, half a second
for the 2 GB of a million passages), where the saved thing can still be rebuilt.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

# 2: the header holds the arrays' CRC-32; 3: of the header's meta and places too.
FORMAT_VERSION = 3
MAGIC = b"parler-qa arrays %d\n" % FORMAT_VERSION
_LENGTH_BYTES = 8
# Arrays start on this boundary, as numpy and SIMD code prefer.
_ALIGN = 64


def save_arrays(path: Path, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> None:
    """Writes `meta` and the arrays to `path` atomically (a temporary file, then a rename)."""
    contiguous = {name: np.ascontiguousarray(array) for name, array in arrays.items()}
    places: dict[str, dict[str, Any]] = {}
    offset = 0
    for name, array in contiguous.items():
        places[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
        offset += -(-array.nbytes // _ALIGN) * _ALIGN
    described = {"meta": dict(meta), "arrays": places}
    crc = _crc32(contiguous.values(), _canonical(described))
    header = json.dumps({**described, "crc32": crc}, ensure_ascii=False).encode()
    start = -(-(len(MAGIC) + _LENGTH_BYTES + len(header)) // _ALIGN) * _ALIGN
    # Each writer its own temporary file: processes starting together on an empty
    # folder all save, and the last rename wins with a whole file.
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        handle.write(MAGIC + len(header).to_bytes(_LENGTH_BYTES, "little") + header)
        handle.write(b"\0" * (start - handle.tell()))
        for name, array in contiguous.items():
            handle.write(b"\0" * (start + places[name]["offset"] - handle.tell()))
            handle.write(array.tobytes())
    tmp.replace(path)


def load_arrays(path: Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The meta and arrays saved by `save_arrays`; the arrays share one writable buffer.
    ValueError when the file is not one, or is cut short; OSError when unreadable."""
    size = path.stat().st_size
    buffer = bytearray(size)
    with path.open("rb") as handle:
        if handle.readinto(buffer) != size:
            raise ValueError("file changed while being read")
    if not buffer.startswith(MAGIC):
        raise ValueError("not an arrays file")
    cursor = len(MAGIC)
    length = int.from_bytes(buffer[cursor : cursor + _LENGTH_BYTES], "little")
    cursor += _LENGTH_BYTES
    if cursor + length > size:
        raise ValueError("header cut short")
    header = json.loads(bytes(buffer[cursor : cursor + length]).decode("utf-8"))
    start = -(-(cursor + length) // _ALIGN) * _ALIGN
    arrays: dict[str, np.ndarray] = {}
    for name, place in header["arrays"].items():
        dtype = np.dtype(place["dtype"])
        if dtype.hasobject:
            raise ValueError(f"array {name!r} holds Python objects")
        shape = tuple(int(n) for n in place["shape"])
        count = int(np.prod(shape, dtype=np.int64))
        offset = start + int(place["offset"])
        if offset < start or offset + count * dtype.itemsize > size:
            raise ValueError(f"array {name!r} lies past the end of the file")
        if count == 0:
            arrays[name] = np.empty(shape, dtype=dtype)
            continue
        arrays[name] = np.frombuffer(buffer, dtype=dtype, count=count, offset=offset).reshape(shape)
    described = {"meta": header.get("meta"), "arrays": header["arrays"]}
    if header.get("crc32") != _crc32(arrays.values(), _canonical(described)):
        raise ValueError("damaged (its checksum does not match)")
    return header["meta"], arrays


def _canonical(described: Mapping[str, Any]) -> bytes:
    """The header's meta and places as the checksum reads them: a byte changed in the
    saved key must read as damage, not as a file built for other inputs."""
    return json.dumps(described, sort_keys=True, ensure_ascii=False).encode()


def _crc32(arrays: Iterable[np.ndarray], header: bytes = b"") -> int:
    """The CRC-32 of the header's canonical bytes, then of the arrays' bytes, one after
    the other (padding left out)."""
    crc = zlib.crc32(header)
    for array in arrays:
        if array.size:
            crc = zlib.crc32(memoryview(np.ascontiguousarray(array)).cast("B"), crc)
    return crc
