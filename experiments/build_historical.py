"""Build configs/historical.toml: the world of 2001 from the data in src/tradetiers/data/.

Usage::

    python experiments/build_historical.py            # fit the starting state, write the file
    python experiments/build_historical.py --check    # fit and report, write nothing

What is data and what is fitted:

- Population (2002), its growth (2002-2007), and the shares of manufacturing, resources
  and agriculture in GDP (2001) are data (gapminder, World Bank; see the data README).
  Home services' share of spending at the start is what those shares leave.
- Each country's capability profile across the five rungs, its coordinates, debt and
  reserves are estimates, each with its reasoning (``historical_inputs.csv``).
- The *levels* of productivity (agriculture, resources, and the manufacturing ladder as
  a whole) are fitted so that the model itself, run to rest from them with technology
  and growth switched off, reproduces each country's 2001 GDP per head and the three
  shares. That is the usual base-year calibration of a model's starting state; the
  paths after 2001 are the model's.

The scenario's text (information, parameters, events, validation targets) is
``experiments/historical/template.toml``; the parameters that
``experiments/calibrate_historical.py`` fits are in ``experiments/historical/calibrated.toml``
and are merged in at the template's ``# @calibrated: TABLE`` markers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tradetiers import Scenario, TradeModel
from tradetiers.config import DEFAULT_LADDER

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "tradetiers" / "data"
HERE = ROOT / "experiments" / "historical"
TEMPLATE = HERE / "template.toml"
CALIBRATED = HERE / "calibrated.toml"
OUT = ROOT / "configs" / "historical.toml"

#: years the fitting runs let the world settle from each guess
SETTLE_YEARS = 30
#: the run's year that must match the 2001 data: its second (the first is a spin-up
#: year with no last year to plan current accounts from)
FIRST_DATA_YEAR = 2
#: damping of each multiplicative correction (1 = the full ratio)
STEP = 0.6
#: governments fund about a third of R&D (ESTIMATE: OECD MSTI, from memory); firms' part
#: is the model's reinvested rents
PUBLIC_RD_SHARE = 0.3
#: US federal R&D, about 0.8% of GDP in FY2001 (ESTIMATE: AAAS/OMB, from memory), which
#: the federal budget pays
RD_PUBLIC_US = 0.008
#: the GDP-per-head unit: productivity is thousands of 2005 international $ per worker,
#: so with population in millions, GDP is in billions of 2005 international $ (PPP)
THOUSAND = 1000.0


@dataclass
class Fit:
    """The fitted starting state and how well the model reproduces the data."""

    countries: list[dict]
    report: pd.DataFrame
    iterations: int
    budget_shares: dict[str, float]


def load_rows() -> pd.DataFrame:
    """The 30 economies: data rows (26 + 4 aggregates) joined to the estimates."""
    world = pd.read_csv(DATA / "world_2001.csv")
    gap = pd.read_csv(DATA / "gapminder_extract_2002_2007.csv")
    growth = (gap["pop_2007"] / gap["pop_2002"]) ** (1 / 5) - 1
    world = world.merge(
        pd.DataFrame({"code": gap["iso"], "population_growth": growth}), on="code", how="left"
    )
    world["population_growth_source"] = "GAP (2002 to 2007, compound)"
    russia = world["code"] == "RUS"
    world.loc[russia, "population_growth"] = -0.0034
    world.loc[russia, "population_growth_source"] = (
        "ESTIMATE: Russia is not in gapminder; 145.2 m (2002) to about 142.8 m (2007), from memory"
    )
    rest = pd.read_csv(DATA / "world_2001_rest.csv")
    rows = pd.concat([world, rest], ignore_index=True)
    inputs = pd.read_csv(DATA / "historical_inputs.csv")
    rows = rows.merge(inputs, on="code", how="left", validate="one_to_one")
    missing = rows["lat"].isna()
    if missing.any():
        raise SystemExit(f"historical_inputs.csv lacks {list(rows.loc[missing, 'code'])}")
    return rows


def first_guess(rows: pd.DataFrame, services: dict[str, float]) -> list[dict]:
    """Starting country tables before fitting: data, estimates, and a first productivity."""
    out = []
    for r in rows.itertuples():
        m, res, agr = (
            r.manufacturing_share_2001 / 100,
            r.resource_rents_share_2001 / 100,
            r.agriculture_share_2001 / 100,
        )
        pop = r.population_2002 / 1e6
        y = r.gdp_per_capita_2002 / THOUSAND
        omega = services[r.code]
        goods_workers = pop * (1 - omega)
        goods = m + res + agr
        profile = np.array([getattr(r, k) for k in DEFAULT_LADDER], dtype=float)
        # workers in proportion to value added; land and deposits one unit per first worker
        l_agr, l_res = goods_workers * agr / goods, goods_workers * res / goods
        l_man = goods_workers * m / goods
        level = y * pop * m / max(l_man, 1e-9) / 0.85
        productivity = {
            "agriculture": y * pop * agr / l_agr,
            "resources": y * pop * res / max(l_res, 1e-9),
        }
        for k, rung in enumerate(DEFAULT_LADDER):
            if profile[k] > 0:
                productivity[rung] = level * profile[k] / profile.max()
        gdp_bn = pop * y
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "population": round(pop, 3),
                "population_growth": round(float(r.population_growth), 5),
                "lat": float(r.lat),
                "lon": float(r.lon),
                "land": round(l_agr, 4),
                "deposits": round(max(l_res, 1e-3), 4),
                "productivity": productivity,
                "services_share": round(omega, 4),
                "debt_to_gdp": float(r.debt_to_gdp_2001),
                "reserves_to_gdp": round(float(r.reserves_2001_usd_bn) / gdp_bn, 4),
                "military_share": float(r.military_share),
                "rd_public_share": round(
                    RD_PUBLIC_US if r.code == "USA" else PUBLIC_RD_SHARE * r.gerd_2001 / 100, 5
                ),
                **({} if pd.isna(r.tax_base) else {"tax_base": float(r.tax_base)}),
                **({} if pd.isna(r.base_spending) else {"base_spending": float(r.base_spending)}),
                "_row": r,
            }
        )
    return out


def services_shares(rows: pd.DataFrame) -> dict[str, float]:
    """Home services' share of spending at the start: what the three goods shares leave."""
    goods = (
        rows["manufacturing_share_2001"]
        + rows["resource_rents_share_2001"]
        + rows["agriculture_share_2001"]
    ) / 100
    return dict(zip(rows["code"], (1 - goods).round(4), strict=True))


