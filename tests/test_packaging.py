"""One dependency list: pyproject.toml. environment.yml only wraps it."""
from __future__ import annotations

import re
import tomllib

from conftest import ROOT


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_is_a_thin_wrapper_around_pyproject():
    import yaml  # comes with papermill

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert sorted(conda) == ["pip", "python=3.11"], f"environment.yml lists packages of its own: {conda}"
    editable = [d for d in pip if d.startswith("-e")]
    assert pip == editable and len(editable) == 1, f"pip packages besides the project: {pip}"
    extras = re.search(r"\.\[([^\]]*)\]", editable[0]).group(1).split(",")
    known = set(_pyproject()["project"]["optional-dependencies"])
    assert set(extras) <= known, f"environment.yml names extras pyproject lacks: {set(extras) - known}"
    spec = _pyproject()["project"]["requires-python"]
    assert ">=3.11" in spec


def test_every_dependency_has_a_lower_and_an_upper_bound():
    proj = _pyproject()["project"]
    reqs = list(proj["dependencies"]) + [r for rs in proj["optional-dependencies"].values() for r in rs]
    for r in reqs:
        assert ">=" in r and "<" in r.replace("<=", ""), f"{r} needs a lower bound and a major-version cap"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 tasks.py test" in readme and "python3 tasks.py test" in ci
    assert "python3 tasks.py report" in readme


def test_readme_codebook_matches_the_schema():
    from hmeimim.schema import codebook_markdown

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- codebook:start", 1)[1].split("-->\n", 1)[1].split("<!-- codebook:end -->")[0]
    assert section == codebook_markdown(), "run: python -m hmeimim.schema README.md"
