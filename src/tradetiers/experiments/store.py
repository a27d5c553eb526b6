"""The result store: a folder of Parquet part files that every worker writes itself.

Layout of a sweep folder::

    sweep.json       what the sweep is: name, fingerprint, number of runs, tables
    spec.json        the validated spec (the analysis rebuilds SALib designs from it)
    design.parquet   the plan: run_id, point_id, replication, seed, factor values
    runs/            one row per run: plan columns, status, error, traceback, wall_time
    outcomes/        one row per run: run_id, one column per scalar outcome
    series/          tidy: run_id, year, country, indicator, value

Each chunk of runs is written by the worker that ran it as ``part-FIRST-LAST-GEN``
files in the three folders. Every file is written to a hidden temporary file and
renamed into place; the ``runs`` part is written last and is the commit: a run is
finished when it is in a ``runs`` part. A sweep that is killed leaves at most
uncommitted ``outcomes``/``series`` parts and hidden temporary files, which
``--resume`` removes before it runs what is left. Each sweep invocation has a
generation; a worker commits only while its generation is current (checked under a
file lock), so a straggler of a killed sweep can never add a duplicate after a resume
has started.

The folders are ordinary Parquet data sets: ``pandas.read_parquet("DIR/outcomes")`` or
``SELECT * FROM 'DIR/outcomes/*.parquet'`` in DuckDB.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("runs", "outcomes", "series")
META = "sweep.json"
SPEC = "spec.json"
DESIGN = "design.parquet"
GENERATION = ".generation"
LOCK = ".lock"
PART = re.compile(r"^part-(\d+)-(\d+)-([0-9a-f]+)\.parquet$")
STATUS_FIELDS = [
    pa.field("status", pa.string()),
    pa.field("error", pa.string()),
    pa.field("traceback", pa.string()),
    pa.field("wall_time", pa.float64()),
    pa.field("worker", pa.string()),
]
SERIES_SCHEMA = pa.schema(
    [
        pa.field("run_id", pa.int64()),
        pa.field("year", pa.int64()),
        pa.field("country", pa.string()),
        pa.field("indicator", pa.string()),
        pa.field("value", pa.float64()),
    ]
)


class StoreError(ValueError):
    """The folder is not a sweep store, or holds a different sweep."""


def runs_schema(plan: pd.DataFrame) -> pa.Schema:
    """Schema of the runs table: the plan's columns, then status fields."""
    base = pa.Schema.from_pandas(plan.head(0), preserve_index=False)
    fields = [pa.field(f.name, pa.string() if f.type == pa.null() else f.type) for f in base]
    return pa.schema(fields + STATUS_FIELDS)


def outcomes_schema(names: list[str]) -> pa.Schema:
    """Schema of the outcomes table: run_id and one float column per outcome."""
    return pa.schema([pa.field("run_id", pa.int64())] + [pa.field(n, pa.float64()) for n in names])


def part_name(first: int, last: int, generation: str) -> str:
    """File name of a chunk's part in each table."""
    return f"part-{first:09d}-{last:09d}-{generation[:12]}.parquet"


def write_atomic(table: pa.Table, path: Path) -> Path:
    """Write a Parquet file to a hidden temporary file beside it; return the temporary."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        pq.write_table(table, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


@contextlib.contextmanager
def locked(root: Path) -> Iterator[None]:
    """An exclusive lock on the store (a no-op where file locks do not exist)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(root / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX)
        except OSError:  # pragma: no cover - file systems without locks
            yield
            return
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def commit_chunk(root: Path, name: str, generation: str, tables: dict[str, pa.Table]) -> bool:
    """Write one chunk's parts; the runs part last, and only if the sweep is current.

    Returns:
        True if committed; False if a newer sweep invocation owns the store (the parts
        are then removed, and the runs will be computed by that invocation).
    """
    written: list[Path] = []
    for table in ("series", "outcomes"):
        final = root / table / name
        os.replace(write_atomic(tables[table], final), final)
        written.append(final)
    final = root / "runs" / name
    tmp = write_atomic(tables["runs"], final)
    with locked(root):
        current = (root / GENERATION).read_text().strip() == generation
        if current:
            os.replace(tmp, final)
    if not current:
        tmp.unlink(missing_ok=True)
        for path in written:
            path.unlink(missing_ok=True)
    return current


