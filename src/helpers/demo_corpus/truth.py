"""The ground truth of the demo corpus, written under ``_truth/``.

The analysis code never reads these files; tests and validation notebooks do.

Every label is the generator's own choice when it made the post, the
account or the link, never the output of a domain list or a rule on texts:
measured against it, an analysis's accuracy is not self-fulfilling.

``posts.csv``
    One row per post record in the export files, with the labels the
    classifiers should recover (theme, communication mode, knowledge type,
    narrative person) and the structure the readers should recover (native
    ids of the post, thread, parent, quoted and shared post).
    ``source_types`` (``;``-joined, in link order) is the planted source type
    of each of the post's links: ``medical_scientific``,
    ``regulator_public_health``, ``news``, ``patient_organisation`` (the
    study organisation's own site included), ``fundraising``,
    ``social_video``, ``commercial_pharma``, ``other``, or ``shortened`` (a
    bit.ly link whose expansion no export carries: on Twitter its
    ``expanded_url`` is the bit.ly link itself).  ``links`` are the links'
    domains (``www.`` dropped), in the same order.  A share (retweet, reblog,
    repost) carries the links of the post it shares, as its record does; a
    Facebook share carries those of the page's own message, if any.  A
    quote's links are its own: the permalink of the quoted post is not one.
    Invented outlets', agencies', companies' and peer organisations' sites
    (``northernvoice-news.co.uk``...) are on no domain list, but have their
    planted type.  Scenarios ``source_post`` and ``gatekeeping`` are the
    planted source-sharing pathways (:mod:`helpers.demo_corpus.scenarios.sources`);
    ``rdd_stories`` the story threads planted in the week centred on each
    Rare Disease Day (:mod:`helpers.demo_corpus.scenarios.events`).
``interactions.csv``
    Reply, mention, share and quote edges between authors, one per record
    and target, as the exports state them.
``accounts.csv``
    Every account whose handle or id appears in the files.  ``kind`` is the
    generator's kind (patient, parent, carer, sibling, grandparent, advocate,
    org, peer_org, clinician, researcher, family_page, media, public_body,
    industry); ``actor_type`` the planted actor type (patient, carer_family,
    clinician_researcher, industry, media, public_body, peer_organisation,
    study_organisation; an advocate's is its identity, patient or
    carer_family; see :data:`helpers.demo_corpus.model.ACTOR_TYPE_OF_KIND`).
    ``bio_reveals`` says what the account's profile text in the files
    (Twitter ``description``, Mastodon ``note``, CrowdTangle ``Page
    Description``, Reddit ``author_flair_text``) reveals of its type, as the
    bio bank was drawn: ``true`` (about 70% of people; every organisation,
    clinician, outlet...), ``false`` (says nothing: hobbies, empty; about
    20%), ``misleading`` (points to another type or mixes; about 10%), or
    empty where the files carry no profile text (Bluesky; Reddit without a
    flair).  ``gatekeeper`` marks the advocates and carers planted to pass
    experts' medical posts on to the community.
``planted_pii.json``
    Private handles, display names, e-mails, phone numbers, person names and
    tracking links that appear in the raw files.
``topic_drift.json``
    The planted topic whose words drift (scenario ``topic_drift``): in
    organisation ``org_id`` the ``{drug}`` slot writes the ``old`` terms
    before ``switch`` and the ``new`` ones from it on
    (:data:`helpers.demo_corpus.text.seasons.TOPIC_DRIFT`).
``bad_records.csv`` / ``duplicates.csv``
    The planted bad and duplicate records, by file and line.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from helpers.demo_corpus.model import Account, Post
from helpers.demo_corpus.profiles import bio_reveals
from helpers.demo_corpus.text.seasons import TOPIC_DRIFT
from helpers.demo_corpus.writers import Defect

POST_COLUMNS = [
    "file",
    "platform",
    "native_id",
    "org_id",
    "author_native_id",
    "author_handle",
    "author_role",
    "created_at",
    "lang",
    "theme",
    "communication_mode",
    "knowledge_type",
    "narrative_person",
    "thread_native_id",
    "parent_native_id",
    "quoted_native_id",
    "shared_native_id",
    "scenario",
    "scenario_id",
    "source_types",
    "links",
]
ACCOUNT_COLUMNS = [
    "platform",
    "native_id",
    "handle",
    "display_name",
    "role",
    "kind",
    "org_ids",
    "bridge",
    "n_posts",
    "actor_type",
    "bio_reveals",
    "gatekeeper",
]
INTERACTION_COLUMNS = [
    "platform",
    "org_id",
    "native_id",
    "kind",
    "source_author_native_id",
    "source_author_handle",
    "target_author_native_id",
    "target_author_handle",
]


def _iso(post: Post) -> str:
    return post.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_csv(path: Path, columns: list[str], rows: Iterable[dict]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def domain(url: str) -> str:
    """The host of a link, lower case, without ``www.``."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")


