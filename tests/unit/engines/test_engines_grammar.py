"""Field grammars, and CTC decoding held to them, on hand-built probability matrices."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from numpy.typing import NDArray

from ocr_pipeline.engines import grammar as g
from ocr_pipeline.engines.base import accepts_grammars
from ocr_pipeline.engines.ctc import CharTable, decode, decode_constrained
from ocr_pipeline.engines.lines import CtcLineRecognizer

CLASSES = ("", *"0123456789", *"町番号地丁目/lＳ-元ア市川文子）世帯主蒂妻于")
IDX = {c: i for i, c in enumerate(CLASSES)}
DIGITS = frozenset("0123456789")


def frames(*rows: dict[str, float] | str) -> NDArray[np.float32]:
    """One row per frame: a string is that class at 0.98; a dict gives probabilities by class,
    the blank gets the remainder and the other classes share a little."""
    out = np.full((len(rows), len(CLASSES)), 1e-4, dtype=np.float32)
    for t, row in enumerate(rows):
        given = {row: 0.98} if isinstance(row, str) else row
        for c, p in given.items():
            out[t, IDX[c]] = p
        if "" not in given:
            out[t, 0] = max(0.0, 1.0 - sum(given.values()) - 1e-4 * (len(CLASSES) - 2))
        out[t] /= out[t].sum()
    return out


@pytest.fixture
def table() -> CharTable:
    return CharTable(CLASSES)


# --- the grammars -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["荘園町１番１５号", "府内町三丁目10番1号", "千代田区一番町", "番場町", "丁子", "1-2-3",
     "１－２", "センター", "Villa 101号", "ＬＩＦＥ", "III", "五番丁", "101号室", "八丁堀２丁目",
     "２丁", ""],
)  # fmt: skip
def test_addresses_that_can_be_written(text: str) -> None:
    assert g.accepts(g.address_grammar(), text)


@pytest.mark.parametrize(
    "text",
    ["荘園町/番Ｓ号", "三丁目番１号", "町番", "町番1", "町号", "丁目", "町番地", "1-", "-1",
     "1-町", "町l番", "1|2", "町＿", "ー", "1番号", "a\\b", "7番√5号", "曙町1)4番地", "番地ｉ",
     "沢２丁日１５番", "２丁ョ６"],
)  # fmt: skip
def test_addresses_that_cannot_be_written(text: str) -> None:
    assert not g.accepts(g.address_grammar(), text)


@pytest.mark.parametrize(
    "text", ["市川　文子", "ジョン・スミス", "SMITH JOHN", "渡邉 一", "オコーナー", ""]
)
def test_names_that_can_be_written(text: str) -> None:
    assert g.accepts(g.name_grammar(), text)


@pytest.mark.parametrize(
    "text", ["市川）　文子", "山田1郎", "佐藤／花子", "田中!", "(株)", "鈴木２"]
)
def test_names_that_cannot_be_written(text: str) -> None:
    assert not g.accepts(g.name_grammar(), text)


def test_a_continued_address_line_may_start_after_a_number_and_end_on_a_dash() -> None:
    line = g.address_grammar(continued=True)
    assert g.accepts(line, "番地")
    assert g.accepts(line, "-3")
    assert g.accepts(line, "1-")
    assert not g.accepts(line, "町番")


@pytest.mark.parametrize(
    ("grammar", "good", "bad"),
    [
        (g.number_range(1, 12, 2), ["1", "04", "12", "１２"], ["", "0", "13", "00", "004", "1a"]),
        (g.number_range(1, 31, 2), ["31", "9", "09"], ["32", "0", "123"]),
        (g.wareki_year(), ["元", "1", "64", "99"], ["元1", "1元", "100", "0"]),
        (g.western_year(), ["2024", "1989"], ["24", "0202", "20245", "1234"]),
        (g.digits(0, 1), ["", "7"], ["77", "/"]),
        (g.digits(4, 4), ["0123"], ["123", "12345"]),
    ],
)
def test_number_grammars(grammar: g.Grammar, good: list[str], bad: list[str]) -> None:
    assert all(g.accepts(grammar, t) for t in good), good
    assert not any(g.accepts(grammar, t) for t in bad), bad


def test_digits_refuses_impossible_lengths() -> None:
    with pytest.raises(ValueError, match="min_len"):
        g.digits(3, 2)


# --- decoding held to a grammar -----------------------------------------------------


def test_a_grammatical_greedy_reading_is_returned_unchanged(table: CharTable) -> None:
    probs = frames("町", "", {"1": 0.6, "/": 0.3}, "", "番", "1", "", "号")
    greedy = decode(probs, table)
    assert greedy.text == "町1番1号"
    held = decode_constrained(probs, table, g.address_grammar())
    assert held == greedy
    assert held.grammar_forced is False


def test_no_grammar_is_plain_greedy_decoding(table: CharTable) -> None:
    probs = frames("町", {"/": 0.9, "1": 0.05}, "番")
    assert decode_constrained(probs, table, None) == decode(probs, table)


def test_a_slash_in_a_digit_position_becomes_the_digit_at_its_own_probability(
    table: CharTable,
) -> None:
    probs = frames("", {"/": 0.92, "1": 0.05}, {"/": 0.6, "1": 0.02}, "")
    rec = decode_constrained(probs, table, g.digits(1, 1))
    assert rec.text == "1"
    assert rec.grammar_forced
    assert rec.char_confidences == pytest.approx((0.05,), rel=1e-3)  # the ink's, not renormalised
    assert rec.confidence == pytest.approx(0.05, rel=1e-3)
    assert rec.alternatives[0][0][0] == "/"  # the reviewer sees what the ink looked like


def test_ban_without_a_number_gets_the_number_the_recognizer_nearly_read(
    table: CharTable,
) -> None:
    probs = frames("町", "", {"/": 0.92, "1": 0.05}, "", "番", "", "1", "", "号")
    assert decode(probs, table).text == "町/番1号"
    rec = decode_constrained(probs, table, g.address_grammar())
    assert rec.text == "町1番1号"
    assert rec.grammar_forced
    assert rec.char_confidences[1] == pytest.approx(0.05, rel=1e-3)
    assert rec.confidence < 0.1


@pytest.mark.parametrize("text", ["本人", "（株）山田", "長男(養子)", "「なし」", "(", ""])
def test_free_text_that_can_be_written(text: str) -> None:
    assert g.accepts(g.text_grammar(), text)


@pytest.mark.parametrize("text", [")本人", "本人）", "なし」", "(a))", "】"])
def test_free_text_that_cannot_be_written(text: str) -> None:
    assert not g.accepts(g.text_grammar(), text)


def test_a_bracket_in_a_name_becomes_the_character_nearly_read(table: CharTable) -> None:
    probs = frames("市", "", "川", "", {"）": 0.8, "": 0.15}, "文", "", "子")
    assert decode(probs, table).text == "市川）文子"
    rec = decode_constrained(probs, table, g.name_grammar())
    assert rec.text == "市川文子"
    assert rec.grammar_forced


def test_a_dropped_number_before_ban_is_put_back(table: CharTable) -> None:
    probs = frames("町", "", {"": 0.7, "1": 0.25}, "", "番", "", "2", "", "号")
    assert decode(probs, table).text == "町番2号"
    rec = decode_constrained(probs, table, g.address_grammar())
    assert rec.text == "町1番2号"
    assert rec.char_confidences[1] == pytest.approx(probs[2, IDX["1"]])
    assert rec.confidence < 0.3


def test_a_forced_reading_is_never_surer_than_the_reading_it_replaces(table: CharTable) -> None:
    probs = frames({"/": 0.5, "1": 0.45}, {"1": 0.97})
    greedy = decode(probs, table)
    assert greedy.text == "/1"
    rec = decode_constrained(probs, table, g.digits(1, 1))
    assert rec.text == "1"
    assert rec.char_confidences[0] > 0.9  # the 1 is sure on its second frame...
    assert rec.confidence == pytest.approx(greedy.confidence)  # ...the crop is not


def test_a_month_out_of_range_becomes_the_likeliest_month(table: CharTable) -> None:
    probs = frames("1", "", {"3": 0.6, "2": 0.35}, "")
    assert decode(probs, table).text == "13"
    rec = decode_constrained(probs, table, g.number_range(1, 12, 2), DIGITS)
    assert rec.text == "12"
    assert rec.grammar_forced
    assert rec.confidence < 0.5


def test_wareki_year_may_be_gannen_alone(table: CharTable) -> None:
    probs = frames("元", "", {"1": 0.6, "": 0.35}, "")
    rec = decode_constrained(probs, table, g.wareki_year())
    assert rec.text in ("元", "1")
    assert rec.grammar_forced


def test_no_grammatical_reading_keeps_the_greedy_one_at_confidence_zero(
    table: CharTable,
) -> None:
    probs = np.zeros((4, len(CLASSES)), dtype=np.float32)
    probs[:, 0] = 1.0  # only the blank: no digit is possible anywhere
    rec = decode_constrained(probs, table, g.digits(1, 1), DIGITS)
    assert rec.text == ""
    assert rec.confidence == 0.0
    assert rec.grammar_forced
    assert replace(rec, confidence=1.0, grammar_forced=False) == decode(probs, table, DIGITS)


def test_held_readings_keep_per_character_data_aligned(table: CharTable) -> None:
    rng = np.random.default_rng(5)
    probs = rng.dirichlet(np.full(len(CLASSES), 0.3), size=60).astype(np.float32)
    for grammar in (g.address_grammar(), g.digits(2, 5), g.number_range(1, 31, 2)):
        rec = decode_constrained(probs, table, grammar)
        assert g.accepts(grammar, rec.text) or rec.confidence == 0.0
        n = len(rec.text)
        assert len(rec.char_confidences) == len(rec.char_positions) == len(rec.alternatives) == n
        assert list(rec.char_positions) == sorted(rec.char_positions)


def test_the_shipped_backends_declare_they_take_grammars() -> None:
    class Plain:
        name = "plain"

    assert CtcLineRecognizer.accepts_grammars is True
    assert not accepts_grammars(Plain())  # type: ignore[arg-type]  # on purpose: no recognize()


class _Slash(CtcLineRecognizer):
    """Reads every crop as ``/`` with ``1`` a distant second."""

    name = "slash"
    batch_size = 4

    def __init__(self) -> None:
        self.table = CharTable(CLASSES)

    def infer(self, batch: NDArray[np.float32]) -> NDArray[np.float32]:
        one = frames("", {"/": 0.9, "1": 0.05}, "")
        return np.repeat(one[None], len(batch), axis=0)

    def describe(self) -> dict[str, str]:
        return {"engine": self.name}


def test_recognize_holds_each_crop_to_its_own_grammar() -> None:
    crops = [np.full((32, 40), 255, np.uint8)] * 3
    plain, digit, none = _Slash().recognize(crops, None, [None, g.digits(1, 1), g.digits(4, 4)])
    assert (plain.text, plain.grammar_forced) == ("/", False)
    assert (digit.text, digit.grammar_forced) == ("1", True)
    assert (none.text, none.confidence, none.grammar_forced) == ("/", 0.0, True)  # 3 frames


def test_recognize_rejects_a_grammar_list_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="one entry per crop"):
        _Slash().recognize([np.full((32, 40), 255, np.uint8)], None, [])


# --- a field's vocabulary -----------------------------------------------------------


def test_a_vocabulary_accepts_its_words_and_nothing() -> None:
    words = g.vocabulary(["世帯主", "妻", "子"])
    assert all(g.accepts(words, t) for t in ("世帯主", "妻", "子"))
    assert not any(g.accepts(words, t) for t in ("世帯", "世蒂主", "妻子", "于", ""))


def test_a_misread_word_is_held_to_the_word_the_recognizer_nearly_read(
    table: CharTable,
) -> None:
    probs = frames("世", "", {"蒂": 0.7, "帯": 0.2}, "", "主")
    assert decode(probs, table).text == "世蒂主"
    rec = decode_constrained(probs, table, g.vocabulary(["世帯主", "妻", "子"]))
    assert rec.text == "世帯主"
    assert rec.grammar_forced
    assert rec.confidence <= 0.2 + 1e-3


def test_a_word_of_the_vocabulary_is_read_as_is(table: CharTable) -> None:
    probs = frames("", "妻", "")
    rec = decode_constrained(probs, table, g.vocabulary(["世帯主", "妻", "子"]))
    assert rec.text == "妻"
    assert not rec.grammar_forced


def test_ink_no_word_fits_keeps_what_the_recognizer_read(table: CharTable) -> None:
    probs = np.full((3, len(CLASSES)), 1e-9, dtype=np.float32)
    probs[:, 0] = 0.5
    probs[1] = 1e-9
    probs[1, 0], probs[1, IDX["于"]] = 0.4, 0.6  # no word of the vocabulary is likely
    rec = decode_constrained(probs, table, g.vocabulary(["世帯主", "妻"]))
    assert rec.text == "于"
    assert rec.grammar_forced
    assert rec.confidence == 0.0
