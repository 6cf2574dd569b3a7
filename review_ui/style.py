"""The style sheet every page gets: Streamlit's built-in English texts replaced by Japanese
where Streamlit has no option for them (the file uploader's button and limits), and its input
hints hidden (every page says in Japanese which keys do what)."""

from __future__ import annotations

from ocr_pipeline.ingest.limits import MAX_UPLOAD_MB

UPLOAD_BUTTON = "ファイルを選ぶ"
UPLOAD_NOTE = f"ここにドラッグ＆ドロップもできます（1 ファイル {MAX_UPLOAD_MB} MB まで）"

_DROPZONE = "[data-testid='stFileUploaderDropzone']"
CSS = f"""<style>
[data-testid='InputInstructions'] {{ display: none; }}
{_DROPZONE} button [data-testid='stMarkdownContainer'] p {{ font-size: 0; }}
{_DROPZONE} button [data-testid='stMarkdownContainer'] p::after {{
  content: '{UPLOAD_BUTTON}'; font-size: 0.875rem;
}}
[data-testid='stFileUploaderDropzoneInstructions'] span {{ font-size: 0; }}
[data-testid='stFileUploaderDropzoneInstructions'] span::after {{
  content: '{UPLOAD_NOTE}'; font-size: 0.875rem;
}}
</style>"""
