"""The study configuration: one YAML file, validated by pydantic.

A researcher copies ``config/study.yml``, edits organisations, accounts and
input files, and every notebook and CLI command reads the same file through
:func:`load_config`.  A wrong file gives a :class:`ConfigError` that names the
file and the field.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from helpers.errors import UserError

PLATFORMS = ("twitter", "reddit", "mastodon", "bluesky", "facebook", "instagram", "forum")
Platform = Literal["twitter", "reddit", "mastodon", "bluesky", "facebook", "instagram", "forum"]
FORMATS = (
    "twarc2",
    "twitter_v1",
    "twarc_csv",
    "pushshift",
    "reddit_api",
    "mastodon",
    "bluesky",
    "crowdtangle",
    "meta_content_library",
    "table",
)
InputFormat = Literal[
    "twarc2",
    "twitter_v1",
    "twarc_csv",
    "pushshift",
    "reddit_api",
    "mastodon",
    "bluesky",
    "crowdtangle",
    "meta_content_library",
    "table",
]
_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
MAX_ID_LENGTH = 64


class ConfigError(UserError, ValueError):
    """A study configuration that cannot be used; the message names file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputFile(_Strict):
    """One export file of one organisation.

    ``format`` is detected from the content when omitted.  ``platform`` and
    ``columns`` are needed only for the generic ``table`` format (a CSV or
    parquet file with a column map from canonical fields to its columns).
    """

    path: Path
    format: InputFormat | None = None
    platform: Platform | None = None
    columns: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _table_needs_map(self) -> InputFile:
        if self.format == "table" and (self.platform is None or not self.columns):
            raise ValueError("format 'table' needs 'platform' and a 'columns' map")
        return self


class Organisation(_Strict):
    """A patient organisation in the study, with its own accounts and export files."""

    id: str = Field(description="short slug used in file names, e.g. 'sma-uk'")
    name: str
    disease: str
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 alpha-2")
    language: str = Field(min_length=2, max_length=3, description="ISO 639-1 code")
    accounts: dict[Platform, list[str]] = Field(
        default_factory=dict, description="the organisation's own handles per platform"
    )
    websites: list[str] = Field(
        default_factory=list, description="the organisation's own sites (links to them: patient org.)")
    inputs: list[InputFile] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if len(value) > MAX_ID_LENGTH:
            raise ValueError(f"is {len(value)} characters long; at most {MAX_ID_LENGTH} (it names files "
                             "and folders)")
        if not _ID_PATTERN.fullmatch(value):
            raise ValueError(f"{value!r} is not a lower-case slug: letters a-z, digits, '-' or '_', starting "
                             "with a letter or digit, nothing else (no spaces or line breaks)")
        return value

    @field_validator("name", "disease")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


class PrivacySettings(_Strict):
    """Privacy rules (see docs/privacy.md)."""

    secret_file: Path = Field(
        description="per-study pseudonymisation key, kept outside the repository"
    )
    min_group_size: int = Field(5, ge=2)
    allow_verbatim: bool = False
    quote_max_chars: int = Field(140, ge=20)
    person_names_file: Path | None = None
    scrub_person_names: Literal["off", "ner"] = Field(
        "off", description="'ner': also replace the person names a spaCy pipeline finds (docs/privacy.md); "
        "needs spaCy and a pipeline installed")
    ner_pipeline: str = Field("en_core_web_sm", description="the spaCy pipeline for 'ner': a package name or "
                              "the folder of a saved pipeline")
    keep_url_paths: bool = False
    coding_sheets: bool = Field(
        False, description="write sampled posts (scrubbed of handles and known names) to coding sheets and "
        "REFI-QDA projects for the study's coders (docs/coding.md); off: the coding commands refuse")
    erasure_register: Path = Field(
        Path("config/erasure_register.json"),
        description="erasure requests (keyed hashes, no identities); later ingestions keep them out",
    )


EARLIEST_PLAUSIBLE_DATE = date(2004, 1, 1)
"""Default start of the date window: no platform the package reads existed before 2004."""


