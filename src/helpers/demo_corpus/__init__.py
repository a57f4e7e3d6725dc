"""Building blocks of the fictional demo corpus (see :mod:`helpers.demo`).

Modules
-------
model
    Accounts, posts and the four demo organisations.
calendar
    Day weights (weekly rhythm, Rare Disease Day, awareness days) and times.
ids
    Platform-shaped identifiers (snowflakes, base36, TIDs, DIDs...).
actors
    Organisation accounts, peers and the long-tailed population of people.
phrases_en, phrases_it
    Phrase banks per knowledge type and theme, English and Italian.
text
    Composes a post's text from the phrase banks.
scenarios
    Threads by communication scenario, per platform.
writers
    One writer per export format, with bad and duplicate records.
truth
    The ground-truth tables under ``_truth/``.
"""
