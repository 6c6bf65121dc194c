"""YAML parsing for the project's files (glossary, catalog, questions, settings)."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's safe loader when PyYAML was built with it: the same documents and errors,
# parsed in C (the glossary alone took 40 ms of every start-up in pure Python).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load`, in C when available."""
    return yaml.load(text, Loader=_SAFE_LOADER)
