"""The one jinja2 environment for every HTML page the autograder writes (feedback, reports, seminar pages).

Autoescaping is on (messages, comments and names come from students and are shown as text, never as
markup), undefined variables are errors (StrictUndefined), blocks are trimmed, and the `score` filter is
`core/scores.format_score`. Each package keeps its templates in its own `templates/` folder and renders
with `render(folder, name, **context)`; environments are made once per folder.
"""
from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from autograder.core.scores import format_score


@functools.cache
def environment(folder: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["score"] = format_score
    return env


def render(folder: Path | str, name: str, **context) -> str:
    """Render template `name` from `folder` (a package's `templates/`)."""
    return environment(str(Path(folder).resolve())).get_template(name).render(**context)