class Store:
    """A sweep folder: created by the runner, read by the analysis."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def exists(self) -> bool:
        """True if the folder holds a sweep."""
        return (self.root / META).is_file()

    def meta(self) -> dict[str, Any]:
        """The sweep's description (``sweep.json``)."""
        if not self.exists:
            raise StoreError(f"{self.root} holds no sweep (no {META})")
        return json.loads((self.root / META).read_text(encoding="utf-8"))

    def create(self, meta: dict[str, Any], spec: dict[str, Any], plan: pd.DataFrame) -> None:
        """Lay out a new sweep folder (plan and description written atomically)."""
        for table in TABLES:
            (self.root / table).mkdir(parents=True, exist_ok=True)
        tmp = write_atomic(pa.Table.from_pandas(plan, preserve_index=False), self.root / DESIGN)
        os.replace(tmp, self.root / DESIGN)
        self._write_json(SPEC, spec)
        self._write_json(META, meta)

    def _write_json(self, name: str, data: dict[str, Any]) -> None:
        tmp = self.root / f".{name}.tmp"
        tmp.write_text(json.dumps(data, indent=2, default=str), encoding="utf-8")
        os.replace(tmp, self.root / name)

    def begin(self) -> str:
        """Start an invocation: a new generation, then the store tidied; returns it."""
        generation = uuid.uuid4().hex
        with locked(self.root):
            tmp = self.root / f"{GENERATION}.tmp"
            tmp.write_text(generation)
            os.replace(tmp, self.root / GENERATION)
            self.tidy()
        return generation

    def tidy(self) -> list[Path]:
        """Remove temporary files and parts of chunks that never committed."""
        removed: list[Path] = []
        committed = {p.name for p in self._parts("runs")}
        for table in TABLES:
            folder = self.root / table
            for path in folder.glob(".*.tmp"):
                path.unlink(missing_ok=True)
                removed.append(path)
            if table != "runs":
                for path in self._parts(table):
                    if path.name not in committed:
                        path.unlink(missing_ok=True)
                        removed.append(path)
        return removed

    def _parts(self, table: str) -> list[Path]:
        folder = self.root / table
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.iterdir() if PART.match(p.name))

    def completed(self) -> set[int]:
        """run_ids of every committed run (finished, whether it succeeded or failed)."""
        done: set[int] = set()
        for path in self._parts("runs"):
            done.update(pq.read_table(path, columns=["run_id"]).column(0).to_pylist())
        return done

    def design(self) -> pd.DataFrame:
        """The plan of every run."""
        return pd.read_parquet(self.root / DESIGN)

    def spec(self) -> dict[str, Any]:
        """The validated spec, as saved when the sweep was created."""
        return json.loads((self.root / SPEC).read_text(encoding="utf-8"))

    def read(self, table: str, columns: list[str] | None = None) -> pd.DataFrame:
        """A table of the committed runs, sorted by run_id (and year for series)."""
        if table not in TABLES:
            raise ValueError(f"table {table!r}: one of {TABLES}")
        committed = {p.name for p in self._parts("runs")}
        files = [p for p in self._parts(table) if p.name in committed]
        if not files:
            schema = self._empty_schema(table)
            return schema.empty_table().to_pandas() if schema is not None else pd.DataFrame()
        frame = pq.ParquetDataset(files).read(columns=columns).to_pandas()
        keys = [k for k in ("run_id", "year", "country", "indicator") if k in frame.columns]
        return frame.sort_values(keys, kind="stable").reset_index(drop=True)

    def _empty_schema(self, table: str) -> pa.Schema | None:
        if table == "series":
            return SERIES_SCHEMA
        if table == "outcomes" and self.exists:
            return outcomes_schema(self.meta()["outcomes"])
        return None
