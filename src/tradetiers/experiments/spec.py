"""Experiment specs (TOML): what to vary, how to sample it, and what to measure.

In the spirit of the EMA workbench, a spec names a base scenario, the **levers**
(settings a policy maker chooses; the analysis groups results by them) and the
**uncertainties** (what nobody controls; sampled by the design), each set by a dotted
path into the scenario. It also names the sampling design, the replications (seeds from
one root seed), the horizon and the outcomes. ``load_spec`` validates everything a
sweep needs before any run starts, and reports the first problem in one line.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tradetiers.config import MISSING, Scenario, ScenarioError, resolve_scenario_path
from tradetiers.experiments import paths
from tradetiers.experiments.errors import FieldProblem, SpecError, from_validation
from tradetiers.experiments.outcomes import NAME, Frames, Outcome, Series, check

Scalar = float | int | str | bool
METHODS = ("factorial", "lhs", "sobol", "morris", "fast")
SALIB_METHODS = ("sobol", "morris", "fast")
#: columns of the result tables; factor and outcome names must differ from them
RESERVED = frozenset(
    {
        "run_id",
        "point_id",
        "replication",
        "seed",
        "status",
        "error",
        "traceback",
        "wall_time",
        "worker",
        "year",
        "country",
        "indicator",
        "value",
    }
)
MAX_RUNS = 10_000_000
DEFAULT_MODEL = "tradetiers.model:TradeModel"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Factor(_Strict):
    """A lever or an uncertainty: a dotted path and the values it takes.

    Either a set of ``values``, or a range ``low``..``high`` (sampled by the design;
    ``levels`` evenly spaced points in factorial designs and for levers).
    """

    path: Annotated[str, Field(min_length=1)]
    name: Annotated[str, Field(pattern=NAME)] | None = None
    description: str = ""
    values: Annotated[list[Scalar], Field(min_length=1)] | None = None
    low: float | None = None
    high: float | None = None
    levels: Annotated[int, Field(ge=2, le=1000)] | None = None

    @model_validator(mode="after")
    def _range_or_values(self) -> Factor:
        has_range = self.low is not None or self.high is not None
        if self.values is not None and has_range:
            raise FieldProblem("values", self.values, "give values or low/high, not both")
        if self.values is None and not has_range:
            raise FieldProblem("values", MISSING, "give a list of values or a range low/high")
        if has_range and (self.low is None or self.high is None):
            missing = "low" if self.low is None else "high"
            raise FieldProblem(missing, MISSING, "a range needs both low and high")
        if has_range and self.high <= self.low:  # type: ignore[operator]
            raise FieldProblem("high", self.high, f"must be greater than low ({self.low})")
        if self.values is not None and self.levels is not None:
            raise FieldProblem("levels", self.levels, "only for a range low/high")
        return self

    @property
    def is_range(self) -> bool:
        """True for a range low..high, False for a set of values."""
        return self.values is None


class Sampling(_Strict):
    """The design over the uncertainties (levers are always crossed in full).

    ``factorial`` takes every combination; ``lhs`` a Latin hypercube of ``samples``
    points (scipy.stats.qmc); ``sobol``, ``morris`` and ``fast`` are SALib designs with
    ``samples`` as SALib's N (base samples, trajectories, or samples per factor).
    """

    method: Literal["factorial", "lhs", "sobol", "morris", "fast"] = "factorial"
    samples: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    levels: Annotated[int, Field(ge=2, le=1000)] = 3
    second_order: bool = False
    morris_levels: Annotated[int, Field(ge=2, le=100)] = 4
    fast_m: Annotated[int, Field(ge=1, le=20)] = 4
    seed: Annotated[int, Field(ge=0)] | None = None


class ExperimentSpec(_Strict):
    """A complete experiment spec (see the module docstring and experiments/README.md)."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9_\-]+$")]
    description: str = ""
    scenario: Annotated[str, Field(min_length=1)] = "teaching"
    model: Annotated[str, Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")] = DEFAULT_MODEL
    years: Annotated[int, Field(ge=1, le=1000)] | None = None
    seed: Annotated[int, Field(ge=0)] = 0
    replications: Annotated[int, Field(ge=1, le=100_000)] = 1
    seeding: Literal["common", "independent"] = "common"
    fixed: dict[str, Scalar] = Field(default_factory=dict)
    events: list[dict[str, Any]] = Field(default_factory=list)
    levers: list[Factor] = Field(default_factory=list)
    uncertainties: list[Factor] = Field(default_factory=list)
    sampling: Sampling = Field(default_factory=Sampling)
    outcomes: Annotated[list[Outcome], Field(min_length=1)]
    series: list[Series] = Field(default_factory=list)

    def factors(self) -> list[tuple[str, int, Factor]]:
        """``(list name, index, factor)`` for levers then uncertainties."""
        return [("levers", i, f) for i, f in enumerate(self.levers)] + [
            ("uncertainties", i, f) for i, f in enumerate(self.uncertainties)
        ]

    def factor_names(self) -> list[str]:
        """Column names of the factors, levers first (a factor's name or its path's tail)."""
        return [f.name or f.path.split(".")[-1] for _, _, f in self.factors()]

    @property
    def lever_names(self) -> list[str]:
        """Column names of the levers."""
        return self.factor_names()[: len(self.levers)]

    @property
    def uncertainty_names(self) -> list[str]:
        """Column names of the uncertainties."""
        return self.factor_names()[len(self.levers) :]


@dataclass(frozen=True)
class Experiment:
    """A validated spec with its base scenario, ready to sample and run."""

    spec: ExperimentSpec
    source: str
    base: dict[str, Any]  #: the scenario dump with the spec's fixed settings applied
    kinds: dict[str, paths.Kind]  #: factor name -> type of the value it sets
    years: int
    start_year: int

    @property
    def paths(self) -> dict[str, str]:
        """Factor name -> dotted path."""
        names = self.spec.factor_names()
        return {n: f.path for n, (_, _, f) in zip(names, self.spec.factors(), strict=True)}

    def fingerprint(self) -> str:
        """Hash of everything that decides the results, to refuse resuming a changed sweep."""
        blob = json.dumps(
            {"spec": self.spec.model_dump(mode="json"), "base": self.base, "years": self.years},
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(blob.encode()).hexdigest()


def flatten(table: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """TOML nests dotted keys (``parameters.distance_decay = 1``); make them paths again."""
    out: dict[str, Any] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flatten(value, path))
        else:
            out[path] = value
    return out


@lru_cache(maxsize=16)
def import_object(ref: str) -> Any:
    """``package.module:attribute`` -> the object (cached per process)."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(module), attr)


def load_spec(path: str | Path, check_outcomes: bool = True) -> Experiment:
    """Read and validate an experiment spec file.

    Args:
        path: the TOML file.
        check_outcomes: run the base scenario for one year to check outcome columns.

    Raises:
        SpecError: one line naming the file, the field, the bad value and what is allowed.
        ScenarioError: the base scenario file itself is invalid (named in the message).
    """
    source = str(path)
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SpecError(source, "file", source, "no such file") from None
    except IsADirectoryError:
        raise SpecError(source, "file", source, "is a directory, not a spec file") from None
    except OSError as err:
        raise SpecError(source, "file", source, f"cannot be read ({err.strerror})") from None
    except UnicodeDecodeError:
        raise SpecError(source, "file", "binary", "must be UTF-8 TOML text") from None
    except tomllib.TOMLDecodeError as err:
        raise SpecError(source, "TOML syntax", MISSING, str(err)) from None
    return from_dict(raw, source=source, base_dir=file.parent, check_outcomes=check_outcomes)


def from_dict(
    raw: dict[str, Any],
    source: str = "<spec>",
    base_dir: Path | None = None,
    check_outcomes: bool = True,
) -> Experiment:
    """Validate a spec dict (as parsed from TOML); see :func:`load_spec`."""
    raw = dict(raw)
    if isinstance(raw.get("fixed"), dict):
        raw["fixed"] = flatten(raw["fixed"])
    try:
        spec = ExperimentSpec.model_validate(raw)
    except ValidationError as err:
        raise from_validation(err, ExperimentSpec, source) from None
    _check_names(spec, source)
    _check_sampling(spec, source)
    scenario = _load_scenario(spec.scenario, source, base_dir)
    dump = scenario.model_dump(mode="python")
    if spec.events:  # appended to the scenario's own, so levers can address them by index
        dump["events"] = [*dump["events"], *spec.events]
        _validate_scenario(dump, source, "events", MISSING)
    base = _apply_checked(dump, spec.fixed, source, lambda p: f"fixed.{p}")
    kinds = _check_factors(spec, base, source)
    years = spec.years if spec.years is not None else scenario.years
    exp = Experiment(spec, source, base, kinds, years, scenario.start_year)
    _check_model(spec, source)
    if check_outcomes:
        _check_outcomes(exp)
    return exp


def _check_names(spec: ExperimentSpec, source: str) -> None:
    seen: dict[str, str] = {}
    for (kind, i, _f), name in zip(spec.factors(), spec.factor_names(), strict=False):
        field = f"{kind}[{i}].name"
        if name in RESERVED:
            raise SpecError(source, field, name, "is a result column; choose another name")
        if name in seen:
            raise SpecError(
                source, field, name, f"already names {seen[name]}; give each factor a name"
            )
        seen[name] = f"{kind}[{i}]"
    for i, o in enumerate(spec.outcomes):
        field = f"outcomes[{i}].name"
        if o.name in RESERVED:
            raise SpecError(source, field, o.name, "is a result column; choose another name")
        if o.name in seen:
            raise SpecError(source, field, o.name, f"already names {seen[o.name]}")
        seen[o.name] = f"outcomes[{i}]"


def _check_sampling(spec: ExperimentSpec, source: str) -> None:
    s = spec.sampling
    method = s.method
    if method == "factorial":
        if s.samples is not None:
            raise SpecError(
                source, "sampling.samples", s.samples, "factorial designs take every combination"
            )
    elif s.samples is None:
        raise SpecError(source, "sampling.samples", MISSING, f"a {method} design needs samples")
    elif not spec.uncertainties:
        raise SpecError(
            source, "uncertainties", MISSING, f"a {method} design needs at least one uncertainty"
        )
    for i, f in enumerate(spec.uncertainties):
        if method in SALIB_METHODS and not f.is_range:
            raise SpecError(
                source,
                f"uncertainties[{i}].values",
                f.values,
                f"a {method} design needs a range (low and high)",
            )
        if method != "factorial" and f.levels is not None:
            raise SpecError(
                source, f"uncertainties[{i}].levels", f.levels, "levels are for factorial designs"
            )
    n = s.samples or 0
    if method == "sobol" and n & (n - 1):
        raise SpecError(
            source, "sampling.samples", n, "Sobol designs need a power of 2 (e.g. 16, 64, 256)"
        )
    if method == "fast" and n <= 4 * s.fast_m**2:
        raise SpecError(
            source,
            "sampling.samples",
            n,
            f"FAST needs more than 4 * fast_m^2 = {4 * s.fast_m**2} samples (SALib's N > 4M^2); "
            "raise samples or lower fast_m",
        )
    from tradetiers.experiments.sampling import design_size

    total = design_size(spec) * spec.replications
    if total > MAX_RUNS:
        raise SpecError(
            source, "replications", spec.replications, f"{total:,} runs is over {MAX_RUNS:,}"
        )


def _load_scenario(name: str, source: str, base_dir: Path | None) -> Scenario:
    local = (base_dir / name) if base_dir is not None else None
    target: str | Path = local if local is not None and local.is_file() else name
    if not resolve_scenario_path(target).is_file():
        raise SpecError(
            source, "scenario", name, "no such scenario file (relative to the spec) or shipped name"
        )
    return Scenario.load(target)


def _apply_checked(
    base: dict[str, Any], settings: dict[str, Any], source: str, field_of: Any
) -> dict[str, Any]:
    """Apply settings one by one, checking each path and the scenario they make."""
    data = base
    for path, value in settings.items():
        try:
            paths.resolve(data, path)
        except paths.PathProblem as err:
            raise SpecError(source, field_of(path), path, str(err)) from None
        data = paths.apply(data, {path: value})
        _validate_scenario(data, source, field_of(path), value)
    return data


def _validate_scenario(data: dict[str, Any], source: str, field: str, value: Any) -> None:
    try:
        Scenario.from_dict(data, source=source)
    except ScenarioError as err:
        raise SpecError(source, field, value, f"makes {err.field} invalid: {err.allowed}") from None


def _check_factors(
    spec: ExperimentSpec, base: dict[str, Any], source: str
) -> dict[str, paths.Kind]:
    kinds: dict[str, paths.Kind] = {}
    for (kind, i, f), name in zip(spec.factors(), spec.factor_names(), strict=False):
        where = f"{kind}[{i}]"
        try:
            target = paths.resolve(base, f.path)
        except paths.PathProblem as err:
            raise SpecError(source, f"{where}.path", f.path, str(err)) from None
        if f.path in spec.fixed:
            raise SpecError(source, f"{where}.path", f.path, "is also set in [fixed]")
        if f.is_range and target.kind not in ("float", "int", "any"):
            raise SpecError(
                source, f"{where}.low", f.low, f"{f.path} holds a {target.kind}; give values"
            )
        candidates = (
            [("low", f.low), ("high", f.high)]
            if f.is_range
            else [(f"values[{j}]", v) for j, v in enumerate(f.values or [])]
        )
        for field, value in candidates:
            if target.kind == "bool" and not isinstance(value, bool):
                raise SpecError(source, f"{where}.{field}", value, f"{f.path} is true or false")
            data = paths.apply(base, {f.path: value})
            _validate_scenario(data, source, f"{where}.{field}", value)
        kinds[name] = target.kind
    return kinds


def _check_model(spec: ExperimentSpec, source: str) -> None:
    try:
        factory = import_object(spec.model)
    except (ImportError, AttributeError) as err:
        raise SpecError(source, "model", spec.model, f"cannot be imported ({err})") from None
    if not callable(factory):
        raise SpecError(source, "model", spec.model, "is not a class or function")


def _check_outcomes(exp: Experiment) -> None:
    """Run the base scenario for one year and check outcome columns and countries."""
    spec = exp.spec
    factory = import_object(spec.model)
    model = factory(scenario=Scenario.from_dict(exp.base, source=exp.source), rng=spec.seed)
    model.run(1)
    frames = Frames(model.world_frame(), model.country_frame())
    last = exp.start_year + exp.years - 1
    problem = check(spec.outcomes, spec.series, frames, exp.start_year, last)
    if problem is not None:
        raise SpecError(exp.source, *problem)
