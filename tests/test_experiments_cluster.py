"""Cluster runs with dask-jobqueue: the SLURM and PBS job scripts ``tradetiers cluster``
writes (rendered, never submitted), and a sweep through dask-jobqueue's own machinery
(jobs run as local processes) with the same results as the process pool."""

from __future__ import annotations

import os
import sys

import pytest
from experiment_specs import IDENTITY, write
from test_experiments_runner import RUNS, assert_same, results

from tradetiers import cli
from tradetiers.experiments.cluster import job_cluster
from tradetiers.experiments.runner import run_sweep
from tradetiers.experiments.spec import SpecError, load_spec

NO_DASHBOARD = {"scheduler_options": {"dashboard_address": None}}


@pytest.fixture
def jobqueue(monkeypatch):
    """dask_jobqueue, with submitting and cancelling jobs made to fail loudly."""
    dask_jobqueue = pytest.importorskip("dask_jobqueue")

    async def refuse(*args, **kwargs):
        raise AssertionError(f"a test tried to run a batch command: {args}")

    monkeypatch.setattr(dask_jobqueue.core.Job, "_call", staticmethod(refuse))
    return dask_jobqueue


def test_slurm_job_script(jobqueue):
    with job_cluster(
        "slurm",
        cores=4,
        memory="8GB",
        walltime="01:30:00",
        queue="normal",
        account="econ",
        prologue=["module load python/3.11", "source /shared/venv/bin/activate"],
        **NO_DASHBOARD,
    ) as cluster:
        assert isinstance(cluster, jobqueue.SLURMCluster)
        script = cluster.job_script()
        address = cluster.scheduler_address
        assert not cluster.workers  # nothing submitted
    lines = script.splitlines()
    for directive in (
        "#SBATCH -J tradetiers",
        "#SBATCH -p normal",
        "#SBATCH -A econ",
        "#SBATCH --cpus-per-task=4",
        "#SBATCH --mem=8G",
        "#SBATCH -t 01:30:00",
    ):
        assert directive in lines, script
    # the prologue comes before the worker, which gets the scheduler's address
    worker = next(i for i, line in enumerate(lines) if "dask_worker" in line)
    assert lines.index("source /shared/venv/bin/activate") < worker
    command = lines[worker]
    assert command.startswith(f"{sys.executable} -m distributed.cli.dask_worker {address} ")
    assert address.startswith("tcp://")
    # four single-threaded workers per job: the runs are processes' work
    assert "--nthreads 1" in command and "--nworkers 4" in command


def test_pbs_job_script(jobqueue):
    with job_cluster(
        "pbs", cores=2, memory="4GB", walltime="00:45:00", queue="workq", **NO_DASHBOARD
    ) as cluster:
        assert isinstance(cluster, jobqueue.PBSCluster)
        script = cluster.job_script()
    assert "#PBS -N tradetiers" in script
    assert "#PBS -q workq" in script
    assert "#PBS -l select=1:ncpus=2:" in script
    assert "#PBS -l walltime=00:45:00" in script
    assert "--nthreads 1" in script and "--nworkers 2" in script


def test_cluster_command_dry_run_prints_the_job_script(jobqueue, capsys):
    code = cli.main(["cluster", "slurm", "--dry-run", "--cores", "2", "--queue", "short"])
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("#!/usr/bin/env bash")
    assert "#SBATCH -p short" in out and "--nworkers 2" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["pbs", "--memory", "8XB"], "--memory: memory = '8XB': a size such as 2GB"),
        (["slurm", "--cores", "0"], "--cores: cores = 0: must be 1 or more"),
        (["slurm", "--jobs", "0"], "--jobs: jobs = 0: must be 1 or more"),
    ],
)
def test_cluster_command_bad_option_is_one_line(jobqueue, capsys, argv, message):
    assert cli.main(["cluster", *argv, "--dry-run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"tradetiers: error: {message}") and err.count("\n") == 1


def test_without_dask_jobqueue_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask_jobqueue", None)  # import fails
    with pytest.raises(SpecError, match=r"pip install 'tradetiers\[cluster\]'"):
        job_cluster("slurm")


def test_sweep_through_a_jobqueue_job_matches_the_process_pool(tmp_path, monkeypatch):
    """One job of two one-thread workers, run as a local process by dask-jobqueue's own
    job machinery (the script a SLURM or PBS job would run, less the directives)."""
    pytest.importorskip("dask_jobqueue")
    from distributed import Client

    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(sys.path))  # the job imports tradetiers
    exp = load_spec(write(tmp_path, IDENTITY))
    with job_cluster(
        "local", cores=2, memory="2GB", local_directory=str(tmp_path / "dask"), **NO_DASHBOARD
    ) as cluster:
        script = cluster.job_script()
        assert "--nthreads 1" in script and "--nworkers 2" in script
        cluster.scale(jobs=1)
        with Client(cluster) as client:
            client.wait_for_workers(2, timeout=120)
        result = run_sweep(exp, tmp_path / "jobs", scheduler=cluster.scheduler_address)
    assert result.done == RUNS and result.failed == 0 and result.lost == 0
    # in this process; the runner tests show it equals 1 and 2 worker processes exactly
    run_sweep(exp, tmp_path / "inline", workers=0)
    assert_same(results(tmp_path / "inline"), results(tmp_path / "jobs"))
