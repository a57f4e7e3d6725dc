"""Pseudonyms, secrets, scrubbing and masking (docs/privacy.md)."""

import os
import stat
from pathlib import Path

import pytest

from helpers.privacy import (
    OrgAccount,
    Pseudonymiser,
    Scrubber,
    SecretError,
    compile_name_pattern,
    key_fingerprint,
    load_or_create_secret,
    mask_excerpt,
    scrub_emails,
    scrub_phones,
    scrub_urls,
)

KEY = bytes(range(32))
ORGS = {
    ("twitter", "smatogetheruk"): OrgAccount("sma-uk", "SMATogetherUK"),
    ("reddit", "pkuvoicesnetwork"): OrgAccount("pku-us", "PKUVoicesNetwork"),
}


def test_secret_is_created_once_with_owner_only_permissions(tmp_path: Path, caplog) -> None:
    path = tmp_path / "keys" / "study.key"
    key = load_or_create_secret(path)
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "Created a new pseudonymisation key" in caplog.text
    assert load_or_create_secret(path) == key


def test_missing_secret_on_a_later_run_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "study.key"
    fingerprint = key_fingerprint(load_or_create_secret(path))
    path.unlink()
    with pytest.raises(SecretError, match="missing"):
        load_or_create_secret(path, expected_fingerprint=fingerprint)
    assert not path.exists(), "no silent new key"


def test_other_secret_than_the_data_was_made_with_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "study.key"
    load_or_create_secret(path)
    with pytest.raises(SecretError, match="not the key"):
        load_or_create_secret(path, expected_fingerprint="0" * 16)


def test_corrupt_secret_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "study.key"
    path.write_text("not hex at all")
    with pytest.raises(SecretError, match="not a rarevoices key"):
        load_or_create_secret(path)


def test_pseudonyms_are_stable_short_and_keyed() -> None:
    first = Pseudonymiser(KEY, ORGS)
    again = Pseudonymiser(KEY, ORGS)
    other = Pseudonymiser(bytes(32), ORGS)
    alice = first.author_id("twitter", "12345", "alice")
    assert alice == again.author_id("twitter", "12345", "alice_renamed"), "keyed on the stable id"
    assert alice.startswith("P-") and len(alice) == 12
    assert alice != other.author_id("twitter", "12345", "alice")
    assert alice != first.author_id("mastodon", "12345", "alice"), "platform is part of the key"


def test_organisation_accounts_keep_their_names_case_insensitively() -> None:
    p = Pseudonymiser(KEY, ORGS)
    assert p.author_id("twitter", "999", "SMATogetherUK") == "twitter:SMATogetherUK"
    assert p.author_id("twitter", "999", "@smatogetheruk") == "twitter:SMATogetherUK"
    assert p.org_of("twitter", "999", None) == "sma-uk", "learned the org's id from its handle"
    assert p.author_id("twitter", "999", None) == "twitter:SMATogetherUK"
    assert p.author_id("reddit", None, "u/pkuvoicesnetwork") == "reddit:PKUVoicesNetwork"


def test_reddit_keys_on_user_name() -> None:
    p = Pseudonymiser(KEY, ORGS)
    assert p.author_id("reddit", "t2_abc", "PKU_Mum") == p.author_id("reddit", None, "/u/pku_mum")


def test_post_ids_are_keyed_and_platform_prefixed() -> None:
    p = Pseudonymiser(KEY, ORGS)
    post = p.post_id("twitter", "1760000000000000000")
    assert post.startswith("twitter:") and "1760000000000000000" not in post
    assert post == Pseudonymiser(KEY).post_id("twitter", "1760000000000000000")


