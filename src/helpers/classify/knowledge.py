"""Knowledge type of a post: experiential, mediated experiential, medical, practical, advocacy, other.

Two transparent parts, combined per language:

1. **Signals** (:func:`text_signals`): counts of words and phrases from a
   documented lexicon (``resources/knowledge_lexicon.yml``): first- and
   third-person reference, relatives named as the subject ("my son"),
   narrative and feeling markers, medical vocabulary and links to medical
   domains, calls to action, fundraising and event markers, campaigning,
   practical-help vocabulary, thanks and greetings.  A multinomial logistic
   regression on these counts (the *lexicon model*) gives one probability per
   class; its coefficients are the weight of each signal for each class and
   can be read in the notebook (:meth:`KnowledgeClassifier.signal_weights`).
2. **Embeddings**: a logistic regression on sentence embeddings
   (:mod:`helpers.embeddings`) of the same seed examples.

Both are trained on a small hand-written seed set that ships with the package
(``resources/knowledge_seed.csv``: 30 short posts per class and language,
English and Italian, written for this purpose and independent of the demo
corpus).  The final score of each class is a convex combination
``w * p_embedding + (1 - w) * p_lexicon``: ``w = 0.5`` in languages the
embedding model covers, ``w = 0`` in the others.  With the default
English-only model (all-MiniLM-L6-v2), English posts get both models and
Italian posts the lexicon model alone; a multilingual model
(``analysis.embedding_model``) gives Italian both.  Languages without a
lexicon are classified by the embedding model alone, and flagged
(``knowledge_method``) as ``unsupported`` when that model does not cover
them either.

The experiential / mediated experiential distinction follows Borkman's
experiential knowledge (truth learned from personal experience) [1]_ and
Hartzler & Pratt's patient expertise [2]_: a first-person account of one's own
illness versus an account of someone else's (a parent about a child, an
organisation telling a member's story), the distinction Vicari & Cappai
observed in patient organisations' use of the patient story [3]_.

The lexicon and its signals are in :mod:`.lexicon`, the seed set and the
knowledge types in :mod:`.seed`; this module trains and applies the classifier.

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

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from helpers.classify.health import HEALTH_THRESHOLD, HealthModel, require_health, train_health_model
from helpers.classify.lexicon import (  # noqa: F401 (importable from here as before the split)
    Lexicon,
    compile_entries,
    load_lexicon,
    narrative_person,
    text_signals,
)
from helpers.classify.seed import (  # noqa: F401 (importable from here as before the split)
    CV_FOLDS,
    KNOWLEDGE_TYPES,
    load_seed,
)

if TYPE_CHECKING:  # scikit-learn is imported where a model is trained (reading results need not pay for it)
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

logger = logging.getLogger(__name__)

DEFAULT_EMBEDDING_WEIGHT = 0.5
# Inverse regularisation strengths of the two logistic regressions (chosen once by cross-validation
# on the seed set with all-MiniLM-L6-v2 from 0.03-1 and 1-64; fixed so that training stays quick).
LEXICON_C = 1.0
EMBEDDING_C = 16.0
# Posts whose embeddings are scored at a time: bounds the float64 copies the
# embedding model needs (8,192 x 384 x 8 bytes = 24 MiB) at any study size.
PREDICT_CHUNK = 8192


def lexicon_features(signals: pd.DataFrame) -> np.ndarray:
    """The lexicon model's inputs: ``log(1 + count)`` of every signal."""
    return np.log1p(signals.to_numpy(dtype=float))


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


