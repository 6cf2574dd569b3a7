"""The shipped second reader, loaded once for the second reader's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ocr_pipeline.reader2.model import SecondReader


@pytest.fixture(scope="session")
def reader() -> Iterator[SecondReader]:
    yield SecondReader.load()
