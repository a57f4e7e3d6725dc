"""Pseudonymisation, scrubbing and masking: the privacy rules of docs/privacy.md.

Posts by patients are special-category health data.  Everything the package
writes passes through this module first:

* account ids and handles of private people become keyed pseudonyms
  (HMAC-SHA256 with a per-study secret, e.g. ``P-3f9a1c0b2d``); organisation
  accounts named in the study config keep their names;
* native post ids become keyed ids too, because a public post id leads
  straight to its author's profile (the raw files, with ``source_file`` and
  ``source_line``, stay the way back for the researcher who holds them);
* text is scrubbed: @mentions of private people become their pseudonyms,
  e-mail addresses and phone numbers are removed, links keep only their domain,
  and listed person names are removed;
* quarantined raw excerpts are shape-masked (letters and digits replaced by
  ``a``/``9``, JSON keys kept) so a malformed record can be diagnosed without
  its content.

References
----------
.. [1] Regulation (EU) 2016/679 (GDPR), Art. 4(5) "pseudonymisation" and Art. 9
   "special categories of personal data".
.. [2] Franzke, A. S., Bechmann, A., Zimmer, M., Ess, C. and the Association of
   Internet Researchers (2020). Internet Research: Ethical Guidelines 3.0.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from helpers.errors import UserError

logger = logging.getLogger(__name__)

PSEUDONYM_PREFIX = "P-"
PSEUDONYM_HEX = 10  # 40 bits: collisions are negligible below millions of accounts
POST_ID_HEX = 16
SECRET_BYTES = 32
PAGE_PLATFORMS = ("facebook", "instagram")  # pages may be named by page name, not user name
_FINGERPRINT_LABEL = b"rarevoices key fingerprint v1"
# Keyed digests are memoised per Pseudonymiser (authors and threads repeat a
# lot); the memo is emptied when it reaches this many entries.
DIGEST_MEMO_ENTRIES = 1 << 18


class SecretError(UserError, RuntimeError):
    """The pseudonymisation secret is missing, unreadable or does not match earlier runs."""


# --------------------------------------------------------------------------- secret


def load_or_create_secret(path: Path, *, expected_fingerprint: str | None = None) -> bytes:
    """Return the study's pseudonymisation key, creating it on the very first run.

    Parameters
    ----------
    path : Path
        Where the key lives (``privacy.secret_file`` in the study config); it
        should be outside the repository and backed up.
    expected_fingerprint : str, optional
        The fingerprint recorded by an earlier run.  When given, a missing key
        is an error (a new key would silently give every person a new
        pseudonym), and so is a key with another fingerprint.

    Returns
    -------
    bytes
        The key.

    Raises
    ------
    SecretError
        When the key is missing on a later run, unreadable, or not the key
        that produced the existing processed data.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise SecretError(f"{path}: privacy.secret_file is a folder; give the path of the key file itself, "
                          f"e.g. {path / 'study.key'}")
    if not path.exists():
        if expected_fingerprint is not None:
            raise SecretError(
                f"The pseudonymisation key {path} is missing, but processed data made with key "
                f"{expected_fingerprint} exists. Restore the key from your backup; a new key would "
                "give every person a new pseudonym. To start over deliberately, delete the "
                "processed data folder first."
            )
        return _create_secret(path)
    key = _read_secret(path)
    if expected_fingerprint is not None and key_fingerprint(key) != expected_fingerprint:
        raise SecretError(
            f"The pseudonymisation key {path} (fingerprint {key_fingerprint(key)}) is not the key "
            f"that made the existing processed data (fingerprint {expected_fingerprint})."
        )
    return key


