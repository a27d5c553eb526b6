"""Batch experiments: sweeps, replications and sensitivity analysis over scenarios.

A spec (TOML) names a base scenario, levers and uncertainties set by dotted path, a
sampling design, replications and outcomes. The runner executes the runs on any
``concurrent.futures.Executor`` (local processes or a Dask cluster) and each worker
writes its own Parquet part files; ``analysis`` summarises the store.

Modules, one concern each: ``errors`` (one-line spec errors), ``paths`` (dotted paths
into a scenario), ``outcomes`` (the outcome language), ``spec`` (the spec file),
``sampling`` (designs and seeds), ``store`` (the Parquet result store), ``runner``
(executing a sweep), ``analysis`` (tables, plots, sensitivity indices),
``mesa_compat`` (``mesa.batch_run``) and ``cli`` (the ``sweep``/``analyze`` commands).
"""

from tradetiers.experiments.errors import SpecError
from tradetiers.experiments.spec import ExperimentSpec, load_spec

__all__ = ["ExperimentSpec", "SpecError", "load_spec"]