def base_scenario(calibrated: dict) -> dict:
    """The template's tables with the calibrated parameters merged in (no countries yet)."""
    raw = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    for table, values in calibrated.items():
        raw.setdefault(table, {}).update(values)
    return raw


def settle(raw: dict, countries: list[dict], years: int = SETTLE_YEARS) -> TradeModel:
    """Run the starting world to rest: no technology, no growth, no events."""
    data = {k: v for k, v in raw.items() if k not in ("events", "validation")}
    data["years"] = years
    data["technology"] = {"enabled": False}
    data["parameters"] = {**data.get("parameters", {}), "productivity_growth": 0.0}
    data["countries"] = [
        {k: v for k, v in c.items() if not k.startswith("_")} | {"population_growth": 0.0}
        for c in countries
    ]
    model = TradeModel(Scenario.from_dict(data, source="<historical fit>"), rng=0)
    return model.run(years)


def measured(model: TradeModel) -> pd.DataFrame:
    """Last year's income per head relative to the world's, and the shares, per country."""
    cf = model.country_frame()
    last = cf[cf["year"] == cf["year"].max()].set_index("country")
    world = last["gdp"].sum() / last["population"].sum()
    return pd.DataFrame(
        {
            "relative_income": last["gdp_per_capita"] / world,
            "manufacturing": last["manufacturing_share"],
            "resources": last["resources_share"],
            "agriculture": last["agriculture_share"],
            "gdp": last["gdp"],
        }
    )


def targets(countries: list[dict]) -> pd.DataFrame:
    """What the settled model must reproduce, from the data rows."""
    rows = [c["_row"] for c in countries]
    pop = np.array([r.population_2002 for r in rows]) / 1e6
    y = np.array([r.gdp_per_capita_2002 for r in rows]) / THOUSAND
    return pd.DataFrame(
        {
            "relative_income": y / ((pop * y).sum() / pop.sum()),
            "manufacturing": [r.manufacturing_share_2001 / 100 for r in rows],
            "resources": [r.resource_rents_share_2001 / 100 for r in rows],
            "agriculture": [r.agriculture_share_2001 / 100 for r in rows],
            "gdp": pop * y,
        },
        index=[c["code"] for c in countries],
    )


def world_share(frame: pd.DataFrame, column: str) -> float:
    """A sector's share of the world's GDP, weighting each country by its GDP."""
    return float((frame[column] * frame["gdp"]).sum() / frame["gdp"].sum())


