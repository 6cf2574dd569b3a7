"""Reason codes: every code has its Japanese label, and a reason carries its code."""

from __future__ import annotations

import pickle

from form_schemas.reasons import CATALOGUE, Reason, ReasonCode, label


def test_every_reason_code_has_a_japanese_label() -> None:
    missing = [code for code in ReasonCode if code not in CATALOGUE]
    assert not missing, f"no Japanese label for {missing} (form_schemas/reasons.py)"
    assert set(CATALOGUE) == set(ReasonCode)
    for code in ReasonCode:
        assert label(code) == CATALOGUE[code] != code


def test_a_reason_given_its_string_carries_the_code() -> None:
    reason = Reason("low_confidence", "confidence 0.2")
    assert reason.code is ReasonCode.LOW_CONFIDENCE
    assert reason == Reason(ReasonCode.LOW_CONFIDENCE, "confidence 0.2")
    assert str(reason) == "low_confidence: confidence 0.2"
    assert str(Reason("no_choice")) == "no_choice"
    assert pickle.loads(pickle.dumps(reason)) == reason


def test_an_unknown_code_is_kept_as_given() -> None:
    reason = Reason("from_elsewhere", "d")
    assert reason.code == "from_elsewhere" and not isinstance(reason.code, ReasonCode)
    assert label(reason.code) == "from_elsewhere"


def test_label_of_an_unknown_code_is_the_code() -> None:
    assert label("something_else") == "something_else"
