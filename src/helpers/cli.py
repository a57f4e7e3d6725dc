"""The ``rarevoices`` command line.

Commands
--------
``rarevoices init``       write a new study folder anywhere (study file, data/raw/, README)
``rarevoices demo-data``  write the demo corpus (fictional, seeded) into data/raw/demo/
``rarevoices ingest``     read the study's exports into the canonical tables
``rarevoices forget``     erase a person from processed data and keep them out
``rarevoices batch``      run the notebooks per organisation and render the HTML reports
``rarevoices classify``   communication modes and knowledge types for the whole study
``rarevoices evaluate``   validate classifiers and topics against labelled data
``rarevoices codebook``   the coders' codebook as a printable HTML page
``rarevoices code-sample``     blind coding sheets of a stratified sample, one per coder (and a .qdpx)
``rarevoices code-agreement``  Krippendorff's alpha of coded sheets, disagreements, consensus labels
``rarevoices code-export``     posts of a class, organisation or topic as a REFI-QDA project
``rarevoices networks``   network measures and Gephi exports for the study or one organisation
``rarevoices warm-up``    compile the topic step's numba code once, after installing
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from functools import partial
from pathlib import Path

DEFAULT_CONFIG = Path("config/study.yml")
logger = logging.getLogger("rarevoices")


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """``--verbose`` and ``--debug``, accepted before and after the command's name."""
    common = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else False
    common.add_argument("-v", "--verbose", action="store_true", default=default, help="debug logging")
    common.add_argument("--debug", action="store_true", default=default,
                        help="print the traceback of an error on the terminal too")
    return common


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="rarevoices", description=__doc__.splitlines()[0],
                                     parents=[_common_options(suppress=False)])
    commands = parser.add_subparsers(dest="command", required=True)
    add_command = partial(commands.add_parser, parents=[_common_options(suppress=True)])

    init = add_command("init", help="write a new study folder (study file, data/raw/, README) anywhere")
    init.add_argument("folder", type=Path, help="the new study's folder")
    init.add_argument("--name", help="the study's name (default: the folder's name)")
    init.add_argument("--notebooks", action="store_true",
                      help="also copy the notebooks into FOLDER/notebooks, to open them in JupyterLab")
    init.set_defaults(handler=_init)

    demo = add_command("demo-data", help="generate the fictional demo corpus")
    demo.add_argument("--out", type=Path, default=Path("data/raw/demo"))
    demo.add_argument("--seed", type=int, default=None, help="default: the study seed of --config")
    demo.add_argument("--posts", type=int, default=20_000, help="about how many posts (default 20000)")
    demo.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    demo.set_defaults(handler=_demo_data)

    ingest = add_command("ingest", help="read the study's exports into data/processed/")
    ingest.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    ingest.add_argument("--force", action="store_true", help="re-read files even if unchanged")
    ingest.add_argument("--no-progress", action="store_true")
    ingest.set_defaults(handler=_ingest)

    forget = add_command("forget", help="erase a person's posts and interactions (GDPR Art. 17)")
    forget.add_argument("platform", help="twitter, reddit, mastodon, bluesky, facebook, instagram, forum")
    forget.add_argument("account", help="the person's handle or account id")
    forget.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    forget.set_defaults(handler=_forget)

    batch = add_command("batch", help="run the notebook chain per organisation, render reports")
    batch.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    batch.add_argument("--orgs", nargs="+", metavar="ORG", help="only these organisations")
    batch.add_argument("--workers", type=int, default=None,
                       help="parallel workers (default: CPUs, max 4); with --scheduler local, the "
                            "local cluster's worker processes")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="run the study steps' parts and the notebooks on a Dask cluster: its scheduler's "
                            "address (tcp://host:8786), or 'local' for a LocalCluster on this machine")
    rerun = batch.add_mutually_exclusive_group()
    rerun.add_argument("--resume", action="store_true",
                       help="re-run only failed or out-of-date organisations (the default)")
    rerun.add_argument("--force", action="store_true", help="re-run every organisation's notebooks")
    batch.add_argument("--no-progress", action="store_true")
    batch.set_defaults(handler=_batch)

    screenshots = add_command(
        "screenshots", help="first screens of the index, comparison and reports at 1400 px and A4 width")
    screenshots.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    screenshots.set_defaults(handler=_screenshots)

    classify = add_command("classify", help="classify communication modes and knowledge types")
    classify.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    classify.add_argument("--force", action="store_true", help="classify again even if up to date")
    classify.add_argument("--no-progress", action="store_true")
    classify.set_defaults(handler=_classify)

    evaluate = add_command("evaluate", help="precision/recall/F1 of the classifiers; topic quality")
    evaluate.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    evaluate.add_argument("--labels", type=Path, help="hand-coded CSV (post_id, mode/knowledge_type...)")
    evaluate.set_defaults(handler=_evaluate)

    codebook = add_command("codebook", help="the coders' codebook as a printable HTML page")
    codebook.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    codebook.set_defaults(handler=_codebook)

    sample = add_command("code-sample", help="blind coding sheets of a stratified sample, one per coder")
    sample.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    sample.add_argument("--coders", required=True, help="comma-separated coder names, e.g. ana,ben")
    sample.add_argument("--size", type=int, required=True, help="posts in the sample")
    sample.add_argument("--overlap", type=int, required=True, help="posts every coder codes (for agreement)")
    sample.add_argument("--overwrite", action="store_true", help="replace sheets written before")
    sample.set_defaults(handler=_code_sample)

    agree = add_command("code-agreement", help="Krippendorff's alpha, disagreements and consensus labels")
    agree.add_argument("coded", type=Path, nargs="+", help="coded sheets (CSV, XLSX) or REFI-QDA projects")
    agree.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    agree.add_argument("--adjudicated", type=Path, help="adjudication.csv with its final column filled in")
    agree.set_defaults(handler=_code_agreement)

    export = add_command("code-export", help="posts of a class, organisation or topic as a REFI-QDA project")
    export.add_argument("out", type=Path, help="the .qdpx file to write")
    export.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    export.add_argument("--knowledge-type", help="only posts of this knowledge type")
    export.add_argument("--org", help="only this organisation's posts")
    export.add_argument("--topic", type=int, help="only posts of this topic")
    export.set_defaults(handler=_code_export)

    networks = add_command("networks", help="network measures and GEXF/GraphML/CSV exports")
    networks.add_argument("--config", type=Path, default=DEFAULT_CONFIG)
    networks.add_argument("--org", help="one organisation (default: the whole study)")
    networks.add_argument("--no-export", action="store_true")
    networks.set_defaults(handler=_networks)

    warm_up = add_command(
        "warm-up", help="compile the topic step's numba code once, after installing (make setup runs it)")
    warm_up.set_defaults(handler=_warm_up)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code.

    Exit codes: 0 done; 1 a bug, or an organisation's notebooks failed (the
    traceback goes to a log file, see :func:`report_bug`); 2 a mistake the user
    can correct (:class:`helpers.errors.UserError`: the message names the file,
    record or field and what to do); 130 interrupted.
    """
    args = build_parser().parse_args(argv)
    os.umask(0o077)  # every file the study's commands write is its owner's only (health data)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    from helpers.errors import UserError, storage_error

    try:
        return int(args.handler(args) or 0)
    except UserError as exc:
        return _user_error(exc, args.debug)
    except OSError as exc:
        error = storage_error(exc)
        if error is not None:
            return _user_error(error, args.debug)
        return report_bug(exc, args)
    except KeyboardInterrupt:
        print("rarevoices: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        return report_bug(exc, args)


def _user_error(exc: BaseException, debug: bool) -> int:
    from helpers.ingest.records import ascii_safe

    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    # A message may quote a file's bytes: no control character reaches the terminal.
    message = "\n".join(ascii_safe(line) for line in str(exc).splitlines())
    print(f"rarevoices: error: {message}", file=sys.stderr)
    return 2


def report_bug(exc: BaseException, args: argparse.Namespace) -> int:
    """Write the traceback of an unexpected error to a log file and say where; returns 1.

    The log goes to ``logs/`` in the study's processed folder (private, like
    the data it may mention), else to ``rarevoices/logs`` in the user's cache
    folder.  ``--debug`` prints the traceback on the terminal as well.
    """
    import tempfile
    from datetime import UTC, datetime

    text = "".join(traceback.format_exception(exc))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log_file = None
    for folder in _log_folders(args):
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, name = tempfile.mkstemp(prefix=f"error-{stamp}-", suffix=".log", dir=folder)
            with open(handle, "w", encoding="utf-8") as fh:
                fh.write(f"rarevoices {' '.join(sys.argv[1:])}\n\n{text}")
            log_file = Path(name)
            break
        except OSError:
            continue
    if args.debug:
        print(text, file=sys.stderr)
    where = f"the traceback is in {log_file}" if log_file else "the traceback could not be saved"
    print(f"rarevoices: internal error ({type(exc).__name__}); this is a bug, not your mistake: {where}. "
          "Please report it with that file (run again with --debug to see it here).", file=sys.stderr)
    return 1


def _log_folders(args: argparse.Namespace) -> list[Path]:
    folders = []
    config_path = getattr(args, "config", None)
    if config_path is not None:
        try:
            from helpers.config import load_config

            folders.append(load_config(config_path).processed_path / "logs")
        except Exception:  # the study file is what failed; the cache folder still takes the log
            pass
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folders.append(cache / "rarevoices" / "logs")
    return folders


def _init(args: argparse.Namespace) -> int:
    from helpers.scaffold import init_study

    study_file = init_study(args.folder, name=args.name, notebooks=args.notebooks)
    folder = study_file.parent.parent
    print(f"Study folder written: {folder}")
    print(f"Next: put your exports under {folder / 'data' / 'raw'}, list them in {study_file},")
    print(f"then run: rarevoices batch --config {study_file}  (see {folder / 'README.md'})")
    return 0


def _demo_data(args: argparse.Namespace) -> int:
    from helpers.config import load_config
    from helpers.demo import generate_demo

    seed = args.seed if args.seed is not None else load_config(args.config).seed
    summary = generate_demo(args.out, seed=seed, n_posts=args.posts)
    print(f"Demo corpus written to {args.out} (seed {seed}).")
    print(summary)
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from helpers.config import load_config
    from helpers.ingest.pipeline import ingest_study

    config = load_config(args.config)
    result = ingest_study(config, force=args.force, progress=not args.no_progress)
    print(result.summary().to_string(index=False))
    if result.skipped:
        print("Inputs unchanged since the last run: tables left as they were.")
    print(f"Tables in {config.processed_path}: " + ", ".join(f"{k} {v}" for k, v in result.counts.items()))
    return 0


def _forget(args: argparse.Namespace) -> int:
    from helpers.config import load_config
    from helpers.erasure import forget

    config = load_config(args.config)
    result = forget(config, args.platform, args.account)
    print(f"Removed {result.posts_removed} posts and {result.interactions_removed} interactions "
          f"from {config.processed_path}; rewrote {len(result.files_rewritten)} files; deleted "
          f"{result.reports_removed} report files that may show the person.")
    print(f"The request is recorded in {config.erasure_register_path} (no handle or id stored); "
          "later ingestions keep this person out. Run the batch to render the reports again.")
    return 0


def _batch(args: argparse.Namespace) -> int:
    from helpers.batch import cpu_workers, run_batch

    result = run_batch(args.config, orgs=args.orgs, workers=args.workers or cpu_workers(),
                       scheduler=args.scheduler, resume=not args.force, progress=not args.no_progress)
    for run in result.runs + ([result.compare] if result.compare else []):
        failed = run.status == "failed"
        detail = f" in {run.failed_notebook}: {run.error} (log {run.log_file})" if failed else ""
        print(f"{run.org_id:<20} {run.status:<8} {run.seconds:>7.1f} s{detail}")
    if result.index_html is not None:
        print(f"Reports: {result.index_html}")
    return 1 if result.failed else 0


def _classify(args: argparse.Namespace) -> int:
    from helpers.classify import classify_study
    from helpers.config import load_config

    result = classify_study(load_config(args.config), force=args.force, progress=not args.no_progress)
    print(result.summary().to_string(index=False))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from helpers.classify import classify_study, evaluate_classifiers, format_evaluation
    from helpers.classify.evaluation import read_labels
    from helpers.config import load_config
    from helpers.topics import evaluate_topics
    from helpers.truth import NoGroundTruth

    config = load_config(args.config)
    labels = read_labels(args.labels.resolve()) if args.labels is not None else None  # before the long work
    classify_study(config, progress=False)
    try:
        print(format_evaluation(evaluate_classifiers(config, labels=labels)))
    except NoGroundTruth as exc:
        print(f"rarevoices: error: {exc}; pass --labels with a hand-coded sample", file=sys.stderr)
        return 2
    if labels is not None:
        from helpers.classify.validation import save_hand_coded_evaluation

        saved = save_hand_coded_evaluation(config, labels, args.labels)
        print(f"\nSaved the figures (no post, no label) to {saved}: the next batch's reports show them "
              "next to the headline numbers.")
    title = "Topic model quality (and agreement with ground-truth themes)"
    print(f"\n{title}\n{'-' * len(title)}")
    print(evaluate_topics(config).to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    if args.labels is None:
        from helpers.networks import evaluate_against_truth

        for name, table in evaluate_against_truth(config).items():
            title = f"Networks against the ground truth: {name}"
            print(f"\n{title}\n{'-' * len(title)}\n{table.to_string(float_format=lambda v: f'{v:.3f}')}")
        from helpers.pathways.evaluation import evaluate_pathways

        for name, table in evaluate_pathways(config).items():
            title = f"Pathways against the ground truth: {name.replace('_', ' ')}"
            print(f"\n{title}\n{'-' * len(title)}\n"
                  f"{table.to_string(index=False, float_format=lambda v: f'{v:.3f}')}")
        print("\nThese figures are optimistic: the demo's profiles and links are written in words the rules "
              "and the domain list know (docs/pathways.md).")
    return 0


def _codebook(args: argparse.Namespace) -> int:
    from helpers.coding.workflow import write_codebook
    from helpers.config import load_config

    print(f"Codebook for the coders: {write_codebook(load_config(args.config))}")
    return 0


def _code_sample(args: argparse.Namespace) -> int:
    from helpers.coding.workflow import write_sample
    from helpers.config import load_config
    from helpers.schema import require_ingested

    coders = [name.strip() for name in args.coders.split(",") if name.strip()]
    config = load_config(args.config)
    require_ingested(config.processed_path)
    written = write_sample(config, coders=coders, size=args.size, overlap=args.overlap,
                           overwrite=args.overwrite)
    print("\n".join(["Written (send each coder their own sheet and the codebook; keep sample_key.csv):",
                     *(f"  {path}" for path in written)]))
    return 0


def _code_agreement(args: argparse.Namespace) -> int:
    from helpers.coding.workflow import code_agreement
    from helpers.config import load_config

    result = code_agreement(load_config(args.config), [path.resolve() for path in args.coded],
                            args.adjudicated.resolve() if args.adjudicated else None)
    for agreement in result.agreements.values():
        print(agreement.in_words())
    print(f"\nDisagreements to settle (fill the final column, then pass --adjudicated): {result.adjudication}"
          f"\nConsensus labels for `rarevoices evaluate --labels`: {result.labels}")
    return 0


def _code_export(args: argparse.Namespace) -> int:
    from helpers.coding.workflow import EXPORT_LIMIT, export_posts
    from helpers.config import load_config
    from helpers.schema import require_ingested

    config = load_config(args.config)
    require_ingested(config.processed_path)
    path, count = export_posts(config, args.out.resolve(),
                               knowledge_type=args.knowledge_type, org_id=args.org, topic=args.topic)
    cut = f" (a sample: at most {EXPORT_LIMIT})" if count == EXPORT_LIMIT else ""
    print(f"{count} posts{cut} with the classifier's codes, for NVivo, ATLAS.ti or MAXQDA: {path}")
    return 0


def _screenshots(args: argparse.Namespace) -> int:
    from helpers.browser import find_chromium, save_screenshots
    from helpers.config import load_config

    config = load_config(args.config)
    chromium = find_chromium()
    if chromium is None:
        print("Chromium is not installed: no screenshots (make setup installs Debian's package where it can)")
        return 0
    reports = config.reports_path
    pages = {"index": reports / "index.html", "compare": reports / "compare" / "report.html"}
    pages |= {org.id: reports / org.id / "report.html" for org in config.organisations}
    written = save_screenshots(chromium, pages, reports / "screenshots")
    print(f"Saved {len(written)} screenshots in {reports / 'screenshots'}")
    return 0


def _networks(args: argparse.Namespace) -> int:
    from helpers.config import load_config
    from helpers.networks import analyse_network
    from helpers.schema import require_ingested

    config = load_config(args.config)
    require_ingested(config.processed_path)
    analysis = analyse_network(config, args.org, export=not args.no_export)
    print(analysis.summary.to_string())
    return 0


def _warm_up(args: argparse.Namespace) -> int:
    import time

    from helpers.topics import warm_numba_cache

    started = time.perf_counter()
    warm_numba_cache()
    print(f"UMAP's numba functions compiled and cached ({time.perf_counter() - started:.1f} s); "
          "the first topic fit no longer compiles them.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
