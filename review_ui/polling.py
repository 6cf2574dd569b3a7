"""Waiting on a background job (review_ui.jobs) without blocking the page: a fragment that
looks every second and draws the whole page again once the job has ended."""

from __future__ import annotations

import streamlit as st

from review_ui.jobs import JobRunner, JobState


@st.fragment(run_every=1.0)
def wait_for(runner: JobRunner, job_id: str, owner: tuple[str, str], saying: str) -> None:
    """Shows ``saying`` while the job runs; when it has ended, the page runs again."""
    job = runner.get(job_id, owner)
    if job is None or job.state is not JobState.RUNNING:
        st.rerun()
    st.info(saying)
