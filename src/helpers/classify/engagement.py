"""Engagement (likes, shares, replies) by knowledge type and communication mode.

Engagement counts are overdispersed: most posts get a handful of likes, a
few get hundreds.  Means alone mislead, and ordinary least squares on counts
gives nonsense intervals, so this module offers

* :func:`engagement_means`: per group the number of posts, the mean with a
  percentile bootstrap confidence interval (resampling posts, seeded), the
  median and the share of posts with no engagement;
* :func:`engagement_model`: a negative binomial (NB2) regression of the count
  on knowledge type and mode, with the feed (organisation and platform) and
  the author role as controls when they vary, reported as incidence rate ratios (IRR: how many
  times the expected count of a category is that of the reference category,
  other things equal) with 95% confidence intervals [1]_ [2]_.  When the
  negative binomial fit fails to converge it falls back to Poisson regression
  with heteroskedasticity-robust (sandwich) standard errors, which stays
  consistent for the IRRs under overdispersion [1]_; the ``model`` column
  says which was used.

Shares (retweets, reblogs) are left out: their counts are those of the
original post.  The reference categories are ``medical`` (the authority the
patient story stands beside, in Vicari & Cappai's terms [3]_) and
``one_way``.

Caveat: a thread is two-way or crowd-sourced *because* people replied, so
``replies`` by mode is partly true by construction; read the mode effects
on likes and shares.

References
----------
.. [1] Cameron, A. C. and Trivedi, P. K. (2013). Regression Analysis of Count
   Data (2nd ed.). Cambridge University Press.
.. [2] Hilbe, J. M. (2011). Negative Binomial Regression (2nd ed.).
   Cambridge University Press.
.. [3] Vicari, S. and Cappai, F. (2016). Health activism and the logic of
   connective action. A case study of rare disease patient organisations.
   Information, Communication & Society, 19(11), 1653-1671.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

logger = logging.getLogger(__name__)

METRICS = ("likes", "shares", "replies")
TERMS = ("knowledge_type", "mode")
CONTROLS = ("feed", "author_role")
REFERENCE = {"knowledge_type": "medical", "mode": "one_way"}
MIN_POSTS = 10
_LEVEL = re.compile(r"^C\((\w+).*\)\[T\.(.+)\]$")


# Columns of a fitted model's table (:func:`engagement_model`), also when no model could be fitted.
MODEL_COLUMNS = ["metric", "term", "level", "reference", "irr", "ci_low", "ci_high", "p_value", "posts", "n",
                 "model", "alpha"]


def engagement_data(classified: pd.DataFrame, metric: str, author_role: str | None = None) -> pd.DataFrame:
    """Posts that can enter an engagement analysis of ``metric``.

    Drops shares (their counts are the original's) and posts whose export
    gives no count for ``metric``; keeps one role of author when asked; adds
    ``feed`` (organisation and platform: the audience a post reached, used as
    control; organisations and platforms are nested, so they enter the model
    as one variable).

    Parameters
    ----------
    classified : DataFrame
        Posts with their classification (:func:`helpers.classify.study.load_classified_posts`).
    metric : {"likes", "shares", "replies"}
    author_role : {"org", "public"}, optional
    """
    if metric not in classified.columns:
        raise KeyError(f"no engagement column {metric!r}; choose from {METRICS}")
    keep = classified["shared_id"].isna() & classified[metric].notna()
    if author_role is not None:
        keep &= classified["author_role"] == author_role
    data = classified[keep].copy()
    data[metric] = data[metric].astype("int64")
    if {"org_id", "platform"} <= set(data.columns):
        data["feed"] = data["org_id"].astype(str) + "/" + data["platform"].astype(str)
    return data.reset_index(drop=True)


def engagement_means(
    data: pd.DataFrame,
    metric: str,
    by: Sequence[str] = ("knowledge_type",),
    *,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Mean engagement per group with a percentile bootstrap confidence interval.

    Parameters
    ----------
    data : DataFrame
        From :func:`engagement_data`.
    metric : str
    by : sequence of str
        Grouping columns.
    n_boot : int
        Bootstrap resamples (of posts, within each group).
    seed : int
        Random seed (the study seed), so intervals are reproducible.
    level : float
        Confidence level.

    Returns
    -------
    DataFrame
        ``by`` columns, ``posts``, ``mean``, ``ci_low``, ``ci_high``,
        ``median``, ``zero_share``.

    References
    ----------
    Efron, B. and Tibshirani, R. J. (1993). An Introduction to the Bootstrap.
    Chapman & Hall.
    """
    rng = np.random.default_rng(seed)
    alpha = (1 - level) / 2
    rows = []
    for keys, group in data.groupby(list(by), sort=True):
        values = group[metric].to_numpy(dtype=float)
        draws = rng.choice(values, size=(n_boot, len(values)), replace=True).mean(axis=1)
        keys = keys if isinstance(keys, tuple) else (keys,)
        rows.append(
            {
                **dict(zip(by, keys, strict=True)),
                "posts": len(values),
                "mean": values.mean(),
                "ci_low": np.quantile(draws, alpha),
                "ci_high": np.quantile(draws, 1 - alpha),
                "median": float(np.median(values)),
                "zero_share": float((values == 0).mean()),
            }
        )
    return pd.DataFrame(rows, columns=[*by, "posts", "mean", "ci_low", "ci_high", "median", "zero_share"])


def engagement_model(
    data: pd.DataFrame,
    metric: str,
    *,
    terms: Sequence[str] = TERMS,
    controls: Sequence[str] = CONTROLS,
    reference: Mapping[str, str] = REFERENCE,
    min_posts: int = MIN_POSTS,
) -> pd.DataFrame:
    """Incidence rate ratios of ``metric`` by knowledge type and mode, from a count regression.

    Parameters
    ----------
    data : DataFrame
        From :func:`engagement_data`.
    metric : str
        The count to model.
    terms : sequence of str
        Categorical variables whose effects are reported.
    controls : sequence of str
        Categorical controls, used when they take more than one value.
    reference : mapping
        Reference level per term (the most frequent level when absent).
    min_posts : int
        Levels of a term with fewer posts are left out (their IRR would be
        meaningless); the log says which.

    Returns
    -------
    DataFrame
        One row per non-reference level of each term: ``metric``, ``term``,
        ``level``, ``reference``, ``irr``, ``ci_low``, ``ci_high`` (95%),
        ``p_value``, ``posts`` (of that level), ``n`` (posts in the model),
        ``model`` and ``alpha`` (the NB2 overdispersion; NaN for Poisson).
        Empty when there are too few posts or no term varies.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"knowledge_type": ["medical", "experiential"] * 100,
    ...                      "mode": "one_way", "platform": "twitter"})
    >>> data["likes"] = rng.negative_binomial(2, np.where(data["knowledge_type"] == "medical", 0.4, 0.2))
    >>> table = engagement_model(data, "likes", terms=["knowledge_type"], controls=[])
    >>> table.loc[0, "level"], bool(table.loc[0, "irr"] > 1)
    ('experiential', True)
    """
    columns = MODEL_COLUMNS
    frame = data[[metric, *terms, *[c for c in controls if c in data.columns]]].dropna().copy()
    for term in terms:
        counts = frame[term].value_counts()
        rare = counts[counts < min_posts].index.tolist()
        if rare:
            logger.info(
                "Engagement model of %s: leaving out %s %s (fewer than %d posts)",
                metric,
                term,
                rare,
                min_posts,
            )
            frame = frame[~frame[term].isin(rare)]
    used_terms = [t for t in terms if frame[t].nunique() > 1]
    used_controls = [c for c in controls if c in frame.columns and frame[c].nunique() > 1]
    if not used_terms or len(frame) < min_posts * 2:
        return pd.DataFrame(columns=columns)
    refs = {
        t: reference.get(t) if reference.get(t) in set(frame[t]) else frame[t].value_counts().idxmax()
        for t in used_terms
    }
    rhs = [f"C({t}, Treatment(reference={refs[t]!r}))" for t in used_terms] + [
        f"C({c})" for c in used_controls
    ]
    formula = f"{metric} ~ " + " + ".join(rhs)
    frame[metric] = frame[metric].astype(float)
    if not (frame[metric] > 0).any():  # no count model exists for a count that is always 0
        logger.info("Engagement model of %s: every post has 0; no model", metric)
        return pd.DataFrame(columns=columns)
    try:
        with threadpool_limits(1):
            params, conf, pvalues, model, alpha = _fit(formula, frame)
    except (ValueError, np.linalg.LinAlgError) as exc:  # e.g. a degenerate design the Poisson fit refuses
        logger.warning("No engagement model of %s could be fitted (%s)", metric, exc)
        return pd.DataFrame(columns=columns)
    rows = []
    for name in params.index:
        match = _LEVEL.match(name)
        if not match or match.group(1) not in used_terms:
            continue
        term, level = match.group(1), match.group(2)
        rows.append(
            {
                "metric": metric,
                "term": term,
                "level": level,
                "reference": refs[term],
                "irr": float(np.exp(params[name])),
                "ci_low": float(np.exp(conf.loc[name, 0])),
                "ci_high": float(np.exp(conf.loc[name, 1])),
                "p_value": float(pvalues[name]),
                "posts": int((frame[term] == level).sum()),
                "n": len(frame),
                "model": model,
                "alpha": alpha,
            }
        )
    return pd.DataFrame(rows, columns=columns)


def _fit(formula: str, frame: pd.DataFrame) -> tuple[pd.Series, pd.DataFrame, pd.Series, str, float]:
    """Negative binomial (NB2) by maximum likelihood; Poisson with robust errors if it does not converge."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

    for method in ("newton", "bfgs"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", (ConvergenceWarning, HessianInversionWarning, RuntimeWarning))
                result = smf.negativebinomial(formula, frame).fit(method=method, maxiter=500, disp=0)
        except (np.linalg.LinAlgError, ValueError) as exc:
            logger.debug("Negative binomial fit (%s) failed: %s", method, exc)
            continue
        alpha = float(result.params.get("alpha", np.nan))
        finite = np.isfinite(result.bse).all()
        if result.mle_retvals.get("converged", False) and finite and 0 < alpha < 1e3:
            params = result.params.drop("alpha")
            return (
                params,
                result.conf_int().drop("alpha"),
                result.pvalues.drop("alpha"),
                "negative binomial (NB2)",
                alpha,
            )
    logger.warning(
        "Negative binomial model did not converge for %s; using Poisson with robust errors",
        formula.split("~")[0].strip(),
    )
    result = smf.glm(formula, frame, family=sm.families.Poisson()).fit(cov_type="HC0")
    return result.params, result.conf_int(), result.pvalues, "Poisson, robust (HC0) errors", np.nan


def engagement_models(
    classified: pd.DataFrame,
    metrics: Sequence[str] = METRICS,
    *,
    author_role: str | None = None,
    **kwargs,
) -> pd.DataFrame:
    """:func:`engagement_model` for each metric, stacked into one table."""
    tables = [
        engagement_model(engagement_data(classified, metric, author_role), metric, **kwargs)
        for metric in metrics
        if metric in classified.columns
    ]
    tables = [t for t in tables if not t.empty]
    if not tables:
        return pd.DataFrame(columns=MODEL_COLUMNS)
    return pd.concat(tables, ignore_index=True)
