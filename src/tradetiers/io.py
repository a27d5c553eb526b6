"""Writing results atomically: a temporary file in the target folder, then a rename.

A run that is killed half-way leaves either the old file or the new one, never a
half-written file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd

FORMATS = ("parquet", "csv")


def write_frame(frame: pd.DataFrame, path: Path, fmt: str) -> Path:
    """Write ``frame`` to ``path`` (suffix added) atomically; return the final path."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: allowed {FORMATS}")
    final = path.with_suffix(f".{fmt}")
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    try:
        if fmt == "parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return final


def read_frame(path: Path) -> pd.DataFrame:
    """Read a frame written by :func:`write_frame`."""
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