class IngestionSettings(_Strict):
    """Limits on what a record may hold before it is quarantined (docs/ingestion.md, "Limits").

    A record outside them is quarantined with the limit named in its reason;
    nothing is dropped silently.
    """

    earliest_date: date = Field(
        EARLIEST_PLAUSIBLE_DATE, description="posts created before this day are quarantined")
    latest_date: date | None = Field(
        None, description="posts created after this day are quarantined (default: the day after the run)")
    max_text_chars: int = Field(
        100_000, ge=1_000, description="posts with longer text are quarantined (a post of 50 MB is an "
        "export error, not a post)")

    @model_validator(mode="after")
    def _window_in_order(self) -> IngestionSettings:
        if self.latest_date is not None and self.latest_date < self.earliest_date:
            raise ValueError("latest_date is before earliest_date")
        return self

    def date_window(self, today: date | None = None) -> tuple[datetime, datetime]:
        """The first and the last moment (UTC) a post may have been created.

        Examples
        --------
        >>> first, last = IngestionSettings().date_window(today=date(2026, 12, 6))
        >>> first.isoformat(), last.isoformat()
        ('2004-01-01T00:00:00+00:00', '2026-12-08T00:00:00+00:00')
        """
        today = today or datetime.now(UTC).date()
        latest = self.latest_date or today + timedelta(days=1)
        first = datetime.combine(self.earliest_date, time(0), tzinfo=UTC)
        last = datetime.combine(latest, time(0), tzinfo=UTC) + timedelta(days=1)
        return first, last


Day = date
"""A calendar day (the alias lets a field be called ``date``)."""
EVENT_WINDOW_DAYS = 28
"""Default length of the windows before and after an event (four weeks)."""
EVENT_MARGIN_DAYS = 3
"""Default margin each side of a single-day event: its during window is the week centred on the day."""


class EventSettings(_Strict):
    """A dated event whose before, during and after windows are compared (docs/events.md).

    Give either ``date`` (one day: Rare Disease Day, a drug approval, a
    television programme) or ``start`` and ``end`` (a campaign, an awareness
    month).  The during window is the day, or ``start`` to ``end``, widened by
    ``during_days`` each side (default: 3 for a single day, so that the
    during window is the week centred on it; 0 for a span); the before and
    after windows are the ``before_days`` and ``after_days`` next to it.
    """

    name: str = Field(description="how reports name the event, e.g. 'EMA approval of nusinersen'")
    date: Day | None = Field(None, description="the day of a one-day event")
    start: Day | None = Field(None, description="the first day of an event that lasts")
    end: Day | None = Field(None, description="its last day (inclusive)")
    before_days: int = Field(EVENT_WINDOW_DAYS, ge=7, le=366, description="days of the window before")
    after_days: int = Field(EVENT_WINDOW_DAYS, ge=7, le=366, description="days of the window after")
    during_days: int | None = Field(
        None, ge=0, le=60, description=f"days added each side of the event (default {EVENT_MARGIN_DAYS} for "
        "a single date, 0 for start..end)")

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty: reports name the event by it")
        return value.strip()

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: Day | None, info: ValidationInfo) -> Day | None:
        start = info.data.get("start")
        if value is not None and start is not None and value < start:
            raise ValueError(f"end ({value}) is before start ({start})")
        return value

    @model_validator(mode="after")
    def _one_kind_of_date(self) -> EventSettings:
        span = self.start is not None or self.end is not None
        if self.date is not None and span:
            raise ValueError(f"event {self.name!r}: give either date: or start: and end:, not both")
        if self.date is None and not span:
            raise ValueError(f"event {self.name!r}: needs date: (one day) or start: and end: (a span)")
        if span and (self.start is None or self.end is None):
            missing = "end" if self.end is None else "start"
            raise ValueError(f"event {self.name!r}: {missing}: is missing (a span needs start: and end:)")
        return self

    @property
    def margin_days(self) -> int:
        """Days added each side of the event to make its during window."""
        if self.during_days is not None:
            return self.during_days
        return EVENT_MARGIN_DAYS if self.date is not None else 0

    @property
    def first_day(self) -> Day:
        """The event's first day (its date, or start)."""
        return self.date if self.date is not None else self.start  # type: ignore[return-value]

    @property
    def last_day(self) -> Day:
        """The event's last day (its date, or end)."""
        return self.date if self.date is not None else self.end  # type: ignore[return-value]


EmbeddingPrecision = Literal["float32", "bfloat16"]
"""Number formats the embedding model can compute in (``helpers.embeddings.PRECISIONS``)."""


STABILITY_SAMPLE_MIN = 5_000
"""Smallest ``analysis.topic_stability_sample`` other than 0."""


