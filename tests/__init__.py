"""formocr's tests. A package so that shared helpers import as ``tests.…``
(``tests.sample_records``, ``tests.ui.browser_app``, ``tests.badinput.pdfbytes``) from tests
and from ``bench``; pytest puts the repository root on ``sys.path`` (``pythonpath`` in
pyproject.toml)."""
