"""Before, during and after events, as the notebooks, the reviewer's report and the comparison show it.

Researchers compare periods: before, during and after Rare Disease Day, a
drug approval, a media event (Vicari 2017 compared two time points around
one).  Each function takes the study config and an organisation id (None:
the whole study) and returns a table for people, or says in words what
could not be computed (:mod:`helpers.notice`).  The method is in
``docs/events.md``.

References
----------
.. [1] Vicari, S., & Cappai, F. (2016). Health activism and the logic of connective action.
   Information, Communication & Society, 19(11), 1653-1671.
.. [2] Vicari, S. (2017). Twitter and non-elites: interpreting power dynamics in the life story of
   the (#)BRCA Twitter stream. Social Media + Society.
"""

from __future__ import annotations

import pandas as pd

from helpers.config import StudyConfig
from helpers.events.compare import CLUSTER_BOOTSTRAP, NEWCOMBE
from helpers.events.compute import COMPARED, Comparison, compare_windows
from helpers.events.series import SegmentedFit
from helpers.events.study import EventScope, read_event_scope, read_study_events, study_event_list
from helpers.events.trends import SERIES_MEASURES, series_fits
from helpers.events.windows import WINDOWS, window_of
from helpers.notice import NA, NotComputed, Prose, Remark, Shown, WithNotes, paragraphs
from helpers.topics.params import OUTLIER
from helpers.topics.saved import load_topics
from helpers.topics.views import topic_view
from helpers.uncertainty import percent

MIN_TOPIC_POSTS = 20
"""Fewest posts in the topic model a window needs for its largest topics to be shown."""
DIFFERENCE = "{window} − before (points, 95% CI)"


def _no_events(scope: EventScope) -> Remark:
    return Remark(f"No event to compare for {scope.name}: the study file lists none under analysis.events, "
                  "and Rare Disease Day is not added (analysis.rare_disease_day is false, or the posts cover "
                  "no last day of February).")


def event_names(config: StudyConfig) -> list[str]:
    """The names of the study's events, in order: the study file's, then Rare Disease Day of each year."""
    return [event.name for event in study_event_list(config)]


def event_windows(config: StudyConfig, org_id: str | None = None) -> Shown | Remark:
    """The events and their windows, with how many days of each window the scope's posts cover."""
    scope = read_event_scope(config, org_id)
    if isinstance(scope, NotComputed):
        return scope
    if not scope.events:
        return _no_events(scope)
    rows = []
    for event in scope.events:
        row = {"event": event.name}
        for window in WINDOWS:
            days = event.covered_days(window, scope.first, scope.last)
            full = event.days(window)
            covered = "" if days == full else f" ({days} of {full} days in the data)"
            row[window] = event.window_text(window) + covered
        rows.append(row)
    return pd.DataFrame(rows)


def _header(comparison: Comparison, window: str) -> str:
    event = comparison.event
    days, full = comparison.days[window], event.days(window)
    covered = "" if days == full else f"; {days} of {full} days in the data"
    return f"{window} ({event.window_text(window)}{covered})"


def comparison_table(comparison: Comparison) -> pd.DataFrame | WithNotes:
    """A :class:`~helpers.events.compute.Comparison` as a table: a row per measure, a column per window,
    then the differences from the window before."""
    headers = {window: _header(comparison, window) for window in WINDOWS}
    differences = {window: DIFFERENCE.format(window=window) for window in COMPARED}
    rows = [
        {"measure": "threads started",
         **{headers[w]: f"{comparison.threads[w]:,}" if comparison.days[w] else NA for w in WINDOWS},
         **{differences[w]: "" for w in COMPARED}},
        {"measure": "posts a week",
         **{headers[w]: _per_week(comparison.per_week(w)) for w in WINDOWS},
         **{differences[w]: _ratio(comparison, w) for w in COMPARED}},
    ]
    for line in comparison.lines:
        rows.append({"measure": line.label,
                     **{headers[w]: share.short() if share is not None else NA
                        for w, share in line.shares.items()},
                     **{differences[w]: line.differences[w].short() for w in COMPARED}})
    table = pd.DataFrame(rows)
    return WithNotes(table, comparison.notes) if comparison.notes else table


def _per_week(value: float | None) -> str:
    return NA if value is None else f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _ratio(comparison: Comparison, window: str) -> str:
    """Posts a week in ``window`` as a multiple of those before: ``"×2.9"``."""
    now, before = comparison.per_week(window), comparison.per_week("before")
    if now is None or not before:
        return NA
    return f"×{now / before:.1f}"