def _create_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key_hex = secrets.token_hex(SECRET_BYTES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as fh:
        fh.write(key_hex + "\n")
    os.chmod(path, 0o600)
    logger.warning(
        "Created a new pseudonymisation key at %s (permissions 0600). Keep it outside the "
        "repository and back it up: the same key is needed to give the same pseudonyms in later "
        "runs. Never share it with the data.",
        path,
    )
    return bytes.fromhex(key_hex)


def _read_secret(path: Path) -> bytes:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        logger.warning("Pseudonymisation key %s is readable by others (mode %o); use chmod 600.", path, mode)
    text = path.read_text(encoding="ascii", errors="replace").strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise SecretError(f"{path}: not a rarevoices key (expected hex digits)") from None
    if len(key) < 16:
        raise SecretError(f"{path}: key too short ({len(key)} bytes, need at least 16)")
    return key


def key_fingerprint(key: bytes) -> str:
    """Return a short, non-reversible fingerprint of a key, safe to store beside the data."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:16]


# --------------------------------------------------------------------------- pseudonyms


def normalise_handle(platform: str, handle: str) -> str:
    """Return the comparable form of a handle: no '@' or 'u/' prefix, lower case.

    Examples
    --------
    >>> normalise_handle("reddit", "/u/PKU_Mum")
    'pku_mum'
    >>> normalise_handle("mastodon", "@Fop@Health.Community")
    'fop@health.community'
    """
    return _normalise_handle(platform, handle)


@lru_cache(maxsize=1 << 16)
def _normalise_handle(platform: str, handle: str) -> str:
    text = handle.strip()
    if platform == "reddit":
        text = _REDDIT_PREFIX.sub("", text)
    return text.lstrip("@").lower()


_REDDIT_PREFIX = re.compile(r"^/?u/")


@dataclass(frozen=True)
class OrgAccount:
    """An organisation account from the config: its org and the handle as configured."""

    org_id: str
    handle: str


@dataclass
class Pseudonymiser:
    """Keyed pseudonyms for accounts and posts.

    Parameters
    ----------
    key : bytes
        The study secret.
    org_accounts : dict
        ``(platform, normalised handle) -> OrgAccount`` for the organisation
        accounts named in the config (see :func:`org_account_index`); those
        keep their names, spelled as in the config.

    Examples
    --------
    >>> p = Pseudonymiser(b"k" * 32, {("twitter", "smauk"): OrgAccount("sma-uk", "SMAUK")})
    >>> p.author_id("twitter", "99", "@smauk")
    'twitter:SMAUK'
    >>> p.author_id("twitter", "123", "alice").startswith("P-")
    True
    """

    key: bytes
    org_accounts: dict[tuple[str, str], OrgAccount] = field(default_factory=dict)
    _org_by_native_id: dict[tuple[str, str], OrgAccount] = field(default_factory=dict, repr=False)
    _digests: dict[tuple[str, str, str], str] = field(default_factory=dict, repr=False, compare=False)

    def org_account(
        self, platform: str, native_id: str | None, handle: str | None, page_name: str | None = None
    ) -> OrgAccount | None:
        """Return the configured organisation account this is, or None for a private account.

        An organisation seen once with its handle is recognised afterwards by
        its native id alone (e.g. as the author of a replied-to post).  On
        Facebook and Instagram, where exports often name a page without a
        user name, the page name is matched too.
        """
        names = [handle]
        if platform in PAGE_PLATFORMS:
            names.append(page_name)
        for name in names:
            if name is None:
                continue
            account = self.org_accounts.get((platform, normalise_handle(platform, name)))
            if account is not None:
                if native_id:
                    self._org_by_native_id[(platform, native_id)] = account
                return account
        if native_id is not None:
            return self._org_by_native_id.get((platform, native_id))
        return None

    def remember_org(self, platform: str, native_id: str | None, handle: str | None,
                     page_name: str | None = None) -> None:
        """Learn an organisation's native id from a post it authored (see :meth:`org_account`)."""
        self.org_account(platform, native_id, handle, page_name)

    def learnt_org_ids(self) -> dict[tuple[str, str], OrgAccount]:
        """``(platform, native id) -> OrgAccount`` for each organisation id learnt so far."""
        return dict(self._org_by_native_id)

    def org_of(self, platform: str, native_id: str | None, handle: str | None) -> str | None:
        """The org_id when this account is a configured organisation account."""
        account = self.org_account(platform, native_id, handle)
        return account.org_id if account else None

    def org_handle(self, platform: str, native_id: str | None, handle: str | None) -> str | None:
        """The configured handle of an organisation account, or None for a private one."""
        account = self.org_account(platform, native_id, handle)
        return account.handle if account else None

    def author_id(self, platform: str, native_id: str | None, handle: str | None) -> str:
        """Return the canonical author id: ``platform:Handle`` for orgs, a pseudonym otherwise.

        The pseudonym keys on the stable account id where the platform gives
        one (handles can change), else on the normalised handle.  Reddit keys
        on the user name, which is what its exports and mentions carry.
        """
        org_handle = self.org_handle(platform, native_id, handle)
        if org_handle is not None:
            return f"{platform}:{org_handle}"
        return self.pseudonym(platform, self.account_key(platform, native_id, handle))

    @staticmethod
    def account_key(platform: str, native_id: str | None, handle: str | None) -> str:
        """The identity a pseudonym is computed from (see :meth:`author_id`)."""
        if handle is not None and (platform == "reddit" or native_id is None):
            return "@" + normalise_handle(platform, handle)
        if native_id is not None:
            return native_id
        raise ValueError("an account needs a native id or a handle")

    def pseudonym(self, platform: str, account_key: str) -> str:
        """``P-`` + the first hex digits of HMAC-SHA256(key, platform + account key)."""
        digest = self._digest("account", platform, account_key)
        return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX]

    def alias_key(self, platform: str, value: str) -> str:
        """Keyed hash of an account id or handle, for finding a person's pseudonym on request.

        Erasure requests name a person by handle or id; the alias table maps
        these keyed hashes (never the handles) to pseudonyms.
        """
        return self._digest("alias", platform, normalise_handle(platform, value))[:POST_ID_HEX]

    def post_id(self, platform: str, native_id: str) -> str:
        """Keyed, platform-prefixed post id, e.g. ``twitter:4be1f0c29a7d3e85``."""
        return f"{platform}:{self._digest('post', platform, native_id)[:POST_ID_HEX]}"

    def _digest(self, kind: str, platform: str, value: str) -> str:
        """Hex HMAC-SHA256 of ``kind, platform, value``, memoised (see DIGEST_MEMO_ENTRIES)."""
        memo_key = (kind, platform, value)
        digest = self._digests.get(memo_key)
        if digest is None:
            if len(self._digests) >= DIGEST_MEMO_ENTRIES:
                self._digests.clear()
            message = "\x1f".join(memo_key).encode("utf-8")
            digest = hmac.digest(self.key, message, "sha256").hex()
            self._digests[memo_key] = digest
        return digest


