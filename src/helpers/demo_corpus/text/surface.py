"""What a text carries besides its sentences: hashtags (awareness days included) and links."""

from __future__ import annotations

import string
from datetime import datetime

from helpers.demo_corpus.actors import ascii_fold
from helpers.demo_corpus.calendar import near, rare_disease_day
from helpers.demo_corpus.model import Account
from helpers.demo_corpus.text.seasons import _org_event

ORG_LINKS = {
    "sma-uk": "https://www.smatogether.org.uk",
    "dravet-it": "https://www.dravetinsieme.it",
    "pku-us": "https://pkuvoices.org",
    "fop-au": "https://fopfriends.org.au",
}
SLUG_WORDS = {
    "en": [
        "new",
        "hope",
        "for",
        "families",
        "living",
        "with",
        "rare",
        "conditions",
        "trial",
        "results",
        "access",
        "treatment",
        "guide",
        "support",
        "walk",
        "challenge",
        "appeal",
        "story",
        "journey",
        "research",
        "update",
        "children",
        "adults",
    ],
    "it": [
        "nuove",
        "speranze",
        "per",
        "le",
        "famiglie",
        "malattie",
        "rare",
        "studio",
        "risultati",
        "accesso",
        "terapie",
        "guida",
        "sostegno",
        "corsa",
        "raccolta",
        "storia",
        "ricerca",
        "bambini",
        "genitori",
    ],
}


class SurfaceMixin:
    """Part of :class:`~helpers.demo_corpus.text.composer.Composer`: hashtags and links."""

    def _hashtags(self, kt: str, when: datetime, hashtag_p: float | None) -> list[str]:
        rng = self.rng
        if self.platform == "reddit":
            return []
        base = self.bank.HASHTAGS[self.org.disease]
        events = self.bank.EVENT_HASHTAGS
        p = hashtag_p if hashtag_p is not None else (0.7 if self.platform == "facebook" else 0.5)
        tags: list[str] = []
        if rng.random() < p:
            tags = rng.sample(base, k=rng.choice([1, 1, 2, 2, 3]))
        day = when.date()
        if near(day, rare_disease_day(day.year), 5) and rng.random() < 0.7:
            tags.insert(0, rng.choice(events["rdd"]))
        event_key, anchor, window = _org_event(self.org.id, day)
        if event_key and event_key in events and near(day, anchor, window) and rng.random() < 0.6:
            tags.insert(0, rng.choice(events[event_key]))
        seen: list[str] = []
        for tag in tags:
            if tag.lower() not in {t.lower() for t in seen}:
                seen.append(tag)
        return seen

    def url(self, kt: str, role: str, when: datetime, author: Account) -> str:
        """A link fitting the knowledge type: medical sources, fundraising, news or the org's site."""
        rng = self.rng
        slug = "-".join(rng.sample(SLUG_WORDS[self.lang], k=rng.randint(3, 6)))
        ymd = when.strftime("%Y/%m/%d")
        digits = "".join(rng.choices(string.digits, k=9))
        yy = when.year % 100
        if kt == "medical":
            choices = [
                f"https://clinicaltrials.gov/study/NCT0{rng.randrange(5000000, 7000000)}",
                f"https://pubmed.ncbi.nlm.nih.gov/{rng.randrange(36000000, 40000000)}/",
                f"https://www.nih.gov/news-events/news-releases/{slug}",
                f"https://www.nature.com/articles/s41591-0{yy}-0{rng.randrange(1000, 4000)}"
                f"-{rng.choice('0123456789x')}",
                f"https://www.thelancet.com/journals/laneur/article/PIIS1474-4422({yy})"
                f"00{rng.randrange(100, 500)}-{rng.randrange(10)}/fulltext",
                f"https://www.ema.europa.eu/en/medicines/human/EPAR/{rng.choice(self._drug_names()).lower()}",
                f"https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD0{rng.randrange(10000, 16000)}"
                f".pub{rng.randint(2, 4)}/full",
            ]
            choices.append(
                f"https://www.aifa.gov.it/-/{slug}"
                if self.lang == "it"
                else f"https://www.nice.org.uk/guidance/ta{rng.randrange(500, 1000)}"
            )
            url = rng.choice(choices)
        elif kt == "advocacy" or (kt in ("experiential", "mediated_experiential") and rng.random() < 0.6):
            name = ascii_fold(author.child_name or author.first_name or "family").lower()
            choices = [
                f"https://www.justgiving.com/page/{name}-{slug.split('-')[0]}-{when.year}",
                f"https://www.gofundme.com/f/{slug}-for-{name}",
                f"{ORG_LINKS[self.org.id]}/{'dona' if self.lang == 'it' else 'donate'}",
                f"{ORG_LINKS[self.org.id]}/{'eventi' if self.lang == 'it' else 'events'}/{slug}",
            ]
            if self.lang == "it":
                choices.append(f"https://www.repubblica.it/salute/{ymd}/news/{slug}-{digits}/")
            else:
                choices.append(
                    {
                        "GB": f"https://www.bbc.co.uk/news/health-{digits[:8]}",
                        "US": f"https://www.npr.org/sections/health-shots/{ymd}/{digits}/{slug}",
                        "AU": f"https://www.abc.net.au/news/{when:%Y-%m-%d}/{slug}/{digits}",
                    }[self.org.country]
                )
            url = rng.choice(choices)
        else:
            path = {
                "it": ["risorse", "guide", "sportello", "gruppi"],
                "en": ["resources", "guides", "helpline", "support-groups"],
            }[self.lang]
            url = f"{ORG_LINKS[self.org.id]}/{rng.choice(path)}/{slug}"
        if rng.random() < 0.3:
            source = {
                "twitter": "twitter",
                "facebook": "facebook",
                "mastodon": "mastodon",
                "bluesky": "bluesky",
                "reddit": "reddit",
            }[self.platform]
            url += f"?utm_source={source}&utm_medium=social&utm_campaign={slug.split('-')[0]}{when.year}"
            if rng.random() < 0.5:
                url += "&fbclid=IwAR" + "".join(rng.choices(string.ascii_letters + string.digits, k=30))
        return url

    def _drug_names(self) -> list[str]:
        names = []
        for entry in self.vocab["drug"]:
            names.append(entry.get("", "").split(" ")[-1] if isinstance(entry, dict) else entry)
        return names