def event_table(config: StudyConfig, org_id: str | None, event: str | None = None) -> Shown | Remark:
    """One event's windows for one scope: volumes, shares with 95% intervals and differences from before.

    Mode shares are of the threads started in a window (Wilson intervals;
    differences: Newcombe's hybrid score interval); knowledge types and
    health of the public's original posts written in it (cluster bootstrap
    by thread).  ``event``: a name from :func:`event_names` (default: the
    first event).  Windows outside the data or with fewer threads than
    ``analysis.event_min_threads`` show n/a, with a note saying why.
    """
    scope = read_event_scope(config, org_id)
    if isinstance(scope, NotComputed):
        return scope
    if not scope.events:
        return _no_events(scope)
    chosen = scope.event(event)
    if chosen is None:
        raise KeyError(f"no event {event!r} in study {config.name!r} (known: "
                       f"{', '.join(e.name for e in scope.events)})")
    comparison = compare_windows(scope, chosen)
    return comparison if isinstance(comparison, NotComputed) else comparison_table(comparison)


# --------------------------------------------------------------------------- topics


def event_topics(config: StudyConfig, org_id: str | None, n: int = 3) -> Shown | Remark:
    """The largest topics of each event's windows (share of the window's posts in the topic model).

    Topics come from the study's saved topic model (:func:`helpers.topics.load_topics`);
    without one, or without topics for the scope, a note says so.
    """
    scope = read_event_scope(config, org_id)
    if isinstance(scope, NotComputed):
        return scope
    if not scope.events:
        return _no_events(scope)
    measure = "Topics around events"
    try:
        result = load_topics(config)
    except FileNotFoundError:
        return NotComputed(measure, f"no topic model has been saved for study {config.name!r}",
                           "the topic step run first (rarevoices batch, or helpers.topics.study_topics)")
    view = topic_view(result, org_id, min_posts=config.analysis.topic_min_posts)
    if not view.has_topics:
        return NotComputed(measure, view.message.rstrip("."))
    docs = view.documents
    labels = result.labels()
    rows, notes = [], []
    for event in scope.events:
        windows = window_of(docs["created_at"], event)
        for window in WINDOWS:
            mine = docs[(windows == window).to_numpy()]
            row = {"event": event.name, "window": f"{window} ({event.window_text(window)})",
                   "posts in the model": f"{len(mine):,}"}
            if len(mine) < MIN_TOPIC_POSTS:
                row["largest topics (share of the window's posts)"] = NA
                notes.append((event.name, window, len(mine)))
            else:
                counts = mine.loc[mine["topic"] != OUTLIER, "topic"].value_counts().head(n)
                row["largest topics (share of the window's posts)"] = "; ".join(
                    f"{labels.get(int(topic), str(topic))} {percent(count / len(mine))}"
                    for topic, count in counts.items()) or "outliers only"
            rows.append(row)
    table = pd.DataFrame(rows)
    if not notes:
        return table
    listed = "; ".join(f"{name}, {window}: {count}" for name, window, count in notes)
    return WithNotes(table, [NotComputed("Largest topics of some windows", f"these windows hold fewer than "
                                         f"{MIN_TOPIC_POSTS} posts of the topic model ({listed})")])


# --------------------------------------------------------------------------- series


def event_series(config: StudyConfig, org_id: str | None,
                 measures: tuple[str, ...] = tuple(SERIES_MEASURES)) -> Shown | Remark:
    """Interrupted time series around each event: level and slope change of weekly shares (95% CI).

    A row per measure and event (and the Rare Disease Days pooled): the
    weeks fitted before and after, the level change at the first week after
    the event and the change of slope, in percentage points (segmented
    regression, Newey-West errors; see :mod:`helpers.events.series`).
    """
    scope = read_event_scope(config, org_id)
    if isinstance(scope, NotComputed):
        return scope
    if not scope.events:
        return _no_events(scope)
    rows, notes = [], []
    for measure in measures:
        for name, fit in series_fits(scope, measure):
            row = {"measure": SERIES_MEASURES[measure], "event": name}
            if isinstance(fit, NotComputed):
                notes.append(fit)
                row.update({"weeks before / after": NA, "level change (points, 95% CI)": NA,
                            "slope change (points a week, 95% CI)": NA})
            else:
                row.update(_fit_cells(fit))
            rows.append(row)
    table = pd.DataFrame(rows)
    unique = list(dict.fromkeys(notes))
    return WithNotes(table, unique) if unique else table


def _fit_cells(fit: SegmentedFit) -> dict[str, str]:
    return {"weeks before / after": f"{fit.weeks_before} / {fit.weeks_after}",
            "level change (points, 95% CI)": fit.level.short(),
            "slope change (points a week, 95% CI)": fit.slope.short(1)}


# --------------------------------------------------------------------------- the reviewer's report


def events_reading(config: StudyConfig, org_id: str | None) -> Prose:
    """The reviewer's report's paragraphs: each event's during window against the window before, with 95%
    intervals, and the interrupted time series of the Rare Disease Days pooled."""
    scope = read_event_scope(config, org_id)
    if isinstance(scope, NotComputed):
        return paragraphs(scope.sentence())
    if not scope.events:
        return paragraphs(str(_no_events(scope)))
    texts = []
    for event in scope.events:
        comparison = compare_windows(scope, event)
        texts.append(comparison.sentence() if isinstance(comparison, NotComputed)
                     else _event_sentences(comparison))
    texts.append(_series_sentence(scope))
    return paragraphs(*texts)


