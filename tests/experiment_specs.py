"""Small experiment specs shared by the experiment tests (teaching world, few years)."""

from __future__ import annotations

from pathlib import Path

# 2 lever settings x 3 LHS samples x 2 replications = 12 runs of 6 years
IDENTITY = """
name = "identity"
description = "Same results whatever the executor"
scenario = "teaching"
years = 6
seed = 11
replications = 2

[fixed.parameters]
reallocation_speed = 0.25

[[levers]]
path = "parameters.distance_decay"
values = [0.3, 1.0]

[[uncertainties]]
path = "countries.MAN.productivity.machinery"
name = "man_machinery"
low = 2.0
high = 4.0

[sampling]
method = "lhs"
samples = 3

[[outcomes]]
name = "trade_end"
column = "world_trade"
stat = "last"

[[outcomes]]
name = "man_gap_max"
column = "gdp_per_capita"
country = "MAN"
relative_to = "HEG"
stat = "max"

[[outcomes]]
name = "heg_manu_2003"
column = "hegemon_manufacturing_share"
stat = "at"
year = 2003

[[outcomes]]
name = "gdp_total_mean"
column = "gdp"
across = "sum"
stat = "mean"

[[series]]
columns = ["world_gdp", "world_trade"]

[[series]]
columns = ["gdp", "manufacturing_share"]
countries = ["MAN", "HEG"]
"""

# two uncertainties for sensitivity designs: one that drives world trade, and a dummy
# (sinkhorn_max_iter: the allocation converges long before either bound)
DECAY_AND_DUMMY = """
[[uncertainties]]
path = "parameters.distance_decay"
low = 0.1
high = 2.0

[[uncertainties]]
path = "parameters.sinkhorn_max_iter"
name = "max_iter"
low = 1500
high = 3000
"""


def write(folder: Path, text: str, name: str = "spec.toml") -> Path:
    """Write a spec file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