def org_account_index(organisations: Iterable) -> dict[tuple[str, str], OrgAccount]:
    """Build ``(platform, normalised handle) -> OrgAccount`` from the config's organisations."""
    index: dict[tuple[str, str], OrgAccount] = {}
    for org in organisations:
        for platform, handles in org.accounts.items():
            for handle in handles:
                clean = handle.strip().lstrip("@")
                if platform == "reddit":
                    clean = re.sub(r"^/?u/", "", clean)
                index[(platform, normalise_handle(platform, handle))] = OrgAccount(org.id, clean)
    return index


# --------------------------------------------------------------------------- scrubbing

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-])")
URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+"
                 r"|(?<![\w@./-])(?:[a-z0-9-]+\.)+[a-z]{2,}/[^\s<>\"']*")
"""A link with a scheme or ``www.``, or a domain followed by a path without either
(``facebook.com/some.person.42``): both keep only their domain."""
# A candidate phone number: optional + or 00, digits with spaces, dots, dashes or
# brackets between them.  Kept only when it has 9 to 15 digits and is not a date.
PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().-]{6,}\d(?![\w])")
_DATE_LIKE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$")
# @handle, @user@instance.host, @name.bsky.social; Reddit's u/name and /u/name.
AT_MENTION = re.compile(
    r"(?<![@/])@([A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?(?:@[A-Za-z0-9.-]+\.[A-Za-z]{2,})?)"
)
"""``@handle`` anywhere, also glued to a word (``thanks@name``): e-mail addresses are scrubbed first."""
REDDIT_MENTION = re.compile(r"(?<![\w/])/?u/([A-Za-z0-9_-]{3,20})\b")

