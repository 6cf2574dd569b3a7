"""What a clerk reads in a quarantined file's ``.error.json``: why, in Japanese, and what to do.

The English ``detail`` (the library's own message) stays beside it for the administrator.
:func:`explain` picks the sentence from the quarantine ``code`` and, for files the reader
refused (``unreadable``), from the refusal's English reason (see ``ocr_pipeline.ingest``).
:func:`explain_error_pages` is for a file that was read but for some of its pages (status
``error``, e.g. one damaged page of a batch), which is archived rather than quarantined.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    reason: str  # 日本語: what went wrong
    what_to_do: str  # 日本語: what the clerk should do


RESCAN = "スキャナーでもう一度読み取って保存し、このフォルダーに入れ直してください。"
FORMATS = "読み取れる形式はPDF・TIFF・JPEG・PNGです。"
ADMIN = "解決しない場合はシステム管理者に連絡してください。"

_UNREADABLE: tuple[tuple[tuple[str, ...], Explanation], ...] = (
    (
        ("empty (0 bytes)",),
        Explanation(
            "ファイルが空です（0バイト）。スキャンまたはコピーが途中で止まった可能性があります。",
            RESCAN,
        ),
    ),
    (
        ("password-protected",),
        Explanation(
            "PDFにパスワードが設定されているため開けません。",
            "パスワードを外して保存し直したPDFを入れてください。",
        ),
    ),
    (
        ("has no pages",),
        Explanation("PDFにページが1枚もありません。", RESCAN),
    ),
    (
        ("decompression bomb", "more pixels than allowed", "over the limit"),
        Explanation(
            "画像が大きすぎるため、読み取りを中止しました。",
            "200～300dpiでスキャンし直して入れてください。",
        ),
    ),
    (
        ("more than max_pages",),
        Explanation(
            "ページ数が多すぎるため、読み取りませんでした（1ファイルで読める枚数の上限を超えています）。",
            "ファイルを分けて（または少ない枚数ずつスキャンして）入れ直してください。",
        ),
    ),
    (
        ("too small",),
        Explanation(
            "画像が小さすぎて、スキャンした用紙とは考えられません。",
            "用紙全体を200～300dpiでスキャンし直して入れてください。",
        ),
    ),
    (
        ("unsupported format",),
        Explanation(
            f"対応していない形式のファイルです。{FORMATS}",
            "スキャナーの保存形式をPDFまたはTIFFにして、スキャンし直してください。",
        ),
    ),
    (
        ("not a PDF", "not a TIFF", "not a JPEG", "not a PNG"),
        Explanation(
            f"ファイル名の拡張子と中身の形式が一致しないか、スキャンしたファイルではありません。{FORMATS}",
            "スキャナーの保存形式をPDFまたはTIFFにして、スキャンし直してください。",
        ),
    ),
    (
        ("damaged", "truncated"),
        Explanation("ファイルが壊れているか、途中までしか保存されていません。", RESCAN),
    ),
    (
        ("did not finish within",),
        Explanation("ファイルの読み込みに時間がかかりすぎたため中止しました。", RESCAN + ADMIN),
    ),
    (
        ("permission denied", "cannot be read", "cannot be examined"),
        Explanation(
            "ファイルを読み取る権限がないため開けません。", "システム管理者に連絡してください。"
        ),
    ),
)

_BY_CODE: dict[str, Explanation] = {
    "unreadable": Explanation("ファイルを読み取れませんでした。", RESCAN + FORMATS),
    "symlink": Explanation(
        "ショートカット（シンボリックリンク）は受け付けていません。",
        "スキャンしたファイルそのものをコピーして入れてください。",
    ),
    "unknown_form_folder": Explanation(
        "このフォルダー名に当たる様式がありません。",
        "正しい様式名のフォルダーに入れ直すか、自治体のフォルダーに直接入れてください"
        "（様式は自動で判定します）。",
    ),
    "unknown_form": Explanation(
        "フォルダー名で指定された様式が登録されていません。",
        "自治体のフォルダーに直接入れ直してください（様式は自動で判定します）。" + ADMIN,
    ),
    "nested_folder": Explanation(
        "様式フォルダーの中にさらにフォルダーがあります。",
        "中のファイルを取り出して、様式フォルダーに直接入れてください。",
    ),
    "not_regular": Explanation(
        "通常のファイルではないため読み取れません。", "スキャンしたファイルを入れてください。"
    ),
    "duplicate_of_quarantined": Explanation(
        "同じ内容のファイルが以前にも届き、読み取れなかったため隔離されています。",
        "以前のファイルの理由を確かめ、スキャンし直したファイルを入れてください。",
    ),
    "crashed": Explanation(
        "読み取りの処理がこのファイルで繰り返し止まったため、処理を中止しました。",
        RESCAN + ADMIN,
    ),
    "missing_file": Explanation(
        "受け付けたファイルが保管場所から見つからないため、読み取れませんでした。",
        "もう一度同じファイルを入れてください。" + ADMIN,
    ),
    "vanished": Explanation(
        "受け付けたファイルが、保管する前に受付フォルダーから削除されました。",
        "必要なら、もう一度ファイルを入れてください。",
    ),
}


def explain(code: str, detail: str = "") -> Explanation:
    """The clerk's sentences for a quarantine ``code`` (and, for ``unreadable``, the English
    ``detail`` the reader gave)."""
    if code == "unreadable":
        lowered = detail.lower()
        for needles, explanation in _UNREADABLE:
            if any(n.lower() in lowered for n in needles):
                return explanation
    return _BY_CODE.get(code, _BY_CODE["unreadable"])


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
