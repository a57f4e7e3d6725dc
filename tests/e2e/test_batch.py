"""The whole batch on a tiny generated study: papermill chain, failures, resume, Dask, HTML."""

from __future__ import annotations

import gc
import json
import os
import platform
import re
import shutil
import stat
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from helpers.batch import (
    CHAIN,
    BatchResult,
    BesideJob,
    chain_kernel,
    notebook_fingerprints,
    release_free_heap,
    run_batch,
    run_fingerprint,
    run_org_chain,
    run_study_steps,
)
from helpers.browser import check_page, find_chromium
from helpers.cli import main
from helpers.config import load_config
from helpers.embeddings import DEFAULT_MODEL_ID, embedding_text, text_keys
from helpers.privacy import SecretError
from helpers.steps.embed import study_texts
from helpers.store.memo import kept_results
from tests.builders import copy_tiny_demo

ROOT = Path(__file__).resolve().parents[2]
FAILING_ORG = "fop-au"
ORGS = ["sma-uk", "dravet-it", FAILING_ORG]  # English, Italian, and one forced to fail


def _copy_study(tiny_demo: Path, root: Path) -> Path:
    """The tiny demo study with its own notebooks, one of which fails for one organisation."""
    path = copy_tiny_demo(tiny_demo, root)
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    report = root / "notebooks" / "05_org_report.ipynb"
    notebook = nbformat.read(report, as_version=4)
    failing = nbformat.v4.new_code_cell(f'assert org_id != "{FAILING_ORG}", "forced failure for the test"')
    failing["id"] = "forced-failure"
    notebook.cells.insert(3, failing)
    nbformat.write(notebook, report)
    return path


@pytest.fixture(scope="module")
def batch(tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("batch")
    config_path = _copy_study(tiny_demo, root)
    exit_code = main(["batch", "--config", str(config_path), "--orgs", *ORGS, "--workers", "2",
                      "--no-progress"])
    return load_config(config_path), exit_code


def _record(config, org_id: str) -> dict:
    return json.loads((config.reports_path / org_id / "run.json").read_text())


def test_every_notebook_of_the_chain_ran_for_the_healthy_organisations(batch) -> None:
    config, _ = batch
    for org_id in ("sma-uk", "dravet-it"):
        record = _record(config, org_id)
        assert record["status"] == "ok", record
        for name in CHAIN:
            executed = nbformat.read(config.reports_path / org_id / name, as_version=4)
            parameters = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
            assert parameters and f'org_id = "{org_id}"' in parameters[0].source
            errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
                      if o.output_type == "error"]
            assert not errors, (org_id, name, errors[:1])
        assert (config.reports_path / org_id / "run.log").stat().st_size > 0


def test_a_failing_organisation_is_isolated_and_reported(batch) -> None:
    config, exit_code = batch
    assert exit_code == 1, "the batch exits non-zero when an organisation failed"
    record = _record(config, FAILING_ORG)
    assert record["status"] == "failed"
    assert record["failed_notebook"] == "05_org_report.ipynb"
    assert "forced failure" in record["error"]
    saved = nbformat.read(config.reports_path / FAILING_ORG / "05_org_report.ipynb", as_version=4)
    failing = next(c for c in saved.cells if c.get("id") == "forced-failure")
    assert any(o.output_type == "error" for o in failing.outputs), "the failing cell is visible"
    index = (config.reports_path / "index.html").read_text()
    assert FAILING_ORG in index and "forced failure" in index and "Failed:" in index


def test_reviewer_report_has_no_code_and_the_notebook_page_has(batch) -> None:
    config, _ = batch
    reviewer = (config.reports_path / "sma-uk" / "report.html").read_text()
    full = (config.reports_path / "sma-uk" / "05_org_report.html").read_text()
    assert not (config.reports_path / "sma-uk" / "report_full.html").exists(), "no duplicate of 05_org_report"
    assert "load_config" in full, "the full version shows the code"
    assert "load_config" not in reviewer, "the reviewer version hides it"
    assert "highlight hl-ipython3" not in reviewer and "highlight hl-ipython3" in full, "code cells"
    for page in (reviewer, full):
        assert "SMA Together UK" in page
        assert "Ethics and data protection" in page and "Provenance" in page
        assert "cdnjs.cloudflare.com" not in page and "<script src=\"http" not in page
        assert 'src="data:image/png;base64,' in page, "figures are embedded"


