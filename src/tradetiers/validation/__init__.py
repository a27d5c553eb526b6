"""Checking a scenario against data (``tradetiers validate``) and comparing two scenarios.

A scenario may carry a ``[validation]`` table of targets: sourced figures (from the seed
essay or from official statistics) that the model's output should reproduce within a
tolerance. :func:`validate` runs the scenario over several seeds and tells which targets
pass; :func:`compare` runs two scenarios over the same seeds and reports the paired
differences of key indicators.

Modules, one concern each: ``spec`` (the ``[validation]`` schema and its checks),
``nominal`` (nominal GDP data for money figures), ``runs`` (running seeds in worker
processes), ``check`` (the validation itself), ``comparison``, ``table`` (rich tables),
``plot`` (PNG figures), ``output`` (atomic writes) and ``cli`` (the two commands).

This package is imported by :mod:`tradetiers.config` (for the schema), so it imports
nothing heavy at import time: the functions below load their modules when first used.
"""

from __future__ import annotations

from typing import Any

__all__ = ["CompareResult", "ValidationResult", "compare", "validate"]

_LAZY = {
    "validate": "tradetiers.validation.check",
    "ValidationResult": "tradetiers.validation.check",
    "compare": "tradetiers.validation.comparison",
    "CompareResult": "tradetiers.validation.comparison",
}


def __getattr__(name: str) -> Any:
    """Load :func:`validate`, :func:`compare` and their result types on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
