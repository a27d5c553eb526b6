"""Dotted paths into a scenario: what a lever or an uncertainty sets.

A path names one value of the scenario as a user reads the TOML file:
``parameters.distance_decay``, ``graph.k``, ``synthetic.countries``,
``countries.MAN.productivity.textiles`` (countries by code, or by index) or
``events.0.factor`` (events by index). Paths are checked against the scenario's
settings models, so a typo is reported with the keys that are allowed; the values a
sweep will use are then checked by validating the scenario they produce.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from tradetiers.config import Scenario, table_model

Kind = Literal["float", "int", "bool", "str", "any"]
_ABSENT = object()


class PathProblem(ValueError):
    """A path that does not name a single value of the scenario (message says why)."""


@dataclass(frozen=True)
class Target:
    """Where a path points and the type of value it holds there."""

    path: str
    kind: Kind


def _kind_of(value: Any) -> Kind:
    if value is _ABSENT:
        return "float"  # a new key in a table of numbers (productivity, budget shares)
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "str"
    return "any"


def _walk(data: dict[str, Any], path: str) -> tuple[Any, Any, Any]:
    """Follow ``path`` in a scenario dump; return (container, key, current value)."""
    tokens = path.split(".")
    if not path or any(not t for t in tokens):
        raise PathProblem("a dotted path such as parameters.distance_decay")
    model: Any = Scenario
    node: Any = data
    container: Any = None
    key: Any = None
    for depth, tok in enumerate(tokens):
        where = ".".join(tokens[:depth]) or "the scenario"
        if isinstance(node, list):
            index = _list_index(node, tok, where, data)
            container, key, node = node, index, node[index]
            continue
        if node is None:
            raise PathProblem(f"{where} is not set in this scenario, so it has no {tok!r}")
        if not isinstance(node, dict):
            raise PathProblem(f"{where} is a single value; it has no field {tok!r}")
        if isinstance(model, type) and issubclass(model, BaseModel):
            if tok not in model.model_fields:
                allowed = ", ".join(model.model_fields)
                raise PathProblem(f"{where} has no field {tok!r}; allowed: {allowed}")
            annotation = model.model_fields[tok].annotation
            model = table_model(annotation)
            if tok == "events":
                model = None  # a tagged union: each event's kind says which keys it has
        else:
            model = None  # a table of numbers keyed by good: new keys are allowed
        container, key, node = node, tok, node.get(tok, _ABSENT)
    if isinstance(node, dict | list):
        raise PathProblem("names a whole table; give the path of a single value in it")
    return container, key, node


def _list_index(items: list[Any], tok: str, where: str, data: dict[str, Any]) -> int:
    """Countries by code or index, events by index."""
    if tok.isdigit():
        index = int(tok)
        if index >= len(items):
            raise PathProblem(f"{where} has {len(items)} entries; no index {index}")
        return index
    codes = [it.get("code") for it in items if isinstance(it, dict)]
    if tok in codes:
        return codes.index(tok)
    if where == "countries" and not items and data.get("synthetic"):
        raise PathProblem(
            "the world is synthetic, so its countries are generated; vary synthetic.* instead"
        )
    known = ", ".join(str(c) for c in codes if c) or "none"
    raise PathProblem(f"{where} has no entry {tok!r}; country codes: {known}")


def resolve(base: dict[str, Any], path: str) -> Target:
    """Check that ``path`` names one value of the scenario dump ``base``.

    Raises:
        PathProblem: the path is malformed or names nothing, or a whole table.
    """
    _, _, current = _walk(base, path)
    return Target(path, _kind_of(current))


def cast(value: Any, kind: Kind) -> Any:
    """Convert a sampled value to the type the scenario holds there (ranges give floats)."""
    if kind == "int" and isinstance(value, float):
        return round(value)
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def apply(base: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of the scenario dump ``base`` with each path set to its value."""
    data = copy.deepcopy(base)
    for path, value in settings.items():
        container, key, current = _walk(data, path)
        container[key] = cast(value, _kind_of(current))
    return data