def _event_sentences(comparison: Comparison) -> str:
    event = comparison.event
    before, during = comparison.per_week("before"), comparison.per_week("during")
    text = (f"{event.name} (during: {event.during_text()}; before: the {event.days('before')} days up to "
            f"it). {comparison.threads['during']:,} threads started during it and "
            f"{comparison.threads['before']:,} before")
    if before and during is not None:
        text += f"; {during:,.0f} posts a week against {before:,.0f} ({_ratio(comparison, 'during')})"
    parts = []
    for key, what in (("crowd_sourced", "crowd-sourced threads"),
                      ("experiential", "the public's own stories (experiential, of its original posts)"),
                      ("health", "the public's posts about health")):
        line = comparison.line(key)
        if line is None:
            continue
        now, base, difference = line.shares["during"], line.shares["before"], line.differences["during"]
        if now is None or base is None:
            continue
        parts.append(f"{what} {now.short()} during against {base.short()} before, {difference.text()}")
    if parts:
        joined = "; ".join(parts)
        text += (f". {joined[:1].upper()}{joined[1:]} (95% intervals: {NEWCOMBE} for threads, "
                 f"{CLUSTER_BOOTSTRAP} for posts)")
    if comparison.notes:
        return text + ". " + " ".join(note.sentence() for note in comparison.notes)
    return text + "."


def _series_sentence(scope: EventScope) -> str:
    found = []
    for measure in ("crowd_sourced", "experiential"):
        fits = [fit for _, fit in series_fits(scope, measure) if isinstance(fit, SegmentedFit)]
        pooled = [fit for fit in fits if len(fit.years) > 1]
        chosen = pooled[0] if pooled else (fits[0] if fits else None)
        if chosen is not None:
            found.append(chosen)
    if not found:
        return ("No interrupted time series could be fitted: it needs at least 8 weeks with posts on each "
                "side of an event.")
    parts = [f"{fit.measure} after {fit.event} ({fit.weeks_before} weeks before, {fit.weeks_after} "
             f"after): level change {fit.level.short()} percentage points, slope change "
             f"{fit.slope.short(1)} points a week" for fit in found]
    return ("Interrupted time series (segmented regression of the weekly share, weeks weighted by their "
            "units, Newey-West 95% intervals; the weeks of the event itself left out): " + "; ".join(parts)
            + ".")


# --------------------------------------------------------------------------- the comparison page


def events_comparison(config: StudyConfig) -> Shown | Remark:
    """One row per organisation and event: threads before and during, and the during − before differences
    of crowd-sourced threads, of the public's own stories and of its posts about health (95% CI)."""
    study = read_study_events(config)
    if not study.events:
        return Remark("No event to compare: the study file lists none under analysis.events, and Rare "
                      "Disease Day is not added.")
    rows, notes = [], []
    for org in config.organisations:
        scope = study.scope(org.id)
        if isinstance(scope, NotComputed):
            notes.append(scope)
            continue
        for event in scope.events:
            comparison = compare_windows(scope, event)
            row = {"organisation": org.name, "event": event.name}
            if isinstance(comparison, NotComputed):
                notes.append(comparison)
                rows.append({**row, "threads before / during": NA, **dict.fromkeys(_COMPARED.values(), NA)})
                continue
            threads = comparison.threads
            row["threads before / during"] = f"{threads['before']:,} / {threads['during']:,}"
            for key, label in _COMPARED.items():
                line = comparison.line(key)
                row[label] = line.differences["during"].short() if line is not None else NA
            rows.append(row)
            notes += comparison.notes
    if not rows:
        return notes[0] if notes else Remark("No organisation has posts.")
    table = pd.DataFrame(rows)
    unique = list(dict.fromkeys(notes))
    return WithNotes(table, [_one_note(unique, len(rows))]) if unique else table


def _one_note(notes: list[NotComputed], rows: int) -> NotComputed:
    """The comparison's notes as one: a note per organisation and event fills a page before the table;
    each organisation's report gives them in full."""
    if len(notes) == 1:
        return notes[0]
    return NotComputed("Some shares", f"{len(notes)} windows or measures of the {rows} organisation-events "
                       "could not be compared (too few threads in a window, or no data in it); their cells "
                       "say n/a and each organisation's report says which and why",
                       "longer windows (before_days, after_days, during_days of the event) or more data")


_COMPARED = {"crowd_sourced": "crowd-sourced threads, during − before (points, 95% CI)",
             "experiential": "own stories, during − before",
             "health": "about health, during − before"}