EMAIL_TOKEN = "[email]"
PHONE_TOKEN = "[phone]"
NAME_TOKEN = "[name]"

MentionResolver = Callable[[str], str]


def url_domain(url: str) -> str | None:
    """Return the host of a URL without ``www.``, lower case, or None if it has none.

    Examples
    --------
    >>> url_domain("https://www.ClinicalTrials.gov/study/NCT0123?utm_source=x")
    'clinicaltrials.gov'
    """
    text = url.strip()
    if not re.match(r"(?i)^[a-z][a-z0-9+.-]*://", text):
        text = "http://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.lower().removeprefix("www.")


def scrub_urls(text: str, keep_paths: bool = False) -> str:
    """Replace each link in ``text`` by its domain (or keep it whole when ``keep_paths``)."""
    if keep_paths or not may_hold_url(text):
        return text

    def _domain(match: re.Match[str]) -> str:
        url = _trim_url(match.group(0))
        trailing = match.group(0)[len(url):]
        return (url_domain(url) or "[link]") + trailing

    return URL.sub(_domain, text)


def _trim_url(candidate: str) -> str:
    """Cut sentence punctuation and unbalanced closing brackets off the end of a matched URL.

    Paths may hold brackets (``.../PIIS1474-4422(24)00448-7/fulltext``), so a
    URL runs to the next space; a ``)`` or ``]`` that closes a bracket opened
    before the URL is not part of it.
    """
    url = candidate
    while url and (url[-1] in ".,;:!?'\"" or _closes_outside(url)):
        url = url[:-1]
    return url


def _closes_outside(url: str) -> bool:
    """True when the URL ends with a bracket that has no opening partner inside it."""
    pairs = {")": "(", "]": "["}
    last = url[-1]
    return last in pairs and url.count(last) > url.count(pairs[last])


def may_hold_url(text: str) -> bool:
    """Cheap pre-check: every match of ``URL`` holds ``://``, ``www.`` (any case) or a dot and a slash."""
    return "://" in text or ("." in text and ("/" in text or "www." in text.lower()))


def scrub_emails(text: str) -> str:
    """Replace e-mail addresses by ``[email]``."""
    if "@" not in text:
        return text
    return EMAIL.sub(EMAIL_TOKEN, text)


_DIGIT = re.compile(r"\d")


def scrub_phones(text: str) -> str:
    """Replace phone numbers (9 to 15 digits, not dates) by ``[phone]``."""
    if _DIGIT.search(text) is None:
        return text

    def _phone(match: re.Match[str]) -> str:
        candidate = match.group(0).strip()
        digits = sum(ch.isdigit() for ch in candidate)
        if not 9 <= digits <= 15 or _DATE_LIKE.match(candidate):
            return match.group(0)
        leading = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip())]
        return leading + PHONE_TOKEN

    return PHONE_CANDIDATE.sub(_phone, text)


def scrub_mentions(text: str, platform: str, resolve: MentionResolver,
                   resolve_reddit: MentionResolver | None = None) -> str:
    """Replace each @mention, and each Reddit ``u/name`` on any platform, by what the resolver returns.

    ``resolve`` returns ``@Handle`` for organisation accounts and the person's
    pseudonym (``@P-…``) otherwise.  ``u/name`` names a Reddit account
    wherever it is written (a tweet quoting a Redditor), so it goes to
    ``resolve_reddit`` (``resolve`` on Reddit, or when none is given).
    """
    if "@" in text:
        text = AT_MENTION.sub(lambda m: resolve(m.group(1)), text)
    if "u/" in text:
        reddit = resolve if platform == "reddit" or resolve_reddit is None else resolve_reddit
        text = REDDIT_MENTION.sub(lambda m: reddit(m.group(1)), text)
    return text


