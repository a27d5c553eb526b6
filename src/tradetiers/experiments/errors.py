"""One-line errors for experiment specs, in the style of scenario errors.

``SpecError`` subclasses ``ScenarioError`` so that the command line reports both the
same way: one line naming the file, the field, the bad value and what is allowed, exit
code 2, no traceback and nothing written.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from tradetiers.config import MISSING, ScenarioError, loc_to_path


class SpecError(ScenarioError):
    """A user error in an experiment spec (or in how a sweep was asked for)."""


class FieldProblem(ValueError):
    """Raised inside spec validators to name a precise field (turned into SpecError)."""

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        super().__init__(allowed)
        self.field, self.value, self.allowed = field, value, allowed


def from_validation(err: ValidationError, root: type[BaseModel], source: str) -> SpecError:
    """Turn pydantic's first validation error into a one-line SpecError."""
    first = err.errors(include_url=False)[0]
    loc = tuple(x for x in first["loc"] if not _is_union_tag(x))
    path = loc_to_path(loc)
    inner = (first.get("ctx") or {}).get("error")
    if isinstance(inner, FieldProblem):
        field = ".".join(p for p in (path, inner.field) if p)
        return SpecError(source, field, inner.value, inner.allowed)
    value = first.get("input")
    kind = first["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(_model_at(root, loc[:-1]).model_fields)
        return SpecError(source, path, value, f"unknown key; allowed keys: {allowed}")
    if kind == "missing":
        return SpecError(source, path, MISSING, "missing required field")
    message = first["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if isinstance(value, dict | list):
        value = MISSING
    return SpecError(source, path or "spec", value, message)


def _is_union_tag(item: Any) -> bool:
    """Pydantic puts the member type of a union in locations (``float``, ``list[...]``)."""
    return isinstance(item, str) and (
        item in {"float", "int", "str", "bool"} or "[" in item or item.startswith("function-")
    )


def _model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel]:
    """The settings model at a location, to list the keys it accepts."""
    from typing import get_args

    model: Any = root
    for item in loc:
        if isinstance(item, int) or not (isinstance(model, type) and item in model.model_fields):
            continue
        annotation = model.model_fields[item].annotation
        candidates = [annotation, *get_args(annotation)]
        for arg in list(candidates):
            candidates.extend(get_args(arg))
        model = next(
            (c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), model
        )
    return model
