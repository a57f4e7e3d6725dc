"""What a study could not compute, said in words where the table or figure would have been.

Real studies are not shaped like the demo: a community with no organisation
accounts has no one-way or two-way communication to measure, a page export
has no replies, a language without a lexicon gets no knowledge types.  An
analysis that cannot be computed returns a :class:`NotComputed` (which
measure, why, what would be needed) instead of an empty table, a ``NaN`` or a
misleading zero; one that can be computed only in part returns the part with
its notes (:class:`WithNotes`).  Both show as a short paragraph in a notebook
and in the HTML reports, and key figures show :data:`NA`.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

logger = logging.getLogger(__name__)

NA = "n/a"
"""How a key figure that could not be computed is shown."""


@dataclass(frozen=True)
class NotComputed:
    """A measure that could not be computed for a scope: which one, why, and what it would need.

    Examples
    --------
    >>> note = NotComputed("Reciprocity", "Org A has no accounts of its own in the study file",
    ...                    "its handles under accounts: in the study file")
    >>> print(note.sentence())  # doctest: +NORMALIZE_WHITESPACE
    Reciprocity: n/a. Org A has no accounts of its own in the study file. It would need its handles under
    accounts: in the study file.
    """

    measure: str
    why: str
    needs: str = ""

    def sentence(self) -> str:
        """The note as one or two sentences."""
        text = f"{self.measure}: {NA}. {_capitalised(self.why)}."
        return text + (f" It would need {self.needs}." if self.needs else "")

    def __str__(self) -> str:
        return self.sentence()

    def _repr_html_(self) -> str:
        needs = f" It would need {html.escape(self.needs)}." if self.needs else ""
        return (f'<p class="not-computed"><strong>{html.escape(self.measure)}: {NA}.</strong> '
                f"{html.escape(_capitalised(self.why))}.{needs}</p>")

    def _repr_markdown_(self) -> str:
        return self.sentence()


@dataclass(frozen=True)
class Prose:
    """A passage of a report as HTML, built by :func:`paragraphs` and friends from escaped values.

    Report text is composed from the study's own names (organisations,
    diseases, the study, topic labels): a name such as
    ``<img src=x onerror=...>`` must show as text, never run.  Values are
    escaped where they are put into the HTML, never rendered as Markdown.
    """

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return html.unescape(re.sub(r"<[^>]+>", " ", self.html)).strip()


def paragraphs(*texts: str) -> Prose:
    """Plain sentences, each text a paragraph, every character escaped."""
    return Prose("".join(f"<p>{html.escape(text)}</p>" for text in texts if text))


@dataclass(frozen=True)
class Remark:
    """A sentence shown where an empty table would have been (e.g. "No record was quarantined.")."""

    text: str

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return f'<p class="remark">{html.escape(self.text)}</p>'

    def _repr_markdown_(self) -> str:
        return self.text


@dataclass
class WithNotes:
    """A table computed in part, with what could not be computed.

    ``table`` is the part that could be computed; ``notes`` say what is missing
    and why.  Shown, the notes come first, then the table.
    """

    table: pd.DataFrame
    notes: list[NotComputed] = field(default_factory=list)

    def _repr_html_(self) -> str:
        notes = "".join(note._repr_html_() for note in self.notes)
        return notes + (styled(self.table).to_html() if not self.table.empty else "")

    def __repr__(self) -> str:
        notes = "\n".join(note.sentence() for note in self.notes)
        return (notes + "\n" if notes else "") + self.table.to_string(index=False)


Shown = pd.DataFrame | NotComputed | WithNotes
"""What an analysis for a report returns."""


def table_of(value: Any) -> pd.DataFrame | None:
    """The table inside an analysis result, None when it could not be computed."""
    if isinstance(value, NotComputed):
        return None
    if isinstance(value, WithNotes):
        return value.table
    return value


def notes_of(value: Any) -> list[NotComputed]:
    """The notes of an analysis result (empty for a plain table)."""
    if isinstance(value, NotComputed):
        return [value]
    if isinstance(value, WithNotes):
        return list(value.notes)
    return []


def with_notes(table: pd.DataFrame, notes: list[NotComputed]) -> pd.DataFrame | WithNotes:
    """``table`` itself when there is nothing to say, else the table with its notes."""
    return WithNotes(table, notes) if notes else table


def show_instead(note: NotComputed) -> None:
    """Show a note where a figure would have been: in a notebook as a paragraph, else in the log."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with the notebooks
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(note)
    else:
        logger.info("%s", note.sentence())


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def drawable(value: Any, figure: str | None = None) -> pd.DataFrame | None:
    """The table a figure is drawn from, or None when there is nothing to draw.

    A :class:`NotComputed` is shown in the figure's place (:func:`show_instead`),
    named after ``figure`` when given; the notes of a :class:`WithNotes` are
    shown above the figure drawn from its table; an empty table gives None.
    Every plotting function of the package starts with it, so a notebook cell
    never draws an empty frame.
    """
    for note in notes_of(value):
        show_instead(note if figure is None else NotComputed(figure, note.why, note.needs))
    table = table_of(value)
    if table is None or len(table) == 0:
        return None
    return table


def shown(value: Any) -> Any:
    """What a notebook cell shows of an analysis result.

    A table as people read it (:func:`helpers.tables.for_people`: formatted
    numbers, human headers, no row numbers, every cell escaped); a
    :class:`NotComputed` or :class:`Remark` as its sentence; a
    :class:`WithNotes` as its notes above its table; None (nothing shown) for
    an empty table or None.
    """
    if isinstance(value, pd.DataFrame):
        return styled(value) if len(value) else None
    return value


def styled(table: pd.DataFrame):  # -> pandas Styler (imported lazily, it needs jinja2)
    """A table for a report (:func:`helpers.tables.for_people`)."""
    from helpers.tables import for_people

    return for_people(table)
