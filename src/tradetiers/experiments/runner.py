"""Running a sweep on any ``concurrent.futures.Executor``.

The parent plans the runs, splits the ones not yet finished into chunks and submits
``run_chunk`` for each: to local worker processes by default, or to a Dask cluster
through ``Client.get_executor()``. A worker runs its chunk, computes the outcomes and
series, and writes the chunk's Parquet parts itself; only a small summary comes back,
so nothing large is gathered in the parent. A run that raises is recorded with its
error and the sweep goes on. Each run's result depends only on its settings and seed,
so results are identical whatever the executor or the number of workers.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import socket
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from tradetiers.config import MISSING, Scenario
from tradetiers.experiments import paths, sampling
from tradetiers.experiments.errors import SpecError
from tradetiers.experiments.outcomes import Frames, Outcome, Series, collect_series, evaluate
from tradetiers.experiments.spec import Experiment, import_object
from tradetiers.experiments.store import (
    SERIES_SCHEMA,
    Store,
    commit_chunk,
    outcomes_schema,
    part_name,
    runs_schema,
)

MAX_CHUNK = 100
ERROR_CHARS = 2000


@dataclass(frozen=True)
class RunContext:
    """What every worker needs to run a chunk (sent along with it)."""

    base: dict[str, Any]
    paths: dict[str, str]
    years: int
    model: str
    outcomes: list[Outcome]
    series: list[Series]
    root: str
    generation: str
    runs_schema: pa.Schema
    source: str


@dataclass(frozen=True)
class ChunkResult:
    """What a worker sends back: counts and timings, never the data."""

    run_ids: list[int]
    failed: int
    committed: bool
    run_seconds: float
    store_seconds: float
    cpu_seconds: float  #: CPU time of the worker process for the chunk (contention check)


@dataclass
class SweepResult:
    """Totals of one sweep invocation."""

    out: Path
    total: int
    skipped: int = 0
    done: int = 0
    failed: int = 0
    lost: int = 0
    seconds: float = 0.0
    run_seconds: float = 0.0
    store_seconds: float = 0.0
    cpu_seconds: float = 0.0
    errors: list[str] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        """True when every planned run is in the store."""
        return self.skipped + self.done == self.total


class SweepInterrupted(KeyboardInterrupt):
    """The sweep was stopped (Ctrl-C or SIGTERM); finished runs are stored."""

    def __init__(self, result: SweepResult) -> None:
        super().__init__("interrupted")
        self.result = result


# -- the worker side --------------------------------------------------------------------
def run_one(ctx: RunContext, row: dict[str, Any]) -> tuple[dict[str, float], pd.DataFrame]:
    """One run: build its scenario, run the model, compute outcomes and series."""
    settings = {path: row[name] for name, path in ctx.paths.items()}
    scenario = Scenario.from_dict(paths.apply(ctx.base, settings), source=ctx.source)
    factory = import_object(ctx.model)
    model = factory(scenario=scenario, rng=int(row["seed"]))
    model.run(ctx.years)
    frames = Frames(model.world_frame(), model.country_frame())
    return evaluate(ctx.outcomes, frames), collect_series(ctx.series, frames)


def run_chunk(ctx: RunContext, rows: list[dict[str, Any]]) -> ChunkResult:
    """Run a chunk of runs and commit its parts to the store (called on a worker)."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    names = [o.name for o in ctx.outcomes]
    run_rows, outcome_rows, series_parts = [], [], []
    failed = 0
    run_seconds = 0.0
    cpu_start = time.process_time()
    for row in rows:
        start = time.perf_counter()
        status, error, tb = "ok", None, None
        try:
            values, series = run_one(ctx, row)
            series.insert(0, "run_id", np.int64(row["run_id"]))
            series_parts.append(series)
        except Exception as err:  # a failing run is data: record it and go on
            values = dict.fromkeys(names, math.nan)
            status, error = "failed", f"{type(err).__name__}: {err}"[:ERROR_CHARS]
            tb = traceback.format_exc()[-4 * ERROR_CHARS :]
            failed += 1
        wall = time.perf_counter() - start
        run_seconds += wall
        run_rows.append(
            {**row, "status": status, "error": error, "traceback": tb, "wall_time": wall}
            | {"worker": worker}
        )
        outcome_rows.append({"run_id": row["run_id"], **values})
    start = time.perf_counter()
    tables = {
        "runs": pa.Table.from_pylist(run_rows, schema=ctx.runs_schema),
        "outcomes": pa.Table.from_pylist(outcome_rows, schema=outcomes_schema(names)),
        "series": _series_table(series_parts),
    }
    ids = [int(r["run_id"]) for r in rows]
    name = part_name(min(ids), max(ids), ctx.generation)
    committed = commit_chunk(Path(ctx.root), name, ctx.generation, tables)
    store_seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return ChunkResult(ids, failed, committed, run_seconds, store_seconds, cpu)