class AnalysisSettings(_Strict):
    """Parameters of the analysis notebooks."""

    embedding_model: str = "all-MiniLM-L6-v2"
    min_topic_size: int | Literal["auto"] = "auto"
    duplicate_window_hours: float = Field(24.0, ge=0)
    time_slice: Literal["month", "quarter", "year"] = "quarter"
    betweenness_k: int = Field(500, ge=10)
    knowledge_seed_file: Path | None = Field(None, description="labelled seed posts (default: packaged)")
    knowledge_lexicon_file: Path | None = Field(None, description="signal lexicon (default: packaged)")
    codebook_file: Path | None = Field(None, description="the coders' codebook (default: packaged)")
    health_seed_file: Path | None = Field(
        None, description="posts about health (1) or not (0), with a knowledge type (default: packaged)")
    knowledge_embedding_weight: float = Field(0.5, ge=0, le=1)
    embedding_batch_size: int = Field(32, ge=1, description="texts per forward pass (32 was fastest on CPU)")
    embedding_device: str | None = Field(None, description="e.g. 'cpu' or 'cuda'; default: automatic")
    embedding_precision: EmbeddingPrecision = Field(
        "float32",
        description="'bfloat16': about 2x faster on CPUs with AMX or AVX512-BF16; vectors differ "
        "slightly from float32 (cosine > 0.999) and are cached apart",
    )
    topic_min_words: int = Field(5, ge=1, description="fewest words for a post to enter the topic model")
    topic_min_posts: int = Field(50, ge=1, description="fewest posts for an organisation's topic view")
    topic_outlier_threshold: float = Field(0.3, ge=0, le=1)
    topic_fit_sample: int = Field(
        200_000, ge=1_000, description="above this many topic documents: fit on a stratified sample of "
                                       "this size, assign the rest")
    topic_stability_seeds: int = Field(
        5, ge=0, le=50, description="fits compared for topic stability, the study's own included (4 refits "
                                    "with other seeds); 0 or 1: no stability analysis")
    topic_stability_sample: int = Field(
        0, ge=0, description="0: the stability refits use every topic document; else, above this many "
                             "topic documents, each refit is fitted on a seeded stratified sample of this "
                             "size (another per refit) and compared with the study's fit on those posts "
                             "(cheaper and stricter, docs/topics.md)")
    topic_seeds: dict[str, list[str]] = Field(
        default_factory=dict, description="guided topics: a name and its seed words, e.g. {'diet': ['diet', "
        "'formula', 'protein']} (BERTopic's seed_topic_list); a matching topic is labelled with the name")
    zero_shot_topics: list[str] = Field(
        default_factory=list, description="zero-shot topics: labels that posts similar enough to them are "
        "assigned to before clustering (BERTopic's zeroshot_topic_list)")
    zero_shot_min_similarity: float = Field(
        0.7, ge=0, le=1, description="least cosine similarity of a post to a zero-shot label (BERTopic's "
                                     "default)")
    page_platforms: list[Platform] = Field(
        default_factory=lambda: ["facebook"], description="platforms whose exports hold page posts only"
    )
    link_sources_file: Path | None = Field(
        None, description="the study's link source types, added to the packaged list (docs/pathways.md)")
    events: list[EventSettings] = Field(
        default_factory=list, description="dated events whose before, during and after windows are compared "
        "(docs/events.md)")
    rare_disease_day: bool = Field(
        True, description="also compare the windows around Rare Disease Day (the last day of February) of "
        "every year the posts cover")
    event_min_threads: int = Field(
        10, ge=2, description="fewest threads a window needs for its shares to be compared")
    event_series_weeks: int = Field(
        26, ge=4, le=104, description="weeks before and after an event in its interrupted time series")

    @field_validator("topic_stability_sample")
    @classmethod
    def _a_sample_a_topic_model_can_fit(cls, value: int) -> int:
        if 0 < value < STABILITY_SAMPLE_MIN:
            raise ValueError(f"is {value}: a refit on fewer than {STABILITY_SAMPLE_MIN:,} topic documents "
                             "finds few of the study's topics; use 0 (every topic document) or at least "
                             f"{STABILITY_SAMPLE_MIN:,}")
        return value

    @model_validator(mode="after")
    def _unique_event_names(self) -> AnalysisSettings:
        seen: set[str] = set()
        for event in self.events:
            if event.name.casefold() in seen:
                raise ValueError(f"events: the name {event.name!r} is used twice; reports name events by it")
            seen.add(event.name.casefold())
        return self


ListedActorType = Literal["patient", "carer_family", "clinician_researcher", "industry", "media",
                          "public_body", "peer_organisation"]
"""The actor types a study may list accounts under (its organisations are named under ``organisations``)."""


class ActorSettings(_Strict):
    """Who speaks: the actor types of accounts (docs/pathways.md).

    An account's type comes, first to last, from a hand code (``codes_file``),
    the study's lists (``lists``: handles per type and platform), a rule on its
    profile description (``rules_file``, or the packaged rules), else
    ``unknown``; the study's own organisation accounts are ``study_organisation``.
    """

    lists: dict[ListedActorType, dict[Platform, list[str]]] = Field(
        default_factory=dict, description="handles of known accounts per actor type and platform")
    rules_file: Path | None = Field(None, description="profile rules replacing the packaged ones")
    codes_file: Path | None = Field(
        None, description="hand codes: a CSV with author_id (the accounts table's pseudonym) and actor_type")


