"""Mastodon: a JSON array of Mastodon API Status entities as the home instance serves them."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from helpers.demo_corpus.model import Account, OrgSpec, Post
from helpers.demo_corpus.writers.common import (
    _PLACEHOLDER,
    Context,
    Defect,
    _account_rng,
    _bio,
    _dumps,
    _iso,
    _write_json_array,
    mark_written,
)

MASTODON_HOME = "health.community"
_TOKEN = re.compile(r"https?://\S+|(?<![\w@])@\w+(?:@[\w.-]+\w)?|(?<![\w#&])#\w*[^\W\d_]\w*")


def _mastodon_escape(text: str) -> str:
    """HTML escaping as Mastodon's formatter writes it (``&#39;`` for apostrophes)."""
    return html.escape(text, quote=False).replace('"', "&quot;").replace("'", "&#39;")


class MastodonRenderer:
    """Turns posts into Mastodon Status entities as served by health.community."""

    def __init__(self, ctx: Context, org: OrgSpec) -> None:
        self.ctx = ctx
        self.org = org
        self._remote_ids: dict[str, str] = {}
        self._accounts: dict[str, dict] = {}

    @staticmethod
    def _acct(account: Account) -> str:
        username, instance = account.extra["username"], account.extra["instance"]
        return username if instance == MASTODON_HOME else f"{username}@{instance}"

    @staticmethod
    def profile_url(account: Account) -> str:
        return f"https://{account.extra['instance']}/@{account.extra['username']}"

    def account(self, account: Account) -> dict:
        if account.native_id not in self._accounts:
            self._accounts[account.native_id] = self._account(account)
        return self._accounts[account.native_id]

    def _account(self, account: Account) -> dict:
        rng = _account_rng(account)
        username, instance = account.extra["username"], account.extra["instance"]
        return {
            "id": account.native_id,
            "username": username,
            "acct": self._acct(account),
            "display_name": account.display_name,
            "locked": False,
            "bot": False,
            "discoverable": True,
            "group": False,
            "created_at": account.created_at.strftime("%Y-%m-%dT00:00:00.000Z"),
            "note": f"<p>{_mastodon_escape(_bio(account, self.org))}</p>",
            "url": self.profile_url(account),
            "uri": f"https://{instance}/users/{username}",
            "avatar": f"https://{MASTODON_HOME}/system/accounts/avatars/{account.native_id}/original/"
            f"{rng.randrange(16**16):016x}.png",
            "avatar_static": f"https://{MASTODON_HOME}/system/accounts/avatars/{account.native_id}/original/"
            f"{rng.randrange(16**16):016x}.png",
            "header": f"https://{MASTODON_HOME}/headers/original/missing.png",
            "header_static": f"https://{MASTODON_HOME}/headers/original/missing.png",
            "followers_count": int(rng.lognormvariate(7.5 if account.role == "org" else 4.5, 0.9)),
            "following_count": int(rng.lognormvariate(5, 0.8)),
            "statuses_count": int(rng.lognormvariate(6.5, 1.1)),
            "last_status_at": "2025-12-30",
            "emojis": [],
            "fields": [],
        }

    def _remote_id(self, post: Post) -> str:
        if post.author.extra["instance"] == MASTODON_HOME:
            return post.native_id
        if post.native_id not in self._remote_ids:
            self._remote_ids[post.native_id] = self.ctx.ids.mastodon(post.created_at)
        return self._remote_ids[post.native_id]

    def content(self, post: Post) -> str:
        """The HTML Mastodon renders: paragraphs, mention h-cards, hashtag links, shortened links."""
        by_token = {f"@{self._acct(a)}".lower(): a for a in post.mentions}
        paragraphs = []
        for block in post.text.split("\n\n"):
            out, last = [], 0
            for match in _TOKEN.finditer(block):
                out.append(_mastodon_escape(block[last : match.start()]))
                out.append(self._token_html(match.group(0), by_token))
                last = match.end()
            out.append(_mastodon_escape(block[last:]))
            paragraphs.append("<p>" + "".join(out).replace("\n", "<br />") + "</p>")
        return "".join(paragraphs)

    def _token_html(self, token: str, by_token: dict[str, Account]) -> str:
        if token.startswith("http"):
            scheme = re.match(r"https?://(www\.)?", token).group(0)
            rest = token[len(scheme) :]
            cut = len(rest) > 30
            return (
                f'<a href="{_mastodon_escape(token)}" target="_blank" rel="nofollow noopener noreferrer" '
                f'translate="no"><span class="invisible">{_mastodon_escape(scheme)}</span><span class="'
                f'{"ellipsis" if cut else ""}">{_mastodon_escape(rest[:30])}</span><span class="invisible">'
                f"{_mastodon_escape(rest[30:])}</span></a>"
            )
        if token.startswith("#"):
            tag = token[1:]
            return (
                f'<a href="https://{MASTODON_HOME}/tags/{tag.lower()}" class="mention hashtag" '
                f'rel="tag">#<span>{_mastodon_escape(tag)}</span></a>'
            )
        account = by_token.get(token.lower())
        if account is None:
            return _mastodon_escape(token)
        return (
            f'<span class="h-card" translate="no"><a href="{self.profile_url(account)}" '
            f'class="u-url mention">@<span>{account.extra["username"]}</span></a></span>'
        )

    def status(self, post: Post) -> dict:
        """The Status entity of a post (a reblog wrapper for shares)."""
        account = post.author
        username, instance = account.extra["username"], account.extra["instance"]
        if post.shared is not None:
            activity = f"https://{instance}/users/{username}/statuses/{self._remote_id(post)}/activity"
            return {
                "id": post.native_id,
                "created_at": _iso(post.created_at),
                "in_reply_to_id": None,
                "in_reply_to_account_id": None,
                "sensitive": False,
                "spoiler_text": "",
                "visibility": "public",
                "language": None,
                "uri": activity,
                "url": activity,
                "replies_count": 0,
                "reblogs_count": 0,
                "favourites_count": 0,
                "edited_at": None,
                "content": "",
                "reblog": self.status(post.shared),
                "account": self.account(account),
                "media_attachments": [],
                "mentions": [],
                "tags": [],
                "emojis": [],
                "card": None,
                "poll": None,
            }
        remote = self._remote_id(post)
        status = {
            "id": post.native_id,
            "created_at": _iso(post.created_at),
            "in_reply_to_id": post.parent.native_id if post.parent is not None else None,
            "in_reply_to_account_id": post.parent.author.native_id if post.parent is not None else None,
            "sensitive": False,
            "spoiler_text": "",
            "visibility": "public",
            "language": post.lang,
            "uri": f"https://{instance}/users/{username}/statuses/{remote}",
            "url": f"https://{instance}/@{username}/{remote}",
            "replies_count": post.replies,
            "reblogs_count": post.reposts,
            "favourites_count": post.likes,
            "edited_at": None,
            "content": self.content(post),
            "reblog": None,
        }
        if instance == MASTODON_HOME:
            status["application"] = {"name": "Web", "website": None}
        status.update(
            {
                "account": self.account(account),
                "media_attachments": [],
                "mentions": [
                    {
                        "id": a.native_id,
                        "username": a.extra["username"],
                        "url": self.profile_url(a),
                        "acct": self._acct(a),
                    }
                    for a in _unique(post.mentions)
                ],
                "tags": [
                    {"name": t.lower(), "url": f"https://{MASTODON_HOME}/tags/{t.lower()}"}
                    for t in post.hashtags
                ],
                "emojis": [],
                "card": None,
                "poll": None,
            }
        )
        return status


