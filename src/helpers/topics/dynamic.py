"""Topics over time, word by word: each topic's c-TF-IDF words per calendar period.

The shared model gives every topic one list of words for the whole study.
A topic can keep its posts while its words change (a treatment renamed, a
new drug approved, a campaign's slogan): :func:`topic_words_over_time`
describes each of the largest topics anew in every period, the way
BERTopic's ``topics_over_time`` does [1]_ (the idea of the dynamic topic
models of Blei and Lafferty [2]_, on a fixed set of topics), and
:func:`word_changes` says which words came and went from one period to the
next; :func:`plot_topic_words_over_time` draws them.

How: the posts of each topic and period are counted with the model's own
vectorizer over the model's own vocabulary (terms used by at least
``privacy.min_group_size`` distinct authors in the study,
:func:`~helpers.topics.documents.vocabulary_presence`), weighted by the
study-wide c-TF-IDF idf (BERTopic's ``ClassTfidfTransformer`` with frequent-word
reduction, fitted on the study's topics, as ``topics_over_time`` uses the
fitted one), L1-normalised, averaged with the same topic's row of the
previous period (evolution tuning) and with the topic's study-wide row
(global tuning).  On top of the study's rule, a word is shown for a topic and
period only when that many distinct authors used it in the topic's posts of
that period.

Computed here rather than by ``BERTopic.topics_over_time``: that method
averages each period's rows with the global rows of the topics *as numbered
among the posts passed in* (wrong rows for one organisation's posts or a few
topics), its evolution tuning writes into a temporary copy of the matrix
(BERTopic 0.17: no effect), and ``nr_bins`` cuts equal stretches of time
instead of calendar months or quarters.

References
----------
.. [1] Grootendorst, M. (2022). BERTopic: Neural topic modeling with a
   class-based TF-IDF procedure. arXiv:2203.05794 (section "Dynamic topic modeling").
.. [2] Blei, D. M. and Lafferty, J. D. (2006). Dynamic topic models. Proceedings of
   ICML '06, 113-120.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from helpers.notice import NotComputed, drawable
from helpers.store import atomic_path
from helpers.store.memo import FileMemo
from helpers.topics._bertopic_runtime import _quiet_bertopic
from helpers.topics.documents import _authors_per_term, make_vectorizer, vocabulary_presence
from helpers.topics.params import OUTLIER, TopicParams
from helpers.topics.plots import FIGURE_WIDTH, short_label
from helpers.topics.results import UNSTABLE_MARK, TopicResult, TopicView
from helpers.topics.views import _no_topic_view, _scope_label, topic_view

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MEASURE = "Topic words over time"
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
"""``analysis.time_slice`` to the pandas period alias."""
MIN_PERIOD_POSTS = 10
"""Fewest posts of a topic in a period for that period's words to be computed."""
WORD_COLUMNS = ["topic", "label", "period", "start", "posts", "authors", "words", "weights"]
StudyCounts = tuple[Any, np.ndarray, np.ndarray, dict[int, np.ndarray]]
"""The vectorizer over the model's vocabulary, its terms, the study-wide idf, each topic's row."""
_STUDY_CTFIDF = FileMemo[StudyCounts](size=2)
""":func:`_study_ctfidf` per process, by the saved model's fingerprint (the last two models)."""
STUDY_CTFIDF_FILE = "study_ctfidf.npz"
"""Beside the saved model: its vocabulary, idf and each topic's study-wide c-TF-IDF row."""
STUDY_CTFIDF_FORMAT = 1