def post_links(post: Post) -> tuple[list[str], list[str]]:
    """The links a record carries and their planted source types.

    A share carries the links of the post it shares (its record shows that
    post), except on Facebook, where a share row links to the shared post and
    carries the page's own message.
    """
    source = post.shared if post.shared is not None and post.platform != "facebook" else post
    return list(source.urls), list(source.source_types)


def post_rows(posts: list[Post], files: dict[tuple[str, str], str]) -> list[dict]:
    """Rows of ``posts.csv`` for the exported posts, sorted by file, time and id."""
    rows = []
    for post in posts:
        urls, kinds = post_links(post)
        rows.append(
            {
                "file": files[(post.org_id, post.file)],
                "platform": post.platform,
                "native_id": post.native_id,
                "org_id": post.org_id,
                "author_native_id": post.author.native_id,
                "author_handle": post.author.handle,
                "author_role": post.author.role,
                "created_at": _iso(post),
                "lang": post.lang,
                "theme": post.theme,
                "communication_mode": post.mode,
                "knowledge_type": post.knowledge_type,
                "narrative_person": post.person,
                "thread_native_id": post.thread_id,
                "parent_native_id": post.parent.native_id if post.parent is not None else "",
                "quoted_native_id": post.quoted.native_id if post.quoted is not None else "",
                "shared_native_id": post.shared.native_id if post.shared is not None else "",
                "scenario": post.scenario,
                "scenario_id": post.scenario_id,
                "source_types": ";".join(kinds),
                "links": ";".join(domain(url) for url in urls),
            }
        )
    rows.sort(key=lambda r: (r["file"], r["created_at"], r["native_id"]))
    return rows


def interaction_rows(posts: list[Post]) -> list[dict]:
    """Author-to-author edges stated by the records (no self-loops)."""
    rows = []
    for post in posts:
        targets: list[tuple[str, Account]] = []
        parent = post.parent
        if parent is not None and not (post.platform == "reddit" and parent.extra.get("deleted")):
            targets.append(("reply", parent.author))
        seen: list[Account] = []
        for account in post.mentions:
            if all(account is not other for other in seen):
                seen.append(account)
                targets.append(("mention", account))
        if post.shared is not None:
            targets.append(("share", post.shared.author))
        if post.quoted is not None:
            targets.append(("quote", post.quoted.author))
        for kind, target in targets:
            if target is post.author:
                continue
            rows.append(
                {
                    "platform": post.platform,
                    "org_id": post.org_id,
                    "native_id": post.native_id,
                    "kind": kind,
                    "source_author_native_id": post.author.native_id,
                    "source_author_handle": post.author.handle,
                    "target_author_native_id": target.native_id,
                    "target_author_handle": target.handle,
                }
            )
    rows.sort(key=lambda r: (r["platform"], r["native_id"], r["kind"], r["target_author_native_id"]))
    return rows


def accounts_in_files(posts: list[Post]) -> tuple[list[Account], set[tuple[str, str]]]:
    """Accounts whose handle appears in the written files, and those whose profile does.

    A profile (with the display name) is written for authors, and on Twitter
    for every account in ``includes.users``; a mention alone writes the handle.
    """
    found: dict[tuple[str, str], Account] = {}
    profiles: set[tuple[str, str]] = set()
    for post in posts:
        if not post.extra.get("written"):
            continue
        with_profile = [post.author]
        if post.platform == "twitter":
            with_profile += list(post.mentions)
            for other in (post.parent, post.quoted, post.shared):
                if other is not None:
                    with_profile.append(other.author)
        for account in [*with_profile, *post.mentions]:
            found.setdefault((account.platform, account.native_id), account)
        profiles.update((account.platform, account.native_id) for account in with_profile)
    return [found[key] for key in sorted(found)], profiles