@dataclass
class KnowledgeClassifier:
    """A trained knowledge-type classifier: lexicon model, embedding model, weights per language.

    Build it with :func:`train_knowledge_classifier`.

    Attributes
    ----------
    lexicon : Lexicon
    lexicon_model : sklearn Pipeline
        Standardisation and multinomial logistic regression on signal counts.
    embedding_model : LogisticRegression
        On L2-normalised sentence embeddings.
    weights : dict
        ``language -> w``, the weight of the embedding model (0 to 1) in the
        languages of the seed set; other languages use the embedding model
        alone when it covers them.
    cv : DataFrame
        Cross-validated macro-F1 and log-loss on the seed set, per language, for
        the lexicon model, the embedding model and the combination.
    model_id : str
        The embedding model.
    seed_digest : str
        SHA-256 of the seed file (and of the health seed file, when one was given).
    health_model : HealthModel, optional
        Whether a post is about health (:mod:`.health`); when set, posts not
        about health cannot be experiential, mediated experiential or medical.
    """

    lexicon: Lexicon
    lexicon_model: Pipeline
    embedding_model: LogisticRegression
    weights: dict[str, float]
    cv: pd.DataFrame
    model_id: str
    seed_digest: str
    classes: tuple[str, ...] = field(default=KNOWLEDGE_TYPES)
    health_model: HealthModel | None = None

    def needs_embedding(self, langs: Sequence[str | None]) -> np.ndarray:
        """Which posts the embedding model takes part in (the others need no embedding)."""
        has_lexicon = set(self.lexicon.languages)
        return np.array(
            [lang not in has_lexicon or self.embedding_weight(lang or "") > 0 for lang in langs], dtype=bool
        )

    @property
    def dimension(self) -> int:
        """Length of the embeddings the classifier was trained on."""
        return int(self.embedding_model.coef_.shape[1])

    def embedding_weight(self, lang: str) -> float:
        """Weight of the embedding model for a language (1 where there is no lexicon)."""
        if lang in self.weights:
            return self.weights[lang]
        from helpers.embeddings import is_multilingual

        return 1.0 if is_multilingual(self.model_id) or lang == "en" else 0.0

    def predict(
        self,
        texts: Sequence[str],
        langs: Sequence[str | None],
        embeddings: np.ndarray,
        urls: Sequence[Sequence[str]] | None = None,
        signals: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """Scores, label, method and signals of each text.

        Parameters
        ----------
        texts, langs, urls
            As for :func:`text_signals`.
        embeddings : ndarray
            One embedding per text, from the model the classifier was trained
            with; only the rows of :meth:`needs_embedding` are read (the
            others may be zeros).
        signals : DataFrame, optional
            ``text_signals(texts, langs, urls, self.lexicon)``, when the caller
            has counted them already (counted here otherwise).

        Returns
        -------
        DataFrame
            ``knowledge_type``, one ``knowledge_<class>`` score per class
            (summing to 1), ``knowledge_method``, ``health_score`` and
            ``health`` (with a health model; see :mod:`.health`),
            ``narrative_person`` and one ``sig_<signal>`` count per signal.

        Notes
        -----
        ``knowledge_method`` says what decided each post: ``combined`` (lexicon
        and embedding models), ``lexicon`` (the embedding model does not cover
        the language, e.g. Italian with an English-only model), ``embedding``
        (no lexicon for the language, but a multilingual model),
        ``unsupported`` (neither: the English-only embedding model on a
        language without lexicon; scores are unreliable) or ``empty`` (no
        text: ``other``).
        """
        if signals is None:
            signals = text_signals(texts, langs, urls, self.lexicon)
        elif len(signals) != len(texts):
            raise ValueError(f"{len(signals)} rows of signals for {len(texts)} texts")
        x_lex = lexicon_features(signals)
        p_lex = self._ordered(self.lexicon_model, x_lex)
        langs_arr = np.array([lang or "" for lang in langs], dtype=object)
        has_lexicon = np.isin(langs_arr, list(self.lexicon.languages))
        w = np.array([self.embedding_weight(lang) for lang in langs_arr])
        embedded = w > 0
        w = np.where(has_lexicon, w, 1.0)
        p_emb = np.zeros_like(p_lex)
        # Health relevance, combined like the knowledge scores: the signals alone where w is 0.
        model = self.health_model
        health_lex = np.zeros(len(p_lex)) if model is None else model.lexicon_scores(x_lex)
        health = health_lex.copy()
        used = w > 0
        embeddings = np.asarray(embeddings)
        rows = np.flatnonzero(used)
        for start in range(0, len(rows), PREDICT_CHUNK):
            chunk = rows[start:start + PREDICT_CHUNK]
            vectors = _normalise(np.asarray(embeddings[chunk], dtype=float))
            p_emb[chunk] = self._ordered(self.embedding_model, vectors)
            if self.health_model is not None:
                health[chunk] = (w[chunk] * self.health_model.embedding_scores(vectors)
                                 + (1 - w[chunk]) * health_lex[chunk])
        probs = w[:, None] * p_emb + (1 - w[:, None]) * p_lex
        method = np.select(
            [has_lexicon & embedded, has_lexicon, embedded],
            ["combined", "lexicon", "embedding"],
            default="unsupported",
        ).astype(object)
        empty = np.array([not (t or "").strip() for t in texts], dtype=bool)
        health[empty] = 0.0
        if self.health_model is not None:
            probs = require_health(probs, self.classes, health)
        probs[empty] = 0.0
        probs[empty, list(self.classes).index("other")] = 1.0
        method[empty] = "empty"
        out = pd.DataFrame(probs, columns=[f"knowledge_{c}" for c in self.classes])
        out.insert(0, "knowledge_type", np.array(self.classes)[probs.argmax(axis=1)])
        out["knowledge_method"] = method
        if self.health_model is not None:
            out["health_score"] = health.round(4)
            out["health"] = health >= HEALTH_THRESHOLD
        out["narrative_person"] = narrative_person(signals, out["knowledge_type"])
        for name in signals.columns:
            out[f"sig_{name}"] = signals[name].to_numpy()
        return out

    def _ordered(self, model: Pipeline | LogisticRegression, features: np.ndarray) -> np.ndarray:
        """Class probabilities in :attr:`classes` order."""
        probs = model.predict_proba(features) if len(features) else np.zeros((0, len(model.classes_)))
        order = [list(model.classes_).index(c) for c in self.classes]
        return probs[:, order]

    def signal_weights(self) -> pd.DataFrame:
        """Coefficients of the lexicon model: one row per signal, one column per class.

        Positive values push a post towards the class; values are per standard
        deviation of ``log(1 + count)``, so they compare across signals.
        """
        lr: LogisticRegression = self.lexicon_model[-1]
        coef = pd.DataFrame(lr.coef_.T, index=list(self.lexicon.signals), columns=list(lr.classes_))
        return coef[list(self.classes)].round(2)


def train_knowledge_classifier(
    seed: pd.DataFrame,
    seed_embeddings: np.ndarray,
    *,
    model_id: str,
    lexicon: Lexicon | None = None,
    random_state: int = 0,
    seed_digest: str = "",
    embedding_weight: float = DEFAULT_EMBEDDING_WEIGHT,
    cross_validate: bool = True,
) -> KnowledgeClassifier:
    """Train the lexicon and embedding models on the seed set; set the combination weight per language.

    Parameters
    ----------
    seed : DataFrame
        ``lang``, ``knowledge_type``, ``text`` (see :func:`load_seed`), and
        optionally ``health`` (1, 0 or missing; see
        :func:`helpers.classify.health.training_posts`): with it a health
        model is trained on the rows that have one.
    seed_embeddings : ndarray
        Embeddings of ``seed["text"]``, in order.
    model_id : str
        Name of the embedding model (recorded, not used).
    lexicon : Lexicon, optional
    random_state : int
        Seed of the cross-validation splits (the study seed).
    seed_digest : str
        Hash of the seed file, recorded in the classifier.
    embedding_weight : float
        Weight of the embedding model in languages it covers (see
        :func:`embedding_weights`).
    cross_validate : bool
        Also estimate, by stratified 5-fold cross-validation on the seed set,
        the macro-F1 and log-loss of both models and of their combination
        (kept in :attr:`KnowledgeClassifier.cv`; empty when False).

    Notes
    -----
    Both models are L2-regularised multinomial logistic regressions (the
    lexicon model on standardised ``log(1 + count)`` signals).  The
    cross-validated scores are optimistic for the lexicon model, whose word
    lists were drafted alongside the seed examples; this is why the
    combination weight is fixed by design instead of being tuned on the same
    cross-validation.  Everything is deterministic for a given
    ``random_state``.
    """
    with threadpool_limits(1):  # small problems: BLAS threads only contend (50x slower on a busy machine)
        return _train(
            seed,
            seed_embeddings,
            model_id,
            lexicon or load_lexicon(),
            random_state,
            seed_digest,
            embedding_weight,
            cross_validate,
        )


def _train(
    seed: pd.DataFrame,
    seed_embeddings: np.ndarray,
    model_id: str,
    lexicon: Lexicon,
    random_state: int,
    seed_digest: str,
    embedding_weight: float,
    cross_validate: bool,
) -> KnowledgeClassifier:
    all_langs = seed["lang"].to_numpy()
    all_lex = lexicon_features(text_signals(seed["text"].tolist(), all_langs.tolist(), None, lexicon))
    all_emb = _normalise(np.asarray(seed_embeddings, dtype=float))
    typed = seed["knowledge_type"].notna().to_numpy()  # the health seed's posts have no knowledge type
    labels = seed["knowledge_type"].to_numpy()[typed]
    langs, x_lex, x_emb = all_langs[typed], all_lex[typed], all_emb[typed]
    strata = np.char.add(langs.astype(str), labels.astype(str))
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(CV_FOLDS, shuffle=True, random_state=random_state).split(x_lex, strata))

    weights = embedding_weights(langs.tolist(), model_id, embedding_weight)
    health_model = None
    if "health" in seed.columns:
        known = seed["health"].notna().to_numpy()
        health_labels = seed["health"][known].astype(int).to_numpy()
        health_model = train_health_model(all_lex[known], all_emb[known], health_labels, all_langs[known],
                                          weights, random_state, cross_validate, lexicon.signals,
                                          _lexicon_model(), _embedding_model())
    cv = pd.DataFrame()
    if cross_validate:
        oof_lex = _out_of_fold(_lexicon_model(), x_lex, labels, folds)
        oof_emb = _out_of_fold(_embedding_model(), x_emb, labels, folds)
        cv = _cv_table(oof_lex, oof_emb, labels, langs, weights)
    logger.info(
        "Knowledge classifier trained on %d seed posts; embedding weight per language %s", len(labels),
        weights,
    )
    return KnowledgeClassifier(
        lexicon=lexicon,
        lexicon_model=_lexicon_model().fit(x_lex, labels),
        embedding_model=_embedding_model().fit(x_emb, labels),
        weights=weights,
        cv=cv,
        model_id=model_id,
        seed_digest=seed_digest,
        health_model=health_model,
    )


