"""Health relevance of a post: is it about illness, symptoms, diagnosis, treatment, care, disability
or the health system?

First-person narration is not illness experience.  A lexicon and a seed set
that reward "I", "my", time and feelings put posts about money, work, cars or
guns in ``experiential`` as readily as posts about a diagnosis.  Borkman's
experiential knowledge is "truth learned from personal experience *with a
phenomenon*" [1]_, and the phenomenon here is illness and its care
(Hartzler & Pratt's patient expertise [2]_; the patient story of Vicari &
Cappai [3]_).  So health relevance is measured as a dimension of its own, and
the three knowledge types about illness (:data:`HEALTH_TYPES`) require it: a
first-person post about money is ``practical`` or ``other``.

The health model has the same two transparent parts as the knowledge
classifier (:mod:`.knowledge`): a logistic regression on the lexicon's signal
counts (the ``health`` signal: everyday words of illness and care, beside
the ``medical`` vocabulary and medical links) and one on sentence embeddings,
combined with the same weight per language.  It is trained on the knowledge
seed's experiential, mediated and medical posts (health) and on a seed of its
own (``resources/health_seed.csv``): first-person posts about money, work,
hobbies, relationships, politics, law, cars and guns (not health), and
practical and campaigning posts about care, benefits and treatment (health).

References
----------
.. [1] Borkman, T. (1976). Experiential knowledge: A new concept for the
   analysis of self-help groups. Social Service Review, 50(3), 445-456.
.. [2] Hartzler, A. and Pratt, W. (2011). Managing the personal side of health:
   how patient expertise differs from the expertise of clinicians. Journal of
   Medical Internet Research, 13(3), e62.
.. [3] Vicari, S. and Cappai, F. (2016). Health activism and the logic of
   connective action. A case study of rare disease patient organisations.
   Information, Communication & Society, 19(11), 1653-1671.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.classify.seed import CV_FOLDS, RESOURCES

if TYPE_CHECKING:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

HEALTH_TYPES = ("experiential", "mediated_experiential", "medical")
"""Knowledge types that are about illness and its care: a post needs health content to have one."""

HEALTH_THRESHOLD = 0.5
"""A post is about health when its health score is at least this."""

HEALTH_CODES = ("yes", "no")
"""The health relevance of a post as coders write it (the codebook's ``health`` variable)."""

DEFAULT_HEALTH_SEED = RESOURCES / "health_seed.csv"

HEALTH_SIGNALS = ("health", "medical", "medical_link", "health_hashtag")
"""The lexicon signals the health model reads (the other signals, first person, feelings or
length, describe how a post is written, not what it is about)."""


def health_codes(flags: pd.Series) -> np.ndarray:
    """The ``health`` flags of posts as codes: ``yes`` (about health) or ``no``.

    Examples
    --------
    >>> health_codes(pd.Series([True, False])).tolist()
    ['yes', 'no']
    """
    return np.where(flags.astype(bool), HEALTH_CODES[0], HEALTH_CODES[1])


def load_health_seed(path: Path | str | None = None) -> pd.DataFrame:
    """Read the health seed set (``lang``, ``health`` 0 or 1, ``text``).

    Raises
    ------
    ValueError
        When a column is missing, ``health`` is not 0 or 1, or a language has
        fewer than ``CV_FOLDS`` posts of either kind.
    """
    path = Path(path or DEFAULT_HEALTH_SEED)
    seed = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"lang", "health", "text"} - set(seed.columns)
    if missing:
        raise ValueError(f"{path}: health seed file lacks columns {sorted(missing)}")
    if not seed["health"].isin(["0", "1"]).all():
        raise ValueError(f"{path}: the health column holds 0 (not about health) or 1 (about health)")
    seed["health"] = seed["health"].astype(int)
    counts = seed.groupby(["lang", "health"]).size().unstack(fill_value=0)
    small = counts[(counts < CV_FOLDS).any(axis=1)] if not counts.empty else counts
    if not small.empty:
        raise ValueError(f"{path}: fewer than {CV_FOLDS} posts of each kind (0 and 1) for languages "
                         f"{list(small.index)}")
    return seed[seed["text"].str.strip() != ""].reset_index(drop=True)


def health_seed_digest(path: Path | str | None = None) -> str:
    """SHA-256 of a health seed file (the packaged one by default)."""
    return hashlib.sha256(Path(path or DEFAULT_HEALTH_SEED).read_bytes()).hexdigest()


def training_posts(knowledge_seed: pd.DataFrame, health_seed: pd.DataFrame) -> pd.DataFrame:
    """Both seed sets as one frame, with a ``health`` label where one is known.

    The knowledge seed's posts of :data:`HEALTH_TYPES` are about health (1);
    its practical, advocacy and other posts are left unlabelled (``NA``: some
    are about care, some about a fundraising walk), so the health model does
    not learn from them.  The health seed's posts have no knowledge type
    (``NA``): the knowledge models learn from the knowledge seed alone (taught
    the health seed's first-person posts as ``other``, they moved real
    patients' accounts of a drug to ``practical``: docs/methods.md).

    Examples
    --------
    >>> k = pd.DataFrame({"lang": ["en", "en"], "knowledge_type": ["medical", "other"], "text": ["a", "b"]})
    >>> h = pd.DataFrame({"lang": ["en"], "health": [0], "text": ["c"]})
    >>> training_posts(k, h)["health"].tolist()
    [1, <NA>, 0]
    """
    knowledge = knowledge_seed[["lang", "knowledge_type", "text"]].copy()
    knowledge["health"] = pd.array(
        [1 if kind in HEALTH_TYPES else pd.NA for kind in knowledge["knowledge_type"]], dtype="Int64")
    health = health_seed[["lang", "text"]].copy()
    health["knowledge_type"] = None
    health["health"] = pd.array(health_seed["health"].astype(int), dtype="Int64")
    return pd.concat([knowledge, health], ignore_index=True)


