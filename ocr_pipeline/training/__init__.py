"""Learning from reviewers: a municipality's reviewed fields as training data, exported
(:mod:`.export`) or used to train its own second reader (:mod:`.retrain`).

:mod:`.samples` cuts each reviewed field again from its stored page, exactly as the
pipeline cut it, with the text written in each crop.
"""
