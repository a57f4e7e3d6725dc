"""Choosing what a text says: its theme, its core template and the sentences of each style."""

from __future__ import annotations

from datetime import datetime

from helpers.demo_corpus.text.seasons import _pick_dated, fits_date

THEME_WEIGHTS = {
    "experiential": {
        "diagnosis": 1.0,
        "treatment_access": 1.0,
        "research": 0.4,
        "symptoms": 1.2,
        "caregiving": 1.0,
        "daily_life": 1.2,
        "mental_health": 1.0,
        "fundraising": 0.4,
        "awareness": 0.5,
        "equipment_benefits": 0.9,
    },
    "mediated_experiential": {
        "diagnosis": 1.0,
        "treatment_access": 1.0,
        "research": 0.4,
        "symptoms": 1.0,
        "caregiving": 0.8,
        "daily_life": 1.2,
        "mental_health": 0.6,
        "fundraising": 0.5,
        "awareness": 0.6,
        "equipment_benefits": 0.7,
    },
    "medical": {"research": 0.45, "treatment_access": 0.3, "symptoms": 0.15, "diagnosis": 0.1},
    "practical": {
        "equipment_benefits": 0.3,
        "daily_life": 0.2,
        "treatment_access": 0.15,
        "caregiving": 0.15,
        "mental_health": 0.08,
        "diagnosis": 0.06,
        "symptoms": 0.06,
    },
    "advocacy": {"fundraising": 0.45, "awareness": 0.4, "treatment_access": 0.1, "research": 0.05},
    "other": {"daily_life": 1.0},
}


