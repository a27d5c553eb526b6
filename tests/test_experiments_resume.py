"""Resilience: a run that raises is recorded and the rest complete; a sweep killed by a
signal and resumed recomputes nothing that finished, loses nothing and duplicates
nothing; a straggler of a killed sweep cannot commit once a resume has begun."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import psutil
import pyarrow as pa
import pytest
from experiment_specs import write

from tradetiers.experiments.analysis import load, summary
from tradetiers.experiments.runner import run_sweep
from tradetiers.experiments.spec import load_spec
from tradetiers.experiments.store import Store, commit_chunk, outcomes_schema

FRAGILE = """
name = "fragile"
model = "sweep_models:FragileModel"
years = 4
seed = 3
replications = 2

[[levers]]
path = "parameters.distance_decay"
values = [0.5, 1.0, 0.3]

[[outcomes]]
name = "trade"
column = "world_trade"

[[series]]
columns = ["world_gdp"]
"""

# 24 runs of 8 years, one run per chunk, so that a kill lands in the middle
LONG = """
name = "long"
years = 8
seed = 5
replications = 3

[[uncertainties]]
path = "parameters.distance_decay"
low = 0.2
high = 1.5

[sampling]
method = "lhs"
samples = 8

[[outcomes]]
name = "trade"
column = "world_trade"

[[outcomes]]
name = "man_gdp_max"
column = "gdp"
country = "MAN"
stat = "max"

