"""Topic modelling of posts with BERTopic: one shared model per study, per-organisation views.

What people talk about is the first thing a reader of a patient community
asks.  BERTopic [1]_ embeds each post with a sentence-transformers model
(:mod:`helpers.embeddings`, cached), reduces the vectors with UMAP [2]_,
clusters them with HDBSCAN [3]_ and describes every cluster by its class-based
TF-IDF words, re-ranked (KeyBERT-inspired) and made into short labels of
distinct words (:func:`readable_label`).

* **One shared model per study** (:func:`study_topics`): organisations are
  compared on the same topics.  It is fitted once, saved (assignments and
  topic tables as parquet, the model with safetensors) and reloaded by every
  later notebook, organisation and rerun; it is refitted only when the
  eligible posts, the parameters or the model change (their hash).
* **Views** (:func:`topic_view`): the whole study or one organisation, with
  the topic shares, topics over time (Rare Disease Day marked), topics per
  class (organisation vs public, knowledge type...), the hierarchy and
  privacy-safe example posts.  An organisation with too few posts gets a view
  that says so and shows post counts and frequent terms instead.
* **Quality** (:func:`topic_quality`, :func:`evaluate_topics`): NPMI coherence
  on the corpus [4]_ [5]_, topic diversity [6]_, outlier share, and, for the
  demo, agreement with the ground-truth themes (NMI, ARI).

Which posts: every post that is not a share (retweet, reblog, repost) and has
at least ``min_words`` words once mentions, links and placeholders are removed;
organisation posts stay in, with their role, so topics can be compared by class.

Determinism: the posts are ordered by id, UMAP takes the study seed
(``random_state``, which makes it single-threaded), HDBSCAN, c-TF-IDF and the
representation are deterministic, and the embeddings come from the cache, so
two runs on the same data give identical topics.

Modules
-------
Each imports only from the modules listed above it; this package hands their
public names on, so ``from helpers.topics import study_topics`` works.

params
    :class:`TopicParams`, :func:`params_from_config`; ``OUTLIER`` and the statuses.
documents
    The eligible posts (:func:`topic_documents`), stop words, the vectorizer,
    the vocabulary used by enough authors, frequent terms, language notes.
_bertopic_runtime
    The BERTopic embedder around an encoder; BERTopic's log lines and
    progress bar silenced.
_umap_runtime
    Patches to UMAP's numba functions: the on-disk cache, the layout without
    the global interpreter lock (their state lives there).
results
    :class:`TopicResult` (the shared model as tables) and :class:`TopicView`.
grouped
    UMAP and HDBSCAN within each language group (:class:`GroupedUMAP`,
    :class:`GroupedHDBSCAN`), exact neighbours, :func:`warm_numba_cache`.
labels
    Readable labels (:func:`readable_label`, :func:`topic_label`) and the
    label representation.
quality
    NPMI coherence, topic diversity, :func:`topic_quality`.
fit
    :func:`fit_topics`: the pipeline on prepared posts, no files.
saved
    :func:`study_topics`, :func:`load_topics`, fingerprints, saving and
    loading, :func:`forget_topic_models`.
stability
    Refits with other seeds, topics matched across fits (:func:`stability_table`,
    :func:`stability_reading`), the table saved beside the model.
refits
    :func:`topic_stability`: the study's model refitted with other seeds, cached.
views
    :func:`topic_view` and its tables (over time, per class, by organisation,
    example posts).
dynamic
    :func:`topic_words_over_time`: each topic's words per calendar period,
    :func:`word_changes`, :func:`plot_topic_words_over_time`;
    :func:`prepare_topic_words` counts the study for them ahead (the batch).
evaluation
    :func:`evaluate_topics`: quality and agreement with ground-truth themes.
plots
    Static matplotlib figures of views.
interactive
    BERTopic's plotly figures, saved beside the model.

References
----------
.. [1] Grootendorst, M. (2022). BERTopic: Neural topic modeling with a
   class-based TF-IDF procedure. arXiv:2203.05794.
.. [2] McInnes, L., Healy, J. and Melville, J. (2018). UMAP: Uniform Manifold
   Approximation and Projection for dimension reduction. arXiv:1802.03426.
.. [3] Campello, R. J. G. B., Moulavi, D. and Sander, J. (2013). Density-based
   clustering based on hierarchical density estimates. PAKDD 2013, LNCS 7819, 160-172.
.. [4] Bouma, G. (2009). Normalized (pointwise) mutual information in collocation
   extraction. Proceedings of GSCL, 31-40.
.. [5] Röder, M., Both, A. and Hinneburg, A. (2015). Exploring the space of topic
   coherence measures. Proceedings of WSDM '15, 399-408.
.. [6] Dieng, A. B., Ruiz, F. J. R. and Blei, D. M. (2020). Topic modeling in
   embedding spaces. Transactions of the ACL 8, 439-453.
"""

