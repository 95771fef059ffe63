"""Fill Solara's front-end cache from the npm registry, so the dashboard works with no internet.

Solara's server loads its browser files (the Vuetify app, requirejs, font-awesome, the grid
layout, vega) from a public CDN at run time and caches them under
``solara.server.settings.assets.proxy_cache_dir``. A workshop room on a hotel network, or a CI
machine that reaches no CDN, gets a blank page. The same files are npm packages; this script
reads the exact versions the installed Solara asks for from Solara's own templates, runs
``npm pack NAME@VERSION`` for each and unpacks it where the cache expects it. Idempotent: a
package already unpacked is skipped, so running it again costs nothing.

Usage: ``python app/setup_assets.py [--check]`` (``--check`` only reports what is missing and
exits 1 if anything is).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# `{{cdn}}/NAME@VERSION/` in the page templates, `${this.getCdn()}/NAME@VERSION/` in widgets.
_CDN_REF = re.compile(
    r"(?:\{\{\s*cdn\s*\}\}|\$\{this\.getCdn\(\)\})/((?:@[a-z0-9-]+/)?[a-z0-9.-]+)@([0-9][\w.+-]*)/"
)
_DONE = ".alignsim-complete"


def cache_dir() -> Path:
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def wanted_packages() -> list[tuple[str, str]]:
    """(npm name, version spec) pairs the installed Solara loads through its CDN proxy."""
    import solara
    from solara.server import settings

    root = Path(solara.__file__).parent
    found: set[tuple[str, str]] = set()
    for path in root.rglob("*"):
        if "website" in path.parts or path.suffix not in (".j2", ".html", ".vue", ".js", ".py"):
            continue
        if path.suffix == ".js" and path.stat().st_size > 200_000:
            continue
        found.update(_CDN_REF.findall(path.read_text(encoding="utf-8", errors="ignore")))
    fontawesome = re.match(r"/([a-z0-9.-]+)@([0-9][\w.-]*)/", settings.assets.fontawesome_path)
    if fontawesome:
        found.add((fontawesome.group(1), fontawesome.group(2)))
    return sorted(found)


def missing(cache: Path, packages: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(n, v) for n, v in packages if not (cache / f"{n}@{v}" / _DONE).exists()]


def fetch(cache: Path, name: str, version: str, npm: str) -> None:
    """Unpack ``npm pack name@version`` into ``cache/name@version/`` (atomically)."""
    target = cache / f"{name}@{version}"
    with tempfile.TemporaryDirectory(prefix="alignsim-assets-") as tmp:
        out = subprocess.run(
            [npm, "pack", f"{name}@{version}", "--silent", "--pack-destination", tmp],
            cwd=tmp, capture_output=True, text=True, check=False,
        )
        tarballs = list(Path(tmp).glob("*.tgz"))
        if out.returncode != 0 or len(tarballs) != 1:
            raise RuntimeError(f"npm pack {name}@{version} failed: {out.stderr.strip()[-500:]}")
        unpacked = Path(tmp) / "unpacked"
        with tarfile.open(tarballs[0]) as tar:
            tar.extractall(unpacked, filter="data")
        # npm tarballs hold one top folder, usually `package/`.
        (top,) = list(unpacked.iterdir())
        (top / _DONE).write_text(f"{name}@{version} from npm pack\n")
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(top), target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report what is missing")
    args = parser.parse_args(argv)
    cache = cache_dir()
    packages = wanted_packages()
    todo = missing(cache, packages)
    if args.check or not todo:
        for name, version in todo:
            print(f"missing: {name}@{version}")
        print(f"solara assets in {cache}: {len(packages) - len(todo)}/{len(packages)} present")
        return 1 if todo else 0
    npm = shutil.which("npm")
    if npm is None:
        print("setup_assets: npm is needed to fetch Solara's browser files from the npm registry "
              "(install it, e.g. `apt-get install -y npm`)", file=sys.stderr)
        return 1
    for name, version in todo:
        print(f"fetching {name}@{version}")
        fetch(cache, name, version, npm)
    print(f"solara assets in {cache}: {len(packages)}/{len(packages)} present")
    return 0


if __name__ == "__main__":
    sys.exit(main())