@pytest.mark.parametrize(
    "text",
    [
        "write to giulia.rossi+sma@example.org please",
        "Mail: J.Smith@nhs.net.",
    ],
)
def test_emails_are_removed(text: str) -> None:
    scrubbed = scrub_emails(text)
    assert "@" not in scrubbed and "[email]" in scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "call me on +44 7700 900123 tonight",
        "ring 0161 496 0000",
        "US: (555) 123-4567",
        "cell 555-123-4567",
        "chiamami al +39 333 123 4567",
        "mobile 0412 345 678",
        "+61 412 345 678",
        "0039.333.1234567",
    ],
)
def test_phone_numbers_are_removed(text: str) -> None:
    scrubbed = scrub_phones(text)
    assert "[phone]" in scrubbed
    assert sum(ch.isdigit() for ch in scrubbed) <= 3, scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "Diagnosed on 2024-02-29 at 14 months",
        "We raised £12,500 in 2025!",
        "Trial NCT01234567 is recruiting",
        "ages 2 to 17, 120 children, 2024 2025",
    ],
)
def test_dates_amounts_and_trial_ids_are_not_phone_numbers(text: str) -> None:
    assert scrub_phones(text) == text


def test_urls_keep_only_the_domain() -> None:
    text = (
        "See https://www.clinicaltrials.gov/study/NCT0123?utm_source=tw&fbclid=abc. "
        "And www.gofundme.com/f/help-sofia"
    )
    scrubbed = scrub_urls(text)
    assert scrubbed == "See clinicaltrials.gov. And gofundme.com"
    assert scrub_urls(text, keep_paths=True) == text


def test_scrubber_replaces_private_mentions_by_pseudonyms_and_keeps_orgs() -> None:
    p = Pseudonymiser(KEY, ORGS)

    def resolve(handle: str) -> str:
        org = p.org_handle("twitter", None, handle)
        return "@" + (org if org else p.author_id("twitter", None, handle))

    scrubbed = Scrubber().scrub("@SMATogetherUK thanks @jane_doe! mail jane@x.org", "twitter", resolve)
    assert "@SMATogetherUK" in scrubbed
    assert "jane_doe" not in scrubbed and "@P-" in scrubbed
    assert "[email]" in scrubbed


def test_reddit_user_mentions_are_scrubbed() -> None:
    scrubbed = Scrubber().scrub("thanks /u/Helpful_Mum and u/other_dad", "reddit", lambda h: "@P-x")
    assert "Helpful_Mum" not in scrubbed and "other_dad" not in scrubbed


def test_listed_person_names_are_removed() -> None:
    scrubber = Scrubber(person_names=compile_name_pattern(["Sofia Marchetti", "Tom"]))
    scrubbed = scrubber.scrub("my daughter sofia marchetti and Tom, not Tomas", "twitter", lambda h: h)
    assert scrubbed == "my daughter [name] and [name], not Tomas"


def test_quarantine_excerpts_are_shape_masked() -> None:
    raw = '{"id": "1234", "author": {"username": "alice_k", "name": "Alice K"}, "text": "hi'
    masked = mask_excerpt(raw)
    assert "alice" not in masked.lower() and "1234" not in masked
    assert '"username":' in masked and '"text":' in masked
    assert mask_excerpt("Alice,2024-02-29,+44 7700") == "Aaaaa,9999-99-99,+99 9999"


def test_facebook_pages_are_recognised_by_page_name_too() -> None:
    orgs = {("facebook", "sma together uk"): OrgAccount("sma-uk", "SMA Together UK")}
    p = Pseudonymiser(KEY, orgs)
    p.remember_org("facebook", "1000123", "smatogether.official", "SMA Together UK")
    assert p.author_id("facebook", "1000123", "smatogether.official") == "facebook:SMA Together UK"
    p.remember_org("twitter", "55", "someone", "SMA Together UK")
    assert p.author_id("twitter", "55", "someone").startswith("P-"), "display names count only for pages"


def test_urls_with_brackets_in_the_path_lose_their_whole_tail() -> None:
    text = ("Results: https://www.thelancet.com/journals/laneur/article/PIIS1474-4422(24)00448-7/fulltext"
            "?utm_source=fb&fbclid=IwAR2x (open access). See also (www.nih.gov/news?id=3).")
    scrubbed = scrub_urls(text)
    assert scrubbed == "Results: thelancet.com (open access). See also (nih.gov)."

