"""The second reader: a small per-character classifier, independent of the recognizer.

``glyph`` turns one character image into the classifier's input; ``segment`` cuts a crop
into characters; ``model`` loads the shipped ONNX model (verified by SHA-256) and reads a batch;
``agree`` compares its reading with the recognizer's; ``train`` (with ``sources``, ``render``
and ``charset``) makes the model again. The pipeline step is
:mod:`ocr_pipeline.extract.second`.
"""
