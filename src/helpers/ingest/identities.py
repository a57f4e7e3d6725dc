"""Who is who across the staged files: one name per organisation, one pseudonym per person.

Each file is staged on its own (:mod:`helpers.ingest.pipeline`), so an account
may reach the study-wide step under two identities:

* an **organisation** named by its account id alone before (or in another file
  than) the post that taught its id got the pseudonym of that id;
  :func:`recognise_org_ids` gives it the organisation's name;
* a **person named by handle only** (twarc-csv writes mentions as ``@handle``;
  a Mastodon mention may lack its id) got the pseudonym of the handle, while
  their own posts, which carry their account id, got the pseudonym of the id;
  :func:`handle_only_accounts` says which id's pseudonym they get.

Both rename the account everywhere it appears: as author, as replied-to,
quoted or shared author, in mentions, in the keyed aliases (for erasure) and
as ``@pseudonym`` in the text.  Only keyed hashes are compared; no handle is
ever stored.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from helpers.handles import KnownAccounts, name_variants
from helpers.ingest.records import ParsedPost
from helpers.privacy import OrgAccount, Pseudonymiser

HANDLE_ONLY = "handle"
"""Third field of an alias entry whose pseudonym was keyed on a handle because no id was known."""
HANDLE_KEYED_PLATFORMS = ("reddit",)
"""Platforms whose pseudonyms always key on the handle (see :meth:`Pseudonymiser.account_key`)."""


def account_aliases(p: Pseudonymiser, post: ParsedPost, known: KnownAccounts | None = None) -> list[str]:
    """``alias_key=author_id`` for every account id and handle the post names; learns their names.

    Erasure requests name people by handle or id; these keyed hashes let
    :mod:`helpers.erasure` find their pseudonyms without storing either.  An
    account known by its handle alone gets ``alias_key=author_id=handle``, so
    that the study-wide step can give it the pseudonym of the account id that
    carries that handle elsewhere (:func:`handle_only_accounts`).

    With ``known``, the handle and display name of every private account the
    post names (author, mentioned, replied-to, quoted and shared accounts)
    are learnt as well, in memory only (:mod:`helpers.handles`); organisation
    accounts keep their names and are not learnt.
    """
    platform = post.platform
    accounts = [(post.author_native_id, post.author_handle, post.author_display_name)]
    accounts += [(m.native_id, m.handle, None) for m in post.mentions]
    for native_id, handle in ((post.parent_author_native_id, post.parent_author_handle),
                              (post.quoted_author_native_id, post.quoted_author_handle),
                              (post.shared_author_native_id, post.shared_author_handle)):
        if native_id is not None or handle is not None:
            accounts.append((native_id, handle, None))
    memo = known.aliases if known is not None else {}
    found: dict[str, None] = {}
    for native_id, handle, display_name in accounts:
        if native_id is None and handle is None:
            continue
        account = (platform, native_id, handle)
        entries = memo.get(account)
        if entries is None:
            entries = memo[account] = _account_entries(p, platform, native_id, handle)
        aliases, author_id, is_org = entries
        for alias in aliases:
            found.setdefault(alias, None)
        if known is not None and not is_org and (account, display_name) not in known.seen:
            known.seen.add((account, display_name))
            has_id = native_id is not None or platform in HANDLE_KEYED_PLATFORMS
            for variant in name_variants(platform, handle) if handle else ():
                known.add(variant, author_id, has_id=has_id)
            known.add(display_name, author_id, has_id=has_id)
    return list(found)


def _account_entries(p: Pseudonymiser, platform: str, native_id: str | None,
                     handle: str | None) -> tuple[tuple[str, ...], str, bool]:
    """An account's alias entries, its author id and whether it is an organisation account."""
    author_id = p.author_id(platform, native_id, handle)
    is_org = author_id.startswith(platform + ":")
    handle_only = native_id is None and platform not in HANDLE_KEYED_PLATFORMS and not is_org
    suffix = f"={HANDLE_ONLY}" if handle_only else ""
    values = (native_id, *(name_variants(platform, handle) if handle else ()))
    aliases = tuple(dict.fromkeys(f"{p.alias_key(platform, value)}={author_id}{suffix}"
                                  for value in values if value))
    return aliases, author_id, is_org


