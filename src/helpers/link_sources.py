"""Which kind of source a link points to: science, a regulator, news, a fundraiser ...

Patient organisations relay health information from many sources, and which
sources travel along their pathways (scientific papers, regulators' notices,
the news, peers' pages, fundraisers) is a finding in itself (Vicari & Cappai
2016); patient advocates act as gatekeepers of scientific information for
their communities (Vicari 2020).  This module sorts the links of posts into
the source types of a packaged, editable list (``resources/link_sources.yml``)
to which a study may add its own file (``analysis.link_sources_file``).

Posts keep only the domain of a link by default (privacy: a full address can
name a person's page), so a shortened link (``bit.ly/...``) cannot be
resolved offline unless the export itself carried the expanded address: it
is counted as :data:`SHORTENED`, not guessed.

References
----------
.. [1] Vicari, S. and Cappai, F. (2016). Health activism and the logic of
   connective action. A case study of rare disease patient organisations.
   Information, Communication & Society, 19(11), 1653-1671.
.. [2] Vicari, S. (2020). Is it all about storytelling? Living and learning
   hereditary cancer on Twitter. New Media & Society. doi:10.1177/1461444820926632
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import yaml

from helpers.errors import UserError

SOURCE_TYPES: tuple[str, ...] = (
    "medical_scientific", "regulator_public_health", "news", "patient_organisation",
    "fundraising", "social_video", "commercial_pharma", "other",
)
UNKNOWN = "unknown"
SHORTENED = "shortened"
"""A shortener's link that the export did not expand: where it leads is unknowable offline."""
SOURCE_LABELS: dict[str, str] = {
    "medical_scientific": "medical / scientific",
    "regulator_public_health": "regulator / public health",
    "news": "news",
    "patient_organisation": "patient organisation",
    "fundraising": "fundraising",
    "social_video": "social media / video",
    "commercial_pharma": "commercial / pharma",
    "other": "other known site",
    UNKNOWN: "unknown site",
    SHORTENED: "shortened link (not expanded)",
}

_SHORTENERS_KEY = "shorteners"
_HOST_PREFIXES = ("www.", "www2.", "m.", "mobile.", "amp.")
_HOST = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_](?:[\w-]*[^\W_])?")
_PATH = re.compile(r"[^\s?#]+")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)


class LinkSourcesError(UserError):
    """A link sources file that is missing or not shaped like ``resources/link_sources.yml``."""


def _clean_host(host: str) -> str | None:
    """Lower-case unicode host without a trailing dot or a ``www.``-like prefix; None if not a domain."""
    host = host.rstrip(".").lower()
    with suppress(UnicodeError):  # not IDNA-encodable (e.g. an empty label): left to the check below
        host = host.encode("idna").decode("idna").lower()
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") >= 2:
            host = host[len(prefix):]
            break
    return host if _HOST.fullmatch(host) else None


def _split_link(link: object) -> tuple[str, str] | None:
    """The cleaned host and the path of a link, or None when it is not a link."""
    if not isinstance(link, str):
        return None
    text = link.strip()
    if not text or any(char.isspace() for char in text):
        return None
    if not _SCHEME.match(text) and not text.startswith("//"):
        authority = re.split(r"[/?#]", text, maxsplit=1)[0]
        if "@" in authority:
            return None  # an e-mail address
        text = "//" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    host = _clean_host(host) if host else None
    return (host, parts.path) if host else None


