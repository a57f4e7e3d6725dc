"""What an ingestion reads, and under which rules: each input file resolved to its reader
(:class:`InputPlan`), the record limits and privacy rules a file is staged under, and the
error that stops a run on an input that cannot be ingested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta  # noqa: F401 (UTC: the example of RecordLimits.problem)
from pathlib import Path
from types import ModuleType

from helpers.config import IngestionSettings, InputFile, Organisation, StudyConfig
from helpers.errors import UserError
from helpers.ingest import detect_format, get_reader
from helpers.ingest.actor_hints import ActorHints
from helpers.ingest.files import encoding_problem
from helpers.ingest.record_types import ParsedPost, ReadContext
from helpers.privacy import OrgAccount, Pseudonymiser, Scrubber


class IngestError(UserError, RuntimeError):
    """An input that cannot be ingested at all; the message names the file."""


@dataclass
class InputPlan:
    """One input file, resolved: where it is, what reads it, whose it is."""

    org_id: str
    path: Path
    source_file: str
    format: str
    context: ReadContext

    @property
    def reader(self) -> ModuleType:
        """The reader module of :attr:`format` (looked up, so that a plan can go to a helper process)."""
        return get_reader(self.format)


@dataclass(frozen=True)
class RecordLimits:
    """What a post may hold before it is quarantined (``ingestion`` in the study file).

    Attributes
    ----------
    first, last : datetime
        The plausible window of creation times: ``first <= created_at < last``.
    max_text_chars : int
        The longest text accepted.
    """

    first: datetime
    last: datetime
    max_text_chars: int

    @classmethod
    def from_settings(cls, settings: IngestionSettings) -> RecordLimits:
        """The limits of a study's ``ingestion`` settings, the window ending the day after today."""
        first, last = settings.date_window()
        return cls(first, last, settings.max_text_chars)

    def problem(self, post: ParsedPost) -> str | None:
        """Why ``post`` breaks a limit (a quarantine reason naming the setting), or None.

        Examples
        --------
        >>> limits = RecordLimits(datetime(2004, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), 1_000)
        >>> post = ParsedPost("forum", "1", datetime(9999, 12, 31, tzinfo=UTC), "hello", 2, author_handle="a")
        >>> limits.problem(post).split(" (")[0]
        'created in year 9999, outside the plausible window 2004-01-01 to 2026-12-31'
        """
        if not self.first <= post.created_at < self.last:
            last_day = (self.last - timedelta(days=1)).date()
            return (f"created in year {post.created_at.year}, outside the plausible window "
                    f"{self.first.date()} to {last_day} (ingestion.earliest_date, ingestion.latest_date)")
        if len(post.text) > self.max_text_chars:
            return (f"text of {len(post.text):,} characters, over the limit of {self.max_text_chars:,} "
                    "(ingestion.max_text_chars)")
        return None


@dataclass(frozen=True)
class StagingRules:
    """The study's privacy rules and record limits, as each file's staging needs them (sent to
    helper processes).

    Each file gets a :class:`Pseudonymiser` of its own, so that its staged rows
    do not depend on the files read before it.
    """

    key: bytes
    org_accounts: dict[tuple[str, str], OrgAccount]
    scrubber: Scrubber
    limits: RecordLimits
    actor_hints: ActorHints | None = None

    def pseudonymiser(self) -> Pseudonymiser:
        """A new pseudonymiser with the study key that has learnt no organisation ids yet."""
        return Pseudonymiser(self.key, self.org_accounts)


def plan_inputs(config: StudyConfig, org_ids: list[str] | None = None) -> list[InputPlan]:
    """Resolve every input file of the study (or of ``org_ids``) to a reader.

    Raises
    ------
    IngestError
        When a file is missing or its format cannot be recognised; raised
        before anything is read or written.
    """
    organisations = config.organisations if org_ids is None else [config.organisation(o) for o in org_ids]
    raw_root = config.resolve(config.raw_dir)
    plans = []
    for org in organisations:
        for item in org.inputs:
            plans.append(_plan_one(config, org, item, raw_root))
    return plans


def plan_warnings(plans: list[InputPlan]) -> list[str]:
    """What is odd about the inputs as listed, though they can be read: one file listed twice."""
    owners: dict[Path, list[str]] = {}
    for plan in plans:
        owners.setdefault(plan.path.resolve(), []).append(plan.org_id)
    warnings = []
    for path, org_ids in owners.items():
        if len(org_ids) > 1:
            listed = " and ".join(repr(org_id) for org_id in org_ids)
            warnings.append(
                f"{path} is listed {len(org_ids)} times, under {listed}: its posts are counted once, under "
                f"{org_ids[0]!r} (the first), and are duplicates everywhere else. List each file under one "
                "organisation.")
    return warnings


def _plan_one(config: StudyConfig, org: Organisation, item: InputFile, raw_root: Path) -> InputPlan:
    path = config.input_path(item)
    if path.is_dir():
        raise IngestError(f"{path}: input of organisation {org.id!r} is a folder; list each export file "
                          f"under 'inputs:' (from {config.source or 'config'})")
    if not path.is_file():
        raise IngestError(
            f"{path}: input file of organisation {org.id!r} not found (from {config.source or 'config'})"
        )
    problem = encoding_problem(path)
    if problem is not None:
        raise IngestError(f"{path}: {problem} (organisation {org.id!r}). Save it as UTF-8 (in Excel: "
                          "'CSV UTF-8'; in a text editor: encoding UTF-8) and run again.")
    try:
        format_name = item.format or detect_format(path)
        get_reader(format_name)
    except ValueError as exc:
        raise IngestError(f"{exc} (organisation {org.id!r})") from None
    try:
        source_file = path.resolve().relative_to(raw_root.resolve()).as_posix()
    except ValueError:  # outside raw_dir: the full path, so that two files of one name stay apart
        source_file = path.resolve().as_posix()
    context = ReadContext(org_id=org.id, platform=item.platform, column_map=dict(item.columns))
    return InputPlan(org.id, path, source_file, format_name, context)
