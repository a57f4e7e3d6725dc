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
voices
    Media, public bodies and companies from outside the communities; invented web sites.
profiles
    Bios, page descriptions and Reddit flairs that follow the account's kind, with their truth.
phrases
    Phrase banks per knowledge type and theme, English and Italian: data files
    (``phrase_banks/en.yaml``, ``phrase_banks/it.yaml``) read once.
text
    Composes a post's text from the phrase banks (a package: seasons, formats,
    templates, variation, surface, assembly, composer).
scenarios
    Threads by communication scenario, per platform (a package: community,
    knowledge_types, posting, threads, world).
writers
    One writer per export format, with bad and duplicate records (a package:
    common, twarc2, crowdtangle, pushshift, mastodon, bluesky).
truth
    The ground-truth tables under ``_truth/``.
"""