from helpers.topics._umap_runtime import enable_numba_cache, release_gil_in_umap_layout
from helpers.topics.documents import (
    SOCIAL_STOP_WORDS,
    TOKEN_PATTERN,
    author_vocabulary,
    count_words,
    frequent_terms,
    language_notes,
    make_vectorizer,
    precision_note,
    stop_words,
    study_languages,
    topic_documents,
    vocabulary_presence,
)
from helpers.topics.dynamic import (
    plot_topic_words_over_time,
    prepare_topic_words,
    topic_words_over_time,
    word_changes,
)
from helpers.topics.evaluation import baseline_clusters, evaluate_topics, planted_theme_stability
from helpers.topics.fit import fit_topics
from helpers.topics.grouped import (
    GroupedHDBSCAN,
    GroupedUMAP,
    approximate_cosine_neighbours,
    exact_cosine_neighbours,
    language_groups,
    warm_numba_cache,
)
from helpers.topics.interactive import interactive_figures, save_interactive_figures
from helpers.topics.labels import (
    LABEL_SEPARATOR,
    LABEL_TERMS,
    LABEL_WORDS,
    ctfidf_top_words,
    readable_label,
    topic_label,
)
from helpers.topics.params import (
    OUTLIER,
    STATUS_NO_TOPICS,
    STATUS_OK,
    STATUS_TOO_FEW,
    TopicParams,
    auto_min_topic_size,
    params_from_config,
)
from helpers.topics.plots import (
    FIGURE_WIDTH,
    HEATMAP_LABEL_CHARS,
    HEATMAP_MIN_CELL,
    PANEL_COLUMNS,
    PANEL_TITLE_CHARS,
    WEEKLY_BINS_UP_TO,
    hierarchy_linkage,
    over_time_bins,
    plot_top_terms,
    plot_topic_hierarchy,
    plot_topic_shares_by_org,
    plot_topics_over_time,
    plot_topics_per_class,
    rare_disease_day,
    short_label,
    wrap_label,
)
from helpers.topics.quality import npmi_coherence, topic_diversity, topic_quality
from helpers.topics.refits import topic_stability
from helpers.topics.results import UNSTABLE_MARK, TopicResult, TopicView, mark_unstable
from helpers.topics.saved import (
    TOPIC_FOLDER,
    forget_topic_models,
    load_topics,
    study_topics,
    topic_fingerprint,
    topic_inputs_key,
    topics_folder,
)
from helpers.topics.stability import (
    NOT_FITTED,
    REAPPEARS_AT,
    STABLE_SHARE,
    best_match_jaccard,
    refit_seeds,
    refit_topics,
    stability_overview,
    stability_reading,
    stability_summary,
    stability_table,
)
from helpers.topics.views import (
    example_posts,
    no_terms,
    topic_shares_by_org,
    topic_table,
    topic_view,
    topics_over_time,
    topics_per_class,
)

__all__ = [
    "FIGURE_WIDTH", "HEATMAP_LABEL_CHARS", "HEATMAP_MIN_CELL", "LABEL_SEPARATOR", "LABEL_TERMS",
    "LABEL_WORDS", "NOT_FITTED",
    "OUTLIER", "PANEL_COLUMNS", "PANEL_TITLE_CHARS", "REAPPEARS_AT", "SOCIAL_STOP_WORDS",
    "STABLE_SHARE", "STATUS_NO_TOPICS", "STATUS_OK", "STATUS_TOO_FEW", "TOKEN_PATTERN", "TOPIC_FOLDER",
    "UNSTABLE_MARK", "WEEKLY_BINS_UP_TO", "GroupedHDBSCAN", "GroupedUMAP", "TopicParams", "TopicResult",
    "TopicView", "approximate_cosine_neighbours", "author_vocabulary", "auto_min_topic_size",
    "baseline_clusters", "best_match_jaccard", "count_words", "ctfidf_top_words", "enable_numba_cache",
    "evaluate_topics", "exact_cosine_neighbours", "example_posts", "fit_topics", "forget_topic_models",
    "frequent_terms", "hierarchy_linkage", "interactive_figures", "language_groups", "language_notes",
    "load_topics", "make_vectorizer", "mark_unstable", "no_terms", "npmi_coherence", "over_time_bins",
    "params_from_config", "planted_theme_stability", "plot_top_terms", "plot_topic_hierarchy",
    "plot_topic_shares_by_org",
    "plot_topic_words_over_time", "plot_topics_over_time", "plot_topics_per_class", "precision_note",
    "prepare_topic_words",
    "rare_disease_day", "readable_label",
    "refit_seeds", "refit_topics", "release_gil_in_umap_layout", "save_interactive_figures", "short_label",
    "stability_overview", "stability_reading", "stability_summary", "stability_table", "stop_words",
    "study_languages", "study_topics",
    "topic_diversity", "topic_documents", "topic_fingerprint", "topic_inputs_key", "topic_label",
    "topic_quality", "topic_shares_by_org", "topic_stability", "topic_table", "topic_view",
    "topic_words_over_time", "topics_folder",
    "topics_over_time", "topics_per_class", "vocabulary_presence", "warm_numba_cache", "word_changes",
    "wrap_label",
]