def compile_name_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Build one case-insensitive whole-word pattern for a list of person names."""
    cleaned = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(name) for name in cleaned)
    return re.compile(rf"(?i)(?<!\w)(?:{alternatives})(?!\w)")


def load_person_names(path: Path | None) -> re.Pattern[str] | None:
    """Read a person-names file (one name per line, '#' comments) into a pattern."""
    if path is None:
        return None
    lines = Path(path).expanduser().read_text(encoding="utf-8").splitlines()
    return compile_name_pattern(line for line in lines if not line.lstrip().startswith("#"))


@dataclass
class Scrubber:
    """Applies every text rule in the documented order.

    Order matters: e-mails go before mentions (``a@b.org`` is not a mention),
    links before phone numbers (digits in a URL path are not a phone number).
    """

    keep_url_paths: bool = False
    person_names: re.Pattern[str] | None = None

    def scrub(self, text: str, platform: str, resolve: MentionResolver,
              resolve_reddit: MentionResolver | None = None) -> str:
        """Return ``text`` with e-mails, links, mentions, phones and listed names scrubbed."""
        text = scrub_emails(text)
        text = scrub_urls(text, self.keep_url_paths)
        text = scrub_mentions(text, platform, resolve, resolve_reddit)
        text = scrub_phones(text)
        if self.person_names is not None:
            text = self.person_names.sub(NAME_TOKEN, text)
        return text


# --------------------------------------------------------------------------- masking


def mask_shape(text: str) -> str:
    """Replace letters by ``a``/``A`` and digits by ``9``, keeping punctuation and layout.

    Examples
    --------
    >>> mask_shape("Alice, 2024-02-29")
    'Aaaaa, 9999-99-99'
    """
    out = []
    for ch in text:
        if ch.isdigit():
            out.append("9")
        elif ch.isalpha():
            out.append("A" if ch.isupper() else "a")
        else:
            out.append(ch)
    return "".join(out)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?')


def mask_excerpt(raw: str) -> str:
    """Shape-mask a raw record for the quarantine table, keeping JSON keys readable.

    Examples
    --------
    >>> mask_excerpt('{"id": "123", "author": "Alice"}')
    '{"id": "999", "author": "Aaaaa"}'
    """

    def _mask(match: re.Match[str]) -> str:
        if match.group(1):  # a key: "name":
            return match.group(0)
        return mask_shape(match.group(0))

    masked = _JSON_STRING.sub(_mask, raw)
    if masked == raw and not raw.lstrip().startswith(("{", "[")):
        return mask_shape(raw)
    # Bare tokens outside strings (numbers, CSV cells, broken JSON tails) are masked too.
    return re.sub(r'(?<!")\b[^\W_]+\b(?!"\s*:)', lambda m: _mask_bare(m.group(0)), masked)


_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def mask_reason(reason: str) -> str:
    """A quarantine reason with every quoted value shape-masked: the kind of problem, not the content.

    Readers name the value that failed (``unparseable timestamp 'jane_doe77 +44 7700 900123'``);
    such a value can hold a handle, a name or a phone number, so only its shape stays.

    Examples
    --------
    >>> mask_reason("unparseable timestamp 'jane_doe77 +44 7700 900123'")
    "unparseable timestamp 'aaaa_aaa99 +99 9999 999999'"
    """
    return _QUOTED.sub(lambda match: mask_shape(match.group(0)), reason)


_JSON_WORDS = {"true", "false", "null"}


def _mask_bare(token: str) -> str:
    return token if token in _JSON_WORDS else mask_shape(token)
