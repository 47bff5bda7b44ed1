"""Shared fixtures: paths into the repository, the seed corpus loaded once per session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def seed_facts() -> dict:
    return json.loads((Path(__file__).parent / "seed_facts.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds_corpus():
    import hmeimim

    return hmeimim.load_corpus(SEEDS, workers=1)
