"""Threads by communication scenario, with ground-truth communication modes.

Scenarios (the ``scenario`` column of ``posts.csv``) and their mode:

``broadcast`` (one_way)
    The organisation posts; others may share it but nobody replies.
``peer_page`` (one_way)
    A peer page (another organisation, a clinic, a lab) posts on Facebook.
``dialogue`` (two_way)
    A member of the public asks or mentions the organisation, it answers,
    and the exchange may go back and forth.
``peer_exchange`` (crowd_sourced)
    Private people post and reply to each other; the organisation is absent.
``amplification`` (crowd_sourced)
    The organisation shares or quotes a patient's or family's post.
``call_for_stories`` (crowd_sourced)
    The organisation asks for stories, people answer, and it shares some.
``source_post`` (crowd_sourced)
    An outside voice or peer (journalist, local paper, public body, company,
    peer organisation, clinician, researcher) posts a link of its own kind of
    source; a few people share or answer it.
``gatekeeping`` (crowd_sourced)
    A gatekeeper (an advocate or family carer) passes an expert's medical post
    on (quote, or share and the same link again), patients answer the
    gatekeeper, the organisation sometimes shares it on; on Bluesky the
    organisation reposts or quotes an outside voice.
``rdd_stories`` (crowd_sourced)
    In the week centred on each Rare Disease Day: the organisation's calls
    for stories answered by the public, and public-to-public story threads
    (the planted event effect; on Twitter, Mastodon and Reddit).

Every post of a scenario instance shares its ``scenario_id`` and mode.

Modules, each importing only from those above it:

* :mod:`~helpers.demo_corpus.scenarios.community`: an organisation's community on one platform;
* :mod:`~helpers.demo_corpus.scenarios.knowledge_types`: the knowledge type of a post;
* :mod:`~helpers.demo_corpus.scenarios.posting`: posts, shares, replies, their ids and delays;
* :mod:`~helpers.demo_corpus.scenarios.threads`: one method per scenario;
* :mod:`~helpers.demo_corpus.scenarios.sources`: outside voices and gatekeepers (``source_post``,
  ``gatekeeping``), from streams of their own;
* :mod:`~helpers.demo_corpus.scenarios.events`: the Rare Disease Day story threads (``rdd_stories``),
  from streams of their own;
* :mod:`~helpers.demo_corpus.scenarios.world`: :class:`World`, built of the parts above, and
  :func:`build_world`.
"""

from __future__ import annotations

from helpers.demo_corpus.scenarios.community import Community
from helpers.demo_corpus.scenarios.world import World, build_world

__all__ = ["Community", "World", "build_world"]
