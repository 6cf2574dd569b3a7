"""Alembic migrations of the store (run by :func:`ocr_pipeline.store.db.upgrade`)."""
