"""A scenario and a seed reproduce a run exactly, in separate Python processes.

The processes get different ``PYTHONHASHSEED`` values, so anything that depends on set or
dict-of-str ordering would show up as a difference.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tradetiers import TradeModel

REPO = Path(__file__).resolve().parents[1]
TEACHING = (REPO / "configs" / "teaching.toml").resolve()
YEARS = 30
FRAMES = ("world", "countries", "trade", "events")

SCRIPT = """
import hashlib, json, sys
from pathlib import Path
from tradetiers import TradeModel

scenario, seed, years, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
model = TradeModel(scenario=scenario, rng=seed).run(years)
frames = {
    "world": model.world_frame(),
    "countries": model.country_frame(),
    "trade": model.trade_frame(),
    "events": model.event_frame(),
}
out.mkdir(parents=True)
digests = {}
for name, frame in frames.items():
    frame.to_parquet(out / f"{name}.parquet", index=False)
    digests[name] = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()
digests["rows"] = {name: len(frame) for name, frame in frames.items()}
print(json.dumps(digests))
"""


def run_in_process(seed: int, out: Path, hash_seed: str) -> dict:
    """Run the teaching world in a fresh interpreter; return its frame digests."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(TEACHING), str(seed), str(YEARS), str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=out.parent,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict]]:
    """Two runs of seed 7 at once, with different hash seeds."""
    folder = tmp_path_factory.mktemp("determinism")
    plan = {"a": (7, "1"), "b": (7, "2")}
    with ThreadPoolExecutor(max_workers=len(plan)) as pool:
        futures = {
            key: pool.submit(run_in_process, seed, folder / key, hash_seed)
            for key, (seed, hash_seed) in plan.items()
        }
        return {key: (folder / key, fut.result()) for key, fut in futures.items()}


@pytest.mark.parametrize("frame", FRAMES)
def test_same_seed_gives_identical_frames_across_processes(runs, frame: str):
    (dir_a, dig_a), (dir_b, dig_b) = runs["a"], runs["b"]
    a = pd.read_parquet(dir_a / f"{frame}.parquet")
    b = pd.read_parquet(dir_b / f"{frame}.parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)  # a readable diff if they differ
    assert dig_a[frame] == dig_b[frame]


def test_runs_have_the_expected_shape(runs):
    _, digests = runs["a"]
    assert digests["rows"]["world"] == YEARS
    assert digests["rows"]["countries"] == YEARS * 8


def test_other_seed_runs():
    model = TradeModel(scenario=TEACHING, rng=8).run(YEARS)
    world, countries = model.world_frame(), model.country_frame()
    assert len(world) == YEARS
    assert len(countries) == YEARS * 8
    assert world["year"].tolist() == list(range(2000, 2000 + YEARS))
    assert (world["world_gdp"] > 0).all()
    numeric = countries.select_dtypes("number").drop(
        columns=countries.filter(like="mastered_").columns
    )
    assert np.isfinite(numeric.to_numpy()).all()  # mastery years are NaN until mastered
