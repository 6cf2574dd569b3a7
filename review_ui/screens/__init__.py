"""The pages of the review UI, one module each with a ``render()`` function that the
navigation (:mod:`review_ui.navigation`) runs. (Not called ``pages/``: Streamlit would take
such a folder beside the entry script for its older page discovery.)"""