def text_mention_aliases(p: Pseudonymiser, platform: str, handles: list[str]) -> list[str]:
    """Handle-only alias entries of ``@handles`` written in a post's text without an id in its entities.

    A local Mastodon mention (``@ann`` for ``ann@health.community``) or any
    ``@name`` a reader could not tie to an account id is pseudonymised by the
    handle; these entries let :func:`handle_only_accounts` give it the
    pseudonym of the account with that handle.
    """
    if platform in HANDLE_KEYED_PLATFORMS:
        return []
    return list(dict.fromkeys(f"{p.alias_key(platform, handle)}={p.author_id(platform, None, handle)}="
                              f"{HANDLE_ONLY}" for handle in handles))


def alias_table(posts: pd.DataFrame) -> pd.DataFrame:
    """``alias_key``, ``author_id`` and ``by_handle`` from the staged posts' ``aliases`` column."""
    pairs = posts["aliases"].explode().dropna().drop_duplicates()
    parts = [str(entry).split("=") for entry in pairs]
    table = pd.DataFrame({"alias_key": [part[0] for part in parts],
                          "author_id": [part[1] for part in parts],
                          "by_handle": [len(part) > 2 and part[2] == HANDLE_ONLY for part in parts]},
                         columns=["alias_key", "author_id", "by_handle"])
    table = table.astype({"alias_key": str, "author_id": str, "by_handle": bool})
    return table.sort_values(["alias_key", "author_id"], ignore_index=True)


def handle_only_accounts(aliases: pd.DataFrame) -> dict[str, str]:
    """``handle pseudonym -> id pseudonym`` for accounts named by handle only that an id explains.

    A handle-only pseudonym is renamed when its handle's keyed alias maps to
    exactly one account known by its id: that account's pseudonym.  When two
    accounts with ids share the handle (a renamed account, a handle taken over)
    the handle stays apart, since nothing tells which of them was meant.

    Examples
    --------
    >>> aliases = pd.DataFrame({"alias_key": ["h", "h", "i"], "author_id": ["P-h", "P-i", "P-i"],
    ...                         "by_handle": [True, False, False]})
    >>> handle_only_accounts(aliases)
    {'P-h': 'P-i'}
    """
    by_handle = aliases[aliases["by_handle"]]
    by_id = aliases[~aliases["by_handle"] & aliases["alias_key"].isin(set(by_handle["alias_key"]))]
    owners = by_id.groupby("alias_key")["author_id"].unique()
    single = {key: ids[0] for key, ids in owners.items() if len(ids) == 1}
    renamed = {}
    for key, pseudonym in zip(by_handle["alias_key"], by_handle["author_id"], strict=True):
        target = single.get(key)
        if target is not None and target != pseudonym:
            renamed[pseudonym] = target
    return renamed


