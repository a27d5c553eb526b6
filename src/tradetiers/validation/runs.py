"""Running one scenario (or two) over many seeds, in worker processes.

Each run depends only on its scenario and its seed, so the frames are identical
whatever the number of workers: ``workers=0`` runs in this process, ``None`` uses one
worker process per core. A run keeps only the columns asked for, so little travels
back from the workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import pandas as pd

from tradetiers.config import Scenario

#: called after each run with (runs done, runs in all)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RunRequest:
    """One run: a scenario (as a dict), a seed, a horizon and the columns to keep."""

    scenario: dict[str, Any]
    seed: int
    years: int
    world_columns: tuple[str, ...] = ()
    country_columns: tuple[str, ...] = ()
    countries: tuple[str, ...] | None = None  #: None: every country
    key: str = ""  #: which scenario, when several are run together


@dataclass(frozen=True)
class RunOutput:
    """The frames of one run, cut to the columns asked for."""

    key: str
    seed: int
    world: pd.DataFrame  #: year and the world columns
    countries: pd.DataFrame  #: year, country and the country columns


@dataclass(frozen=True)
class Probe:
    """What a scenario's frames hold, from a one-year run."""

    world_columns: list[str]  #: numeric (and boolean) columns of ``world_frame()``
    country_columns: list[str]  #: numeric (and boolean) columns of ``country_frame()``
    codes: list[str]  #: the countries, in the model's order


def request_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a dict for worker processes (without its validation targets)."""
    data = scenario.model_dump(mode="python")
    data["validation"] = None
    return data


def probe(scenario: Scenario) -> Probe:
    """Run the scenario for one year and list the columns its frames have."""
    from tradetiers.model import TradeModel

    model = TradeModel(scenario=scenario, rng=scenario.seed).run(1)
    world, countries = model.world_frame(), model.country_frame()
    return Probe(_value_columns(world), _value_columns(countries), list(model.state.codes))


def _value_columns(frame: pd.DataFrame) -> list[str]:
    skip = {"year"}
    return [
        str(c)
        for c in frame.columns
        if c not in skip
        and (pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]))
    ]


def run_one(request: RunRequest) -> RunOutput:
    """Run one scenario and seed; keep the requested columns (booleans as 0/1)."""
    from tradetiers.model import TradeModel

    scenario = Scenario.from_dict(request.scenario, source="<run>")
    model = TradeModel(scenario=scenario, rng=request.seed).run(request.years)
    world = model.world_frame()[["year", *request.world_columns]].copy()
    countries = model.country_frame()
    if request.countries is not None:
        countries = countries[countries["country"].isin(request.countries)]
    countries = countries[["year", "country", *request.country_columns]].copy()
    for frame in (world, countries):
        for col in frame.columns:
            if pd.api.types.is_bool_dtype(frame[col]):
                frame[col] = frame[col].astype(float)
    return RunOutput(request.key, request.seed, world.reset_index(drop=True), countries)


def default_workers() -> int:
    """One worker process per core."""
    return os.cpu_count() or 1


def run_many(
    requests: Sequence[RunRequest],
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[RunOutput]:
    """Run every request, in worker processes or in this one.

    Args:
        requests: the runs.
        workers: worker processes; 0 runs them here, None uses one per core.
        progress: called with (done, total) after each run.

    Returns:
        The outputs in the order of ``requests``.
    """
    total = len(requests)
    if progress is not None:
        progress(0, total)
    n = default_workers() if workers is None else workers
    n = min(n, total)
    if n <= 0:
        outputs = []
        for request in requests:
            outputs.append(run_one(request))
            if progress is not None:
                progress(len(outputs), total)
        return outputs
    results: dict[int, RunOutput] = {}
    pool = ProcessPoolExecutor(max_workers=n, mp_context=multiprocessing.get_context("spawn"))
    try:
        pending: dict[Future[RunOutput], int] = {
            pool.submit(run_one, request): i for i, request in enumerate(requests)
        }
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                results[pending.pop(future)] = future.result()
            if progress is not None:
                progress(len(results), total)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.terminate()
        raise
    pool.shutdown(wait=True)
    return [results[i] for i in range(total)]


def stack(outputs: Sequence[RunOutput]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs' world and country frames, one above the other, with ``key`` and ``seed``."""
    world = pd.concat([o.world.assign(key=o.key, seed=o.seed) for o in outputs], ignore_index=True)
    countries = pd.concat(
        [o.countries.assign(key=o.key, seed=o.seed) for o in outputs], ignore_index=True
    )
    return world, countries