class StudyConfig(_Strict):
    """The whole study: who, what data, and how to analyse it."""

    name: str
    seed: int = 20160229
    raw_dir: Path = Path("data/raw")
    processed_dir: Path = Path("data/processed")
    reports_dir: Path = Path("reports")
    coding_dir: Path = Field(Path("coding"), description="coding sheets and agreement (docs/coding.md)")
    privacy: PrivacySettings
    ingestion: IngestionSettings = Field(default_factory=IngestionSettings)
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)
    actors: ActorSettings = Field(default_factory=ActorSettings)
    organisations: list[Organisation] = Field(min_length=1)

    # Set by load_config: where the file lives; relative paths resolve against it.
    source: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_org_ids(self) -> StudyConfig:
        seen: set[str] = set()
        for org in self.organisations:
            if org.id in seen:
                raise ValueError(f"organisation id {org.id!r} is used twice")
            seen.add(org.id)
        return self

    def organisation(self, org_id: str) -> Organisation:
        """Return the organisation with this id.

        Raises
        ------
        KeyError
            When no organisation has that id; the message lists the known ids.
        """
        for org in self.organisations:
            if org.id == org_id:
                return org
        known = ", ".join(o.id for o in self.organisations)
        raise KeyError(f"no organisation {org_id!r} in study {self.name!r} (known: {known})")

    def resolve(self, path: Path) -> Path:
        """Resolve a path from the config against the project root.

        The project root is the parent of the ``config/`` folder that holds the
        study file (or the file's own folder when it is elsewhere).
        """
        path = Path(path).expanduser()
        if path.is_absolute():
            return path
        return self.project_root / path

    @property
    def project_root(self) -> Path:
        """The folder relative paths in the config are resolved against."""
        if self.source is None:
            return Path.cwd()
        folder = self.source.resolve().parent
        return folder.parent if folder.name == "config" else folder

    def input_path(self, item: InputFile) -> Path:
        """Absolute path of an input file (relative paths are under ``raw_dir``)."""
        path = Path(item.path).expanduser()
        return path if path.is_absolute() else self.resolve(self.raw_dir) / path

    @property
    def processed_path(self) -> Path:
        """Absolute processed-data folder."""
        return self.resolve(self.processed_dir)

    @property
    def reports_path(self) -> Path:
        """Absolute reports folder."""
        return self.resolve(self.reports_dir)

    @property
    def coding_path(self) -> Path:
        """Absolute folder of the coding sheets, the codebook and the agreement."""
        return self.resolve(self.coding_dir)

    @property
    def erasure_register_path(self) -> Path:
        """Absolute path of the erasure register."""
        return self.resolve(self.privacy.erasure_register)

    @property
    def secret_path(self) -> Path:
        """Absolute path of the pseudonymisation key."""
        return self.resolve(self.privacy.secret_file)


def load_config(path: str | Path) -> StudyConfig:
    """Read and validate a study YAML file.

    Parameters
    ----------
    path : str or Path
        The study file, e.g. ``config/study.yml``.

    Returns
    -------
    StudyConfig

    Raises
    ------
    ConfigError
        When the file is missing, is not YAML, or a field is wrong; the message
        names the file and each wrong field as a dotted path such as
        ``organisations.1.country``.
    """
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give the study file, e.g. {path / 'config' / 'study.yml'}")
    if not path.is_file():
        raise ConfigError(f"{path}: study configuration file not found")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start} cannot be decoded); save the study "
                          "file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        config = StudyConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe_errors(path, exc, data)) from None
    config.source = path.resolve()
    return config


def _describe_errors(path: Path, exc: ValidationError, data: dict) -> str:
    lines = [f"{path}: {exc.error_count()} problem(s) in the study configuration"]
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"])
        hint = _org_hint(error["loc"], data)
        lines.append(f"  - {location or '(top level)'}{hint}: {error['msg']}")
    return "\n".join(lines)


def _org_hint(location: tuple, data: dict) -> str:
    """Name the organisation when an error sits inside ``organisations[i]``."""
    if len(location) >= 2 and location[0] == "organisations" and isinstance(location[1], int):
        orgs = data.get("organisations") or []
        if location[1] < len(orgs) and isinstance(orgs[location[1]], dict):
            org_id = orgs[location[1]].get("id")
            if org_id:
                return f" (organisation {org_id!r})"
    return ""