def _lexicon_model() -> Pipeline:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=LEXICON_C, max_iter=2000))


def _embedding_model() -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=EMBEDDING_C, max_iter=2000)


def _out_of_fold(model, x: np.ndarray, labels: np.ndarray, folds: list) -> np.ndarray:
    oof = np.zeros((len(labels), len(KNOWLEDGE_TYPES)))
    for train, test in folds:
        fitted = model.fit(x[train], labels[train])
        classes = list(fitted.classes_)
        probs = fitted.predict_proba(x[test])
        for j, name in enumerate(KNOWLEDGE_TYPES):
            if name in classes:
                oof[test, j] = probs[:, classes.index(name)]
    return oof


def embedding_weights(
    languages: Sequence[str], model_id: str, weight: float = DEFAULT_EMBEDDING_WEIGHT
) -> dict[str, float]:
    """Weight of the embedding model per language.

    ``weight`` for languages the embedding model covers (every language for a
    multilingual model, English for an English-only one), 0 otherwise: there
    the lexicon model decides alone.

    Examples
    --------
    >>> embedding_weights(["en", "it"], "sentence-transformers/all-MiniLM-L6-v2")
    {'en': 0.5, 'it': 0.0}
    >>> embedding_weights(["en", "it"], "paraphrase-multilingual-MiniLM-L12-v2")
    {'en': 0.5, 'it': 0.5}
    """
    from helpers.embeddings import is_multilingual

    multilingual = is_multilingual(model_id)
    return {lang: (weight if multilingual or lang == "en" else 0.0) for lang in sorted(set(languages))}