def topic_words_over_time(
    source: TopicResult | TopicView,
    time_slice: str = "quarter",
    *,
    n_topics: int = 8,
    n_words: int = 10,
    min_posts: int = MIN_PERIOD_POSTS,
    evolution_tuning: bool = True,
    global_tuning: bool = True,
) -> pd.DataFrame | NotComputed:
    """The c-TF-IDF words of the largest topics in each calendar period (the module docstring says how).

    Parameters
    ----------
    source : TopicResult or TopicView
        The study's shared model (:func:`study_topics`; the whole study) or a
        view of it (:func:`topic_view`; one organisation's posts).
    time_slice : str
        ``"month"``, ``"quarter"`` or ``"year"``: pass ``config.analysis.time_slice``.
    n_topics : int
        How many of the scope's largest topics (outliers left out).
    n_words : int
        Words kept per topic and period.
    min_posts : int
        A topic's periods with fewer posts get no words (their ``words`` are
        empty); their posts are still counted.
    evolution_tuning, global_tuning : bool
        Average each period's c-TF-IDF with the topic's previous period, and
        with its study-wide c-TF-IDF (BERTopic's defaults, both on).

    Returns
    -------
    DataFrame or NotComputed
        One row per topic and period, in time order: ``topic, label, period``
        (``"2024Q3"``, ``"2024-07"``, ``"2024"``), ``start``, ``posts``,
        ``authors``, ``words`` (list, best first) and ``weights``; ``attrs``
        hold the scope and the settings.  A note when the scope has no topics,
        spans fewer than two periods, or no topic has ``min_posts`` posts in two
        periods.
    """
    view = source if isinstance(source, TopicView) else topic_view(source)
    if time_slice not in PERIODS:
        raise ValueError(f"time_slice must be one of {sorted(PERIODS)}, not {time_slice!r}")
    if not view.has_topics:
        return _no_topic_view(view, MEASURE)
    result = view.result
    docs = view.documents
    freq = PERIODS[time_slice]
    period = docs["created_at"].dt.tz_convert("UTC").dt.tz_localize(None).dt.to_period(freq)
    if period.nunique() < 2:
        return NotComputed(MEASURE, f"the posts of {_scope_label(view)} fall in {period.nunique()} "
                           f"{time_slice}: words can change only from one period to another",
                           "posts over at least two periods, or a shorter analysis.time_slice")
    chosen = view.topics.loc[view.topics["topic"] != OUTLIER, "topic"].head(n_topics).astype(int).tolist()
    counts = pd.crosstab(docs["topic"], period).reindex(chosen)
    if not ((counts >= min_posts).sum(axis=1) >= 2).any():
        return NotComputed(MEASURE, f"no topic of {_scope_label(view)} has {min_posts} or more posts in two "
                           f"{time_slice}s", "more posts, or a longer analysis.time_slice")
    min_authors = int(result.params.get("min_term_authors", TopicParams.min_term_authors))
    vectorizer, names, idf, global_rows = _study_ctfidf(result)
    labels = result.labels()
    rows = []
    for topic in chosen:
        members = docs[docs["topic"] == topic]
        member_periods = period[members.index]
        previous: np.ndarray | None = None
        for when in sorted(member_periods.unique()):
            posts = members[member_periods == when]
            row = {"topic": topic, "label": labels.get(topic, str(topic)), "period": str(when),
                   "start": when.start_time, "posts": len(posts),
                   "authors": int(posts["author_id"].nunique()), "words": [], "weights": []}
            if len(posts) >= min_posts:
                matrix = vectorizer.transform(posts["doc"].tolist())
                weights = _period_weights(matrix, idf)
                if evolution_tuning and previous is not None:
                    weights = (weights + previous) / 2.0
                if evolution_tuning:
                    previous = weights
                if global_tuning:
                    weights = (weights + global_rows[topic]) / 2.0
                used_by = _authors_per_term(matrix, posts["author_id"].tolist())
                allowed = (used_by >= min_authors) & (weights > 0)
                order = [i for i in np.argsort(-weights, kind="stable") if allowed[i]][:n_words]
                row["words"] = [str(names[i]) for i in order]
                row["weights"] = [round(float(weights[i]), 6) for i in order]
            rows.append(row)
    table = pd.DataFrame(rows, columns=WORD_COLUMNS)
    table.attrs.update({"scope": view.scope, "time_slice": time_slice, "min_posts": min_posts,
                        "min_authors": min_authors, "evolution_tuning": evolution_tuning,
                        "global_tuning": global_tuning})
    return table


def prepare_topic_words(result: TopicResult) -> None:
    """Count the study for :func:`topic_words_over_time` once, ahead, and save the counts beside the model.

    The batch's topics step calls it, so that no organisation's notebook
    counts the whole study again (each kernel would, 14 s at 200,000 posts).
    """
    if result.has_topics:
        _study_ctfidf(result)


def _study_ctfidf(result: TopicResult) -> StudyCounts:
    """The model's vectorizer over its vocabulary, its terms, the study-wide idf, each topic's L1-normed row.

    Counting every post of the study is most of this function's cost (14 s at
    200,000 posts), and every organisation's notebooks ask for it: a saved
    model keeps them beside itself (:data:`STUDY_CTFIDF_FILE`, computed by the
    first kernel that asks) and in the process's memory, by the model's
    fingerprint (a batch worker forgets them with the other kept results,
    :func:`helpers.store.memo.forget_kept_results`).  A result without a
    folder (fitted, not saved) keeps them on itself.
    """
    key = result.fingerprint
    if key:
        return _STUDY_CTFIDF.get([], key, lambda: _build_study_ctfidf(result, key))
    if "_words_over_time" not in result.__dict__:
        result.__dict__["_words_over_time"] = _build_study_ctfidf(result, key)
    return result.__dict__["_words_over_time"]