@dataclass
class HealthModel:
    """The two health models (on signal counts, on embeddings) and their seed-set cross-validation.

    Attributes
    ----------
    lexicon_model : sklearn Pipeline
        Standardisation and logistic regression on ``log(1 + count)`` signals.
    embedding_model : LogisticRegression
        On L2-normalised sentence embeddings.
    cv : DataFrame
        Per language and model: cross-validated F1 of the health class, and
        the number of labelled seed posts.
    columns : list of int
        Positions of :data:`HEALTH_SIGNALS` among the lexicon's signals.
    """

    lexicon_model: Pipeline
    embedding_model: LogisticRegression
    cv: pd.DataFrame
    columns: list[int]

    def lexicon_scores(self, x_lex: np.ndarray) -> np.ndarray:
        """Probability of being about health from the signals (``x_lex``: every lexicon signal)."""
        return _positive(self.lexicon_model, x_lex[:, self.columns])

    def embedding_scores(self, vectors: np.ndarray) -> np.ndarray:
        """Probability of being about health from L2-normalised sentence embeddings."""
        return _positive(self.embedding_model, vectors)


def train_health_model(x_lex: np.ndarray, x_emb: np.ndarray, labels: np.ndarray, langs: np.ndarray,
                       weights: dict[str, float], random_state: int, cross_validate: bool,
                       signals: tuple[str, ...], lexicon_model: Pipeline,
                       embedding_model: LogisticRegression) -> HealthModel:
    """Fit both health models on the labelled seed posts, with 5-fold cross-validated F1 per language.

    ``x_lex`` holds every lexicon signal (``signals`` names its columns); the
    lexicon model reads :data:`HEALTH_SIGNALS` only.  ``lexicon_model`` and
    ``embedding_model`` are unfitted estimators, the knowledge classifier's
    own (:mod:`.knowledge`: same regularisation), fitted here.
    """
    from sklearn.base import clone
    from sklearn.model_selection import StratifiedKFold

    columns = [signals.index(name) for name in HEALTH_SIGNALS]
    x_lex = x_lex[:, columns]
    cv = pd.DataFrame()
    if cross_validate:
        strata = np.char.add(langs.astype(str), labels.astype(str))
        oof = {"lexicon": np.zeros(len(labels)), "embedding": np.zeros(len(labels))}
        folds = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=random_state).split(x_lex, strata)
        for train, test in folds:
            lexicon_fit = clone(lexicon_model).fit(x_lex[train], labels[train])
            embedding_fit = clone(embedding_model).fit(x_emb[train], labels[train])
            oof["lexicon"][test] = _positive(lexicon_fit, x_lex[test])
            oof["embedding"][test] = _positive(embedding_fit, x_emb[test])
        cv = _cv_table(oof, labels, langs, weights)
    return HealthModel(lexicon_model.fit(x_lex, labels), embedding_model.fit(x_emb, labels), cv, columns)


def _positive(model, features: np.ndarray) -> np.ndarray:
    """Probability of the health class (label 1)."""
    if not len(features):
        return np.zeros(0)
    return model.predict_proba(features)[:, list(model.classes_).index(1)]


def _cv_table(oof: dict[str, np.ndarray], labels: np.ndarray, langs: np.ndarray,
              weights: dict[str, float]) -> pd.DataFrame:
    from sklearn.metrics import f1_score

    rows = []
    for lang in sorted(set(langs)):
        mask = langs == lang
        w = weights.get(str(lang), 0.0)
        combined = w * oof["embedding"] + (1 - w) * oof["lexicon"]
        for name, scores in (*oof.items(), ("combined", combined)):
            predicted = (scores[mask] >= HEALTH_THRESHOLD).astype(int)
            f1 = round(float(f1_score(labels[mask], predicted)), 3)
            rows.append({"lang": lang, "model": name, "health_f1": f1, "n_seed": int(mask.sum())})
    return pd.DataFrame(rows)


def require_health(probs: np.ndarray, classes: tuple[str, ...], health: np.ndarray) -> np.ndarray:
    """Knowledge scores where the types about illness need the post to be about health.

    Each of :data:`HEALTH_TYPES` is weighted by the square of the post's
    health score (the probability that it is about health,
    :class:`HealthModel`); the other types are not; the scores are rescaled to
    sum to 1.  A first-person post with a health score of 0.2 keeps 4% of its
    experiential score, one with 0.9 81%.  The square was chosen on the
    development halves (docs/methods.md): weighting by the score itself left
    a tenth of everyday tweets in the illness types, a hard cut at 0.5 cost
    the demo 0.036 of macro-F1 (posts like "I've been feeling really alone
    with this", about illness only by their context).

    Examples
    --------
    >>> classes = ("experiential", "mediated_experiential", "medical", "practical", "advocacy", "other")
    >>> probs = np.array([[0.7, 0.0, 0.1, 0.1, 0.0, 0.1], [0.7, 0.0, 0.1, 0.1, 0.0, 0.1]])
    >>> require_health(probs, classes, np.array([1.0, 0.2])).round(2).tolist()
    [[0.7, 0.0, 0.1, 0.1, 0.0, 0.1], [0.12, 0.0, 0.02, 0.43, 0.0, 0.43]]
    """
    illness = [classes.index(kind) for kind in HEALTH_TYPES]
    out = probs.copy()
    out[:, illness] = out[:, illness] * np.square(np.asarray(health, dtype=float))[:, None]
    total = out.sum(axis=1, keepdims=True)
    nothing = total[:, 0] == 0
    out[nothing, classes.index("other")] = 1.0
    total[nothing] = 1.0
    return out / total
