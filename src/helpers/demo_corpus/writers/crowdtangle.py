"""Facebook: a CrowdTangle historical-data CSV export of the organisations' pages."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from urllib.parse import urlsplit

from helpers.demo_corpus.calendar import local_time
from helpers.demo_corpus.model import OrgSpec, Post
from helpers.demo_corpus.writers.common import (
    _PLACEHOLDER,
    Context,
    Defect,
    _account_rng,
    _bio,
    _encode,
    mark_written,
)

CT_COLUMNS = [
    "Page Name",
    "User Name",
    "Facebook Id",
    "Page Category",
    "Page Admin Top Country",
    "Page Description",
    "Page Created",
    "Likes at Posting",
    "Followers at Posting",
    "Post Created",
    "Post Created Date",
    "Post Created Time",
    "Type",
    "Total Interactions",
    "Likes",
    "Comments",
    "Shares",
    "Love",
    "Wow",
    "Haha",
    "Sad",
    "Angry",
    "Care",
    "Video Share Status",
    "Is Video Owner?",
    "Post Views",
    "Total Views",
    "Total Views For All Crossposts",
    "Video Length",
    "URL",
    "Message",
    "Link",
    "Final Link",
    "Image Text",
    "Link Text",
    "Description",
    "Sponsor Id",
    "Sponsor Name",
    "Sponsor Category",
    "Overperforming Score (weighted  —  Likes 1x Shares 1x Comments 1x Love 1x Wow 1x Haha 1x Sad 1x "
    "Angry 1x Care 1x )",
]
PAGE_CATEGORY = {
    "org": "NONPROFIT",
    "peer_org": "NONPROFIT",
    "researcher": "SCIENCE_WEBSITE",
    "clinician": "MEDICAL_HEALTH",
    "family_page": "PERSONAL_BLOG",
}


def post_url(post: Post) -> str:
    """The facebook.com URL of a page post, ``/<page id>/posts/<post id>``."""
    return f"https://www.facebook.com/{post.author.native_id}/posts/{post.extra['post_id']}"


def _ct_row(post: Post, org: OrgSpec, tz: str) -> dict[str, str]:
    account = post.author
    rng = random.Random(f"ct:{post.native_id}")
    local, zone = local_time(tz, post.created_at)
    page_local, _ = local_time(tz, account.created_at)
    reactions = post.likes
    split = {"Likes": 0.62, "Love": 0.2, "Care": 0.08, "Sad": 0.05, "Wow": 0.03, "Haha": 0.02}
    counts = {name: int(reactions * share) for name, share in split.items()}
    counts["Angry"] = 1 if rng.random() < 0.03 else 0
    comments, shares = post.replies + rng.randrange(8), post.reposts
    total = sum(counts.values()) + comments + shares
    followers = int(_account_rng(account).lognormvariate(8.5 if account.role == "org" else 6.5, 0.6))
    user_name = account.extra.get("user_name", "")
    link = final = link_text = description = ""
    kind = rng.choices(["Photo", "Status", "Native Video"], [0.6, 0.28, 0.12])[0]
    if post.shared is not None:
        kind = "Link"
        link = post_url(post.shared)
        link_text = post.shared.author.display_name
        description = post.shared.text[:300]
    elif post.urls:
        kind = "Link"
        link = final = post.urls[0]
        link_text = {"it": "Leggi di più", "en": "Read more"}[org.lang]
        description = urlsplit(link).hostname or ""
    elif kind == "Photo":
        link = (
            f"https://www.facebook.com/{user_name}/photos/a.{account.native_id[-8:]}{rng.randrange(10**7)}"
            f"/{post.extra['post_id']}/?type=3"
        )
    elif kind == "Native Video":
        link = f"https://www.facebook.com/{user_name}/videos/{post.extra['post_id']}/"
    video = kind == "Native Video"
    return {
        "Page Name": account.display_name,
        "User Name": user_name,
        "Facebook Id": account.native_id,
        "Page Category": PAGE_CATEGORY.get(account.kind, "COMMUNITY"),
        "Page Admin Top Country": org.country,
        "Page Description": _bio(account, org),
        "Page Created": f"{page_local:%Y-%m-%d %H:%M:%S}",
        "Likes at Posting": str(int(followers * 0.93)),
        "Followers at Posting": str(followers),
        "Post Created": f"{local:%Y-%m-%d %H:%M:%S} {zone}",
        "Post Created Date": f"{local:%Y-%m-%d}",
        "Post Created Time": f"{local:%H:%M:%S}",
        "Type": kind,
        "Total Interactions": f"{total:,}",
        **{name: str(counts[name]) for name in ("Likes", "Love", "Wow", "Haha", "Sad", "Angry", "Care")},
        "Comments": str(comments),
        "Shares": str(shares),
        "Video Share Status": "owned" if video else "",
        "Is Video Owner?": "Yes" if video else "-",
        "Post Views": str(rng.randrange(200, 9000)) if video else "0",
        "Total Views": str(rng.randrange(200, 12000)) if video else "0",
        "Total Views For All Crossposts": "0",
        "Video Length": f"00:0{rng.randrange(1, 6)}:{rng.randrange(60):02d}" if video else "",
        "URL": post_url(post),
        "Message": post.text,
        "Link": link,
        "Final Link": final,
        "Image Text": "",
        "Link Text": link_text,
        "Description": description,
        "Sponsor Id": "",
        "Sponsor Name": "",
        "Sponsor Category": "",
        CT_COLUMNS[-1]: f"{rng.uniform(-3, 4):.2f}",
    }


def write_crowdtangle(path: Path, posts: list[Post], org: OrgSpec, ctx: Context, file: str) -> list[Defect]:
    """Write a CrowdTangle CSV (newest first) with bad rows and duplicated rows."""
    rng = ctx.rng
    posts = sorted(posts, key=lambda p: (p.created_at, p.native_id), reverse=True)
    rows: list[tuple[dict[str, str], str, str]] = []  # (row, kind, native id)
    for post in posts:
        rows.append((_ct_row(post, org, org.tz), "", ""))
        mark_written(post)
    for _ in range(ctx.n_dup):
        j = rng.randrange(len(rows))
        row = rows[j][0]
        native = f"{row['Facebook Id']}_{row['URL'].rsplit('/', 1)[1]}"
        rows.insert(rng.randrange(j + 1, len(rows) + 1), (dict(row), "duplicate", native))
    for kind in ("missing_id", "bad_date", "wrong_type", "invalid_utf8"):
        for _ in range(ctx.n_bad):
            row = _ct_row(ctx.spare(org.id, "facebook"), org, org.tz)
            if kind == "missing_id":
                row["URL"] = ""
            elif kind == "bad_date":
                local = row["Post Created"]
                row["Post Created"] = f"{local[8:10]}/{local[5:7]}/{local[:4]} {local[11:16]}"
            elif kind == "wrong_type":
                row["Likes"] = "lots"
            else:
                row["Message"] = row["Message"][:60] + _PLACEHOLDER
            rows.insert(rng.randrange(len(rows) + 1), (row, kind, ""))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CT_COLUMNS)
    writer.writeheader()
    for row, _, _ in rows:
        writer.writerow(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_encode(buffer.getvalue()))
    return [
        Defect(file, number, kind, native) for number, (_, kind, native) in enumerate(rows, start=2) if kind
    ]