def _build_study_ctfidf(result: TopicResult, key: str | None) -> StudyCounts:
    params = result.params
    languages = params.get("languages", ["en"])
    ngram_range = tuple(params.get("ngram_range", TopicParams.ngram_range))
    saved = result.folder / STUDY_CTFIDF_FILE if result.folder is not None and key else None
    parts = _read_study_ctfidf(saved) if saved is not None else None
    if parts is None:
        parts = _count_study_ctfidf(result, languages, ngram_range)
        if saved is not None:
            _write_study_ctfidf(saved, *parts)
    terms, idf, topics, rows = parts
    vectorizer = make_vectorizer(languages, ngram_range, vocabulary=list(terms))
    global_rows = {int(t): np.asarray(rows[i].todense()).ravel() for i, t in enumerate(topics)}
    return vectorizer, terms, idf, global_rows


def _count_study_ctfidf(result: TopicResult, languages: list[str], ngram_range: tuple[int, int]
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any]:
    """Count every post of the study over the model's vocabulary: terms, idf, topics, c-TF-IDF rows (CSR)."""
    from scipy import sparse

    with _quiet_bertopic():  # the first import of BERTopic in a kernel warns about tqdm's widgets
        from bertopic.vectorizers import ClassTfidfTransformer

    docs = result.documents
    texts = docs["doc"].tolist()
    min_authors = int(result.params.get("min_term_authors", TopicParams.min_term_authors))
    counting = TopicParams(ngram_range=ngram_range, min_term_authors=min_authors)
    _, vocabulary = vocabulary_presence(texts, docs["author_id"].tolist(), languages, counting)
    vectorizer = make_vectorizer(languages, ngram_range, vocabulary=vocabulary)
    matrix = vectorizer.fit_transform(texts).tocsr()
    topics = np.sort(docs["topic"].unique())
    codes = np.searchsorted(topics, docs["topic"].to_numpy())
    by_topic = sparse.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))),
                                 shape=(len(topics), len(codes))) @ matrix
    ctfidf = ClassTfidfTransformer(reduce_frequent_words=True).fit(by_topic)
    rows = sparse.csr_matrix(_l1(np.asarray(ctfidf.transform(sparse.csr_matrix(by_topic)).todense())))
    idf = np.asarray(ctfidf._idf_diag.diagonal()).ravel()
    return np.asarray(vectorizer.get_feature_names_out()).astype(str), idf, topics.astype(np.int64), rows


def _write_study_ctfidf(path: Path, terms: np.ndarray, idf: np.ndarray, topics: np.ndarray,
                        rows: Any) -> None:
    with atomic_path(path) as tmp, open(tmp, "wb") as handle:
        np.savez(handle, format=np.array(STUDY_CTFIDF_FORMAT), terms=terms, idf=idf, topics=topics,
                 data=rows.data, indices=rows.indices, indptr=rows.indptr, shape=np.array(rows.shape))


def _read_study_ctfidf(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any] | None:
    """The saved counts, None when missing, unreadable or of another format (then counted again)."""
    from scipy import sparse

    try:
        with np.load(path, allow_pickle=False) as saved:
            if int(saved["format"]) != STUDY_CTFIDF_FORMAT:
                return None
            rows = sparse.csr_matrix((saved["data"], saved["indices"], saved["indptr"]),
                                     shape=tuple(saved["shape"]))
            return saved["terms"], saved["idf"], saved["topics"], rows
    except (OSError, KeyError, ValueError):
        return None


def _period_weights(matrix: Any, idf: np.ndarray) -> np.ndarray:
    """One topic's c-TF-IDF row in one period (its posts as one class), L1-normalised."""
    counts = np.asarray(matrix.sum(axis=0)).ravel().astype(float)
    total = counts.sum()
    if total == 0:
        return counts
    return _l1(np.sqrt(counts / total) * idf)  # BERTopic's reduce_frequent_words: sqrt of the term frequency


def _l1(values: np.ndarray) -> np.ndarray:
    norm = np.abs(values).sum(axis=-1, keepdims=True)
    return np.divide(values, norm, out=np.zeros_like(values, dtype=float), where=norm > 0)


