"""Pseudonymisation: keyed, stable, and thorough (ids, native ids, handles, names, mentions, URLs)."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import stat

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench import privacy
from workbench.errors import PrivacyError, WorkbenchError

KEY = b"0123456789abcdef0123456789abcdef"
ACCOUNTS = pd.DataFrame({
    "account_id": ["twitter:783214", "mastodon:bob@example.social", "bluesky:did:plc:abc123xyz",
                   "reddit:spez", "twitter:42"],
    "platform": ["twitter", "mastodon", "bluesky", "reddit", "twitter"],
    "handle": ["Alice_W", "bob", "carol.bsky.social", "spez", "dd"],
    "display_name": ["Alice Liddell", "Bob Builder", "Carol", None, "Dee Dee"],
})


@pytest.fixture
def p() -> privacy.Pseudonymizer:
    return privacy.Pseudonymizer(ACCOUNTS, key=KEY)


def expected_token(account_id: str) -> str:
    return "u_" + hmac.new(KEY, ("account:" + account_id).encode(), hashlib.sha256).hexdigest()[:12]


def test_token_is_hmac_sha256_of_the_account_id(p):
    assert p.token("twitter:783214") == expected_token("twitter:783214")
    assert re.fullmatch(r"u_[0-9a-f]{12}", p.token("reddit:spez"))


def test_same_key_same_pseudonyms_other_key_others(p):
    again = privacy.Pseudonymizer(ACCOUNTS.iloc[::-1], key=KEY)  # row order does not matter
    other = privacy.Pseudonymizer(ACCOUNTS, key=b"another key entirely")
    text = "@Alice_W meets @bob and u/spez"
    assert p.text(text) == again.text(text)
    assert p.text(text) != other.text(text)


@pytest.mark.parametrize("raw, account", [
    ("twitter:783214", "twitter:783214"),
    ("783214", "twitter:783214"),
    ("@Alice_W", "twitter:783214"),
    ("@alice_w", "twitter:783214"),
    ("Alice_W", "twitter:783214"),
    ("Alice Liddell", "twitter:783214"),
    ("https://twitter.com/Alice_W/status/1", "twitter:783214"),
    ("https://x.com/alice_w", "twitter:783214"),
    ("@bob@example.social", "mastodon:bob@example.social"),
    ("https://example.social/@bob", "mastodon:bob@example.social"),
    ("https://www.reddit.com/u/spez", "reddit:spez"),
    ("https://old.reddit.com/user/spez/comments", "reddit:spez"),
    ("https://bsky.app/profile/carol.bsky.social", "bluesky:did:plc:abc123xyz"),
    ("did:plc:abc123xyz", "bluesky:did:plc:abc123xyz"),
    ("twitter:42", "twitter:42"),
    ("Dee Dee", "twitter:42"),
])
def test_every_form_of_an_identifier_becomes_the_accounts_pseudonym(p, raw, account):
    out = p.text(f"before {raw} after")
    assert expected_token(account) in out
    assert privacy.find_leaks(out, ACCOUNTS) == []
    assert out.startswith("before ") and out.endswith(" after")


def test_qualified_ids_keep_their_platform(p):
    assert p.text("twitter:783214") == "twitter:" + expected_token("twitter:783214")


def test_unknown_mentions_and_handle_urls_are_hashed_too(p):
    out = p.text("hi @zed and https://twitter.com/yvonne/status/9 and https://x.example/@quinn")
    digest = "u_" + hmac.new(KEY, b"handle:zed", hashlib.sha256).hexdigest()[:12]
    assert f"@{digest}" in out
    assert "zed" not in out and "yvonne" not in out and "quinn" not in out


def test_what_is_not_an_identifier_stays(p):
    text = "write to help@example.org, see https://twitter.com/i/web/status/5 #cycling 12 km in 2024"
    assert p.text(text) == text


def test_short_numeric_native_ids_only_match_qualified(p):
    # twitter:42's native part is too short to be told apart from a count.
    assert p.text("42 posts") == "42 posts"
    assert p.text("id twitter:42") == "id twitter:" + expected_token("twitter:42")


def test_frame_covers_every_text_column_the_index_and_headers(p):
    frame = pd.DataFrame({"source": ["twitter:783214", "reddit:spez"], "text": ["@bob hi", "nothing"],
                          "count": [1, 2]}, index=pd.Index(["Alice_W", "spez"], name="handle"))
    out = p.frame(frame)
    assert out["count"].tolist() == [1, 2]
    assert out.index.name == "handle"
    rendered = out.to_csv()
    assert privacy.find_leaks(rendered, ACCOUNTS) == []
    assert out.loc[expected_token("twitter:783214"), "source"] == "twitter:" + expected_token("twitter:783214")
    assert frame.loc["Alice_W", "text"] == "@bob hi"  # the input is not modified


def test_params_pseudonymise_strings_and_lists(p):
    safe = p.params({"focal_accounts": ["Alice_W"], "db_path": "/data/spez.duckdb", "seed": 3})
    assert safe["seed"] == 3
    assert privacy.find_leaks(repr(safe), ACCOUNTS) == []


def test_no_pseudonymizer_changes_nothing():
    none = privacy.NoPseudonymizer()
    frame = pd.DataFrame({"handle": ["alice"]})
    assert none.frame(frame) is frame and none.text("@alice") == "@alice" and not none.enabled


def test_find_leaks_names_what_it_found():
    assert privacy.find_leaks("Thanks @ALICE_W and Bob Builder!", ACCOUNTS) == ["alice_w", "bob builder"]
    assert privacy.find_leaks("nothing here", ACCOUNTS) == []


_handle = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{3,14}", fullmatch=True)


@settings(max_examples=30, deadline=None)
@given(handles=st.lists(_handle, min_size=1, max_size=6, unique_by=str.lower), native=st.integers(10**5, 10**18))
def test_any_text_built_from_identifiers_comes_out_clean(handles, native):
    accounts = pd.DataFrame({"account_id": [f"twitter:{native + i}" for i in range(len(handles))],
                             "handle": handles})
    p = privacy.Pseudonymizer(accounts, key=KEY)
    text = " ".join(f"@{h} {h.upper()} https://twitter.com/{h}/status/{native} twitter:{native + i} ({native + i})"
                    for i, h in enumerate(handles))
    out = p.text(text)
    assert privacy.find_leaks(out, accounts) == []
    assert p.text(text) == out  # stable


# -- the key ----------------------------------------------------------------------------------
def test_key_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(privacy.KEY_ENV, "s3cret")
    assert privacy.load_key(path=tmp_path / "never.key") == b"s3cret"
    assert not (tmp_path / "never.key").exists()


def test_key_file_is_made_once_private_and_reused(monkeypatch, tmp_path):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    monkeypatch.setenv(privacy.KEY_FILE_ENV, str(tmp_path / "keys" / "pseudonym.key"))
    first = privacy.load_key()
    assert len(first) == 32
    mode = stat.S_IMODE(os.stat(tmp_path / "keys" / "pseudonym.key").st_mode)
    assert mode == 0o600
    assert privacy.load_key() == first


def test_key_file_inside_the_report_folder_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    with pytest.raises(PrivacyError, match="inside the report folder") as info:
        privacy.load_key(path=tmp_path / "out" / "k.key", forbid_under=tmp_path / "out")
    assert isinstance(info.value, WorkbenchError) and isinstance(info.value, ValueError)


def test_missing_or_empty_key_file(monkeypatch, tmp_path):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    with pytest.raises(PrivacyError, match="no pseudonymisation key"):
        privacy.load_key(path=tmp_path / "none.key", create=False)
    (tmp_path / "empty.key").write_bytes(b"")
    with pytest.raises(PrivacyError, match="empty"):
        privacy.load_key(path=tmp_path / "empty.key")


# -- the bundled sample: every handle, name and id ------------------------------------------------
def test_every_identifier_of_a_generated_sample_is_hidden(tmp_path):
    import workbench as wb
    from workbench import datasets

    path = datasets.write_sample(tmp_path / "s.jsonl", n_accounts=150, weeks=1, n_communities=3)
    with wb.open(":memory:") as store:
        wb.load(store, path, progress=False)
        accounts = store.sql("SELECT account_id, handle, display_name FROM accounts").df()
        posts = store.sql("SELECT post_id, author_id, text FROM posts").df()
        interactions = store.sql("SELECT source_id, target_id, kind FROM interactions").df()
    p = privacy.Pseudonymizer(accounts, key=KEY)
    shown = "\n".join(frame.to_csv() for frame in (p.frame(accounts), p.frame(posts), p.frame(interactions)))
    assert privacy.find_leaks(shown, accounts) == []
    lowered = shown.lower()
    for row in accounts.itertuples():
        native = row.account_id.split(":", 1)[1]
        assert re.search(rf"(?<!\w){re.escape(native)}(?!\w)", lowered) is None, native
        assert re.search(rf"(?<!\w){re.escape(row.handle.lower())}(?!\w)", lowered) is None, row.handle
