"""Joining a text's parts within the platform's length limit, as the platform counts it."""

from __future__ import annotations

import re


class AssemblyMixin:
    """Part of :class:`~helpers.demo_corpus.text.composer.Composer`: the parts joined, cut to fit."""

    def _assemble(
        self,
        parts: list[str],
        extra: list[str],
        mention_lines: list[str],
        link: str,
        tags: list[str],
        emoji: str,
        lead: str,
        reserve: int = 0,
    ) -> str:
        """Join the parts, dropping optional ones until the text fits the platform limit."""
        rng = self.rng
        inline_tag = None
        if tags and rng.random() < 0.25:
            for tag in tags:
                pattern = re.compile(rf"(?<![#@\w]){re.escape(tag)}(?!\w)")
                body = " ".join(parts)
                if pattern.search(body):
                    inline_tag = tag
                    parts = [pattern.sub("#" + tag, p, count=1) for p in parts]
                    break
        tail_tags = [t for t in tags if t != inline_tag]
        core_index = 1 if len(parts) > 1 and parts[0].endswith((":", "!", ".")) and len(parts[0]) < 60 else 0
        optional = list(range(len(parts)))
        while True:
            text = self._join(parts, optional, extra, mention_lines, link, tail_tags, emoji, lead)
            if self.limit is None or _weighted_length(text, self.link_weight) + reserve <= self.limit:
                return text
            droppable = [i for i in optional if i != core_index]
            if droppable:
                optional.remove(droppable[-1])
            elif extra:
                extra = extra[:-1]
            elif emoji:
                emoji = ""
            elif tail_tags:
                tail_tags = tail_tags[:-1]
            elif mention_lines:
                mention_lines = mention_lines[:-1]
            else:
                length = _weighted_length(text, self.link_weight)
                budget = self.limit - reserve - (length - len(parts[core_index])) - 2
                words = parts[core_index][: max(20, budget)].rsplit(" ", 1)[0]
                parts = list(parts)
                parts[core_index] = words + "…"

    def _join(
        self,
        parts: list[str],
        keep: list[int],
        extra: list[str],
        mention_lines: list[str],
        link: str,
        tags: list[str],
        emoji: str,
        lead: str,
    ) -> str:
        body = [parts[i] for i in keep]
        if self.long and len(body) > 2:
            text = " ".join(body[:2]) + "\n\n" + " ".join(body[2:])
        else:
            text = " ".join(body)
        if emoji:
            text = f"{text} {emoji}"
        if mention_lines:
            text = f"{text} {' '.join(mention_lines)}"
        if extra:
            text += ("\n\n" if self.long else " ") + " ".join(extra)
        if link:
            text += ("\n\n" if self.long else " ") + link
        if tags:
            sep = "\n\n" if self.long or len(tags) > 2 else " "
            text += sep + " ".join("#" + t for t in tags)
        if lead:
            text = f"{lead} {text}"
        return text


def _weighted_length(text: str, link_weight: int = 23) -> int:
    """Length as the platform counts it: a link counts ``link_weight`` (23 on Twitter)."""
    length = len(text)
    for url in re.findall(r"https?://\S+", text):
        length += link_weight - len(url)
    return length


def _tags_in(text: str) -> list[str]:
    seen: list[str] = []
    for tag in re.findall(r"(?<![\w#/])#(\w*[^\W\d_]\w*)", text):
        if tag not in seen:
            seen.append(tag)
    return seen