def test_the_comparison_across_organisations_ran(batch) -> None:
    config, _ = batch
    record = _record(config, "compare")
    assert record["status"] == "ok", record
    page = (config.reports_path / "compare" / "report.html").read_text()
    assert "SMA Together UK" in page and "Dravet Insieme Italia" in page


def test_the_topics_that_carry_a_planted_theme_are_flagged_stable(batch) -> None:
    """Issue 31: the stability the batch computes (default 5 fits, the real model) flags as stable the
    topics that carry one of the demo's planted themes (most of their posts of one theme)."""
    from helpers.topics import evaluate_topics, load_topics, planted_theme_stability
    from helpers.truth import load_truth_posts

    config, _ = batch
    result = load_topics(config)
    assert result.stability is not None and result.stability.attrs["refits"] == 4
    table = planted_theme_stability(result.documents, load_truth_posts(config), result.stability)
    carriers = table[table["carries_theme"]]
    assert len(carriers) >= 1 and carriers["stable"].all(), table
    figures = evaluate_topics(config, fit=False).set_index("metric")["value"]
    assert figures["stable_share_theme_topics"] == 1.0


def test_index_links_every_report_and_key_figures(batch) -> None:
    config, _ = batch
    index = (config.reports_path / "index.html").read_text()
    for org_id in ORGS:
        assert f"{org_id}/" in index
    assert "sma-uk/report.html" in index and "compare/" in index
    assert "SMA Together UK" in index and "posts" in index


def test_workers_save_the_key_figures_of_healthy_organisations(batch) -> None:
    config, _ = batch
    for org_id in ("sma-uk", "dravet-it"):
        saved = json.loads((config.reports_path / org_id / "key_figures.json").read_text())
        assert saved["fingerprint"] == _record(config, org_id)["fingerprint"]
        assert saved["figures"]["posts"] in (config.reports_path / "index.html").read_text()
    assert not (config.reports_path / FAILING_ORG / "key_figures.json").exists()


def test_no_planted_personal_data_in_any_html(batch) -> None:
    config, _ = batch
    from helpers.truth import truth_dir

    pii = json.loads((truth_dir(config) / "planted_pii.json").read_text())
    pages = "\n".join(p.read_text() for p in config.reports_path.rglob("*.html")).lower()
    for value in pii["emails"] + pii["phones"]:
        assert value.lower() not in pages
    for handle in pii["handles"]:
        assert f"@{handle.lower()}" not in pages


def test_resume_skips_completed_work_and_reruns_the_failed(batch) -> None:
    config, _ = batch
    result = run_batch(config.source, orgs=ORGS, workers=2, resume=True, progress=False, render=False)
    status = {run.org_id: run.status for run in result.runs}
    assert status == {"sma-uk": "skipped", "dravet-it": "skipped", FAILING_ORG: "failed"}


def test_a_rerun_skips_what_is_up_to_date_unless_forced(batch, capsys, monkeypatch) -> None:
    config, _ = batch
    page = config.reports_path / "sma-uk" / "report.html"
    rendered_at = page.stat().st_mtime_ns
    exit_code = main(["batch", "--config", str(config.source), "--orgs", "sma-uk", "--workers", "1",
                      "--no-progress"])
    assert exit_code == 0
    printed = capsys.readouterr().out
    assert re.search(r"^sma-uk\s+skipped", printed, re.MULTILINE)
    assert re.search(r"^study\s+skipped", printed, re.MULTILINE)  # the comparison is up to date too
    assert page.stat().st_mtime_ns == rendered_at  # an up-to-date page is kept, not rendered again

    asked = {}

    def record(*args, **kwargs) -> BatchResult:
        asked.update(kwargs)
        return BatchResult([])

    monkeypatch.setattr("helpers.batch.run_batch", record)
    main(["batch", "--config", str(config.source), "--force", "--no-progress"])
    assert asked["resume"] is False


