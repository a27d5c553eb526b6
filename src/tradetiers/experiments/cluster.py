"""Dask workers as batch jobs on SLURM or PBS (dask-jobqueue), for ``sweep --scheduler``.

``tradetiers cluster slurm|pbs`` starts a Dask scheduler in its own process, submits
``--jobs`` batch jobs that each run ``--cores`` single-threaded Dask workers (the runs
are processes' work), waits for them, prints the scheduler's address and keeps the
scheduler up until Ctrl-C, ``kill`` or its own end; then it cancels the jobs. From
another shell on the same machine (a login node)::

    tradetiers cluster slurm --jobs 8 --cores 4 --memory 8GB --walltime 02:00:00 --queue normal
    tradetiers sweep experiments/sobol_catchup.toml --scheduler tcp://HOST:PORT --out /shared/sobol

``--dry-run`` prints the job script and submits nothing. In Python, :func:`job_cluster`
returns the dask-jobqueue cluster; pass its ``scheduler_address`` to
``runner.run_sweep(..., scheduler=...)``. dask-jobqueue is an optional dependency:
``pip install 'tradetiers[cluster]'`` (or ``pip install dask-jobqueue``).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from tradetiers.experiments.errors import SpecError

#: kind -> dask-jobqueue cluster class; "local" runs the jobs as processes on this
#: machine (dask-jobqueue's own test backend): a way to try a job script before queueing
KINDS = {
    "slurm": "dask_jobqueue:SLURMCluster",
    "pbs": "dask_jobqueue:PBSCluster",
    "local": "dask_jobqueue.local:LocalCluster",
}


def job_cluster(
    kind: str,
    *,
    cores: int = 1,
    memory: str = "2GB",
    walltime: str | None = "02:00:00",
    queue: str | None = None,
    account: str | None = None,
    job_name: str = "tradetiers",
    interface: str | None = None,
    local_directory: str | None = None,
    prologue: Sequence[str] = (),
    python: str | None = None,
    **extra: Any,
) -> Any:
    """A dask-jobqueue cluster whose jobs each run ``cores`` one-thread Dask workers.

    Nothing is submitted until ``cluster.scale(jobs=N)``; ``cluster.job_script()``
    shows the script each job runs, and ``cluster.scheduler_address`` is what
    ``tradetiers sweep --scheduler`` takes.

    Args:
        kind: ``slurm``, ``pbs`` (or ``local``: jobs run as processes here).
        cores: cores per job, one single-threaded worker on each.
        memory: memory per job (split between its workers), e.g. ``"8GB"``.
        walltime: time limit of each job (``HH:MM:SS``).
        queue: partition (SLURM) or queue (PBS).
        account: account or project charged.
        job_name: name of the jobs in the queue.
        interface: network interface the workers and scheduler talk on (e.g. ``ib0``).
        local_directory: scratch folder of the workers on the compute nodes.
        prologue: shell lines run before the worker starts (``module load ...``,
            ``source venv/bin/activate``): the workers need tradetiers importable.
        python: the Python the job runs (default: this one).
        **extra: any other dask-jobqueue argument (``job_extra_directives``, ...).

    Raises:
        SpecError: an unknown kind, bad numbers, or dask-jobqueue not installed.
    """
    if kind not in KINDS:
        raise SpecError("cluster", "kind", kind, f"must be one of {', '.join(KINDS)}")
    if cores < 1:
        raise SpecError("--cores", "cores", cores, "must be 1 or more")
    try:
        module_name, _, class_name = KINDS[kind].partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
    except ImportError:
        raise SpecError(
            "cluster",
            "kind",
            kind,
            "needs dask-jobqueue: pip install 'tradetiers[cluster]' (or dask-jobqueue)",
        ) from None
    from dask.utils import parse_bytes

    try:
        parse_bytes(memory)
    except ValueError:
        raise SpecError("--memory", "memory", memory, "a size such as 2GB or 500MB") from None
    options: dict[str, Any] = {
        "cores": cores,
        "processes": cores,  # one thread per worker
        "memory": memory,
        "job_name": job_name,
        "walltime": walltime,
        "queue": queue,
        "account": account,
        "interface": interface,
        "local_directory": local_directory,
        "python": python,
        "job_script_prologue": list(prologue) or None,
    }
    options = {k: v for k, v in options.items() if v is not None} | extra
    return cls(**options)


def add_command(sub: Any) -> None:
    """Add ``tradetiers cluster`` to the CLI's subparsers."""
    p = sub.add_parser(
        "cluster",
        help="Dask workers as SLURM or PBS jobs (dask-jobqueue) for `sweep --scheduler`",
    )
    p.add_argument("kind", choices=sorted(KINDS), help="batch system (local: jobs run here)")
    p.add_argument("--jobs", type=int, default=1, help="jobs to submit (default 1)")
    p.add_argument("--cores", type=int, default=1, help="cores per job, a worker each")
    p.add_argument("--memory", default="2GB", help="memory per job (default 2GB)")
    p.add_argument("--walltime", default="02:00:00", help="time limit per job (HH:MM:SS)")
    p.add_argument("--queue", default=None, help="partition or queue")
    p.add_argument("--account", default=None, help="account or project charged")
    p.add_argument("--interface", default=None, help="network interface, e.g. ib0")
    p.add_argument("--local-directory", default=None, help="workers' scratch folder")
    p.add_argument(
        "--prologue",
        action="append",
        default=[],
        metavar="LINE",
        help="shell line run before the worker (repeatable), e.g. 'source venv/bin/activate'",
    )
    p.add_argument(
        "--wait", type=float, default=None, metavar="SECONDS", help="give up waiting for workers"
    )
    p.add_argument("--dry-run", action="store_true", help="print the job script; submit nothing")
    p.set_defaults(handler=cluster_command)


def cluster_command(args: Any) -> int:
    """``tradetiers cluster``: submit the jobs, print the address, serve until stopped."""
    import signal
    import sys
    import threading

    if args.jobs < 1:
        raise SpecError("--jobs", "jobs", args.jobs, "must be 1 or more")
    cluster = job_cluster(
        args.kind,
        cores=args.cores,
        memory=args.memory,
        walltime=args.walltime,
        queue=args.queue,
        account=args.account,
        interface=args.interface,
        local_directory=args.local_directory,
        prologue=args.prologue,
    )
    with cluster:
        if args.dry_run:
            print(cluster.job_script())
            return 0
        stop = threading.Event()
        main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if main_thread else None
        try:
            cluster.scale(jobs=args.jobs)
            workers = args.jobs * args.cores
            print(
                f"submitted {args.jobs} jobs; waiting for {workers} workers at "
                f"{cluster.scheduler_address}",
                file=sys.stderr,
                flush=True,
            )
            from distributed import Client

            with Client(cluster) as client:
                client.wait_for_workers(workers, timeout=args.wait)
            print(
                f"ready: {workers} workers. Run, from this machine:\n"
                f"  tradetiers sweep SPEC --scheduler {cluster.scheduler_address} "
                "--out SHARED_FOLDER\n"
                "Ctrl-C here cancels the jobs.",
                flush=True,
            )
            while not stop.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
        except TimeoutError:
            print(
                f"tradetiers: error: the workers did not all start within {args.wait} s; "
                "the jobs are cancelled",
                file=sys.stderr,
            )
            return 1
        finally:
            if main_thread:
                signal.signal(signal.SIGTERM, previous)
    return 0
