"""The Wilson score interval of a measured error rate."""

from __future__ import annotations

import pytest

from ocr_pipeline.evaluate.stats import ErrorRate, wilson_interval, wilson_upper


def test_wilson_interval_known_values() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    low, high = wilson_interval(1, 2)
    assert low == pytest.approx(0.0945, abs=1e-4) and high == pytest.approx(0.9055, abs=1e-4)
    low, high = wilson_interval(0, 100)
    assert low == 0.0 and high == pytest.approx(0.0370, abs=1e-4)
    low, high = wilson_interval(10, 1000)
    assert low == pytest.approx(0.00544, abs=1e-5) and high == pytest.approx(0.01831, abs=1e-5)
    assert wilson_upper(10, 1000) == high


def test_error_rate_carries_its_interval() -> None:
    e = ErrorRate.of(3, 600)
    assert (e.checked, e.wrong, e.rate) == (600, 3, 0.005)
    assert (e.low, e.high) == wilson_interval(3, 600) and e.low < 0.005 < e.high
    assert ErrorRate.of(0, 0).rate is None
