#!/usr/bin/env python3
"""Set-up-to-result commands that need only Python 3.11 and pip.

    python3 tasks.py report   # creates .venv, installs hmeimim, renders the seeds' weekly report
    python3 tasks.py test     # creates .venv, installs hmeimim[test,dask] (+ Chromium), runs every test

Both are idempotent: the virtual environment is created once and reused; pip re-checks it.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*cmd: str | Path, **kw) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"hmeimim needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not PY.exists():
        print(f"creating {VENV.relative_to(ROOT)}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    run(PY, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", f".[{extras}]" if extras else ".")


def ensure_chromium() -> None:
    """The browser test needs Debian's Chromium; install it when we may (root with apt)."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run("apt-get", "update", "-qq", env=env)
        run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium",
            "fonts-noto-core", "fonts-noto-cjk", "fonts-dejavu-core", env=env)
    else:
        print("note: Chromium not found and cannot be installed here; the browser test will "
              "skip locally (and fail under CI=true). Install Debian's 'chromium' to run it.", flush=True)


def report(argv: list[str]) -> None:
    ensure_venv("")
    week = argv[0] if argv else "2025-W44"
    run(BIN / "hmeimim", "report", "--corpus", "seeds", "--week", week, "--out", "reports")
    print(f"\nOpen reports/{week}/report.html in a browser "
          f"(tables behind the charts: reports/{week}/tables/, figures: reports/{week}/figures/).")


def test(argv: list[str]) -> None:
    ensure_venv("test,dask")
    ensure_chromium()
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # papermill kernels inherit it and would drop their figures
    # The report template runs as notebooks/05_weekly_report.ipynb (a link); not twice.
    run(PY, "-m", "pytest", "tests", "--doctest-modules", "hmeimim", "--ignore=hmeimim/templates",
        "--nbval-lax", "--nbval-current-env", "notebooks", *argv, env=env)


def main() -> None:
    tasks = {"report": report, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        sys.exit("usage: python3 tasks.py report [WEEK] | test [pytest args]")
    try:
        tasks[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as e:
        sys.exit(e.returncode or 1)


if __name__ == "__main__":
    main()
