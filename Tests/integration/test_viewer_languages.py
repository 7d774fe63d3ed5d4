"""Viewers choose "my language only", a list of languages, or all; the filter changes later."""

from __future__ import annotations

import pytest

from chorustest import SENTENCES, Daemon, expect_close_on_open


def _publish(publisher, after: int) -> int:
    """Sends MIXED once; returns the seq of its last message (the room was at `after`)."""
    for cid, frame in MIXED:
        publisher.send(dict(frame, cid=cid))
    return after + len(MIXED)


MIXED = [
    ("en", {"type": "chat", "text": SENTENCES["en"]}),
    ("es", {"type": "chat", "text": SENTENCES["es"]}),
    ("emoji", {"type": "chat", "text": "😍😍🔥"}),
    ("buy", {"type": "purchase", "sku": "SKU-7"}),
    ("pt", {"type": "chat", "text": SENTENCES["pt"]}),
]


def test_mine_keeps_own_language_und_and_commerce(shared: Daemon) -> None:
    with shared.viewer("lang", locale="es-MX", region="MX", langs="mine") as mine, \
         shared.viewer("lang", locale="es-MX") as everything, shared.viewer("lang") as publisher:
        assert mine.welcome["langs"] == ["es", "und"]
        assert everything.welcome["langs"] == []
        last = _publish(publisher, publisher.welcome["seq"])
        mine.read_through("lang", last)
        everything.read_through("lang", last)
        assert [m["cid"] for m in everything.messages("lang")] == ["en", "es", "emoji", "buy", "pt"]
        assert [m["cid"] for m in mine.messages("lang")] == ["es", "emoji", "buy"]
        # Same ranges as the unfiltered stream, the removed chat counted: no gap to worry about.
        assert [(b["from"], b["to"]) for b in mine.batches("lang")] == \
               [(b["from"], b["to"]) for b in everything.batches("lang")]
        assert sum(b.get("filtered", 0) for b in mine.batches("lang")) == 2


def test_explicit_list_and_filter_frame(shared: Daemon) -> None:
    with shared.viewer("lang", langs="PT,en") as viewer, shared.viewer("lang") as publisher:
        assert viewer.welcome["langs"] == ["en", "pt"]
        last = _publish(publisher, publisher.welcome["seq"])
        viewer.read_through("lang", last)
        assert [m["cid"] for m in viewer.messages("lang")] == ["en", "buy", "pt"]
        viewer.send({"type": "filter", "langs": []})  # all again
        viewer.send({"type": "like", "ack": True})  # its ack proves the filter frame was processed
        ack = viewer.recv_type("ack")
        last = _publish(publisher, ack["seq"])
        viewer.read_through("lang", last)
        later = [m["cid"] for m in viewer.messages("lang") if m["seq"] > ack["seq"]]
        assert later == ["en", "es", "emoji", "buy", "pt"]


def test_mine_without_a_locale_means_all(shared: Daemon) -> None:
    with shared.viewer("lang", langs="mine") as viewer:
        assert viewer.welcome["langs"] == []


@pytest.mark.parametrize("langs", ["english%21", "e", "es,,pt"])
def test_bad_langs_close_4000(shared: Daemon, langs: str) -> None:
    expect_close_on_open(shared.ws_url(f"/v1/viewer?room=lang&langs={langs}"), 4000)


def test_bad_filter_frame_is_an_error(shared: Daemon) -> None:
    with shared.viewer("lang") as viewer:
        viewer.send({"type": "filter", "langs": "es"})
        error = viewer.recv_type("error")
        assert error["code"] == "invalid_field"