def _series_table(parts: list[pd.DataFrame]) -> pa.Table:
    if not parts:
        return SERIES_SCHEMA.empty_table()
    frame = pd.concat(parts, ignore_index=True)
    return pa.Table.from_pandas(frame, schema=SERIES_SCHEMA, preserve_index=False)


def _worker_init(parent: int) -> None:
    """Worker initializer: Ctrl-C goes to the parent, and orphans exit.

    The parent stops its workers itself on Ctrl-C or SIGTERM. If it is killed outright
    (SIGKILL), a watchdog thread ends the worker within a second; its unfinished chunk
    was never committed, so ``--resume`` runs it again.
    """
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="tradetiers-orphan-watch", daemon=True).start()


# -- the parent side --------------------------------------------------------------------
class InlineExecutor(Executor):
    """Runs each submission at once in this process (``--workers 0``: debugging, profiling)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Call ``fn`` now; return a finished future."""
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as err:
            if isinstance(err, KeyboardInterrupt):
                raise
            future.set_exception(err)
        return future


@contextmanager
def make_executor(
    workers: int | None, scheduler: str | None, timeout: float = 20.0
) -> Iterator[tuple[Executor, int, Callable[[], None]]]:
    """The executor to use, its number of worker slots, and how to stop it at once.

    Args:
        workers: local worker processes (default: one per core); 0 runs in this process.
        scheduler: address of a running Dask scheduler; overrides ``workers``.
        timeout: seconds to wait for the scheduler to answer.
    """
    if scheduler is not None:
        try:
            from distributed import Client
        except ImportError:  # pragma: no cover - dask is a dependency
            raise SpecError(
                "--scheduler", "scheduler", scheduler, "needs dask.distributed"
            ) from None
        try:
            client = Client(scheduler, timeout=f"{timeout}s")
        except (OSError, TimeoutError) as err:
            raise SpecError(
                "--scheduler", "scheduler", scheduler, f"no Dask scheduler answers there ({err})"
            ) from None
        try:
            slots = max(1, sum(client.nthreads().values()))
            executor = client.get_executor(pure=False)

            def stop_dask() -> None:
                executor.shutdown(wait=False)

            yield executor, slots, stop_dask
        finally:
            client.close()
        return
    if workers == 0:
        yield InlineExecutor(), 1, lambda: None
        return
    n = workers or os.cpu_count() or 1
    pool = ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(os.getpid(),),
    )

    def stop_pool() -> None:
        pool.shutdown(wait=False, cancel_futures=True)
        terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
        if terminate is not None:
            terminate()
            return
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.terminate()

    try:
        yield pool, n, stop_pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def chunk_size(todo: int, slots: int, requested: int | None = None) -> int:
    """Runs per chunk: about eight chunks per worker slot, at most ``MAX_CHUNK``."""
    if requested is not None:
        return max(1, requested)
    return max(1, min(MAX_CHUNK, math.ceil(todo / (8 * slots))))


