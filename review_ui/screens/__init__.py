"""The pages of the review UI, one file each; Streamlit runs them as scripts through the
navigation in :mod:`review_ui.navigation`. (Not called ``pages/``: Streamlit would take such a
folder beside the entry script for its older page discovery.)"""
