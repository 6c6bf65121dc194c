"""YAML parsing for the project's files (glossary, catalog, questions, settings)."""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import yaml

# libyaml's safe loader when PyYAML was built with it: the same documents and errors,
# parsed in C (the glossary alone took 40 ms of every start-up in pure Python).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a key given twice in one mapping: YAML would keep the
    last one silently (a catalog entry written twice, a setting set twice)."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # A value YAML's syntax allows but its constructors cannot make ("2021-02-30"
        # read as a date, "!!int abc") raised a bare ValueError: it becomes a YAML
        # error at the value's line, which every caller reports with its file.
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value: {exc}", node.start_mark
            ) from None


def _mapping_without_repeats(loader: Any, node: yaml.MappingNode, deep: bool = False) -> Any:
    # The mapping's own keys only: one may override a key merged in with "<<".
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            repeated = key in seen
            seen.add(key)
        except TypeError:  # an unhashable key: the constructor says so below
            continue
        if repeated:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found the key {key!r} twice",
                key_node.start_mark,
            )
    return loader.construct_mapping(node, deep=deep)  # merges "<<" keys itself


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_repeats
)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load`, in C when available, refusing repeated keys."""
    return yaml.load(text, Loader=_UniqueKeyLoader)


def unknown_keys(
    entries: Iterable[tuple[str, Mapping[Any, Any]]], known: Collection[str]
) -> list[str]:
    """One line per key that no entry of a file should hold: which entries hold it and
    the known key it is likely a misspelling of. Such keys are ignored, so a file that
    a newer version wrote still loads, but "titel:" or "language:" must not pass
    unseen: the value the author meant would be silently missing."""
    holders: dict[str, list[str]] = {}
    for name, entry in entries:
        for key in entry:
            if str(key) not in known:
                holders.setdefault(str(key), []).append(name)
    lines = []
    for key, names in holders.items():
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        close = difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
        lines.append(f"unknown key {key!r} ignored, in {shown}{hint}")
    return lines
