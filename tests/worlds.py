"""Scenario dicts for tests, built from the shipped teaching world."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "configs" / "teaching.toml"
_TEACHING = tomllib.loads(TEACHING.read_text(encoding="utf-8"))


def teaching_dict() -> dict:
    """A fresh, mutable copy of the teaching scenario as a dict."""
    return copy.deepcopy(_TEACHING)


def country(d: dict, code: str) -> dict:
    """The country entry with this code in a scenario dict."""
    return next(c for c in d["countries"] if c["code"] == code)