def word_changes(table: pd.DataFrame | NotComputed, n_words: int = 5) -> pd.DataFrame | NotComputed:
    """Per topic and period, the top words gained and lost against the topic's previous period with words.

    Parameters
    ----------
    table : DataFrame or NotComputed
        From :func:`topic_words_over_time` (a note is handed back).
    n_words : int
        How many of each period's top words are compared.

    Returns
    -------
    DataFrame
        ``topic, label, period, since, posts, top_words, gained, lost`` (words
        as comma-separated text, best first); the first period of a topic has
        ``since`` and ``gained``/``lost`` empty.
    """
    if isinstance(table, NotComputed):
        return table
    rows = []
    for (topic, label), periods in table.groupby(["topic", "label"], sort=False):
        before: list[str] | None = None
        since = ""
        for row in periods.itertuples(index=False):
            words = list(row.words)[:n_words]
            if not words:
                continue
            gained = [w for w in words if before is not None and w not in before]
            lost = [w for w in before or [] if w not in words]
            rows.append({"topic": topic, "label": label, "period": row.period, "since": since,
                         "posts": row.posts, "top_words": ", ".join(words), "gained": ", ".join(gained),
                         "lost": ", ".join(lost)})
            before, since = words, row.period
    return pd.DataFrame(rows, columns=["topic", "label", "period", "since", "posts", "top_words", "gained",
                                       "lost"])


def plot_topic_words_over_time(table: pd.DataFrame | NotComputed, n_topics: int = 6,
                               n_words: int = 3) -> Figure | None:
    """Small multiples: one row per topic, its posts per period as bars, each period's top words below.

    :data:`FIGURE_WIDTH` wide (about 1000 px in the reports), one panel a
    topic so that every period has the whole width's share for its words
    (cut to fit, never overlapping).  Words new to a period's top words are
    marked ``+``.  An unstable topic's title keeps its ``†``.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    from helpers.plots import wrapped

    table = drawable(table)
    if table is None:
        return None
    topics = list(dict.fromkeys(table["topic"]))[:n_topics]
    periods = sorted(set(table["period"]), key=lambda p: table.loc[table["period"] == p, "start"].iloc[0])
    fontsize = 7.5
    slot = (FIGURE_WIDTH - 0.8) / max(1, len(periods))  # inches per period
    chars = max(4, int(slot * 72 / (0.62 * fontsize)) - 1)
    height = (1.15 + 0.16 * (n_words + 1)) * len(topics) + 0.5
    fig, axes = plt.subplots(len(topics), 1, figsize=(FIGURE_WIDTH, height), squeeze=False,
                             layout="constrained")
    for ax, topic in zip(axes[:, 0], topics, strict=True):
        rows = table[table["topic"] == topic].set_index("period").reindex(periods)
        posts = rows["posts"].fillna(0).to_numpy()
        ax.bar(range(len(periods)), posts, color=plt.cm.tab10(int(topic) % 10), width=0.7)
        ticks, before = [], None
        for period, words in zip(periods, rows["words"], strict=True):
            words = list(words) if isinstance(words, list | np.ndarray) else []
            shown = [("+" if before is not None and w not in before else "") + w for w in words[:n_words]]
            ticks.append("\n".join([_short(period, chars), *[_short(w, chars) for w in shown]]))
            before = words[:n_words] if words else before
        ax.set_xticks(range(len(periods)), ticks, fontsize=fontsize, linespacing=1.15)
        ax.tick_params(axis="x", length=0)
        ax.tick_params(axis="y", labelsize=7)
        ax.yaxis.set_major_locator(MaxNLocator(3, integer=True))
        ax.set_ylabel("posts", fontsize=7)
        ax.spines[["top", "right"]].set_visible(False)
        label = str(rows["label"].dropna().iloc[0])
        ax.set_title(f"{short_label(label, 90)} ({int(posts.sum()):,} posts)", fontsize=8.5, loc="left")
    unstable = any(str(label).endswith(UNSTABLE_MARK) for label in table["label"])
    scope = table.attrs.get("scope", "")
    title = (f"Topic words per {table.attrs.get('time_slice', 'period')} ({scope}): posts, and the top "
             f"{n_words} c-TF-IDF words; + new since the period before"
             + (f"; {UNSTABLE_MARK.strip()} unstable across refits" if unstable else ""))
    fig.suptitle(wrapped(title, FIGURE_WIDTH - 0.4, 9), fontsize=9)
    return fig


def _short(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"
