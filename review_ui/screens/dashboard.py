"""集計: this municipality's documents by status, the share that went straight through, the
corrections per field type and form, and the documents made and approved per day; in the
distributed mode (``task_backend = celery``) also its files waiting to be read and the reading
workers alive."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import streamlit as st

from ocr_pipeline.store import DayCount, FieldStat, FieldState, ReviewStore
from review_ui import navigation, services, texts
from review_ui.jobs import Job, JobState
from review_ui.plain import md

DAYS = 30
FRESH = 60  # seconds the figures are shown before they are computed again (in the background)

Figures = tuple[dict[str, dict[str, int]], tuple[int, int], list[FieldStat], list[DayCount]]


def compute(town: ReviewStore) -> Figures:
    """The figures of one tenant: grouped queries over every record (seconds with a hundred
    thousand documents), so they run as a background job."""
    return (
        town.counts().by_form,
        town.straight_through(),
        town.field_stats(),
        town.daily_counts(DAYS),
    )


def age(job: Job | None) -> float:
    if job is None:
        return float("inf")
    return (datetime.now(UTC) - (job.finished_at or job.started_at)).total_seconds()


PARTS = {"store": "データベース", "broker": "ブローカー（Redis）", "workers": "読み取りワーカー"}


def processing(tenant_id: str) -> None:
    """Files of this municipality waiting and being read, and the reading workers alive (the
    distributed mode only; other municipalities' queues are not shown)."""
    status = services.processing_status()
    if status is None:
        return
    st.subheader("読み取りの状況")
    queue = status["tenants"].get(tenant_id, {})
    errors = status["errors"]
    cols = st.columns(4)
    cols[0].metric(
        "読み取り待ち", f"{queue.get('queued', 0):,}", help="受け付けて読み取りを待つファイル"
    )
    cols[1].metric("読み取り中", f"{queue.get('running', 0):,}")
    cols[2].metric(
        "ブローカーの待ち",
        "—" if "broker" not in queue else f"{queue['broker']:,}",
        help="ブローカー（Redis）で読み取りワーカーへの配信を待つ依頼",
    )
    workers = status.get("workers")
    cols[3].metric(
        "稼働中の読み取りワーカー",
        "—" if workers is None else f"{len(workers):,}",
        help="応答した読み取りワーカー（formocr worker）の数",
    )
    leader = status.get("leader")
    st.caption(f"受付（formocr watch）: {md(leader['label']) if leader else 'なし'}")
    if not leader:
        st.warning(
            "受付（formocr watch）が動いていません。スキャンしたファイルが取り込まれません。"
        )
    if workers is not None and not workers and "workers" not in errors:
        st.warning("応答する読み取りワーカーがありません。ファイルは読み取られずに待ちます。")
    for part in errors:
        st.warning(f"{PARTS.get(part, part)}に接続できないため、一部の状況を表示できません。")


def render() -> None:
    """The 集計 page (run by the navigation, review_ui.navigation)."""
    services.require(*navigation.ALL)
    town = services.tenant_store()
    st.title(f"集計（{md(services.tenant_name(town.tenant_id))}）")
    processing(town.tenant_id)
    owner = (town.tenant_id, "*dashboard*")  # shared by the tenant's users
    runner = services.jobs()
    done = runner.latest(owner, "figures", JobState.DONE)
    failed = runner.latest(owner, "figures", JobState.FAILED)
    running = runner.latest(owner, "figures", JobState.RUNNING)
    if running is None and age(done) > FRESH and age(failed) > FRESH:
        running = runner.submit(owner, "figures", functools.partial(compute, town))
    if done is None:
        if running is None and failed is not None:
            st.error(f"集計できませんでした。\n\n{md(failed.error)}")
            st.stop()

        @st.fragment(run_every=1.0)
        def wait() -> None:
            if runner.latest(owner, "figures", JobState.RUNNING) is None:
                st.rerun()
            st.info("集計しています…")

        wait()
        st.stop()
    by_form, (total, straight), stats, days = done.result
    st.caption(f"{texts.jst(done.finished_at)} 時点")
    titles = {f.id: f.spec.title for f in services.forms()}

    cols = st.columns(len(texts.DOCUMENT_STATUS) + 1)
    for col, (status, name) in zip(cols, texts.DOCUMENT_STATUS.items(), strict=False):
        col.metric(name, f"{sum(s.get(status.value, 0) for s in by_form.values()):,}")
    cols[-1].metric(
        "ストレート処理率",
        f"{straight / total:.0%}" if total else "—",
        help="人が修正・確認しなくてよかった書類の割合",
    )

    st.subheader("帳票・状態ごとの書類数")
    status_rows = [
        {"帳票": titles.get(f, f), "状態": texts.DOCUMENT_STATUS[s], "件数": n}
        for f, by_status in by_form.items()
        for s in texts.DOCUMENT_STATUS
        if (n := by_status.get(s.value, 0))
    ]
    if status_rows:
        st.bar_chart(status_rows, x="帳票", y="件数", color="状態", horizontal=True)
    else:
        st.info("まだ書類はありません。")

    st.subheader("項目の種類ごとの修正数")
    fix_rows = [
        {
            "帳票": titles.get(s.form_id, s.form_id),
            "項目の種類": texts.field_type(s.field_type),
            "修正数": s.count,
        }
        for s in stats
        if s.status is FieldState.CORRECTED
    ]
    if fix_rows:
        st.bar_chart(fix_rows, x="項目の種類", y="修正数", color="帳票")
    table: dict[tuple[str, str], dict[str, object]] = {}
    for s in stats:
        row = table.setdefault(
            (s.form_id, s.field_type),
            {"帳票": titles.get(s.form_id, s.form_id), "項目の種類": texts.field_type(s.field_type)}
            | {name: 0 for name in texts.FIELD_STATE.values()},
        )
        row[texts.FIELD_STATE[s.status]] = s.count
    if table:
        st.dataframe(list(table.values()), hide_index=True, width="stretch")

    st.subheader(f"日ごとの処理件数（直近 {DAYS} 日）")
    if days:
        st.line_chart(
            [{"日": d.day, "受付": d.created, "承認": d.approved} for d in days],
            x="日",
            y=["受付", "承認"],
        )
    else:
        st.info(f"直近 {DAYS} 日の受付・承認はありません。")
