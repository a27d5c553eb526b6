"""The same sweep gives identical results in this process, with 1 and 2 local worker
processes, on a dask ``LocalCluster``, and on a real ``dask scheduler`` with two
``dask worker`` processes started here on 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from experiment_specs import IDENTITY, write

from tradetiers.experiments.runner import run_sweep
from tradetiers.experiments.spec import load_spec
from tradetiers.experiments.store import Store

RUNS = 12


def results(folder: Path) -> dict[str, pd.DataFrame]:
    store = Store(folder)
    runs = store.read("runs").drop(columns=["wall_time", "worker", "traceback", "error"])
    return {"runs": runs, "outcomes": store.read("outcomes"), "series": store.read("series")}


def assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for table in ("runs", "outcomes", "series"):
        pd.testing.assert_frame_equal(a[table], b[table], check_exact=True)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    return load_spec(write(tmp_path_factory.mktemp("spec"), IDENTITY))


@pytest.fixture(scope="module")
def local(experiment, tmp_path_factory):
    """The sweep run in this process, and with 1 and 2 local worker processes."""
    out = {}
    for workers in (0, 1, 2):
        folder = tmp_path_factory.mktemp(f"w{workers}") / "sweep"
        result = run_sweep(experiment, folder, workers=workers)
        assert result.done == RUNS and result.failed == 0 and result.lost == 0
        out[workers] = folder
    return out


def test_local_results_are_complete_and_vary_with_the_settings(local):
    res = results(local[1])
    runs, outcomes, series = res["runs"], res["outcomes"], res["series"]
    assert runs["run_id"].tolist() == list(range(RUNS))
    assert (runs["status"] == "ok").all()
    assert outcomes["run_id"].tolist() == list(range(RUNS))
    assert np.isfinite(outcomes.drop(columns="run_id").to_numpy()).all()
    # trade is cheaper at the lower distance decay, so there is more of it
    merged = runs.merge(outcomes, on="run_id")
    by_decay = merged.groupby("distance_decay")["trade_end"].mean()
    assert by_decay[0.3] > by_decay[1.0]
    # 6 years x (2 world series + 2 countries x 2 country series) per run
    assert len(series) == RUNS * 6 * (2 + 4)
    assert not series.duplicated(["run_id", "year", "country", "indicator"]).any()


def test_one_and_two_workers_and_in_process_agree_exactly(local):
    base = results(local[0])
    assert_same(base, results(local[1]))
    assert_same(base, results(local[2]))
    workers = Store(local[2]).read("runs")["worker"]
    # the runs went to worker processes (a pool of two; a fast pool may leave one idle)
    assert 1 <= workers.nunique() <= 2
    assert set(workers) != set(Store(local[0]).read("runs")["worker"])


def test_store_reads_with_pandas_and_duckdb(local):
    folder = local[2]
    direct = pd.read_parquet(folder / "outcomes").sort_values("run_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(direct, Store(folder).read("outcomes"))
    con = duckdb.connect()
    n, mean = con.execute(
        f"SELECT count(*), avg(o.trade_end) FROM '{folder}/outcomes/*.parquet' o "
        f"JOIN '{folder}/runs/*.parquet' r USING (run_id) WHERE r.status = 'ok'"
    ).fetchone()
    assert n == RUNS and mean == pytest.approx(direct["trade_end"].mean())
    rows = con.execute(f"SELECT count(*) FROM '{folder}/series/*.parquet'").fetchone()[0]
    assert rows == RUNS * 36


def test_rerun_without_resume_is_refused_and_resume_of_a_finished_sweep_runs_nothing(
    experiment, local
):
    from tradetiers.experiments.spec import SpecError

    with pytest.raises(SpecError, match="already holds a sweep; pass --resume"):
        run_sweep(experiment, local[0], workers=0)
    again = run_sweep(experiment, local[0], workers=0, resume=True)
    assert again.skipped == RUNS and again.done == 0


def test_local_cluster(experiment, local, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_sweep(experiment, tmp_path / "sweep", scheduler=cluster.scheduler_address)
    assert result.done == RUNS and result.lost == 0
    assert_same(results(local[1]), results(tmp_path / "sweep"))


# -- a real scheduler and two workers, as on a cluster --------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dask_cluster(folder: Path):
    """``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1, stopped at the end."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    dask = [sys.executable, "-m", "dask"]
    procs: list[subprocess.Popen] = []
    log = open(folder / "dask.log", "w")
    try:
        procs.append(
            subprocess.Popen(
                [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        )
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        *dask,
                        "worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--host",
                        "127.0.0.1",
                        "--no-dashboard",
                        "--local-directory",
                        str(folder / f"worker{i}"),
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                )
            )
        from distributed import Client

        deadline = time.monotonic() + 90
        while True:
            try:
                with Client(address, timeout="5s") as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                    raise
                time.sleep(0.5)
        yield address, {p.pid for p in procs[1:]}
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=20)
        log.close()


def test_dask_scheduler_and_two_workers_give_the_same_results(experiment, local, tmp_path):
    pytest.importorskip("distributed")
    with dask_cluster(tmp_path) as (address, worker_pids):
        result = run_sweep(experiment, tmp_path / "sweep", scheduler=address)
    assert result.done == RUNS and result.lost == 0
    dask = results(tmp_path / "sweep")
    assert_same(results(local[1]), dask)
    assert_same(results(local[2]), dask)
    pids = {int(w.rsplit(":", 1)[1]) for w in Store(tmp_path / "sweep").read("runs")["worker"]}
    assert pids <= worker_pids  # every run ran on the cluster's workers


def test_unreachable_scheduler_is_a_user_error(experiment, tmp_path):
    from tradetiers.experiments.spec import SpecError

    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(SpecError, match="no Dask scheduler answers there"):
        run_sweep(experiment, tmp_path / "sweep", scheduler=address, scheduler_timeout=1)
    assert not (tmp_path / "sweep").exists()