class TemplatesMixin:
    """Part of :class:`~helpers.demo_corpus.text.composer.Composer`: themes and templates from the bank."""

    def theme_for(self, kt: str, role: str) -> str:
        weights = dict(THEME_WEIGHTS[kt])
        if kt == "advocacy" and role != "org":
            weights.pop("research", None)
        keys = list(weights)
        return self.rng.choices(keys, [weights[k] for k in keys])[0]

    def _bank_for(self, kt: str, role: str) -> dict[str, list[str]] | list[str]:
        b = self.bank
        org = role == "org"
        return {
            "experiential": b.EXPERIENTIAL,
            "mediated_experiential": b.ORG_MEDIATED if org else b.MEDIATED,
            "medical": b.MEDICAL_ORG if org else b.MEDICAL_PUBLIC,
            "practical": b.PRACTICAL_ORG if org else b.PRACTICAL_PUBLIC,
            "advocacy": b.ADVOCACY_ORG if org else b.ADVOCACY_PUBLIC,
            "other": b.OTHER_ORG if org else b.OTHER_PUBLIC,
        }[kt]

    def core(self, kt: str, theme: str, role: str, when: datetime | None = None) -> tuple[str, str]:
        """A core template for ``kt``, preferably of ``theme``, fitting the date; (template, theme)."""
        for _ in range(12):
            template, chosen = self._core_once(kt, theme, role)
            if when is None or fits_date(template, when):
                return template, chosen
        return template, chosen

    def _core_once(self, kt: str, theme: str, role: str) -> tuple[str, str]:
        rng = self.rng
        bank = self._bank_for(kt, role)
        special = self.bank.DISEASE_LINES.get(self.org.disease, {}).get(kt, [])
        if special and rng.random() < 0.12 and not (kt == "mediated_experiential" and role == "org"):
            return rng.choice(special), theme
        if isinstance(bank, list):
            return rng.choice(bank), theme
        if "any" in bank:
            return rng.choice(bank["any"]), theme
        if theme not in bank:
            theme = rng.choice(sorted(bank))
        return rng.choice(bank[theme]), theme

    def _question(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        rng, b = self.rng, self.bank
        out = [rng.choice(b.QUESTIONS.get(kt) or b.QUESTIONS["practical"])]
        if rng.random() < 0.3:
            out.insert(0, rng.choice(b.QUESTION_OPENERS))
        if self.long:
            out.append(rng.choice(b.QUESTION_CONTEXT))
        return out, theme

    def _answer(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        rng, b = self.rng, self.bank
        out = [rng.choice(b.ORG_ANSWERS.get(kt) or b.ORG_ANSWERS["other"])]
        if rng.random() < 0.4:
            out.append(rng.choice(b.DETAILS.get(kt, b.DETAILS["other"])))
        return out, theme

    def _followup(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        rng, b = self.rng, self.bank
        out = [rng.choice(b.FOLLOW_UPS.get(kt) or b.FOLLOW_UPS["other"])]
        if rng.random() < 0.35:
            out.append(rng.choice(b.PEER_REPLIES["other"] + b.DETAILS["other"]))
        return list(dict.fromkeys(out)), theme

    def _call(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        return [_pick_dated(self.rng, self.bank.CALL_FOR_STORIES, when)], theme

    def _amplify(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        return [_pick_dated(self.rng, self.bank.AMPLIFY_COMMENTS[kt], when)], theme

    def _reply(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        """A reply: short support, or a story, tip or fact of the same theme."""
        rng, b = self.rng, self.bank
        if kt == "other" or (kt in b.PEER_REPLIES and rng.random() < 0.45):
            bank = b.PEER_REPLIES.get(kt, b.PEER_REPLIES["other"])
            out = rng.sample(bank, k=2 if rng.random() < 0.45 else 1)
            if kt == "other" and rng.random() < 0.5:
                out.append(rng.choice(b.PEER_REPLIES["other"] + b.DETAILS["other"]))
            return list(dict.fromkeys(out)), theme
        core, theme = self.core(kt, theme, role, when)
        out = [core]
        if kt in b.REPLY_OPENERS and rng.random() < 0.6:
            out.insert(0, rng.choice(b.REPLY_OPENERS[kt]))
        if rng.random() < (0.5 if self.long else 0.2):
            out.append(rng.choice(b.DETAILS[kt]))
        if kt in ("experiential", "mediated_experiential"):
            out += self._theme_details(theme, 0.35)
        return out, theme

    def _post(self, kt: str, theme: str, role: str, when: datetime) -> tuple[list[str], str]:
        """A post that starts a thread: opening, core, details, maybe a second story sentence."""
        rng, b = self.rng, self.bank
        n_details = rng.choice([1, 2, 2, 3]) if self.long else rng.choice([0, 0, 1])
        core, theme = self.core(kt, theme, role, when)
        out = [core]
        org_story = kt == "mediated_experiential" and role == "org"
        if rng.random() < 0.3 and not org_story and kt != "other":
            out.insert(0, _pick_dated(rng, b.OPENINGS[kt], when))
        special = b.DISEASE_LINES.get(self.org.disease, {}).get(kt, [])
        if special and rng.random() < 0.2 and role != "org":
            line = rng.choice(special)
            if line not in out:
                out.append(line)
        details = b.ORG_STORY_DETAILS if org_story else b.DETAILS[kt]
        out.extend(rng.sample(details, k=min(n_details, len(details))))
        if kt in ("experiential", "mediated_experiential") and not org_story:
            out += self._theme_details(theme)
        if self.long and kt in ("experiential", "mediated_experiential") and rng.random() < 0.6:
            more, _ = self.core(kt, theme, role, when)
            if more not in out:
                out.insert(2 if len(out) > 2 else len(out), more)
        return out, theme

    def _theme_details(self, theme: str, p: float = 0.55) -> list[str]:
        """Zero, one or (on long platforms) two detail sentences about the theme."""
        rng = self.rng
        options = self.bank.THEME_DETAILS.get(theme, [])
        if not options or rng.random() > p:
            return []
        k = rng.choice([1, 2]) if self.long else 1
        return rng.sample(options, k=min(k, len(options)))