def _cv_table(
    oof_lex: np.ndarray, oof_emb: np.ndarray, labels: np.ndarray, langs: np.ndarray, weights: dict[str, float]
) -> pd.DataFrame:
    """Cross-validated macro-F1 and log-loss on the seed set, per language and model."""
    from sklearn.metrics import f1_score

    rows = []
    classes = np.array(KNOWLEDGE_TYPES)
    for lang in sorted(set(langs)):
        mask = langs == lang
        w = weights.get(str(lang), 0.0)
        for name, probs in (
            ("lexicon", oof_lex),
            ("embedding", oof_emb),
            ("combined", w * oof_emb + (1 - w) * oof_lex),
        ):
            predicted = classes[probs[mask].argmax(axis=1)]
            rows.append(
                {
                    "lang": lang,
                    "model": name,
                    "embedding_weight": w if name == "combined" else np.nan,
                    "macro_f1": round(
                        float(f1_score(labels[mask], predicted, average="macro", labels=list(classes))), 3
                    ),
                    "log_loss": round(_log_loss(labels[mask], probs[mask]), 3),
                    "n_seed": int(mask.sum()),
                }
            )
    return pd.DataFrame(rows)


def _log_loss(labels: np.ndarray, probs: np.ndarray) -> float:
    """Mean negative log-probability of the true class; ``probs`` columns in KNOWLEDGE_TYPES order."""
    index = np.array([KNOWLEDGE_TYPES.index(label) for label in labels])
    picked = np.clip(probs[np.arange(len(labels)), index], 1e-15, 1.0)
    return float(-np.mean(np.log(picked)))
