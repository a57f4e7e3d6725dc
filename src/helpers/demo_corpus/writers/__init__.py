"""One writer per export format, in the shapes the platforms and tools document.

- :func:`write_twarc2`: twarc2 search output, one API response page per line
  (``data``, ``includes.users``, ``includes.tweets``, ``errors``, ``meta``,
  ``__twarc``), JSON with ASCII escapes as twarc writes it.
- :func:`write_crowdtangle`: CrowdTangle historical-data CSV (Facebook pages).
- :func:`write_pushshift`: Pushshift / Arctic Shift NDJSON of submissions
  (zstandard-compressed) or comments (plain).
- :func:`write_mastodon`: a JSON array of Mastodon API Status entities.
- :func:`write_bluesky`: a JSON array of ``app.bsky.feed.getAuthorFeed`` pages.

Each writer also plants what real exports contain: a few bad records (a
truncated line, a record without id, an unparseable date, bytes that are not
UTF-8, a value of the wrong type) and duplicates (the same record twice).  It
returns them as :class:`Defect` rows for the ground truth.  Line numbers
follow the readers' contract: the line in JSON-lines files, the CSV row with
the header as row 1, and the 1-based record index in JSON documents (feed
items across all pages for Bluesky).

Modules, each importing only from those above it:

* :mod:`~helpers.demo_corpus.writers.common`: what every writer needs (:class:`Context`,
  :class:`Defect`), JSON and bytes, profile bios, pages and lines;
* :mod:`~helpers.demo_corpus.writers.twarc2`: Twitter/X;
* :mod:`~helpers.demo_corpus.writers.crowdtangle`: Facebook;
* :mod:`~helpers.demo_corpus.writers.pushshift`: Reddit;
* :mod:`~helpers.demo_corpus.writers.mastodon`: Mastodon;
* :mod:`~helpers.demo_corpus.writers.bluesky`: Bluesky.

:data:`WRITERS` gives the writer of each file key of an organisation
(:attr:`~helpers.demo_corpus.model.OrgSpec.files`); everything public is
importable from ``helpers.demo_corpus.writers`` itself.
"""

from __future__ import annotations

from helpers.demo_corpus.profiles import BIO_SHARES, DISEASE_LABEL
from helpers.demo_corpus.writers.bluesky import BlueskyRenderer, write_bluesky
from helpers.demo_corpus.writers.common import (
    BAD_BYTES,
    RETRIEVED,
    Context,
    Defect,
    mark_written,
)
from helpers.demo_corpus.writers.crowdtangle import CT_COLUMNS, PAGE_CATEGORY, post_url, write_crowdtangle
from helpers.demo_corpus.writers.mastodon import MASTODON_HOME, MastodonRenderer, write_mastodon
from helpers.demo_corpus.writers.pushshift import SUBREDDIT, ZSTD_LEVEL, write_pushshift
from helpers.demo_corpus.writers.twarc2 import TWITTER_FIELDS, TWITTER_QUERY, TwitterRenderer, write_twarc2

WRITERS = {
    "twitter": write_twarc2,
    "facebook": write_crowdtangle,
    "reddit_submissions": write_pushshift,
    "reddit_comments": write_pushshift,
    "mastodon": write_mastodon,
    "bluesky": write_bluesky,
}


__all__ = [
    "BAD_BYTES",
    "BIO_SHARES",
    "CT_COLUMNS",
    "DISEASE_LABEL",
    "MASTODON_HOME",
    "PAGE_CATEGORY",
    "RETRIEVED",
    "SUBREDDIT",
    "TWITTER_FIELDS",
    "TWITTER_QUERY",
    "WRITERS",
    "ZSTD_LEVEL",
    "BlueskyRenderer",
    "Context",
    "Defect",
    "MastodonRenderer",
    "TwitterRenderer",
    "mark_written",
    "post_url",
    "write_bluesky",
    "write_crowdtangle",
    "write_mastodon",
    "write_pushshift",
    "write_twarc2",
]
