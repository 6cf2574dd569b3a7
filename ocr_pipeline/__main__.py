"""``python -m ocr_pipeline``: the same as the ``formocr`` command."""

from .cli import main

raise SystemExit(main())