def prepare(exp: Experiment, out: Path, resume: bool) -> tuple[Store, pd.DataFrame]:
    """Create the sweep folder, or check that it holds this very sweep when resuming."""
    store = Store(out)
    fingerprint = exp.fingerprint()
    if store.exists:
        if not resume:
            raise SpecError(
                "--out",
                "out",
                str(out),
                "already holds a sweep; pass --resume to continue it, or choose another --out",
            )
        meta = store.meta()
        if meta.get("fingerprint") != fingerprint:
            raise SpecError(
                exp.source,
                "spec",
                MISSING,
                f"differs from the sweep in {out} (made from {meta.get('spec_file')}); "
                "use another --out",
            )
        return store, store.design()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SpecError("--out", "out", str(out), "exists and holds no sweep; choose another --out")
    design = sampling.build_design(exp)
    plan = sampling.plan(exp, design)
    spec = exp.spec
    meta = {
        "name": spec.name,
        "description": spec.description,
        "spec_file": exp.source,
        "fingerprint": fingerprint,
        "runs": len(plan),
        "points": len(design.points),
        "replications": spec.replications,
        "method": spec.sampling.method,
        "levers": spec.lever_names,
        "uncertainties": spec.uncertainty_names,
        "outcomes": [o.name for o in spec.outcomes],
        "years": exp.years,
        "start_year": exp.start_year,
        "scenario": spec.scenario,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    store.create(meta, spec.model_dump(mode="json"), plan)
    return store, plan


def run_sweep(
    exp: Experiment,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    executor: Executor | None = None,
    resume: bool = False,
    chunk: int | None = None,
    progress: Any = None,
    scheduler_timeout: float = 20.0,
) -> SweepResult:
    """Run every planned run not yet in the store.

    Args:
        exp: the validated experiment (``load_spec``).
        out: the sweep folder.
        workers: local worker processes (default one per core; 0 runs in this process).
        scheduler: address of a running Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
        executor: any ``concurrent.futures.Executor`` (overrides workers and scheduler).
        resume: continue the sweep already in ``out``.
        chunk: runs per chunk (default: about eight chunks per worker).
        progress: a callable ``(result, left)`` told after each chunk, or None.
        scheduler_timeout: seconds to wait for the Dask scheduler to answer.

    Raises:
        SpecError: ``out`` holds another sweep, or the scheduler cannot be reached.
        SweepInterrupted: stopped by Ctrl-C or SIGTERM; finished runs are stored.
    """
    out = Path(out)
    if executor is not None:
        slots = int(getattr(executor, "_max_workers", 1) or 1)
        return _sweep(exp, out, resume, executor, slots, lambda: None, chunk, progress)
    # connect first: an unreachable scheduler must leave nothing written
    with make_executor(workers, scheduler, scheduler_timeout) as (pool, slots, stop):
        return _sweep(exp, out, resume, pool, slots, stop, chunk, progress)


def _sweep(
    exp: Experiment,
    out: Path,
    resume: bool,
    executor: Executor,
    slots: int,
    stop: Callable[[], None],
    chunk: int | None,
    progress: Any,
) -> SweepResult:
    started = time.perf_counter()
    store, plan = prepare(exp, out, resume)
    generation = store.begin()
    done = store.completed()
    todo = plan[~plan["run_id"].isin(done)]
    result = SweepResult(out, total=len(plan), skipped=len(plan) - len(todo))
    ctx = RunContext(
        base=exp.base,
        paths=exp.paths,
        years=exp.years,
        model=exp.spec.model,
        outcomes=list(exp.spec.outcomes),
        series=list(exp.spec.series),
        root=str(out),
        generation=generation,
        runs_schema=runs_schema(plan),
        source=exp.source,
    )
    _drive(executor, slots, stop, ctx, todo.to_dict(orient="records"), chunk, result, progress)
    store.tidy()
    result.seconds = time.perf_counter() - started
    return result


def _drive(
    executor: Executor,
    slots: int,
    stop: Callable[[], None],
    ctx: RunContext,
    rows: list[dict[str, Any]],
    chunk: int | None,
    result: SweepResult,
    progress: Any,
) -> None:
    """Submit chunks (a bounded number in flight) and tally what comes back."""
    size = chunk_size(len(rows), slots, chunk)
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
    pending: dict[Future[ChunkResult], int] = {}
    left = len(rows)
    limit = 4 * slots + 2
    next_chunk = 0
    if progress is not None:
        progress(result, left)
    try:
        while next_chunk < len(chunks) or pending:
            while next_chunk < len(chunks) and len(pending) < limit:
                try:
                    future = executor.submit(run_chunk, ctx, chunks[next_chunk])
                except Exception as err:  # a broken pool takes no more work
                    unsent = sum(len(c) for c in chunks[next_chunk:])
                    result.lost += unsent
                    left -= unsent
                    result.errors.append(f"{type(err).__name__}: {err}")
                    next_chunk = len(chunks)
                    break
                pending[future] = len(chunks[next_chunk])
                next_chunk += 1
            if not pending:
                break
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                n = pending.pop(future)
                left -= n
                try:
                    res = future.result()
                except Exception as err:  # the worker died or the store failed
                    result.lost += n
                    result.errors.append(f"{type(err).__name__}: {err}")
                else:
                    if res.committed:
                        result.done += n
                        result.failed += res.failed
                        result.run_seconds += res.run_seconds
                        result.store_seconds += res.store_seconds
                        result.cpu_seconds += res.cpu_seconds
                    else:
                        result.lost += n
                if progress is not None:
                    progress(result, left)
    except KeyboardInterrupt:
        for future in pending:
            future.cancel()
        stop()
        raise SweepInterrupted(result) from None