@dataclass(frozen=True)
class LinkSources:
    """The source type of each listed domain, and the link shorteners.

    Attributes
    ----------
    domains : dict of str to str
        Listed domain, or ``domain/path-prefix``, to its source type.
    shorteners : frozenset of str
        Domains of link shorteners.
    digest : str
        SHA-256 of the content, for cache keys.
    """

    domains: dict[str, str]
    shorteners: frozenset[str]
    digest: str
    _path_hosts: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        hosts = frozenset(key.split("/", 1)[0] for key in self.domains if "/" in key)
        object.__setattr__(self, "_path_hosts", hosts)

    def domain_of(self, link: str) -> str | None:
        """The host of a link (URL, ``domain/path`` or bare domain), lower-case unicode, without
        ``www.``, ``m.`` and the like; None for what is not a link (``[link]``, an e-mail address)."""
        split = _split_link(link)
        return split[0] if split else None

    def source_type(self, link: str) -> str:
        """The source type of a link: that of the longest listed domain it falls under.

        Returns
        -------
        str
            One of :data:`SOURCE_TYPES`, :data:`SHORTENED` for a shortener's
            link, or :data:`UNKNOWN` (also for what is not a link).

        Examples
        --------
        >>> sources = load_link_sources()
        >>> sources.source_type("ncbi.nlm.nih.gov/pmc/articles/PMC1"), sources.source_type("www.nih.gov")
        ('medical_scientific', 'regulator_public_health')
        >>> sources.source_type("facebook.com/donate/123"), sources.source_type("bit.ly/abc")
        ('fundraising', 'shortened')
        """
        split = _split_link(link)
        if split is None:
            return UNKNOWN
        host, path = split
        labels = host.split(".")
        segments = [segment for segment in path.lower().split("/") if segment]
        for start in range(len(labels) - 1):
            suffix = ".".join(labels[start:])
            if suffix in self._path_hosts:
                for end in range(len(segments), 0, -1):
                    source = self.domains.get(suffix + "/" + "/".join(segments[:end]))
                    if source is not None:
                        return source
            if suffix in self.domains:
                return self.domains[suffix]
            if suffix in self.shorteners:
                return SHORTENED
        return UNKNOWN

    def types_of(self, links: Iterable[str]) -> list[str]:
        """The source type of each link, in order."""
        return [self.source_type(link) for link in links]


def _entry(entry: object, key: str, path: Path) -> str:
    """A file's entry as a lookup key (``host`` or ``host/path``), or a clear error."""
    bad = LinkSourcesError(f"{path}: under '{key}': {entry!r} is not a domain; write it as example.org "
                           "(or example.org/path for part of a site)")
    if not isinstance(entry, str):
        raise bad
    host, _, prefix = entry.strip().partition("/")
    cleaned = _clean_host(host)
    prefix = "/".join(segment for segment in prefix.lower().split("/") if segment)
    if cleaned is None or (prefix and not _PATH.fullmatch(prefix)):
        raise bad
    if prefix and key == _SHORTENERS_KEY:
        raise LinkSourcesError(f"{path}: under '{key}': {entry!r}: a shortener is a domain, without a path")
    return f"{cleaned}/{prefix}" if prefix else cleaned