def test_fingerprint_changes_with_inputs_and_parameters(batch, tmp_path: Path) -> None:
    config, _ = batch
    notebooks = config.project_root / "notebooks"
    before = run_fingerprint(config, notebooks, "sma-uk")
    assert run_fingerprint(config, notebooks, "dravet-it") != before
    manifest = config.processed_path / "ingest_manifest.json"
    saved = manifest.read_text()
    data = json.loads(saved)
    data["inputs"]["demo/sma-uk/twitter_search.jsonl"] = "0" * 64
    manifest.write_text(json.dumps(data))
    try:
        assert run_fingerprint(config, notebooks, "sma-uk") != before
    finally:
        manifest.write_text(saved)
    assert run_fingerprint(config, notebooks, "sma-uk") == before


ON_THE_WORKERS = {"stage_file": "ingest", "encode_into_cache": "embed", "text_signals": "classify",
                  "analyse_organisation": "networks", "org": "notebook chains"}
"""The tasks each step sends to a cluster, by their Dask key prefix (the function's name, Dask drops a
leading underscore)."""


def _tables(processed: Path) -> dict[str, pd.DataFrame]:
    """Every table of a study, by its path (a topic run's folder without its random suffix)."""
    paths = (path for path in sorted(processed.rglob("*.parquet")) if "_stage" not in path.parts)
    return {re.sub(r"(runs/[0-9a-f]{16})-[0-9a-f]{6}", r"\1", path.relative_to(processed).as_posix()):
            pd.read_parquet(path) for path in paths}


