"""The bad-input corpus (issue 3, section 4) and its tests."""