def account_rows(accounts: list[Account], posts: list[Post]) -> list[dict]:
    """Rows of ``accounts.csv``."""
    counts: dict[tuple[str, str], int] = {}
    for post in posts:
        key = (post.platform, post.author.native_id)
        counts[key] = counts.get(key, 0) + 1
    return [
        {
            "platform": a.platform,
            "native_id": a.native_id,
            "handle": a.handle,
            "display_name": a.display_name,
            "role": a.role,
            "kind": a.kind,
            "org_ids": ";".join(a.orgs),
            "bridge": bool(a.extra.get("bridge")),
            "n_posts": counts.get((a.platform, a.native_id), 0),
            "actor_type": a.actor_type,
            "bio_reveals": bio_reveals(a),
            "gatekeeper": bool(a.extra.get("gatekeeper")),
        }
        for a in accounts
    ]


def planted_pii(
    all_posts: list[Post], accounts: list[Account], profiles: set[tuple[str, str]]
) -> dict[str, object]:
    """What privacy tests should never find in processed data or reports."""
    private = [a for a in accounts if a.role != "org"]
    lists: dict[str, set[str]] = {
        "emails": set(),
        "phones": set(),
        "person_names": set(),
        "tracking_urls": set(),
    }
    for post in all_posts:
        if not post.extra.get("written"):
            continue
        for key, values in post.extra.get("pii", {}).items():
            lists[key].update(values)
    people = [
        a
        for a in private
        if (a.is_person or a.kind == "family_page") and (a.platform, a.native_id) in profiles
    ]
    return {
        "note": "Everything here is fictional. Handles are as the platform shows them (Mastodon: "
        "user@instance; accounts of health.community appear in the file as 'user' with the "
        "instance in the account url).",
        "handles": sorted({a.handle for a in private}),
        "display_names": sorted({a.display_name for a in people if a.display_name}),
        "emails": sorted(lists["emails"]),
        "phones": sorted(lists["phones"]),
        "person_names": sorted(lists["person_names"]),
        "tracking_urls": sorted(lists["tracking_urls"]),
        "private_accounts": [
            {
                "platform": a.platform,
                "native_id": a.native_id,
                "handle": a.handle,
                "display_name": a.display_name,
                "kind": a.kind,
            }
            for a in private
        ],
    }


def write_truth(
    out_dir: Path,
    exported: list[Post],
    all_posts: list[Post],
    files: dict[tuple[str, str], str],
    defects: list[Defect],
) -> dict[str, int]:
    """Write every ground-truth file; return row counts."""
    truth = out_dir / "_truth"
    counts = {
        "posts": _write_csv(truth / "posts.csv", POST_COLUMNS, post_rows(exported, files)),
        "interactions": _write_csv(
            truth / "interactions.csv", INTERACTION_COLUMNS, interaction_rows(exported)
        ),
    }
    accounts, profiles = accounts_in_files(all_posts)
    counts["accounts"] = _write_csv(
        truth / "accounts.csv",
        ACCOUNT_COLUMNS,
        account_rows(accounts, exported),
    )
    pii = planted_pii(all_posts, accounts, profiles)
    (truth / "planted_pii.json").write_text(
        json.dumps(pii, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (truth / "topic_drift.json").write_text(json.dumps(TOPIC_DRIFT, indent=1) + "\n", encoding="utf-8")
    bad = [d for d in defects if d.kind != "duplicate"]
    dups = [d for d in defects if d.kind == "duplicate"]
    counts["bad_records"] = _write_csv(
        truth / "bad_records.csv",
        ["file", "line", "kind"],
        (
            {"file": d.file, "line": d.line, "kind": d.kind}
            for d in sorted(bad, key=lambda d: (d.file, d.line, d.kind))
        ),
    )
    counts["duplicates"] = _write_csv(
        truth / "duplicates.csv",
        ["file", "native_id", "line"],
        (
            {"file": d.file, "native_id": d.native_id, "line": d.line}
            for d in sorted(dups, key=lambda d: (d.file, d.line, d.native_id))
        ),
    )
    return counts
