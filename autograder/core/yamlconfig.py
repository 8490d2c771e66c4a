"""Reading YAML configuration files the same way everywhere: safe_load, errors with file, line and key."""
from __future__ import annotations

from pathlib import Path

import yaml

from autograder.core.errors import ConfigError


def read_yaml(path: Path, *, not_found: str, hint: str | None = None):
    """The parsed document; ConfigError naming the file (and line) when it is missing or not valid YAML."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(not_found, file=str(path), hint=hint) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise ConfigError(f"not valid YAML: {getattr(e, 'problem', e)}", file=str(path),
                          where=f"line {mark.line + 1}" if mark else None) from None


def check_keys(data, allowed, *, file, where: str | None) -> dict:
    """`data` is a mapping whose keys are all in `allowed`; ConfigError naming the file, place and keys."""
    if not isinstance(data, dict):
        raise ConfigError(f"expected a mapping, got {type(data).__name__}", file=str(file), where=where)
    unknown = sorted(map(str, set(data) - set(allowed)))
    if unknown:
        raise ConfigError(f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(sorted(allowed))}",
                          file=str(file), where=where)
    return data