def test_a_batch_on_a_cluster_of_two_workers_gives_the_tables_and_key_figures_of_a_local_run(
    batch, tiny_demo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Before the erasure test, which changes the local study."""
    from distributed import LocalCluster

    local, _ = batch
    config_path = _copy_study(tiny_demo, tmp_path_factory.mktemp("on-a-cluster"))
    on_cluster = load_config(config_path)
    on_cluster.secret_path.parent.mkdir(parents=True)
    shutil.copy2(local.secret_path, on_cluster.secret_path)  # the same pseudonyms
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run_batch(config_path, orgs=["sma-uk", "dravet-it"], scheduler=cluster.scheduler_address,
                           progress=False)
        computed = [name for name, tasks in cluster.scheduler.task_prefixes.items()
                    if tasks.state_counts.get("memory")]
    assert [(run.org_id, run.status) for run in result.runs] == [("sma-uk", "ok"), ("dravet-it", "ok")]
    ran = {step for prefix, step in ON_THE_WORKERS.items()
           if any(name.startswith(prefix) for name in computed)}
    assert ran == set(ON_THE_WORKERS.values())
    theirs, ours = _tables(on_cluster.processed_path), _tables(local.processed_path)
    assert sorted(theirs) == sorted(ours)
    for name, table in ours.items():
        pd.testing.assert_frame_equal(theirs[name], table, obj=name)
    for org_id in ("sma-uk", "dravet-it"):
        figures = [json.loads((config.reports_path / org_id / "key_figures.json").read_text())["figures"]
                   for config in (local, on_cluster)]
        assert figures[0] == figures[1]
    theirs, ours = _cache_vectors(on_cluster), _cache_vectors(local)
    assert theirs.keys() == ours.keys()
    posts = text_keys(DEFAULT_MODEL_ID, study_texts(local))
    assert all(theirs[bytes(key)].tobytes() == ours[bytes(key)].tobytes() for key in posts), \
        "the posts' vectors are the same bit for bit"
    # The topic step's word vectors (a few tokens each) come from single-threaded workers here and
    # from two threads locally: torch's kernels round those small shapes differently.
    assert max(float(np.abs(theirs[key] - ours[key]).max()) for key in ours) < 1e-6


def _cache_vectors(config) -> dict[bytes, np.ndarray]:
    """Every vector of the study's embedding cache, by key."""
    vectors = {}
    for shard in sorted((config.processed_path / "embeddings").rglob("*.npy")):
        for record in np.load(shard):
            vectors[bytes(record["key"])] = record["vector"]
    return vectors


def test_a_cluster_whose_workers_cannot_see_the_study_folder_stops_before_any_work(
    tiny_demo: Path, tmp_path: Path, monkeypatch
) -> None:
    from distributed import LocalCluster

    from helpers.batch import cluster as cluster_module

    config_path = _copy_study(tiny_demo, tmp_path)
    config = load_config(config_path)
    seen_elsewhere = cluster_module.environment

    def elsewhere(config, check_file=None):  # what a worker on another machine without the share reports
        record = seen_elsewhere(config, check_file)
        if check_file is not None:
            record["study folder"] = f"not visible: {config.processed_path}"
            record["torch"] = "0.0-other"
        return record

    monkeypatch.setattr(cluster_module, "environment", elsewhere)
    with (LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
          pytest.raises(cluster_module.ClusterError) as raised):
        run_batch(config_path, orgs=["sma-uk"], scheduler=cluster.scheduler_address, progress=False)
    message = str(raised.value)
    assert "study folder is 'not visible" in message and "torch is '0.0-other'" in message
    assert "docs/batch.md" in message
    assert not (config.processed_path / "posts.parquet").exists(), "nothing was ingested"
    assert not list(config.processed_path.glob(".cluster-check-*")), "the check's file is gone"


def test_rendered_pages_open_in_headless_chromium(batch) -> None:
    config, _ = batch
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (make setup installs Debian's package where it can)")
    for page in ("index.html", "sma-uk/report.html", "dravet-it/05_org_report.html"):
        check = check_page(chromium, config.reports_path / page)
        assert check.console_errors == [], (page, check.console_errors)
        assert check.broken_images == [], (page, check.broken_images)
        assert check.external_requests == [], (page, check.external_requests)
    report = check_page(chromium, config.reports_path / "sma-uk" / "report.html")
    assert report.images >= 1


def test_processed_data_after_the_batch_holds_no_planted_personal_data(batch) -> None:
    config, _ = batch
    from helpers.truth import truth_dir

    pii = json.loads((truth_dir(config) / "planted_pii.json").read_text())
    files = [p for p in config.processed_path.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" and "topics" in p.parts for p in files), "the analyses wrote here too"
    raw = b"\n".join(p.read_bytes() for p in files).lower()
    for value in pii["emails"] + pii["phones"]:
        assert value.lower().encode() not in raw, value
    for handle in pii["handles"]:
        assert f"@{handle.lower()}".encode() not in raw, handle


def _percent_of(figure: str) -> int:
    return int(figure.split("%")[0])


def test_headline_numbers_are_those_of_the_processed_tables(batch) -> None:
    """Each headline of the index, recounted here from the tables with plain pandas."""
    import pandas as pd

    from helpers.classify.study import load_classified_posts, load_thread_modes

    config, _ = batch
    figures = json.loads((config.reports_path / "sma-uk" / "key_figures.json").read_text())["figures"]
    posts = load_classified_posts(config, "sma-uk")
    threads = load_thread_modes(config, "sma-uk")
    assert figures["posts"] == f"{len(posts):,}" and figures["authors"] == f"{posts['author_id'].nunique():,}"
    for mode, label in (("one_way", "one-way"), ("two_way", "two-way"), ("crowd_sourced", "crowd-sourced")):
        assert _percent_of(figures[label]) == round(100 * (threads["mode"] == mode).mean()), label
    public = posts[(posts["author_role"] == "public") & posts["shared_id"].isna()]
    experiential = (public["knowledge_type"] == "experiential").mean()
    assert _percent_of(figures["experiential"]) == round(100 * experiential)
    stories = public[public["knowledge_type"].isin(["experiential", "mediated_experiential"])]
    carers = (stories["knowledge_type"] == "mediated_experiential").mean()
    assert _percent_of(figures["stories by carers"]) == round(100 * carers)
    low, high = (int(v) for v in figures["experiential"].split("(")[1].split(")")[0].split("–"))
    assert low <= _percent_of(figures["experiential"]) <= high, "the interval holds the share"

    page = (config.reports_path / "sma-uk" / "report.html").read_text()
    times = pd.to_datetime(posts["created_at"], utc=True).dt.tz_localize(None)
    mondays = (times.dt.normalize() - pd.to_timedelta(times.dt.day_of_week, unit="D")).value_counts()
    busiest = min(mondays.index[mondays == mondays.max()])
    assert f"that of Monday {busiest.day} {busiest.strftime('%B %Y')} ({mondays.max():,} posts)" in page
    assert f"{len(posts):,} posts from {times.min():%Y-%m-%d} to {times.max():%Y-%m-%d}" in page


def test_the_reviewer_report_reads_as_a_report(batch) -> None:
    config, _ = batch
    page = (config.reports_path / "sma-uk" / "report.html").read_text()
    body = page[page.index("<body"):]
    assert body.index("<h1") < body.index("<p"), "the title comes first, no developer note above it"
    assert "<h2" not in body[:body.index('<nav class="contents"')], "the contents come before the sections"
    for section in ("Communication modes", "Knowledge types", "Knowledge by mode", "Reciprocity"):
        assert f">{section}" in body, section
    numbers = [int(n) for n in re.findall(r"<strong>Figure (\d+)\.</strong>", body)]
    assert numbers and numbers == list(range(1, len(numbers) + 1)), "figures are numbered in order"
    assert "95% CI" in body and "not validated on real posts" in body
    for link in set(re.findall(r'href="(\.\./methods/[^"#]+)', body)) | {"../methods/methods.html"}:
        assert (config.reports_path / "sma-uk" / link).resolve().is_file(), link
    assert "../docs/" not in body and "report_full" not in body


def test_figures_that_are_not_comparable_are_marked_with_the_reason(batch) -> None:
    """The Italian organisation's knowledge types come from the lexicon alone; the demo's Facebook exports
    hold no replies.  Both are said where the figures stand side by side."""
    config, _ = batch
    italian = json.loads((config.reports_path / "dravet-it" / "key_figures.json").read_text())
    assert italian["figures"]["experiential"].endswith("†")
    assert any("lexicon alone (Italian)" in caveat for caveat in italian["caveats"])
    index = (config.reports_path / "index.html").read_text()
    assert "†" in index and "lexicon alone (Italian)" in index and "hold no replies" in index
    compare = (config.reports_path / "compare" / "report.html").read_text()
    assert "lexicon alone (Italian)" in compare and "per platform" in compare


def test_an_erased_person_is_gone_from_the_next_report(batch) -> None:
    """Last in this module: it changes the study (an erasure request) and re-runs one organisation."""
    from helpers.erasure import forget
    from helpers.truth import load_truth_posts

    config, _ = batch
    pages = "\n".join(page.read_text() for page in (config.reports_path / "sma-uk").glob("*.html"))
    truth = load_truth_posts(config)
    shown = truth[(truth["org_id"] == "sma-uk") & (truth["author_role"] == "public")
                  & truth["author_id"].map(lambda a: a in pages)]
    assert not shown.empty, "the pages show some pseudonyms (the network's tables and drawing)"
    person = shown.iloc[0]
    forget(config, person["platform"], person["author_handle"])
    result = run_batch(config.source, orgs=["sma-uk"], workers=1, resume=True, progress=False)
    assert [run.status for run in result.runs] == ["ok"], "the erasure made the old report out of date"
    for html_page in [*(config.reports_path / "sma-uk").glob("*.html"), config.reports_path / "index.html"]:
        assert person["author_id"] not in html_page.read_text(), html_page.name
    index = (config.reports_path / "index.html").read_text()
    assert "Dravet Insieme Italia" in index and "dravet-it/report.html" in index, \
        "a batch of one organisation leaves the others in the index"


def test_a_study_step_error_reaches_the_caller_from_its_process(tiny_demo: Path, tmp_path: Path) -> None:
    config_path = _copy_study(tiny_demo, tmp_path)
    secret = tmp_path / "secret" / "study.key"
    secret.parent.mkdir()
    secret.write_text("this is not a key\n")
    secret.chmod(0o600)
    with pytest.raises(SecretError, match="not a rarevoices key"):
        run_batch(config_path, orgs=["sma-uk"], workers=1, progress=False, render=False)
    assert not (tmp_path / "reports" / "sma-uk").exists(), "no notebook ran"


def test_classification_runs_inside_the_topic_fit_on_the_cpu_it_leaves_free(
    tiny_demo: Path, tmp_path: Path, monkeypatch
) -> None:
    import pandas as pd

    import helpers.processes
    from helpers.classify import classify_study
    from helpers.steps import classify as classify_step

    monkeypatch.setattr(helpers.processes, "usable_cpus", lambda: 2)
    config = load_config(_copy_study(tiny_demo, tmp_path))
    phases = {phase.name: phase for phase in run_study_steps(config)}
    assert set(phases) == {"ingest", "embed", "classify", "topics", "networks"}
    # The batch process goes on to the notebooks without the tables and texts the steps read (at a
    # million posts it held them, 2.5 GiB beside the kernels; failed before).
    assert kept_results() == 0 and embedding_text.cache_info().currsize == 0
    classify, topics = phases["classify"], phases["topics"]
    assert topics.started < classify.started and classify.ended < topics.ended, "inside the topic step"
    assert phases["embed"].ended <= topics.started and topics.ended <= phases["networks"].started
    beside = pd.read_parquet(config.processed_path / "post_classes.parquet")
    classify_study(config, force=True, progress=False)  # alone, on every CPU
    assert beside.equals(pd.read_parquet(config.processed_path / "post_classes.parquet"))

    # The topic model is up to date, the classification is not: it runs after the topic step, on every CPU.
    (config.processed_path / "post_classes.parquet").unlink()
    calls = []

    def recorded(*args, **kwargs):
        calls.append(kwargs.get("processes"))
        return classify_study(*args, **kwargs)

    monkeypatch.setattr(classify_step, "classify_study", recorded)
    phases = {phase.name: phase for phase in run_study_steps(config)}
    assert calls == [None] and phases["topics"].ended <= phases["classify"].started
    assert beside.equals(pd.read_parquet(config.processed_path / "post_classes.parquet"))


def test_a_job_beside_a_step_runs_once_and_its_error_reaches_the_caller() -> None:
    import threading

    phases: list = []
    runs: list[str] = []

    def fails() -> None:
        runs.append(threading.current_thread().name)
        raise ValueError("classification failed")

    def alone() -> None:
        runs.append(f"alone in {threading.current_thread().name}")

    job = BesideJob("classify", phases, beside=fails, alone=alone)
    worker = threading.Thread(target=job, name="beside")
    worker.start()
    worker.join()  # the error stays in the job, not in the thread that ran it
    job()
    with pytest.raises(ValueError, match="classification failed"):
        job.finish()
    assert runs == ["beside"] and [phase.name for phase in phases] == ["classify"]

    later = BesideJob("classify", phases, beside=fails, alone=alone)
    later.finish()  # nothing called it: it runs alone now, in the caller's thread
    assert runs[-1] == f"alone in {threading.current_thread().name}"
    later()
    assert len(runs) == 2 and len(phases) == 2, "run once"


def test_release_free_heap_gives_freed_memory_back_to_the_system() -> None:
    # Blocks of 4,000 bytes come from glibc's heap (not Python's small-object allocator, not
    # mmap); keeping every 16th alive leaves the freed ones as holes the heap cannot shrink past.
    import psutil

    process = psutil.Process()
    blocks = [bytearray(4000) for _ in range(50_000)]  # about 190 MiB
    kept = blocks[::16]
    del blocks
    gc.collect()
    before = process.memory_info().rss
    release_free_heap()
    after = process.memory_info().rss
    assert len(kept) == 3125
    if platform.libc_ver()[0] == "glibc":  # elsewhere the call only has to be harmless
        assert before - after > 100 * 2**20, (before >> 20, after >> 20)


def test_release_free_heap_gives_back_what_pyarrows_pool_freed(tmp_path: Path) -> None:
    """pyarrow's pool (mimalloc) keeps what tables read by its threads freed, which ``malloc_trim``
    does not reach: the embed step of a million posts left 1.2 GiB in it, held by the batch process
    while the notebooks ran (failed before)."""
    import psutil
    import pyarrow
    import pyarrow.parquet as pq

    path = tmp_path / "texts.parquet"
    texts = pyarrow.array([f"post number {i} " * 8 for i in range(400_000)])
    pq.write_table(pyarrow.table({"text": texts}), path, row_group_size=20_000)
    del texts
    frames = [pq.read_table(path).to_pandas() for _ in range(4)]  # about 330 MiB, read by pyarrow's threads
    kept = [frame.iloc[::1000].copy() for frame in frames]
    del frames
    gc.collect()
    process = psutil.Process()
    before = process.memory_info().rss
    release_free_heap()
    after = process.memory_info().rss
    assert len(kept) == 4 and before - after > 200 * 2**20, (before >> 20, after >> 20)


def _notebook(path: Path, *sources: str) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell("config_path = None\norg_id = None")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, *(nbformat.v4.new_code_cell(source) for source in sources)]
    nbformat.write(notebook, path)


def test_each_notebook_of_a_chain_starts_without_the_variables_of_the_one_before(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "a.ipynb", "import os\nshared = os.getpid()")
    _notebook(notebooks / "b.ipynb", "import os\nassert org_id == 'sma-uk'\nprint(os.getpid())")
    _notebook(notebooks / "c.ipynb", "print(shared)")  # defined only by a.ipynb
    out = tmp_path / "out"
    run = run_org_chain(str(tmp_path / "study.yml"), "sma-uk", str(notebooks), str(out),
                        ("a.ipynb", "b.ipynb", "c.ipynb"), "fingerprint")
    assert run.status == "failed" and run.failed_notebook == "c.ipynb"
    assert "NameError" in run.error and "shared" in run.error
    second = nbformat.read(out / "b.ipynb", as_version=4)
    assert not any(o.output_type == "error" for c in second.cells for o in c.get("outputs", []))
    assert json.loads((out / "run.json").read_text())["status"] == "failed"


def test_a_figure_in_a_chain_is_drawn_only_to_show_it(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "a.ipynb",
              "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\nax.plot([1, 2, 3])\n"
              "draws = []\nfig.canvas.mpl_connect('draw_event', draws.append)",
              "from IPython.core.pylabtools import print_figure\nshown = len(draws)\n"
              "print_figure(fig, 'png', bbox_inches='tight')\nprint(shown, len(draws) - shown)")
    out = tmp_path / "out"
    run = run_org_chain(str(tmp_path / "study.yml"), "sma-uk", str(notebooks), str(out), ("a.ipynb",),
                        "fingerprint")
    assert run.status == "ok", run.error
    executed = nbformat.read(out / "a.ipynb", as_version=4)
    figure_cell, count_cell = executed.cells[-2:]
    assert any("image/png" in o.get("data", {}) for o in figure_cell.outputs), "the figure is still shown"
    shown, one_display = map(int, count_cell.outputs[0]["text"].split())
    assert shown == one_display, "drawn as often as showing it once takes, not once more after the cell"


def test_a_chain_kernel_freezes_only_its_imports_out_of_garbage_collection(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    report = ("import gc, sys\nprint(gc.get_freeze_count(), 'pandas' in sys.modules, "
              "sorted(n for n in globals() if 'rarevoices' in n or n == 'importlib'))")
    cycles = "cycles = [[] for _ in range(1000)]\nfor c in cycles: c.append(c)"
    _notebook(notebooks / "a.ipynb", report, cycles)
    _notebook(notebooks / "b.ipynb", report)
    out = tmp_path / "out"
    run = run_org_chain(str(tmp_path / "study.yml"), "sma-uk", str(notebooks), str(out),
                        ("a.ipynb", "b.ipynb"), "fingerprint")
    assert run.status == "ok", run.error
    printed = []
    for name in ("a.ipynb", "b.ipynb"):
        cell = next(cell for cell in nbformat.read(out / name, as_version=4).cells if cell.source == report)
        printed.append(cell.outputs[0]["text"].split(" ", 2))
    first, second = printed
    assert int(first[0]) > 10_000, "the libraries' objects are frozen at the kernel's start"
    assert first[1] == "True", "the libraries are imported before the first notebook"
    assert first[2].strip() == "[]", "the setup leaves no names in the notebooks' namespace"
    assert second[0] == first[0], "what a notebook makes is never frozen"


def test_the_chain_kernel_listens_on_private_unix_sockets_not_tcp(tmp_path: Path) -> None:
    assert os.name == "posix", "rarevoices runs its kernels on POSIX systems (Linux, macOS)"
    with chain_kernel(str(tmp_path)) as kernel:
        folder = Path(kernel.manager.ip).parent
        assert kernel.manager.transport == "ipc"
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, "only this user can reach the sockets"
        kernel.clear()  # the kernel answers, so it listens
        assert any(path.is_socket() for path in folder.iterdir())
    assert not folder.exists(), "the sockets are removed with the kernel"


def test_chains_leave_no_kernel_connections_open_in_the_worker(tmp_path: Path) -> None:
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    _notebook(notebooks / "a.ipynb", "x = 1")
    _notebook(notebooks / "b.ipynb", "y = 2")

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    def chain(number: int) -> None:
        out = tmp_path / f"out{number}"
        run = run_org_chain(str(tmp_path / "study.yml"), "sma-uk", str(notebooks), str(out),
                            ("a.ipynb", "b.ipynb"), "fingerprint")
        assert run.status == "ok", run.error

    chain(0)  # the first chain may open what stays open for good (imports, logging)
    gc.collect()
    before = open_files()
    for number in range(1, 4):
        chain(number)
    gc.collect()
    assert open_files() - before < 10, "each chain's kernel clients were closed (a leak is ~40 per chain)"


def test_a_changed_report_template_makes_every_run_out_of_date(batch, tmp_path: Path, monkeypatch) -> None:
    import helpers.batch.fingerprints

    config, _ = batch
    notebooks = config.project_root / "notebooks"
    package = tmp_path / "helpers"
    shutil.copytree(helpers.batch.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(helpers.batch.fingerprints, "PACKAGE_DIR", package)
    before = run_fingerprint(config, notebooks, "sma-uk")
    template = next((package / "resources" / "nbconvert").rglob("*.j2"))
    template.write_text(template.read_text() + "\n{# changed #}\n")
    assert run_fingerprint(config, notebooks, "sma-uk") != before


def test_a_rerun_executes_only_the_notebooks_that_changed_or_failed(batch, tmp_path: Path) -> None:
    """Editing one notebook re-executes that notebook alone; the other executed copies stay."""
    config, _ = batch
    root = tmp_path / "study"
    shutil.copytree(config.project_root, root)  # the batch's results, in a study of its own
    copy = load_config(root / "config" / "study.yml")
    reports = copy.reports_path
    # other tests may have left these organisations out of date (an erasure): bring them up to date first
    run_batch(copy.source, orgs=["sma-uk", FAILING_ORG], workers=1, resume=True, progress=False, render=False)
    executed_at = {org: {name: (reports / org / name).stat().st_mtime_ns for name in CHAIN}
                   for org in ("sma-uk", FAILING_ORG)}
    edited = root / "notebooks" / "04_networks.ipynb"
    notebook = nbformat.read(edited, as_version=4)
    notebook.cells.append(nbformat.v4.new_markdown_cell("A note added by the researcher."))
    nbformat.write(notebook, edited)

    result = run_batch(copy.source, orgs=["sma-uk", FAILING_ORG], workers=1, resume=True, progress=False)

    runs = {run.org_id: run for run in result.runs}
    changed = {org: sorted(name for name, before in times.items()
                           if (reports / org / name).stat().st_mtime_ns != before)
               for org, times in executed_at.items()}
    assert changed == {"sma-uk": ["04_networks.ipynb"],
                       FAILING_ORG: ["04_networks.ipynb", "05_org_report.ipynb"]}  # 05 had failed
    assert runs["sma-uk"].status == "ok" and len(runs["sma-uk"].notebooks) == len(CHAIN)
    assert result.compare is not None and result.compare.status == "skipped"  # its notebook is unchanged
    assert runs[FAILING_ORG].status == "failed" and runs[FAILING_ORG].failed_notebook == "05_org_report.ipynb"
    rerun = nbformat.read(reports / "sma-uk" / "04_networks.ipynb", as_version=4)
    assert rerun.cells[-1].source == "A note added by the researcher."
    recorded = _record(copy, "sma-uk")["notebook_fingerprints"]
    assert recorded == notebook_fingerprints(copy, root / "notebooks", "sma-uk")
    assert set(_record(copy, FAILING_ORG)["notebook_fingerprints"]) == set(CHAIN) - {"05_org_report.ipynb"}
    page = reports / "sma-uk" / "04_networks.html"
    assert page.stat().st_mtime_ns > executed_at["sma-uk"]["04_networks.ipynb"]  # rendered again
    assert "sma-uk" in (reports / "index.html").read_text()

    again = run_batch(copy.source, orgs=["sma-uk"], workers=1, resume=True, progress=False, render=False)
    assert [run.status for run in again.runs] == ["skipped"]