def fit(raw: dict, countries: list[dict], iterations: int = 200, tol: float = 0.01) -> Fit:
    """Fit productivity levels and world budget shares to the 2001 data.

    Each round runs the world to rest, starts a new world from the labour shares it
    settled at (as the scenario will), and compares that world's second year (2001, after
    the spin-up year 2000) with the data. It corrects, by a damped ratio: each country's
    productivity in agriculture, resources and the ladder (its shares of GDP), all its
    productivity together (its income relative to the world's), and the world's base
    budget shares of food and raw materials (with price-inelastic demand a sector's
    world share of value added is set by what the world spends on it, not by how
    productive its makers are). Last, one common factor sets the world's GDP level.
    """
    target = targets(countries)
    shares = ("agriculture", "resources")
    budget = raw.setdefault("parameters", {}).setdefault(
        "budget_shares", {"agriculture": 0.16, "resources": 0.10}
    )
    rungs = set(DEFAULT_LADDER)
    columns = ["relative_income", "manufacturing", "resources", "agriculture"]
    rounds = 0
    while rounds < iterations:
        rounds += 1
        model = settle(raw, countries)
        _keep_labour_shares(model, countries)
        got = measured(settle(raw, countries, years=FIRST_DATA_YEAR)).loc[target.index]
        ratio = target[columns] / got[columns].clip(lower=1e-9)
        fitted = target[columns] > 0
        error = float((ratio - 1).abs().where(fitted, 0.0).max().max())
        if error < tol:
            break
        for good in shares:
            budget[good] *= (world_share(target, good) / world_share(got, good)) ** STEP
        goods_t = target[["manufacturing", "resources", "agriculture"]].sum(axis=1)
        goods_m = got[["manufacturing", "resources", "agriculture"]].sum(axis=1)
        odds = ((1 - goods_t) / goods_t) / ((1 - goods_m) / goods_m)
        for c in countries:
            # home services (and finance) take what the goods leave: fit their odds
            w = c["services_share"]
            w_odds = w / (1 - w) * float(odds.loc[c["code"]]) ** STEP
            c["services_share"] = w_odds / (1 + w_odds)
            r = ratio.loc[c["code"]].where(fitted.loc[c["code"]], 1.0)
            prod = c["productivity"]
            prod["agriculture"] *= r["agriculture"] ** STEP
            prod["resources"] *= r["resources"] ** STEP
            for rung in rungs & prod.keys():
                prod[rung] *= r["manufacturing"] ** STEP
            for good in prod:
                prod[good] *= r["relative_income"] ** STEP
    for c in countries:
        c["services_share"] = round(c["services_share"], 5)
    _keep_labour_shares(model, countries)
    _set_level(raw, countries, float(target["gdp"].sum()))
    _set_debts(raw, countries)
    report = pd.concat({"data": target[columns], "model": got[columns]}, axis=1)
    budget = {g: round(v, 5) for g, v in budget.items()}
    return Fit(countries, report, rounds, budget)


def _set_debts(raw: dict, countries: list[dict]) -> None:
    """Starting debt (2000, the spin-up year) so that 2001's debt/GDP is the data's.

    The data give debt/GDP in 2001; the spin-up year's GDP differs from 2001's, so the
    ratio the scenario starts from is the data's times GDP growth over that first year.
    """
    model = settle(raw, countries, years=FIRST_DATA_YEAR)
    gdp = model.country_frame().pivot_table(index="country", columns="year", values="gdp")
    first, data_year = gdp.columns.min(), gdp.columns.max()
    for c in countries:
        growth = float(gdp.loc[c["code"], data_year] / gdp.loc[c["code"], first])
        c["debt_to_gdp"] = round(float(c["_row"].debt_to_gdp_2001) * growth, 4)


def _keep_labour_shares(model: TradeModel, countries: list[dict]) -> None:
    """Start the countries from the labour shares the world settled at."""
    s = model.state
    for i, c in enumerate(countries):
        c["labour_shares"] = {
            good: round(float(s.labour_shares[i, g]), 5)
            for g, good in enumerate(model.goods)
            if good in c["productivity"]
        }