def _unique(accounts: list[Account]) -> list[Account]:
    seen: list[Account] = []
    for account in accounts:
        if all(account is not other for other in seen):
            seen.append(account)
    return seen


def write_mastodon(path: Path, posts: list[Post], org: OrgSpec, ctx: Context, file: str) -> list[Defect]:
    """Write a JSON array of statuses (newest first) with bad and duplicate statuses."""
    rng = ctx.rng
    render = MastodonRenderer(ctx, org)
    posts = sorted(posts, key=lambda p: (p.created_at, int(p.native_id)), reverse=True)
    items: list[tuple[str, str, str]] = []
    for post in posts:
        items.append((_dumps(render.status(post)), "", ""))
        mark_written(post)
        if post.shared is not None:
            mark_written(post.shared)
    for _ in range(ctx.n_dup):
        j = rng.randrange(len(items))
        native = json.loads(items[j][0])["id"]
        items.insert(rng.randrange(j + 1, len(items) + 1), (items[j][0], "duplicate", native))
    for kind in ("missing_id", "bad_date", "wrong_type", "invalid_utf8"):
        for _ in range(ctx.n_bad):
            status = render.status(ctx.spare(org.id, "mastodon"))
            if kind == "missing_id":
                del status["id"]
                del status["uri"]
                status["url"] = None
            elif kind == "bad_date":
                status["created_at"] = "2024-02-30T25:61:00.000Z"
            elif kind == "wrong_type":
                status["created_at"] = {"x": 1}
            else:
                status["content"] = status["content"][:60] + _PLACEHOLDER + "</p>"
            items.insert(rng.randrange(len(items) + 1), (_dumps(status), kind, ""))
    _write_json_array(path, [text for text, _, _ in items])
    return [
        Defect(file, number, kind, native) for number, (_, kind, native) in enumerate(items, start=1) if kind
    ]
