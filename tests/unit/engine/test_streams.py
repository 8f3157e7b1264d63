"""Random streams are keyed by (seed, purpose, key block) and pinned by known answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from plotsim_dbt.engine.streams import KEY_BLOCK, Purpose, draw, stream

KNOWN = json.loads((Path(__file__).resolve().parents[2] / "data" / "streams.json").read_text())


@pytest.mark.parametrize("purpose", list(Purpose))
def test_first_draws_of_every_purpose_are_pinned(purpose):
    # A change here changes every generated dataset: it belongs in the changelog (docs/compatibility.md).
    got = stream(KNOWN["seed"], purpose, KNOWN["key_block"]).random(4)
    np.testing.assert_array_equal(got, KNOWN["first_uniforms"][purpose.name])


def test_streams_differ_by_purpose_block_and_seed():
    base = stream(1, Purpose.METRICS, 0).random(8)
    assert not np.allclose(base, stream(1, Purpose.NOISE, 0).random(8))
    assert not np.allclose(base, stream(1, Purpose.METRICS, 1).random(8))
    assert not np.allclose(base, stream(2, Purpose.METRICS, 0).random(8))


def test_draws_for_a_range_equal_the_concatenated_key_blocks():
    whole = draw(7, Purpose.METRICS, 0, 3 * KEY_BLOCK, (2,))
    parts = [draw(7, Purpose.METRICS, s, s + KEY_BLOCK, (2,)) for s in range(0, 3 * KEY_BLOCK, KEY_BLOCK)]
    np.testing.assert_array_equal(whole, np.concatenate(parts))


def test_a_batch_must_start_on_a_key_block_boundary():
    with pytest.raises(ValueError, match="multiple of 1024"):
        draw(7, Purpose.METRICS, 5, 10, (1,))
