"""Offline front-end assets: fill Solara's asset cache ahead of time with ``npm pack``.

Solara's server proxies its front-end bundles from a CDN and caches them in
``SOLARA_ASSETS_PROXY_CACHE_DIR``, one folder per requested ``package@version``. This
module fills that cache once (the only step that downloads), so that
``tradetiers ui --offline-assets DIR`` then serves the app with no internet.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

#: the npm packages Solara 1.64's page asks for, as it names them in its URLs
PACKAGES = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
    "katex@0.16.9",
    "mermaid@10.8.0",
)
CACHE_ENV = "SOLARA_ASSETS_PROXY_CACHE_DIR"


class AssetError(RuntimeError):
    """The cache could not be filled (npm missing or a package not fetched)."""


def default_dir() -> Path:
    """Where ``tradetiers assets`` puts the cache if no folder is given."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "tradetiers" / "solara-assets"


def missing(cache: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """The packages not yet in the cache."""
    return [p for p in packages if not (cache / p / "package.json").is_file()]


def _main_file(package_dir: Path) -> str | None:
    """The file a CDN serves for a bare ``package@version`` URL."""
    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    for key in ("jsdelivr", "browser", "main"):
        value = meta.get(key)
        if isinstance(value, str) and (package_dir / value).is_file():
            return value
    return "index.js" if (package_dir / "index.js").is_file() else None


def fetch(spec: str, cache: Path, npm: str = "npm") -> Path:
    """Fetch one package with ``npm pack`` and unpack it to ``cache/spec``.

    Raises:
        AssetError: npm failed or the tarball is malformed.
    """
    target = cache / spec
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [npm, "pack", spec, "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        tarballs = list(Path(tmp).glob("*.tgz"))
        if out.returncode != 0 or not tarballs:
            raise AssetError(f"npm pack {spec} failed: {out.stderr.strip()[-400:]}")
        staging = Path(tmp) / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(staging, filter="data")
        inner = next(p for p in staging.iterdir() if p.is_dir())  # usually "package/"
        main = _main_file(inner)
        if main is not None:  # Solara stores bare package URLs as "<spec>/__main.js"
            shutil.copyfile(inner / main, inner / "__main.js")
        partial = cache / (spec + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(inner), partial)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    return target


def fill(
    cache: Path,
    packages: tuple[str, ...] = PACKAGES,
    log: Callable[[str], None] = print,
) -> list[str]:
    """Fetch every package missing from the cache; return the ones fetched.

    Raises:
        AssetError: npm is not installed or a package could not be fetched.
    """
    npm = shutil.which("npm")
    todo = missing(cache, packages)
    if todo and npm is None:
        raise AssetError("npm is not installed; install Node.js/npm to fill the asset cache")
    for spec in todo:
        log(f"fetching {spec}")
        fetch(spec, cache, npm or "npm")
    return todo
