"""What a text carries besides its sentences: hashtags (awareness days included) and links.

Every link is generated with its planted source type (``medical_scientific``,
``regulator_public_health``, ``news``, ``patient_organisation``,
``fundraising``, ``social_video``, ``commercial_pharma``, ``other``,
``shortened``): the type is the generator's choice, never looked up from the
domain.  The organisation's own site counts as ``patient_organisation``
whatever the page (a donation page too); invented sites of outlets, agencies,
companies and peer organisations are on no domain list but have their type.
"""

from __future__ import annotations

import string
from datetime import datetime

from helpers.demo_corpus.actors import ascii_fold
from helpers.demo_corpus.calendar import near, rare_disease_day
from helpers.demo_corpus.model import Account
from helpers.demo_corpus.text.seasons import _org_event
from helpers.demo_corpus.voices import site_of

MED, REG, PORG = "medical_scientific", "regulator_public_health", "patient_organisation"
SHORTENED_P = 0.05  # links shortened (bit.ly) with no expansion in any export
# Kind of author -> (its own kind of source, share of its links that are of it).
OWN_SOURCE = {
    "clinician": (MED, 0.85),
    "researcher": (MED, 0.9),
    "public_body": (REG, 0.9),
    "media": ("news", 0.92),
    "industry": ("commercial_pharma", 0.9),
    "peer_org": (PORG, 0.85),
}
# Real regulators and public health bodies per country ({slug}, {n}, {drug} are filled in).
REGULATORS = {
    "GB": [
        "https://www.nice.org.uk/guidance/ta{n}",
        "https://www.ema.europa.eu/en/medicines/human/EPAR/{drug}",
        "https://www.who.int/news-room/fact-sheets/detail/{slug}",
    ],
    "IT": [
        "https://www.aifa.gov.it/-/{slug}",
        "https://www.ema.europa.eu/en/medicines/human/EPAR/{drug}",
        "https://www.who.int/news-room/fact-sheets/detail/{slug}",
    ],
    "US": [
        "https://www.fda.gov/news-events/press-announcements/{slug}",
        "https://www.fda.gov/drugs/{slug}",
        "https://www.who.int/news-room/fact-sheets/detail/{slug}",
    ],
    "AU": [
        "https://www.tga.gov.au/news/news/{slug}",
        "https://www.tga.gov.au/resources/artg/{n}",
        "https://www.who.int/news-room/fact-sheets/detail/{slug}",
    ],
}
# Real news sites per country ({slug}, {n}, {ymd} are filled in).
NEWS = {
    "GB": ["https://www.bbc.co.uk/news/health-{n}", "https://www.theguardian.com/society/{ymd}/{slug}"],
    "IT": [
        "https://www.repubblica.it/salute/{ymd}/news/{slug}-{n}/",
        "https://www.corriere.it/salute/{slug}",
    ],
    "US": [
        "https://www.npr.org/sections/health-shots/{ymd}/{n}/{slug}",
        "https://www.statnews.com/{ymd}/{slug}/",
    ],
    "AU": [
        "https://www.abc.net.au/news/health/{slug}/{n}",
        "https://www.smh.com.au/national/{slug}-{n}.html",
    ],
}
# Other sites (an encyclopaedia, a blog platform) per disease.
OTHER = {
    "sma": ["https://en.wikipedia.org/wiki/Spinal_muscular_atrophy", "https://medium.com/@rarelife/{slug}"],
    "dravet": ["https://it.wikipedia.org/wiki/Sindrome_di_Dravet", "https://medium.com/@vitarara/{slug}"],
    "pku": ["https://en.wikipedia.org/wiki/Phenylketonuria", "https://medium.com/@lowproteinlife/{slug}"],
    "fop": [
        "https://en.wikipedia.org/wiki/Fibrodysplasia_ossificans_progressiva",
        "https://medium.com/@rarebones/{slug}",
    ],
}
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

    def url(self, kt: str, role: str, when: datetime, author: Account) -> tuple[str, str]:
        """A link fitting the knowledge type and the author, and its planted source type.

        The first choice (medical sources, fundraising, news or the
        organisation's site) is drawn from the composer's stream; the author's
        own kind of source, a video or another site, and a shortened link
        replace it with draws from the separate links stream
        (:meth:`_retarget`), so that the rest of the corpus does not depend on them.
        """
        url, kind = self._first_url(kt, when, author)
        return self._retarget(url, kind, kt, when, author)

    def _first_url(self, kt: str, when: datetime, author: Account) -> tuple[str, str]:
        rng = self.rng
        slug = "-".join(rng.sample(SLUG_WORDS[self.lang], k=rng.randint(3, 6)))
        ymd = when.strftime("%Y/%m/%d")
        digits = "".join(rng.choices(string.digits, k=9))
        yy = when.year % 100
        if kt == "medical":
            choices = [
                (f"https://clinicaltrials.gov/study/NCT0{rng.randrange(5000000, 7000000)}", MED),
                (f"https://pubmed.ncbi.nlm.nih.gov/{rng.randrange(36000000, 40000000)}/", MED),
                (f"https://www.nih.gov/news-events/news-releases/{slug}", REG),  # a public agency
                (
                    f"https://www.nature.com/articles/s41591-0{yy}-0{rng.randrange(1000, 4000)}"
                    f"-{rng.choice('0123456789x')}",
                    MED,
                ),
                (
                    f"https://www.thelancet.com/journals/laneur/article/PIIS1474-4422({yy})"
                    f"00{rng.randrange(100, 500)}-{rng.randrange(10)}/fulltext",
                    MED,
                ),
                (
                    "https://www.ema.europa.eu/en/medicines/human/EPAR/"
                    f"{rng.choice(self._drug_names()).lower()}",
                    REG,
                ),
                (
                    "https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD0"
                    f"{rng.randrange(10000, 16000)}.pub{rng.randint(2, 4)}/full",
                    MED,
                ),
            ]
            choices.append(
                (f"https://www.aifa.gov.it/-/{slug}", REG)
                if self.lang == "it"
                else (f"https://www.nice.org.uk/guidance/ta{rng.randrange(500, 1000)}", REG)
            )
            url, kind = rng.choice(choices)
        elif kt == "advocacy" or (kt in ("experiential", "mediated_experiential") and rng.random() < 0.6):
            name = ascii_fold(author.child_name or author.first_name or "family").lower()
            choices = [
                (f"https://www.justgiving.com/page/{name}-{slug.split('-')[0]}-{when.year}", "fundraising"),
                (f"https://www.gofundme.com/f/{slug}-for-{name}", "fundraising"),
                # the organisation's own site is a patient organisation's, whatever the page
                (f"{ORG_LINKS[self.org.id]}/{'dona' if self.lang == 'it' else 'donate'}", PORG),
                (f"{ORG_LINKS[self.org.id]}/{'eventi' if self.lang == 'it' else 'events'}/{slug}", PORG),
            ]
            if self.lang == "it":
                choices.append((f"https://www.repubblica.it/salute/{ymd}/news/{slug}-{digits}/", "news"))
            else:
                choices.append(
                    (
                        {
                            "GB": f"https://www.bbc.co.uk/news/health-{digits[:8]}",
                            "US": f"https://www.npr.org/sections/health-shots/{ymd}/{digits}/{slug}",
                            "AU": f"https://www.abc.net.au/news/{when:%Y-%m-%d}/{slug}/{digits}",
                        }[self.org.country],
                        "news",
                    )
                )
            url, kind = rng.choice(choices)
        else:
            path = {
                "it": ["risorse", "guide", "sportello", "gruppi"],
                "en": ["resources", "guides", "helpline", "support-groups"],
            }[self.lang]
            url, kind = f"{ORG_LINKS[self.org.id]}/{rng.choice(path)}/{slug}", PORG
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
        return url, kind

    def _retarget(self, url: str, kind: str, kt: str, when: datetime, author: Account) -> tuple[str, str]:
        """The author's own kind of source, a video or another site instead, then maybe shortened."""
        r = self.links_rng
        own = OWN_SOURCE.get(author.kind)
        if own is not None:
            if r.random() < own[1]:
                url, kind = self.source_url(own[0], when, author)
        elif author.role == "org":
            draw = r.random()
            if kt == "advocacy" and draw < 0.08:
                url, kind = self.source_url("social_video", when, author)
            elif kt in ("practical", "other") and draw < 0.03:
                url, kind = self.source_url("other", when, author)
        else:
            draw = r.random()
            if draw < 0.05 and kt in ("advocacy", "experiential", "mediated_experiential", "practical"):
                url, kind = self.source_url("social_video", when, author)
            elif draw < 0.11 and kt in ("practical", "experiential", "mediated_experiential", "other"):
                url, kind = self.source_url("other", when, author)
        if r.random() < SHORTENED_P:
            url, kind = self.source_url("shortened", when, author)
        return url, kind

    def source_url(self, kind: str, when: datetime, author: Account) -> tuple[str, str]:
        """A link of source type ``kind`` (see :data:`~helpers.demo_corpus.model.SOURCE_TYPES`).

        Drawn from the links stream.  Media, public bodies, companies and peer
        organisations link to their own (invented) site often; ``shortened``
        is a bit.ly link whose expansion no export carries.
        """
        r = self.links_rng
        slug = "-".join(r.sample(SLUG_WORDS[self.lang], k=r.randint(3, 5)))
        site = site_of(author)
        yy = when.year % 100
        if kind == MED:
            options = [
                f"https://pubmed.ncbi.nlm.nih.gov/{r.randrange(36000000, 40000000)}/",
                f"https://clinicaltrials.gov/study/NCT0{r.randrange(5000000, 7000000)}",
                f"https://www.nature.com/articles/s41591-0{yy}-0{r.randrange(1000, 4000)}-{r.randrange(10)}",
                f"https://www.nejm.org/doi/full/10.1056/NEJMoa{2300000 + r.randrange(99999)}",
                f"https://www.medrxiv.org/content/10.1101/20{yy}.{when:%m}.{r.randrange(10, 28)}."
                f"{r.randrange(10**7, 10**8)}v1",
                f"https://ojrd.biomedcentral.com/articles/10.1186/s13023-0{yy}-0{r.randrange(1000, 4000)}-"
                f"{r.randrange(10)}",
                f"https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD0{r.randrange(10000, 16000)}"
                ".pub2/full",
            ]
            return r.choice(options), kind
        if kind == REG:
            options = list(REGULATORS[self.org.country])
            if author.kind == "public_body" and site:
                options += [f"https://www.{site}/guidance/{slug}", f"https://www.{site}/news/{slug}"]
            path = r.choice(options)
            return path.format(
                slug=slug, n=r.randrange(100, 1000), drug=r.choice(self._drug_names()).lower()
            ), kind
        if kind == "news":
            if site and r.random() < 0.7:
                return (
                    f"https://www.{site}/{'salute' if self.lang == 'it' else 'health'}/"
                    f"{slug}-{r.randrange(10**5, 10**6)}",
                    kind,
                )
            return r.choice(NEWS[self.org.country]).format(
                slug=slug, n=r.randrange(10**7, 10**8), ymd=when.strftime("%Y/%m/%d")
            ), kind
        if kind == "commercial_pharma":
            page = r.choice(["news", "pipeline", "media/press-releases", "patients"])
            return f"https://www.{site or 'example-biotech.com'}/{page}/{slug}", kind
        if kind == PORG:
            draw = r.random()
            if site and draw < 0.55:
                page = r.choice(
                    ["news", "support", "events", "resources"]
                    if self.lang == "en"
                    else ["notizie", "sostegno", "eventi", "risorse"]
                )
                return f"https://www.{site}/{page}/{slug}", kind
            if draw < 0.8:
                return (
                    f"https://www.eurordis.org/{r.choice(['news', 'publications', 'rare-barometer'])}/"
                    f"{slug}/",
                    kind,
                )
            return f"https://www.rarediseaseday.org/{r.choice(['events', 'what-can-i-do', 'news'])}/", kind
        if kind == "social_video":
            token = "".join(r.choices(string.ascii_letters + string.digits + "-_", k=11))
            return (
                f"https://www.youtube.com/watch?v={token}"
                if r.random() < 0.6
                else f"https://youtu.be/{token}"
            ), kind
        if kind == "other":
            return r.choice(OTHER[self.org.disease]).format(slug=slug, n=r.randrange(10**9, 10**10)), kind
        if kind == "shortened":
            return "https://bit.ly/" + "".join(r.choices(string.ascii_letters + string.digits, k=7)), kind
        raise KeyError(kind)

    def _drug_names(self) -> list[str]:
        names = []
        for entry in self.vocab["drug"]:
            names.append(entry.get("", "").split(" ")[-1] if isinstance(entry, dict) else entry)
        return names
