"""Results remembered up to a bound, for the engine's per-passage and per-word work."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING = object()


class BoundedMemo(Generic[K, V]):
    """A result per key, made on first need and remembered; past `limit` keys all are
    forgotten at once, so memory stays bounded whatever users ask, and the popular
    results come back after one miss each."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError(f"limit must be at least 1, not {limit}")
        self._limit = limit
        self._found: dict[K, V] = {}

    def get(self, key: K, make: Callable[[K], V]) -> V:
        # A sentinel, not KeyError: most keys are new when a question brings new
        # passages, and raising costs more than the look-up.
        found = self._found.get(key, _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        if len(self._found) >= self._limit:
            self._found.clear()
        value = self._found[key] = make(key)
        return value

    def __len__(self) -> int:
        return len(self._found)

    @property
    def room(self) -> int:
        """How many more keys fit before all are forgotten."""
        return self._limit - len(self._found)
