"""Writing tables and figures atomically: a temporary file in the folder, then a rename.

A command killed half-way leaves the old file or the new one, never half a file, and no
temporary file stays behind when writing fails.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

FILE_MODE = 0o644  #: readable by all, like a file written the ordinary way


def write_atomic(path: Path, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary path)``, then rename the file to ``path``; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` to ``path`` as CSV, atomically."""
    return write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False))


def write_png(fig: Figure, path: Path, dpi: int = 110) -> Path:
    """Save ``fig`` to ``path`` as PNG, atomically."""
    return write_atomic(path, lambda tmp: fig.savefig(tmp, format="png", dpi=dpi))
