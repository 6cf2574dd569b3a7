"""集計: this municipality's documents by status, the share that went straight through, the
corrections per field type and form, the documents made and approved per day, and how well
the machine reads: corrections per 100 fields and the sampling audit of auto-accepted fields
per week, and the measured error rate of accepted fields with its 95 % interval; in the
distributed mode (``task_backend = celery``) also its files waiting to be read and the reading
workers alive."""

from __future__ import annotations

import functools
from datetime import UTC, datetime

import streamlit as st

from ocr_pipeline.store import DayCount, FieldStat, FieldState, ReviewStore
from review_ui import navigation, services, texts
from review_ui.accuracy import Accuracy, audit_rows, correction_rows, percent, week_table
from review_ui.jobs import Job, JobState
from review_ui.plain import md

DAYS = 30
FRESH = 60  # seconds the figures are shown before they are computed again (in the background)

Training = tuple[dict[str, int], bool]  # examples per field type, opt-in
Figures = tuple[
    dict[str, dict[str, int]],
    tuple[int, int],
    list[FieldStat],
    list[DayCount],
    Accuracy,
    Training,
]


def compute(town: ReviewStore) -> Figures:
    """The figures of one tenant: grouped queries over every record (seconds with a hundred
    thousand documents), so they run as a background job."""
    return (
        town.counts().by_form,
        town.straight_through(),
        town.field_stats(),
        town.daily_counts(DAYS),
        Accuracy.measure(town),
        (town.evidence_counts(), town.training_opt_in()),
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
    by_form, (total, straight), stats, days, acc, learning = done.result
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
    accuracy(acc)
    training(*learning)


def training(counts: dict[str, int], opt_in: bool) -> None:
    """学習用の例: how many reviewed fields could train this municipality's reader."""
    st.subheader("学習用の例")
    cols = st.columns(2)
    cols[0].metric(
        "学習に使える例",
        f"{sum(counts.values()):,} 件",
        help="確認担当者が修正・確認・判読不能とした項目（個人番号と秘匿の項目を除く）",
    )
    cols[1].metric("学習への利用", "使う" if opt_in else "使わない（管理者が「設定」で変更）")
    if counts:
        st.dataframe(
            [{"項目の種類": texts.field_type(t), "例の数": n} for t, n in counts.items()],
            hide_index=True,
            width="stretch",
        )


def accuracy(acc: Accuracy) -> None:
    """読み取りの精度: weekly corrections, the sampling audit and its measured error rate."""
    st.subheader("読み取りの精度")
    rate = acc.error_rate
    cols = st.columns(3)
    cols[0].metric(
        "自動確定の誤り率（抜き取り検査）",
        percent(rate.rate),
        help="自動確定した項目から抜き取り、確認担当者が見た結果、誤っていた割合",
    )
    cols[1].metric(
        "95 % 信頼区間",
        f"{percent(rate.low)} – {percent(rate.high)}" if rate.checked else "—",
    )
    cols[2].metric("確認済みの抜き取り", f"{rate.checked:,} 件", help="誤り率の根拠となる件数")
    st.caption(
        f"抜き取りの割合: {100 * acc.audit_rate:g} %（自動確定した項目のうち、確認に回す割合。"
        f"設定は管理者が「設定」画面で行います）　抜き取り済み {acc.total.samples:,} 件"
    )
    corrections = correction_rows(acc)
    if corrections:
        st.markdown("**週ごとの 100 項目あたりの修正数**")
        st.line_chart(corrections, x="週", y="100 項目あたりの修正")
    audits = audit_rows(acc)
    if audits:
        st.markdown("**週ごとの自動確定の誤り率（抜き取り検査、95 % 信頼区間つき）**")
        st.line_chart(audits, x="週", y=["誤り率（%）", "95 % 下限（%）", "95 % 上限（%）"])
    if acc.weeks:
        st.dataframe(week_table(acc), hide_index=True, width="stretch")
    else:
        st.info("直近の週の書類はありません。")