@lru_cache(maxsize=8)
def _read_file(path: Path, mtime_ns: int) -> tuple[tuple[str, str], ...]:
    """The entries of one file as (key, type) pairs, shorteners typed :data:`SHORTENED`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LinkSourcesError(f"{path}: the link sources file cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise LinkSourcesError(f"{path}: not valid YAML{where}: {problem}") from None
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise LinkSourcesError(f"{path}: expected source types as keys (e.g. 'news:'), each with a list "
                               "of domains")
    allowed = (*SOURCE_TYPES, _SHORTENERS_KEY)
    listed: dict[str, str] = {}
    for key, entries in data.items():
        if key not in allowed:
            raise LinkSourcesError(f"{path}: unknown source type '{key}'; use one of: {', '.join(allowed)}")
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise LinkSourcesError(f"{path}: '{key}' must be a list of domains, not {type(entries).__name__}")
        for entry in entries:
            domain = _entry(entry, key, path)
            source = SHORTENED if key == _SHORTENERS_KEY else key
            before = listed.setdefault(domain, source)
            if before != source:
                first = _SHORTENERS_KEY if before == SHORTENED else before
                raise LinkSourcesError(f"{path}: {domain} is listed under both '{first}' and '{key}'; "
                                       "keep one")
    return tuple(listed.items())


def _entries(path: Path) -> tuple[tuple[str, str], ...]:
    if not path.is_file():
        raise LinkSourcesError(f"{path}: the link sources file does not exist (or is not a file)")
    return _read_file(path, path.stat().st_mtime_ns)


def load_link_sources(extra: Path | None = None, own_sites: Iterable[str] = ()) -> LinkSources:
    """The packaged link sources, with a study's organisations' sites and its own file added over them.

    Parameters
    ----------
    extra : Path, optional
        The study's file (``analysis.link_sources_file``), shaped like
        ``resources/link_sources.yml``. Its entries are added; a domain it
        lists under another type than the packaged file is moved to that type.
    own_sites : iterable of str
        The study's organisations' own websites (``organisations[].websites``):
        ``patient_organisation``, unless the study's file says otherwise.

    Raises
    ------
    LinkSourcesError
        When a file is missing, not YAML, has an unknown key, a value that is
        not a list, an entry that is not a domain, or a domain under two types.
    """
    with as_file(files("helpers") / "resources" / "link_sources.yml") as packaged:
        merged = dict(_entries(Path(packaged)))
    for site in own_sites:
        host = _clean_host(str(site).split("://", 1)[-1].split("/", 1)[0])
        if host:
            merged[host] = "patient_organisation"
    if extra is not None:
        merged.update(_entries(Path(extra)))
    domains = {key: source for key, source in merged.items() if source != SHORTENED}
    shorteners = frozenset(key for key, source in merged.items() if source == SHORTENED)
    canonical = json.dumps({"domains": sorted(domains.items()), "shorteners": sorted(shorteners)})
    return LinkSources(domains=domains, shorteners=shorteners,
                       digest=hashlib.sha256(canonical.encode("utf-8")).hexdigest())


def unknown_domains(links: pd.DataFrame, sources: LinkSources, min_authors: int) -> tuple[pd.DataFrame, int]:
    """The domains of unknown type, most posted first, for a study to sort into its own file.

    Parameters
    ----------
    links : pandas.DataFrame
        Columns ``author_id`` and ``link``, one row per post and link; with a
        ``post_id`` column, posts are counted once each per domain.
    sources : LinkSources
        The link sources of the study.
    min_authors : int
        Fewest distinct authors for a domain to be listed: a domain used by a
        single private person (a personal blog) could identify them.

    Returns
    -------
    pandas.DataFrame
        Columns ``domain``, ``posts``, ``authors``, ranked by posts, then
        authors, then domain.
    int
        How many unknown domains were left out for having too few authors.
    """
    empty = pd.DataFrame({"domain": pd.Series(dtype="str"), "posts": pd.Series(dtype="int64"),
                          "authors": pd.Series(dtype="int64")})
    if links.empty:
        return empty, 0
    unique = links["link"].drop_duplicates()
    domains = {link: sources.domain_of(link) for link in unique}
    types = dict(zip(unique, sources.types_of(unique), strict=True))
    frame = links.assign(domain=links["link"].map(domains), source=links["link"].map(types))
    frame = frame[frame["domain"].notna() & (frame["source"] == UNKNOWN)]
    if frame.empty:
        return empty, 0
    posts = ("post_id", "nunique") if "post_id" in frame.columns else ("link", "size")
    counts = frame.groupby("domain").agg(posts=posts, authors=("author_id", "nunique")).reset_index()
    counts = counts.astype({"posts": "int64", "authors": "int64"})
    kept = counts[counts["authors"] >= min_authors]
    ranked = kept.sort_values(["posts", "authors", "domain"], ascending=[False, False, True])
    return ranked.reset_index(drop=True)[["domain", "posts", "authors"]], int(len(counts) - len(kept))
