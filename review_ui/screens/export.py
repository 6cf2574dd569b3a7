"""CSV 出力: run an export profile for this municipality's approved records (in the
background), download the file, and see the export log. Administrators only."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from form_schemas.registry import FormRegistry
from ocr_pipeline.store import DocumentStatus, TenantStore
from review_ui import exports, navigation, polling, services, texts
from review_ui.jobs import Job, JobRunner, JobState
from review_ui.plain import md

LOG_PAGE = 20


def show(job: Job) -> None:
    """The outcome of an export job: running, failed, nothing to export, or the file."""
    if job.state is JobState.RUNNING:
        st.info("出力しています…")
        return
    if job.state is JobState.FAILED:
        st.error(f"出力できませんでした。\n\n{md(job.error)}")
        return
    out = exports.outcome_of(job)
    if out is None or out.path is None:
        st.info("出力する書類はありませんでした。")
        return
    st.success(f"{len(out.documents)} 件を {md(out.path.name)} に出力しました。")
    path, sha = out.path, out.sha256 or ""
    st.download_button(
        "出力したファイルをダウンロード",
        data=lambda: exports.read_verified(path, sha),
        file_name=path.name,
        mime="text/csv",
        type="primary",
        icon=":material/download:",
        key=f"ex_download_{job.id}",
    )


def render() -> None:
    """The CSV 出力 page (run by the navigation, review_ui.navigation)."""
    user = services.require(*navigation.ADMINS)
    town = services.tenant_store()
    settings = services.settings()
    registry = services.forms()
    profiles = services.profiles()
    runner = services.jobs()
    owner = (town.tenant_id, user.login)
    out_dir = settings.exports_path
    st.title("CSV 出力")

    problems = profiles.problems(registry)
    usable = [p for p in profiles if p.id not in problems]
    if not usable:
        st.error("使える出力プロファイルがありません（formocr export profiles で確認できます）。")
        st.stop()
    profile = st.selectbox(
        "出力プロファイル（取込先のシステム）",
        usable,
        format_func=lambda p: f"{p.title}（{p.id}）",
        key="ex_profile",
    )
    form = services.form(profile.form)
    waiting = town.count_documents(DocumentStatus.APPROVED, profile.form)
    header = "あり" if profile.header else "なし"
    st.caption(
        f"帳票: {form.spec.title if form else profile.form}　文字コード: {profile.encoding.value}　"
        f"改行: {profile.line_ending.value.upper()}　見出し行: {header}"
    )
    st.metric("出力待ち（承認済・未出力）", f"{waiting:,} 件")

    job = runner.latest(owner, exports.KIND)
    running = job is not None and job.state is JobState.RUNNING
    if st.button(
        "出力する", type="primary", disabled=running or waiting == 0, shortcut="Alt+E", key="ex_run"
    ):
        job = exports.start(
            runner, town, login=user.login, profile=profile, forms=registry, out_dir=out_dir
        )
        running = True
    if job is not None:
        if running:
            polling.wait_for(runner, job.id, owner, "出力しています…")
        else:
            show(job)

    export_log(runner, town, login=user.login, registry=registry, out_dir=out_dir, busy=running)


def export_log(
    runner: JobRunner,
    town: TenantStore,
    *,
    login: str,
    registry: FormRegistry,
    out_dir: Path,
    busy: bool,
) -> None:
    """The log of this tenant's exports, a page at a time, each file to download again (or to
    export again with the same content when the file is gone; not while ``busy``)."""
    st.subheader("出力の記録")
    log_page = int(st.number_input("ページ", 1, 100000, 1, key="ex_log_page"))
    entries = town.export_log(limit=LOG_PAGE, offset=(log_page - 1) * LOG_PAGE)
    if not entries:
        st.info("まだ出力の記録はありません。")
        st.stop()
    st.dataframe(
        [
            {
                "番号": e.id,
                "日時": texts.jst(e.at),
                "プロファイル": e.profile,
                "件数": e.document_count,
                "担当": e.actor,
                "ファイル": e.file_name,
                "SHA-256": e.sha256[:16] + "…",
            }
            for e in entries
        ],
        hide_index=True,
        width="stretch",
    )
    chosen = st.selectbox(
        "ファイルを取り出す出力",
        entries,
        format_func=lambda e: f"{e.id}: {e.file_name}",
        key="ex_pick",
    )
    found = exports.file_of(chosen, out_dir)
    if found is not None:
        ledger_file, sha = found, chosen.sha256
        st.download_button(
            "ダウンロード",
            data=lambda: exports.read_verified(ledger_file, sha),
            file_name=ledger_file.name,
            mime="text/csv",
            icon=":material/download:",
            key=f"ex_log_download_{chosen.id}",
        )
    elif st.button("ファイルがありません。同じ内容で再出力する", disabled=busy, key="ex_repeat"):
        exports.start_repeat(
            runner, town, login=login, export_id=chosen.id, forms=registry, out_dir=out_dir
        )
        st.rerun()