def _set_level(raw: dict, countries: list[dict], world_gdp: float) -> None:
    """Scale all productivity by one factor so that 2001's world GDP is the data's.

    The numeraire values the first year's world output at base prices, so GDP scales
    with productivity one for one.
    """
    first = settle(raw, countries, years=FIRST_DATA_YEAR)
    factor = world_gdp / float(first.state.gdp.sum())
    for c in countries:
        c["productivity"] = {g: v * factor for g, v in c["productivity"].items()}


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def country_toml(c: dict) -> str:
    """One [[countries]] table with the source of every figure in comments."""
    r = c["_row"]
    prod = ", ".join(f"{g} = {_fmt(v)}" for g, v in c["productivity"].items())
    shares = ", ".join(f"{g} = {_fmt(v)}" for g, v in c["labour_shares"].items())
    lines = [
        "[[countries]]",
        f'code = "{c["code"]}"',
        f'name = "{c["name"]}"',
        f"region = {json.dumps(f'tier {int(r.tier_guess)} in 2001 (first guess): {r.tier_note}')}",
        f"# population (millions), 2002: {r.population_source}",
        f"population = {c['population']}",
        f"# growth a year: {r.population_growth_source}",
        f"population_growth = {c['population_growth']}",
        f"# {r.note}",
        f"lat = {c['lat']}",
        f"lon = {c['lon']}",
        f"# FITTED: {r.debt_to_gdp_2001} of GDP in 2001 (the estimate above) times GDP growth "
        "over the spin-up year 2000",
        f"debt_to_gdp = {c['debt_to_gdp']}",
        f"reserves_to_gdp = {c['reserves_to_gdp']}  # {r.reserves_2001_usd_bn} bn US$ "
        "over GDP at PPP",
        f"military_share = {c['military_share']}",
        f"# public R&D: {'federal R&D' if c['code'] == 'USA' else '0.3 x'} GERD {r.gerd_2001}% "
        "of GDP in 2001 (ESTIMATE: OECD MSTI / UNESCO, from memory)",
        f"rd_public_share = {c['rd_public_share']}",
        *(
            [
                "# federal budget, FY2001 (see the note above)",
                f"tax_base = {c['tax_base']}",
                f"base_spending = {c['base_spending']}",
            ]
            if "tax_base" in c
            else []
        ),
        "# FITTED: home services' share of GDP, from 1 - (manufacturing + resources + "
        "agriculture) of 2001\n# "
        f"({r.manufacturing_source}; {r.resource_rents_source}; {r.agriculture_source})\n"
        "# so that the goods' shares of GDP come out as the data's",
        f"services_share = {c['services_share']}",
        "# FITTED (build_historical.py): levels so that the settled model gives GDP per head "
        f"{r.gdp_per_capita_2002:.0f} $ ({r.gdp_per_capita_source}) and shares manufacturing "
        f"{r.manufacturing_share_2001}%, resources {r.resource_rents_share_2001}%, "
        f"agriculture {r.agriculture_share_2001}%; the ladder's profile is the estimate above",
        f"productivity = {{ {prod} }}",
        "# land and deposits: one unit per first worker (their scale is set by productivity)",
        f"land = {c['land']}",
        f"deposits = {c['deposits']}",
        "# FITTED: the settled labour shares of the fitting run",
        f"labour_shares = {{ {shares} }}",
    ]
    return "\n".join(lines) + "\n"


def calibrated_tables() -> tuple[dict, str]:
    """The calibrated parameters (as tables) and the file's leading comment lines."""
    text = CALIBRATED.read_text(encoding="utf-8")
    comment = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    return tomllib.loads(text), comment


def render(fitted: Fit, calibrated: dict, comment: str) -> str:
    """The whole scenario file: template with the calibrated keys, then the countries."""
    out = []
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        if line.startswith("# @calibrated:"):
            table = line.split(":", 1)[1].strip()
            if table == "parameters":
                out.append(
                    "# FITTED by build_historical.py with the starting state: the world's base "
                    "budget shares\n# of food and raw materials, so that their world shares "
                    "of GDP are the data's"
                )
                pairs = ", ".join(f"{g} = {_fmt(v)}" for g, v in fitted.budget_shares.items())
                out.append(f"budget_shares = {{ {pairs} }}")
            out.append(comment.rstrip("\n"))
            out.extend(f"{k} = {_fmt(v)}" for k, v in calibrated.get(table, {}).items())
        else:
            out.append(line)
    header = (
        "# GENERATED by experiments/build_historical.py from experiments/historical/ and\n"
        "# src/tradetiers/data/: edit those and rebuild, not this file.\n"
        f"# Starting state fitted in {fitted.iterations} rounds; largest relative error "
        f"{_largest_error(fitted.report):.1%} (GDP per head and the three shares, 30 countries).\n"
    )
    body = "\n".join(out) + "\n"
    return header + body + "\n" + "\n".join(country_toml(c) for c in fitted.countries)


def _largest_error(report: pd.DataFrame) -> float:
    return float(((report["model"] / report["data"]) - 1).abs().max().max())


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and a rename: never half a scenario on disk."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def build(write: bool = True, verbose: bool = True) -> Fit:
    """Fit the starting state and (optionally) write configs/historical.toml."""
    rows = load_rows()
    calibrated, comment = calibrated_tables()
    raw = base_scenario(calibrated)
    countries = first_guess(rows, services_shares(rows))
    fitted = fit(raw, countries)
    if verbose:
        with pd.option_context("display.width", 160, "display.precision", 3):
            print(fitted.report)
        print(f"rounds: {fitted.iterations}, largest error {_largest_error(fitted.report):.2%}")
    if write:
        text = render(fitted, calibrated, comment)
        Scenario.from_dict(tomllib.loads(text), source=str(OUT))  # it must load
        write_atomic(OUT, text)
        if verbose:
            print(f"wrote {OUT.relative_to(ROOT)}")
    return fitted


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="fit and report, write nothing")
    args = parser.parse_args(argv)
    build(write=not args.check)
    return 0


if __name__ == "__main__":
    sys.exit(main())
