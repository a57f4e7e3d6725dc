"""Names scrubbed study-wide from the staged rows: the handles and display names of the private
accounts any file names, and (optionally) the person names a spaCy pipeline finds.
"""

from __future__ import annotations

import pandas as pd

from helpers.handles import KnownAccounts
from helpers.ingest.identities import account_aliases
from helpers.ingest.plan import InputPlan, StagingRules
from helpers.ingest.record_types import ParsedPost
from helpers.ingest.stage import _read_all, _Staged


def _learn_file_names(plan: InputPlan, rules: StagingRules) -> KnownAccounts:
    """The private names of a file whose staged rows come from the cache (read again, kept in memory)."""
    known = KnownAccounts()
    pseudonymiser = rules.pseudonymiser()
    for item in _read_all(plan):
        if isinstance(item, ParsedPost) and rules.limits.problem(item) is None:
            pseudonymiser.remember_org(item.platform, item.author_native_id, item.author_handle,
                                       item.author_display_name)
            account_aliases(pseudonymiser, item, known)
    return known


def _scrub_person_names(frames: list[pd.DataFrame], staged: list[_Staged], pipeline: str) -> set[int]:
    """Replace the person names a spaCy pipeline finds in the rows of the files read now (in place).

    Cached rows were scrubbed when they were read (the setting is part of
    their cache key).  See :mod:`helpers.person_names`.
    """
    from helpers.person_names import scrub_person_names

    changed = set()
    for index, item in enumerate(staged):
        if not item.fresh or frames[index].empty:
            continue
        texts = frames[index]["text"].tolist()
        scrubbed = scrub_person_names(texts, pipeline)
        if any(new is not old for new, old in zip(scrubbed, texts, strict=True)):
            frames[index]["text"] = scrubbed
            changed.add(index)
    return changed


def scrub_known_names(frames: list[pd.DataFrame], known: KnownAccounts) -> set[int]:
    """Replace every known handle and display name in the staged rows' text by its pseudonym (in place).

    ``frames`` are the staged rows of each file; what is scrubbed here reaches
    both the tables and the cache, so that no known name is written.  The
    rows keep their ``text_key`` (the key of repeated texts, a hash of the text
    as read). See :mod:`helpers.handles`.

    Returns
    -------
    set of int
        The positions of the files whose rows changed.
    """
    if not frames or not known.names:
        return set()
    texts_of = [frame["text"].tolist() for frame in frames]
    texts = [text for file_texts in texts_of for text in file_texts]
    scrubbed = known.compile().scrub_all(texts)  # the same object where nothing changed
    changed, start = set(), 0
    for index, file_texts in enumerate(texts_of):
        new = scrubbed[start:start + len(file_texts)]
        if any(after is not before for after, before in zip(new, file_texts, strict=True)):
            frames[index]["text"] = new
            changed.add(index)
        start += len(file_texts)
    return changed
