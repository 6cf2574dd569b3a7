"""The Streamlit review UI (reviewers correct what the machine was unsure of).

Built by the review issue on top of the store of the operations issue; the recognition core
(``ocr_pipeline``) never imports it.
"""
