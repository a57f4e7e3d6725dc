"""How people write: synonyms, fillers, typos, lower case and the name of the person answered."""

from __future__ import annotations

import re

from helpers.demo_corpus.model import Account

# Word-level variation, applied to about half the occurrences: single words by lookup,
# a few phrases by pattern (only tried when their first word is present).
WORD_VARIANTS: dict[str, dict[str, list[str]]] = {
    "en": {
        "really": ["really", "so", "genuinely", "truly"],
        "amazing": ["amazing", "incredible", "brilliant", "fantastic"],
        "brilliant": ["brilliant", "amazing", "fantastic", "great"],
        "exhausted": ["exhausted", "shattered", "worn out", "drained"],
        "Honestly": ["Honestly", "Genuinely", "Truthfully", "Tbh"],
        "lovely": ["lovely", "wonderful", "kind", "great"],
        "I'm": ["I'm", "I am", "Im"],
        "don't": ["don't", "do not", "dont"],
        "can't": ["can't", "cannot", "cant"],
        "It's": ["It's", "It is"],
        "kids": ["kids", "children", "little ones"],
        "great": ["great", "good", "fab"],
        "scary": ["scary", "frightening", "terrifying"],
        "worried": ["worried", "anxious", "nervous"],
        "appointment": ["appointment", "appt"],
    },
    "it": {
        "bravissimo": ["bravissimo", "fantastico", "eccezionale"],
        "bravissimi": ["bravissimi", "fantastici", "eccezionali"],
        "bellissima": ["bellissima", "splendida", "stupenda"],
        "bellissimo": ["bellissimo", "splendido", "stupendo"],
        "davvero": ["davvero", "veramente"],
        "tantissimo": ["tantissimo", "moltissimo"],
        "stanchissima": ["stanchissima", "distrutta", "sfinita"],
        "Sinceramente": ["Sinceramente", "Onestamente", "A dire il vero"],
        "bambini": ["bambini", "bimbi"],
        "Condividete": ["Condividete", "Fate girare", "Diffondete"],
        "tanto": ["tanto", "molto"],
        "subito": ["subito", "immediatamente"],
    },
}
PHRASE_VARIANTS: dict[str, list[tuple[str, re.Pattern[str], list[str]]]] = {
    "en": [
        (probe, re.compile(pattern), alts)
        for probe, pattern, alts in (
            (
                "Thank you",
                r"\bThank you(?! so much)",
                ["Thank you", "Thanks", "Thanks so much", "Many thanks"],
            ),
            ("a lot", r"\ba lot\b", ["a lot", "loads", "so much"]),
            ("this week", r"\bthis week\b", ["this week", "over the last few days", "lately"]),
            ("last night", r"\blast night\b", ["last night", "overnight"]),
            ("Please share", r"\bPlease share\b", ["Please share", "Please do share", "Share if you can"]),
            (
                "Anyone else?",
                r"\bAnyone else\?",
                ["Anyone else?", "Anyone else??", "Is it just us?", "Anyone?"],
            ),
            ("so proud", r"\bso proud\b", ["so proud", "so very proud", "incredibly proud"]),
        )
    ],
    "it": [
        (probe, re.compile(pattern), alts)
        for probe, pattern, alts in (
            (
                "Grazie",
                r"\bGrazie\b(?! mille| di cuore| davvero)",
                ["Grazie", "Grazie mille", "Grazie davvero"],
            ),
            ("la settimana scorsa", r"\bla settimana scorsa\b", ["la settimana scorsa", "qualche giorno fa"]),
            ("Che bello", r"\bChe bello\b", ["Che bello", "Che meraviglia", "Troppo bello"]),
        )
    ],
}
_WORDS = re.compile(r"([\w']+)")
FILLERS = {
    "en": [
        "Honestly, ",
        "To be fair, ",
        "Tbh ",
        "Ugh. ",
        "Also, ",
        "Anyway, ",
        "Oh and ",
        "So, ",
        "Right, ",
        "Not gonna lie, ",
    ],
    "it": ["Sinceramente, ", "Comunque, ", "Insomma, ", "Uff. ", "Ecco, ", "Allora, ", "Niente, ", "Però "],
}


class VariationMixin:
    """Part of :class:`~helpers.demo_corpus.text.composer.Composer`: the wording varied as people write."""

    def _vary(self, text: str, person: bool) -> str:
        """Swap some words for synonyms; private people also start sentences with fillers."""
        rng = self.rng
        words = WORD_VARIANTS[self.lang]
        parts = _WORDS.split(text)
        for i in range(1, len(parts), 2):
            options = words.get(parts[i])
            if options is not None and rng.random() < 0.5:
                parts[i] = rng.choice(options)
        text = "".join(parts)
        for probe, pattern, alternatives in PHRASE_VARIANTS[self.lang]:
            if probe in text:
                text = pattern.sub(
                    lambda m, a=alternatives: rng.choice(a) if rng.random() < 0.5 else m.group(0), text
                )
        if person and rng.random() < 0.08 and text[:1].isalpha():
            first = text if text.startswith(("I ", "I'")) else text[:1].lower() + text[1:]
            text = rng.choice(FILLERS[self.lang]) + first
        if person and text.endswith("!") and rng.random() < 0.25:
            text += rng.choice(["!", "!!"])
        return text

    def _address(self, parts: list[str], addressee: Account, role: str) -> list[str]:
        """Sometimes address the person replied to by first name."""
        rng = self.rng
        name = addressee.first_name if addressee.is_person else ""
        if not name or not parts or rng.random() > 0.35:
            return parts
        first = parts[0]
        if rng.random() < 0.5 and first[-1:] in ".!?":
            parts[0] = f"{first[:-1]}, {name}{first[-1]}"
        else:
            keep = first.startswith(("I ", "I'")) or (len(first) > 1 and first[1].isupper())
            parts[0] = f"{name}, {first if keep else first[:1].lower() + first[1:]}"
        return parts

    def _noise(self, text: str) -> str:
        """Occasional typos and all-lower-case writing of private people."""
        rng = self.rng
        if rng.random() < 0.07:
            text = text.lower()
        if rng.random() < 0.08:
            words = text.split(" ")
            candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
            if candidates:
                i = rng.choice(candidates)
                w = words[i]
                j = rng.randrange(1, len(w) - 2)
                kind = rng.random()
                if kind < 0.4:
                    w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
                elif kind < 0.7:
                    w = w[:j] + w[j + 1 :]
                else:
                    w = w[:j] + w[j] + w[j:]
                words[i] = w
                text = " ".join(words)
        return text