def recognise_org_ids(
    posts: pd.DataFrame, org_ids: dict[tuple[str, str], OrgAccount], pseudonymiser: Pseudonymiser
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Name an organisation wherever a staged post refers to it by an account id learnt in any file.

    A post that names an organisation account by handle and id teaches its id
    (:meth:`Pseudonymiser.org_account`).  A reference by id alone (the author
    of a replied-to post, a mention without a handle) that was read before
    that post, or in another file, got the pseudonym of that id.  Here each
    such pseudonym becomes the organisation's name: as author (with the role
    ``org``), as replied-to, quoted or shared author, in mentions, in aliases
    and as ``@handle`` in the text.  Only pseudonyms of organisation ids are
    replaced, so no private person is named.

    Parameters
    ----------
    posts : DataFrame
        Staged posts of every file.
    org_ids : dict
        ``(platform, native id) -> OrgAccount`` learnt by the files.
    pseudonymiser : Pseudonymiser
        With the study key (for the pseudonyms of those ids).

    Returns
    -------
    posts : DataFrame
        The posts, changed in place where they name an organisation.
    renamed : dict
        The pseudonyms that became an organisation's name.
    """
    renamed = org_pseudonyms(org_ids, pseudonymiser)
    if posts.empty or not renamed:
        return posts, renamed
    return rename_accounts(posts, renamed, in_text=org_mentions(renamed), role="org"), renamed


def org_pseudonyms(org_ids: dict[tuple[str, str], OrgAccount],
                   pseudonymiser: Pseudonymiser) -> dict[str, str]:
    """``pseudonym -> platform:Handle`` for every organisation account id the files taught."""
    return {pseudonymiser.pseudonym(platform, native_id): f"{platform}:{account.handle}"
            for (platform, native_id), account in org_ids.items()}


def org_mentions(renamed: dict[str, str]) -> dict[str, str]:
    """What ``@pseudonym`` of an organisation becomes in a text: ``@Handle``."""
    return {pseudonym: "@" + name.split(":", 1)[1] for pseudonym, name in renamed.items()}


def rename_accounts(posts: pd.DataFrame, renamed: dict[str, str], *, in_text: dict[str, str],
                    role: str | None = None) -> pd.DataFrame:
    """Rename accounts everywhere a staged post names them (in place), and return the posts.

    Parameters
    ----------
    posts : DataFrame
        Staged posts.
    renamed : dict
        Old author id (a pseudonym) to new author id.
    in_text : dict
        Old pseudonym to what ``@pseudonym`` becomes in the text.
    role : str, optional
        The author role of posts whose author is renamed (``"org"``), unchanged when None.
    """
    if posts.empty or not renamed:
        return posts
    author = posts["author_id"].map(renamed)
    as_author = author.notna()
    posts.loc[as_author, "author_id"] = author[as_author]
    if role is not None:
        posts.loc[as_author, "author_role"] = role
    touched = as_author.to_numpy(copy=True)  # rows naming a renamed account
    for column in ("parent_author", "quoted_author", "shared_author"):
        named = posts[column].map(renamed)
        posts.loc[named.notna(), column] = named[named.notna()]
        touched |= named.notna().to_numpy()
    mentions = posts["mentions"].explode()
    with_mention = posts.index.isin(mentions.index[mentions.isin(list(renamed))]) | as_author.to_numpy()
    posts.loc[with_mention, "mentions"] = pd.Series(
        [_renamed_mentions(ids, renamed, author_id) for ids, author_id in
         zip(posts.loc[with_mention, "mentions"], posts.loc[with_mention, "author_id"], strict=True)],
        index=posts.index[with_mention], dtype=object)
    # A post's aliases are those of the accounts it names, so only these rows can hold one.
    with_alias = touched | with_mention
    posts.loc[with_alias, "aliases"] = pd.Series(
        [[_renamed_alias(alias, renamed) for alias in values] for values in posts.loc[with_alias, "aliases"]],
        index=posts.index[with_alias], dtype=object)
    alternatives = "|".join(re.escape(pseudonym) for pseudonym in sorted(in_text))
    pattern = re.compile(f"@({alternatives})(?![0-9a-f])")
    # candidates first, with pyarrow's regex search (which knows no look-ahead) over the column
    in_texts = posts["text"].str.contains(f"@(?:{alternatives})", regex=True).to_numpy(dtype=bool)
    posts.loc[in_texts, "text"] = [pattern.sub(lambda m: in_text[m.group(1)], text)
                                   for text in posts.loc[in_texts, "text"]]
    changed = np.asarray(as_author) | in_texts
    posts.loc[changed, "text_key"] = [text_key(author_id, text) for author_id, text in
                                      zip(posts.loc[changed, "author_id"], posts.loc[changed, "text"],
                                          strict=True)]
    return posts


def text_key(author_id: str, text: str) -> str:
    """The key under which the same author repeating the same text is a duplicate (any case)."""
    import hashlib

    return hashlib.sha1(f"{author_id}\x1f{text.casefold()}".encode()).hexdigest()


def _renamed_mentions(mentions: Any, renamed: dict[str, str], author_id: str) -> list[str]:
    """Mentions with renamed accounts, without the author and without repeats."""
    result: list[str] = []
    for mention in mentions:
        target = renamed.get(mention, mention)
        if target != author_id and target not in result:
            result.append(target)
    return result


def _renamed_alias(alias: str, renamed: dict[str, str]) -> str:
    """An alias entry whose account was renamed points at the new name (and is no longer by handle)."""
    alias_key, author_id, *_ = alias.split("=")
    return f"{alias_key}={renamed[author_id]}" if author_id in renamed else alias
