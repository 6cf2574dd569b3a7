"""What a clerk reads in a quarantined file's ``.error.json``: why, in Japanese, and what to do.

The English ``detail`` (the library's own message) stays beside it for the administrator.
:func:`explain` picks the sentence by code only: the quarantine code and, for files the reader
refused (``unreadable``), the :class:`~ocr_pipeline.errors.RefusalCode` its error carried —
never by the wording of the English message. Each code has its words in exactly one table
(:data:`QUARANTINE_TEXT`, :data:`REFUSAL_TEXT`); several codes may share a sentence.
:func:`explain_error_pages` is for a file that was read but for some of its pages (status
``error``, e.g. one damaged page of a batch), which is archived rather than quarantined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import RefusalCode
from .codes import QuarantineCode


@dataclass(frozen=True)
class Explanation:
    reason: str  # 日本語: what went wrong
    what_to_do: str  # 日本語: what the clerk should do


RESCAN = "スキャナーでもう一度読み取って保存し、このフォルダーに入れ直してください。"
FORMATS = "読み取れる形式はPDF・TIFF・JPEG・PNGです。"
ADMIN = "解決しない場合はシステム管理者に連絡してください。"

_DAMAGED = Explanation("ファイルが壊れているか、途中までしか保存されていません。", RESCAN)
_NO_ACCESS = Explanation(
    "ファイルを読み取る権限がないため開けません。", "システム管理者に連絡してください。"
)
_TOO_LARGE = Explanation(
    "画像が大きすぎるため、読み取りを中止しました。",
    "200～300dpiでスキャンし直して入れてください。",
)
_UNREADABLE = Explanation("ファイルを読み取れませんでした。", RESCAN + FORMATS)

REFUSAL_TEXT: dict[RefusalCode, Explanation] = {
    RefusalCode.EMPTY: Explanation(
        "ファイルが空です（0バイト）。スキャンまたはコピーが途中で止まった可能性があります。",
        RESCAN,
    ),
    RefusalCode.MISSING: _UNREADABLE,
    RefusalCode.NOT_A_FILE: _UNREADABLE,
    RefusalCode.NO_ACCESS: _NO_ACCESS,
    RefusalCode.UNSUPPORTED_FORMAT: Explanation(
        f"対応していない形式のファイルです。{FORMATS}",
        "スキャナーの保存形式をPDFまたはTIFFにして、スキャンし直してください。",
    ),
    RefusalCode.FORMAT_MISMATCH: Explanation(
        f"ファイル名の拡張子と中身の形式が一致しないか、スキャンしたファイルではありません。{FORMATS}",
        "スキャナーの保存形式をPDFまたはTIFFにして、スキャンし直してください。",
    ),
    RefusalCode.PASSWORD_PROTECTED: Explanation(
        "PDFにパスワードが設定されているため開けません。",
        "パスワードを外して保存し直したPDFを入れてください。",
    ),
    RefusalCode.NO_PAGES: Explanation("PDFにページが1枚もありません。", RESCAN),
    RefusalCode.TOO_MANY_PAGES: Explanation(
        "ページ数が多すぎるため、読み取りませんでした（1ファイルで読める枚数の上限を超えています）。",
        "ファイルを分けて（または少ない枚数ずつスキャンして）入れ直してください。",
    ),
    RefusalCode.TOO_LARGE: _TOO_LARGE,
    RefusalCode.TOO_SMALL: Explanation(
        "画像が小さすぎて、スキャンした用紙とは考えられません。",
        "用紙全体を200～300dpiでスキャンし直して入れてください。",
    ),
    RefusalCode.DAMAGED: _DAMAGED,
    RefusalCode.TIMED_OUT: Explanation(
        "ファイルの読み込みに時間がかかりすぎたため中止しました。", RESCAN + ADMIN
    ),
    RefusalCode.TOOLS_MISSING: _UNREADABLE,
    RefusalCode.MALFORMED: _UNREADABLE,
}
"""The clerk's words for a file the reader refused, by the code its error carries."""

QUARANTINE_TEXT: dict[QuarantineCode, Explanation] = {
    QuarantineCode.UNREADABLE: _UNREADABLE,
    QuarantineCode.SYMLINK: Explanation(
        "ショートカット（シンボリックリンク）は受け付けていません。",
        "スキャンしたファイルそのものをコピーして入れてください。",
    ),
    QuarantineCode.UNKNOWN_FORM_FOLDER: Explanation(
        "このフォルダー名に当たる様式がありません。",
        "正しい様式名のフォルダーに入れ直すか、自治体のフォルダーに直接入れてください"
        "（様式は自動で判定します）。",
    ),
    QuarantineCode.UNKNOWN_FORM: Explanation(
        "フォルダー名で指定された様式が登録されていません。",
        "自治体のフォルダーに直接入れ直してください（様式は自動で判定します）。" + ADMIN,
    ),
    QuarantineCode.NESTED_FOLDER: Explanation(
        "様式フォルダーの中にさらにフォルダーがあります。",
        "中のファイルを取り出して、様式フォルダーに直接入れてください。",
    ),
    QuarantineCode.NOT_REGULAR: Explanation(
        "通常のファイルではないため読み取れません。", "スキャンしたファイルを入れてください。"
    ),
    QuarantineCode.DUPLICATE_OF_QUARANTINED: Explanation(
        "同じ内容のファイルが以前にも届き、読み取れなかったため隔離されています。",
        "以前のファイルの理由を確かめ、スキャンし直したファイルを入れてください。",
    ),
    QuarantineCode.CRASHED: Explanation(
        "読み取りの処理がこのファイルで繰り返し止まったため、処理を中止しました。",
        RESCAN + ADMIN,
    ),
    QuarantineCode.MISSING_FILE: Explanation(
        "受け付けたファイルが保管場所から見つからないため、読み取れませんでした。",
        "もう一度同じファイルを入れてください。" + ADMIN,
    ),
    QuarantineCode.VANISHED: Explanation(
        "受け付けたファイルが、保管する前に受付フォルダーから削除されました。",
        "必要なら、もう一度ファイルを入れてください。",
    ),
}
"""The clerk's words for a quarantined file, by its quarantine code."""


def explain(code: QuarantineCode, refusal: RefusalCode | None = None) -> Explanation:
    """The clerk's sentences for a quarantine ``code``; for ``unreadable``, by the
    ``refusal`` code the reader's error carried (the general sentence without one)."""
    if refusal is not None and QuarantineCode(code) is QuarantineCode.UNREADABLE:
        return REFUSAL_TEXT[RefusalCode(refusal)]
    return QUARANTINE_TEXT[QuarantineCode(code)]


def explain_error_pages(pages: Sequence[int], total: int | None = None) -> Explanation:
    """The clerk's sentences for a file whose ``pages`` (1-based numbers, as
    ``FileOutcome.error_pages`` gives them) could not be read, out of ``total`` pages (when
    known): scan those again."""
    numbers = "・".join(f"{n}ページ目" for n in pages)
    others = total is None or len(set(pages)) < total
    return Explanation(
        f"{numbers}を読み取れませんでした。"
        + ("ほかのページは読み取り済みです。" if others else ""),
        ("読み取れなかったページだけを" if others else "")
        + "スキャンし直して、このフォルダーに入れてください。"
        + ADMIN,
    )
