"""The full star schema of star_helpers, generated once per session for the engine's star tests."""

from __future__ import annotations

import pytest
from star_helpers import generate, star_kwargs


@pytest.fixture(scope="session")
def star():
    """(cfg, tables, state) of seed 11. Tests check its tables against values recomputed from other tables of
    the same run (realised metrics, trajectory positions, the period axis), not against particular draws."""
    return generate(**star_kwargs())