[[series]]
columns = ["gdp"]
countries = "all"
"""


def test_a_run_that_raises_is_recorded_and_the_rest_complete(tmp_path):
    exp = load_spec(write(tmp_path, FRAGILE))
    result = run_sweep(exp, tmp_path / "sweep", workers=2, chunk=2)
    assert (result.done, result.failed, result.lost) == (6, 2, 0)
    store = Store(tmp_path / "sweep")
    runs = store.read("runs")
    failed = runs[runs["status"] == "failed"]
    assert failed["distance_decay"].tolist() == [1.0, 1.0]
    assert (failed["error"] == "RuntimeError: boom on purpose").all()
    assert failed["traceback"].str.contains("sweep_models.py").all()
    ok = runs[runs["status"] == "ok"]
    assert len(ok) == 4 and ok["error"].isna().all()
    outcomes = store.read("outcomes").set_index("run_id")
    assert outcomes.loc[failed["run_id"], "trade"].isna().all()
    assert np.isfinite(outcomes.loc[ok["run_id"], "trade"]).all()
    series = store.read("series")
    assert set(series["run_id"]) == set(ok["run_id"])  # no series from failed runs
    table = summary(load(tmp_path / "sweep")).set_index("distance_decay")
    assert table.loc[1.0, "failed"] == 2 and np.isnan(table.loc[1.0, "mean"])
    assert table.loc[0.5, "failed"] == 0 and np.isfinite(table.loc[0.5, "mean"])


def _wait_for_parts(folder, n, proc, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        parts = list((folder / "runs").glob("part-*.parquet")) if (folder / "runs").is_dir() else []
        if len(parts) >= n:
            return
        if proc.poll() is not None:
            pytest.fail(f"the sweep ended before it could be killed: {proc.stderr.read()}")
        time.sleep(0.05)
    pytest.fail("the sweep wrote no parts in time")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_resume_after_a_kill_loses_nothing_and_recomputes_nothing(tmp_path, sig):
    spec = write(tmp_path, LONG)
    out = tmp_path / "sweep"
    cmd = [sys.executable, "-m", "tradetiers.cli", "sweep", str(spec), "--out", str(out)]
    proc = subprocess.Popen(
        [*cmd, "--workers", "2", "--chunk", "1", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_parts(out, 3, proc)
        children = psutil.Process(proc.pid).children(recursive=True)
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # worker processes orphaned by SIGKILL notice within a second and exit
    _, alive = psutil.wait_procs(children, timeout=30)
    for child in alive:
        child.kill()
    if sig == signal.SIGTERM:
        assert code == 130
        assert "run the same command with --resume" in proc.stderr.read()
    store = Store(out)
    before = {p.name: p.stat().st_mtime_ns for p in (out / "runs").glob("part-*.parquet")}
    finished = store.completed()
    assert 3 <= len(finished) < 24

    exp = load_spec(spec)
    result = run_sweep(exp, out, workers=0, resume=True)
    assert result.skipped == len(finished)
    assert result.done == 24 - len(finished)  # only what was missing ran
    after = {p.name: p.stat().st_mtime_ns for p in (out / "runs").glob("part-*.parquet")}
    assert all(after[name] == mtime for name, mtime in before.items())  # untouched

    runs = store.read("runs")
    assert runs["run_id"].tolist() == list(range(24))  # none lost, none twice
    assert (runs["status"] == "ok").all()
    outcomes = store.read("outcomes")
    assert outcomes["run_id"].tolist() == list(range(24))
    series = store.read("series")
    assert not series.duplicated(["run_id", "year", "country", "indicator"]).any()
    assert len(series) == 24 * 8 * 8
    assert not list(out.rglob(".*.tmp"))

    reference = run_sweep(exp, tmp_path / "reference", workers=0)
    assert reference.done == 24
    ref = Store(tmp_path / "reference")
    pd.testing.assert_frame_equal(outcomes, ref.read("outcomes"), check_exact=True)
    pd.testing.assert_frame_equal(series, ref.read("series"), check_exact=True)


def test_a_straggler_of_an_older_invocation_cannot_commit(tmp_path):
    store = Store(tmp_path)
    plan = pd.DataFrame({"run_id": [0], "point_id": [0], "replication": [0], "seed": [1]})
    store.create({"outcomes": ["x"]}, {}, plan)
    old = store.begin()
    new = store.begin()
    assert old != new
    from tradetiers.experiments.store import SERIES_SCHEMA, runs_schema

    def tables():
        row = {"run_id": 0, "point_id": 0, "replication": 0, "seed": 1, "status": "ok"}
        return {
            "runs": pa.Table.from_pylist([row], schema=runs_schema(plan)),
            "outcomes": pa.Table.from_pylist(
                [{"run_id": 0, "x": 1.0}], schema=outcomes_schema(["x"])
            ),
            "series": SERIES_SCHEMA.empty_table(),
        }

    assert not commit_chunk(tmp_path, f"part-000000000-000000000-{old[:12]}.parquet", old, tables())
    assert store.completed() == set()
    assert not [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and p.suffix in (".parquet", ".tmp") and p.parent != tmp_path
    ]
    assert commit_chunk(tmp_path, f"part-000000000-000000000-{new[:12]}.parquet", new, tables())
    assert store.completed() == {0}
    assert os.path.exists(tmp_path / "outcomes" / f"part-000000000-000000000-{new[:12]}.parquet")


def test_cli_sweep_resume_and_refusal_in_process(tmp_path, capsys):
    from tradetiers import cli

    spec = write(tmp_path, FRAGILE.replace('model = "sweep_models:FragileModel"\n', ""))
    out = tmp_path / "sweep"
    handler = signal.getsignal(signal.SIGTERM)
    assert cli.main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 0
    assert signal.getsignal(signal.SIGTERM) is handler  # restored after the sweep
    err = capsys.readouterr().err
    assert "6 runs: 0 already done, 6 run now (0 failed)" in err
    assert cli.main(["sweep", str(spec), "--out", str(out), "--workers", "0"]) == 2
    assert "already holds a sweep; pass --resume" in capsys.readouterr().err
    assert cli.main(["sweep", str(spec), "--out", str(out), "--workers", "0", "--resume"]) == 0
    assert "6 runs: 6 already done, 0 run now" in capsys.readouterr().err
    changed = write(tmp_path, FRAGILE.replace("seed = 3", "seed = 4"), "changed.toml")
    assert cli.main(["sweep", str(changed), "--out", str(out), "--resume"]) == 2
    assert "spec: differs from the sweep in" in capsys.readouterr().err
