"""Several chorusd nodes sharing rooms through Redis (`cluster.redis`, issue 21).

What is checked, for members on any node: a room's sequence numbers are global (one counter in
Redis), so every member of a room receives the same batches, gap-free and in order, whichever
node each message was sent to; a welcome's `seq` is the room's number in Redis; an ack comes
once its batch is stored in Redis (it survives a `kill -9` of the node that sent it), with the
global `seq`; an `idempotencyKey` retried on another node is acknowledged as a duplicate of the
first attempt and not broadcast again; a client resumes on another node with `since`; consoles
on a third node see everything once, with their language filter; and the same with rooms spread
over the three masters of a Redis Cluster.

Deselect with `-m 'not cluster'`.
"""

from __future__ import annotations

import json
import re
import signal
import time
from collections import Counter
from typing import Any, Callable, Iterable, Sequence

import pytest

from chorustest import (SENTENCES, Daemon, Member, assert_coverage, deep_merge, make_token, summarize,
                        wait_metric)
from redistest import RedisCluster, RedisServer, key_slot, names_on_every_master
from test_backpressure import NO_RATE_LIMITS

pytestmark = pytest.mark.cluster

# Generous: three daemons, Redis and the test share two busy CPUs.
READ_TIMEOUT = 30.0
START_TIMEOUT = 30.0


# --------------------------------------------------------------------------------------------
# Helpers


def node_config(urls: Sequence[str], rooms: Sequence[str] = ("lobby",), **extra: Any) -> dict[str, Any]:
    config = {"cluster": {"redis": list(urls)}, "rooms": {"static": list(rooms)}, "limits": NO_RATE_LIMITS}
    return deep_merge(config, extra)


def start_nodes(chorusd: Callable[..., Daemon], urls: Sequence[str] | Sequence[Sequence[str]], count: int,
                rooms: Sequence[str] = ("lobby",), **extra: Any) -> list[Daemon]:
    """`count` nodes with the same Redis (`urls`, or one list of URLs per node), started together."""
    per_node = [list(u) for u in urls] if urls and not isinstance(urls[0], str) else [list(urls)] * count
    assert len(per_node) == count
    nodes = [chorusd(node_config(per_node[i], rooms, **extra), start=False) for i in range(count)]
    for node in nodes:
        node.start(wait=False)
    for node in nodes:
        node.wait_healthy(timeout=START_TIMEOUT)
    return nodes


def console_of(node: Daemon, rooms: Sequence[str], since: str | None = None, langs: str | None = None,
               token_rooms: Sequence[str] | None = None) -> Member:
    query = f"/v1/console?rooms={','.join(rooms)}&token={make_token(token_rooms or rooms)}"
    if since is not None:
        query += f"&since={since}"
    if langs is not None:
        query += f"&langs={langs}"
    return Member.open(node.ws_url(query), timeout=10.0)


def viewer_since(node: Daemon, room: str, since: int) -> Member:
    return Member.open(node.ws_url(f"/v1/viewer?room={room}&since={since}"), timeout=10.0)


def talk(talkers: dict[str, Member], rounds: int, prefix: str = "") -> dict[str, list[str]]:
    """Each talker sends `rounds` chat messages, taking turns; returns each one's cids in the
    order it sent them (cid `{prefix}{name}-{n}`)."""
    sent: dict[str, list[str]] = {name: [] for name in talkers}
    for n in range(rounds):
        for name, member in talkers.items():
            cid = f"{prefix}{name}-{n}"
            member.send({"type": "chat", "text": f"message {n} from {name}", "cid": cid})
            sent[name].append(cid)
    return sent


def room_frames(member: Member, room: str, last: int) -> list[dict[str, Any]]:
    """`member`'s batch frames of `room` up to `last`."""
    return [b for b in member.batches(room) if b["to"] <= last]


def assert_same_stream(members: Iterable[Member], room: str, first: int, last: int,
                       sent: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Every member received the room's batches first..last: consecutive, each number once, the
    very same batch frames on every node; each sent cid exactly once, each sender's messages in
    the order it sent them. Returns the messages."""
    members = list(members)
    for member in members:
        member.read_through(room, last, timeout=READ_TIMEOUT)
        assert_coverage(member.frames, room, first, last)
        assert not [f for f in member.frames if f.get("type") in ("missed", "gap", "error")], \
            summarize(member.frames)
    reference = room_frames(members[0], room, last)
    for member in members[1:]:
        assert room_frames(member, room, last) == reference, \
            f"{room}: members on different nodes got different batches: " \
            f"{summarize(reference)} vs {summarize(room_frames(member, room, last))}"
    messages = [m for b in reference for m in b["messages"]]
    counts = Counter(m.get("cid") for m in messages)
    expected = [cid for cids in sent.values() for cid in cids]
    assert sorted(counts.elements()) == sorted(expected), f"{room}: not each sent message once: {counts}"
    seq_of = {m["cid"]: m["seq"] for m in messages}
    for name, cids in sent.items():
        seqs = [seq_of[cid] for cid in cids]
        assert seqs == sorted(seqs), f"{room}: {name}'s messages numbered out of the order sent: {seqs}"
    return messages


def acks_of(member: Member, count: int, timeout: float = READ_TIMEOUT) -> list[dict[str, Any]]:
    """Reads until `member` holds `count` acks; returns them in the order received."""
    def acks() -> list[dict[str, Any]]:
        return [f for f in member.frames if f.get("type") == "ack"]
    if len(acks()) < count:
        member.recv_until(lambda _: len(acks()) >= count, timeout, what=f"{count} acks")
    return acks()


def ack_for(member: Member, cid: str, timeout: float = READ_TIMEOUT) -> dict[str, Any]:
    for frame in member.frames:
        if frame.get("type") == "ack" and frame.get("cid") == cid:
            return frame
    return member.recv_until(lambda f: f.get("type") == "ack" and f.get("cid") == cid, timeout,
                             what=f"ack of {cid}")


def close_all(members: Iterable[Member]) -> None:
    for member in members:
        try:
            member.close()
        except Exception:  # a member of a killed node: its socket is gone already
            pass


# --------------------------------------------------------------------------------------------
# (a) one room, members on two nodes


def test_viewers_on_two_nodes_receive_the_same_batches_whoever_sends(chorusd, redis: RedisServer) -> None:
    a, b = start_nodes(chorusd, [redis.url], 2)
    ana = a.viewer("lobby", locale="pt-BR", region="BR", user="ana")
    bruno = b.viewer("lobby", locale="en-US", region="US", user="bruno")
    listeners = [a.viewer("lobby"), b.viewer("lobby")]
    members = [ana, bruno, *listeners]
    try:
        start = ana.welcome["seq"]
        assert start == 0, "a fresh Redis: the room starts at 0"
        assert [m.welcome["seq"] for m in members] == [start] * 4
        sent = talk({"ana": ana, "bruno": bruno}, rounds=40)
        last = start + 80
        messages = assert_same_stream(members, "lobby", start + 1, last, sent)
        # Who sent what travels with the message.
        for message in messages:
            if message["cid"].startswith("ana-"):
                assert (message["user"], message["locale"], message["region"]) == ("ana", "pt-BR", "BR")
            else:
                assert (message["user"], message["locale"], message["region"]) == ("bruno", "en-US", "US")

        # And again, B first: live traffic keeps flowing both ways.
        more = talk({"bruno": bruno, "ana": ana}, rounds=3, prefix="late-")
        assert_same_stream(members, "lobby", start + 1, last + 6,
                           {name: sent[name] + more[name] for name in sent})
    finally:
        close_all(members)


# (b) consoles on a third node


def test_consoles_on_a_third_node_see_every_message_once_in_order(chorusd, redis: RedisServer) -> None:
    a, b, c = start_nodes(chorusd, [redis.url], 3)
    va, vb, vc = a.viewer("lobby", user="va"), b.viewer("lobby", user="vb"), c.viewer("lobby", user="vc")
    console = console_of(c, ["lobby"])
    console_on_a = console_of(a, ["lobby"])
    members = [va, vb, vc, console, console_on_a]
    try:
        start = va.welcome["seq"]
        assert console.welcome["rooms"] == [{"room": "lobby", "seq": start}]
        assert console_on_a.welcome["rooms"] == [{"room": "lobby", "seq": start}]
        sent = talk({"va": va, "vb": vb, "vc": vc}, rounds=30)
        last = start + 90
        assert_same_stream([console, console_on_a, va, vb, vc], "lobby", start + 1, last, sent)
        # A console also gets other interactions, numbered like chat.
        vb.send({"type": "purchase", "sku": "SKU-1", "qty": 2, "cid": "buy"})
        va.send({"type": "gift", "gift": "rose", "amount": 3, "cid": "gift"})
        console.read_through("lobby", last + 2, timeout=READ_TIMEOUT)
        assert_coverage(console.frames, "lobby", start + 1, last + 2)
        tail = [m for m in console.messages("lobby") if m["seq"] > last]
        assert sorted(m["cid"] for m in tail) == ["buy", "gift"]
        buy = next(m for m in tail if m["cid"] == "buy")
        assert (buy["type"], buy["sku"], buy["qty"], buy["user"]) == ("purchase", "SKU-1", 2, "vb")
    finally:
        close_all(members)


# (c) welcome seq is the room's number in Redis


def test_welcome_seq_on_another_node_is_the_rooms_number_in_redis(chorusd, redis: RedisServer) -> None:
    a, b = start_nodes(chorusd, [redis.url], 2)
    members: list[Member] = []
    try:
        sender = a.viewer("lobby")
        members.append(sender)
        assert sender.welcome["seq"] == 0
        for n in range(5):
            sender.send({"type": "chat", "text": f"olá {n}", "cid": f"a-{n}"})
        sender.read_through("lobby", 5, timeout=READ_TIMEOUT)  # numbered and stored in Redis by now

        joiner = b.viewer("lobby")
        members.append(joiner)
        assert joiner.welcome["seq"] == 5
        console = console_of(b, ["lobby"])
        members.append(console)
        assert console.welcome["rooms"] == [{"room": "lobby", "seq": 5}]

        # A node started after the messages were sent knows the number too.
        (late,) = start_nodes(chorusd, [redis.url], 1)
        late_viewer = late.viewer("lobby")
        members.append(late_viewer)
        assert late_viewer.welcome["seq"] == 5

        joiner.send({"type": "like", "cid": "from-b"})
        late_viewer.send({"type": "like", "cid": "from-late"})
        for member in (sender, joiner, console, late_viewer):
            member.read_through("lobby", 7, timeout=READ_TIMEOUT)
        assert_coverage(sender.frames, "lobby", 1, 7)
        for member in (joiner, console, late_viewer):
            assert_coverage(member.frames, "lobby", 6, 7)
            assert sorted(m["cid"] for m in member.messages("lobby")) == ["from-b", "from-late"]
    finally:
        close_all(members)


# (d) acks and idempotency keys across nodes


def test_acks_carry_the_global_seq_in_the_order_sent(chorusd, redis: RedisServer) -> None:
    a, b, c = start_nodes(chorusd, [redis.url], 3)
    va, vb = a.viewer("lobby"), b.viewer("lobby")
    console = console_of(c, ["lobby"])
    members = [va, vb, console]
    try:
        start = console.welcome["rooms"][0]["seq"]
        rounds = 15
        for n in range(rounds):
            va.send({"type": "like", "ack": True, "cid": f"a-{n}"})
            vb.send({"type": "cart", "sku": f"SKU-{n}", "ack": True, "cid": f"b-{n}"})
        acks_a, acks_b = acks_of(va, rounds), acks_of(vb, rounds)
        for acks, name in ((acks_a, "a"), (acks_b, "b")):
            assert [f["cid"] for f in acks] == [f"{name}-{n}" for n in range(rounds)], "acks in the order sent"
            assert [f["seq"] for f in acks] == sorted(f["seq"] for f in acks)
            assert all(f["room"] == "lobby" and "duplicate" not in f for f in acks)
        seqs = sorted(f["seq"] for f in acks_a + acks_b)
        assert seqs == list(range(start + 1, start + 2 * rounds + 1)), "one global, gap-free numbering"
        console.read_through("lobby", start + 2 * rounds, timeout=READ_TIMEOUT)
        seq_of = {m["cid"]: m["seq"] for m in console.messages("lobby")}
        assert {f["cid"]: f["seq"] for f in acks_a + acks_b} == seq_of, "an ack names the broadcast seq"
    finally:
        close_all(members)


def test_a_retry_on_another_node_is_a_duplicate_of_the_first_attempt(chorusd, redis: RedisServer) -> None:
    a, b, c = start_nodes(chorusd, [redis.url], 3)
    va, vb, vc = a.viewer("lobby", user="ana"), b.viewer("lobby", user="ana"), c.viewer("lobby")
    console = console_of(c, ["lobby"])
    members = [va, vb, vc, console]
    try:
        va.send({"type": "purchase", "sku": "A-1", "ack": True, "cid": "p1", "idempotencyKey": "order-77"})
        first = ack_for(va, "p1")
        assert "duplicate" not in first
        vb.send({"type": "purchase", "sku": "A-1", "ack": True, "cid": "p1-retry", "idempotencyKey": "order-77"})
        assert ack_for(vb, "p1-retry") == {"type": "ack", "room": "lobby", "seq": first["seq"], "cid": "p1-retry",
                                           "duplicate": True}
        vc.send({"type": "purchase", "sku": "A-1", "ack": True, "cid": "p1-again", "idempotencyKey": "order-77"})
        assert ack_for(vc, "p1-again") == {"type": "ack", "room": "lobby", "seq": first["seq"], "cid": "p1-again",
                                           "duplicate": True}
        # Without an ack request a retry is still recognised, just not answered.
        vb.send({"type": "purchase", "sku": "A-1", "cid": "p1-silent", "idempotencyKey": "order-77"})
        vb.send({"type": "like", "ack": True, "cid": "marker"})
        marker = ack_for(vb, "marker")
        assert marker["seq"] == first["seq"] + 1, "a retry must not take a sequence number"
        for member in (va, vb, vc, console):
            member.read_through("lobby", marker["seq"], timeout=READ_TIMEOUT)
            assert_coverage(member.frames, "lobby", first["seq"], marker["seq"])
            assert [m["cid"] for m in member.messages("lobby")] == ["p1", "marker"], "a retry broadcast again"
    finally:
        close_all(members)


def test_the_same_key_sent_to_two_nodes_at_once_counts_once(chorusd, redis: RedisServer) -> None:
    """A client that gave up waiting on one node and retried on another while the first attempt
    was still on its way: whichever reaches Redis first is numbered, the other is its duplicate."""
    a, b = start_nodes(chorusd, [redis.url], 2)
    va, vb = a.viewer("lobby"), b.viewer("lobby")
    console = console_of(a, ["lobby"])
    members = [va, vb, console]
    try:
        start = console.welcome["rooms"][0]["seq"]
        keys = [f"order-{n}" for n in range(20)]
        for key in keys:
            va.send({"type": "purchase", "sku": "S", "ack": True, "cid": f"a:{key}", "idempotencyKey": key})
            vb.send({"type": "purchase", "sku": "S", "ack": True, "cid": f"b:{key}", "idempotencyKey": key})
        acks = acks_of(va, len(keys)) + acks_of(vb, len(keys))
        for key in keys:
            pair = [f for f in acks if f["cid"].endswith(f":{key}")]
            assert len(pair) == 2, pair
            assert pair[0]["seq"] == pair[1]["seq"], f"{key}: both attempts must name the same seq: {pair}"
            assert sorted(bool(f.get("duplicate")) for f in pair) == [False, True], \
                f"{key}: exactly one attempt counts: {pair}"
        last = start + len(keys)
        assert sorted({f["seq"] for f in acks}) == list(range(start + 1, last + 1))
        va.send({"type": "like", "ack": True, "cid": "marker"})
        assert ack_for(va, "marker")["seq"] == last + 1
        for member in members:
            member.read_through("lobby", last + 1, timeout=READ_TIMEOUT)
            assert_coverage(member.frames, "lobby", start + 1, last + 1)
            purchases = [m for m in member.messages("lobby") if m["type"] == "purchase"]
            assert len(purchases) == len(keys), "each key broadcast once"
            winners = {f["cid"] for f in acks if not f.get("duplicate")}
            assert {m["cid"] for m in purchases} == winners
    finally:
        close_all(members)


def test_acked_interactions_survive_a_kill_9_of_the_node_that_took_them(chorusd, redis: RedisServer) -> None:
    """An ack means the batch is stored in Redis: the node that sent it may die at once, another
    node replays it and recognises its key."""
    a, b = start_nodes(chorusd, [redis.url], 2)
    va = a.viewer("lobby")
    members = [va]
    try:
        va.send({"type": "like", "ack": True, "cid": "warm-up"})  # so that the resume below is after 1, not 0
        start = ack_for(va, "warm-up")["seq"]
        count = 20
        for n in range(count):
            va.send({"type": "purchase", "sku": f"SKU-{n}", "ack": True, "cid": f"p{n}", "idempotencyKey": f"k{n}"})
        acked = {f["cid"]: f["seq"] for f in acks_of(va, count + 1) if f["cid"] != "warm-up"}
        assert sorted(acked.values()) == list(range(start + 1, start + count + 1))
        a.signal(signal.SIGKILL)
        a.wait_exit(10)

        with viewer_since(b, "lobby", start) as resumed:
            assert resumed.welcome["seq"] == start
            resumed.read_through("lobby", max(acked.values()), timeout=READ_TIMEOUT)
            assert not [f for f in resumed.frames if f.get("type") in ("gap", "missed")], summarize(resumed.frames)
            replayed = {m["cid"]: m["seq"] for m in resumed.messages("lobby")}
            assert replayed == acked
        with b.viewer("lobby") as retrier:
            assert retrier.welcome["seq"] == start + count
            for n in range(count):
                retrier.send({"type": "purchase", "sku": f"SKU-{n}", "ack": True, "cid": f"r{n}",
                              "idempotencyKey": f"k{n}"})
            retries = acks_of(retrier, count)
            assert [(f["cid"], f["seq"], f.get("duplicate")) for f in retries] == \
                   [(f"r{n}", acked[f"p{n}"], True) for n in range(count)]
    finally:
        close_all(members)


# (e) resume on another node


def test_viewer_resumes_on_another_node_with_exactly_what_it_missed(chorusd, redis: RedisServer) -> None:
    a, b = start_nodes(chorusd, [redis.url], 2)
    reader = a.viewer("lobby")
    ta, tb = a.viewer("lobby", user="ta"), b.viewer("lobby", user="tb")
    members = [reader, ta, tb]
    try:
        start = reader.welcome["seq"]
        talk({"ta": ta, "tb": tb}, rounds=10, prefix="before-")
        reader.read_through("lobby", start + 20, timeout=READ_TIMEOUT)
        since = reader.high["lobby"]
        assert since == start + 20
        reader.close()

        missed = talk({"ta": ta, "tb": tb}, rounds=10, prefix="while-away-")
        away_last = since + 20
        tb.read_through("lobby", away_last, timeout=READ_TIMEOUT)

        resumed = viewer_since(b, "lobby", since)
        members.append(resumed)
        assert resumed.welcome["seq"] == since
        resumed.read_through("lobby", away_last, timeout=READ_TIMEOUT)
        ta.send({"type": "like", "cid": "live"})
        resumed.read_through("lobby", away_last + 1, timeout=READ_TIMEOUT)
        assert not [f for f in resumed.frames if f.get("type") in ("gap", "missed", "error")], \
            summarize(resumed.frames)
        assert_coverage(resumed.frames, "lobby", since + 1, away_last + 1)
        got = [m for m in resumed.messages("lobby")]
        assert sorted(m["cid"] for m in got[:-1]) == sorted(missed["ta"] + missed["tb"])
        assert got[-1]["cid"] == "live"
        # The replay is the room's very messages, as those who stayed received them.
        stayed = [m for m in tb.messages("lobby") if since < m["seq"] <= away_last]
        assert got[:-1] == stayed
    finally:
        close_all(members)


def test_console_resumes_mid_batch_on_another_node(chorusd, redis: RedisServer) -> None:
    a, b, c = start_nodes(chorusd, [redis.url], 3, rooms=("lobby", "other"))
    lobby, other = a.viewer("lobby"), b.viewer("other")
    members = [lobby, other]
    try:
        for n in range(15):
            lobby.send({"type": "chat", "text": f"hola {n}", "cid": f"l{n}"})
            other.send({"type": "chat", "text": f"ciao {n}", "cid": f"o{n}"})
        lobby.read_through("lobby", 15, timeout=READ_TIMEOUT)
        other.read_through("other", 15, timeout=READ_TIMEOUT)
        since = 7  # wherever the batches were cut: a resume starts at since + 1 all the same
        console = console_of(c, ["lobby", "other"], since=f"lobby:{since}")
        members.append(console)
        assert sorted((r["room"], r["seq"]) for r in console.welcome["rooms"]) == [("lobby", since), ("other", 15)]
        lobby.send({"type": "like", "cid": "live-lobby"})
        other.send({"type": "like", "cid": "live-other"})
        console.read_through("lobby", 16, timeout=READ_TIMEOUT)
        console.read_through("other", 16, timeout=READ_TIMEOUT)
        assert not [f for f in console.frames if f.get("type") in ("gap", "missed", "error")], \
            summarize(console.frames)
        assert_coverage(console.frames, "lobby", since + 1, 16)
        assert_coverage(console.frames, "other", 16, 16)
        assert [m["cid"] for m in console.messages("lobby")] == [f"l{n}" for n in range(since, 15)] + ["live-lobby"]
        assert [m["cid"] for m in console.messages("other")] == ["live-other"]
    finally:
        close_all(members)


# (f) language filters of members on other nodes


def test_language_filters_apply_to_messages_from_other_nodes(chorusd, redis: RedisServer) -> None:
    a, b, c = start_nodes(chorusd, [redis.url], 3, rooms=("lobby", "other"))
    en_speaker = a.viewer("lobby", locale="en-US", region="US")
    es_speaker = b.viewer("lobby", locale="es-MX", region="MX")
    console = console_of(c, ["lobby"], langs="es", token_rooms=["lobby", "other"])
    mine = a.viewer("lobby", locale="es-MX", region="MX", langs="mine")
    everything = c.viewer("lobby")
    members = [en_speaker, es_speaker, console, mine, everything]
    try:
        assert console.welcome["langs"] == ["es"]
        assert mine.welcome["langs"] == ["es", "und"]
        start = everything.welcome["seq"]
        plan = [
            (en_speaker, "en-1", {"type": "chat", "text": SENTENCES["en"]}),
            (es_speaker, "es-1", {"type": "chat", "text": SENTENCES["es"]}),
            (es_speaker, "pt-1", {"type": "chat", "text": SENTENCES["pt"]}),
            (en_speaker, "buy", {"type": "purchase", "sku": "SKU-7"}),
            (es_speaker, "und-1", {"type": "chat", "text": SENTENCES["und"]}),
            (en_speaker, "es-2", {"type": "chat", "text": SENTENCES["es"]}),
            (es_speaker, "fr-1", {"type": "chat", "text": SENTENCES["fr"]}),
        ]
        for sender, cid, frame in plan:
            sender.send({**frame, "cid": cid})
        last = start + len(plan)
        for member in members:
            member.read_through("lobby", last, timeout=READ_TIMEOUT)
            assert_coverage(member.frames, "lobby", start + 1, last)
        order = [m["cid"] for m in everything.messages("lobby")]
        assert sorted(order) == sorted(cid for _, cid, _ in plan)
        for message in everything.messages("lobby"):
            if message["type"] == "chat":
                assert message["lang"] == message["cid"].split("-")[0], message

        # Same ranges as the unfiltered stream; chat in other languages removed and counted.
        ranges = [(f["from"], f["to"]) for f in everything.batches("lobby")]
        for member, kept in ((console, {"es-1", "es-2", "buy"}), (mine, {"es-1", "es-2", "buy", "und-1"})):
            assert [(f["from"], f["to"]) for f in member.batches("lobby")] == ranges
            assert [m["cid"] for m in member.messages("lobby")] == [cid for cid in order if cid in kept]
            assert sum(f.get("filtered", 0) for f in member.batches("lobby")) == len(plan) - len(kept)

        # A filter changed later applies to what comes from the other nodes too.
        console.send({"type": "filter", "langs": ["pt"]})
        console.send({"type": "subscribe", "rooms": ["other"]})  # answered once the filter is applied
        assert console.recv_type("subscribed", timeout=READ_TIMEOUT)["room"] == "other"
        es_speaker.send({"type": "chat", "text": SENTENCES["pt"], "cid": "pt-2"})
        en_speaker.send({"type": "chat", "text": SENTENCES["es"], "cid": "es-3"})
        console.read_through("lobby", last + 2, timeout=READ_TIMEOUT)
        later = [m["cid"] for m in console.messages("lobby") if m["seq"] > last]
        assert later == ["pt-2"]
    finally:
        close_all(members)


# (g) a Redis Cluster of three masters, rooms on every one


def test_rooms_spread_over_a_redis_cluster_share_batches_across_nodes(chorusd,
                                                                      redis_cluster: RedisCluster) -> None:
    rooms = names_on_every_master(redis_cluster, per_master=2)
    urls = redis_cluster.urls
    # Node A knows every seed; B and C one each (the router learns the others from it).
    a, b, c = start_nodes(chorusd, [urls, [urls[1]], [urls[2]]], 3, rooms=rooms)
    viewers_a = {room: a.viewer(room, user=f"a-{room}") for room in rooms}
    viewers_b = {room: b.viewer(room, user=f"b-{room}") for room in rooms}
    console = console_of(c, rooms)
    members = [*viewers_a.values(), *viewers_b.values(), console]
    try:
        assert sorted(r["room"] for r in console.welcome["rooms"]) == sorted(rooms)
        starts = {r["room"]: r["seq"] for r in console.welcome["rooms"]}
        sent: dict[str, dict[str, list[str]]] = {room: {"a": [], "b": []} for room in rooms}
        rounds = 12
        for n in range(rounds):
            for room in rooms:
                for name, viewer in (("a", viewers_a[room]), ("b", viewers_b[room])):
                    cid = f"{room}-{name}-{n}"
                    viewer.send({"type": "chat", "text": f"message {n} in {room}", "cid": cid})
                    sent[room][name].append(cid)
        for room in rooms:
            assert viewers_a[room].welcome["seq"] == viewers_b[room].welcome["seq"] == starts[room]
            assert_same_stream([viewers_a[room], viewers_b[room], console], room, starts[room] + 1,
                               starts[room] + 2 * rounds, sent[room])
        # The rooms' data lives on the master owning each room's slot (its keys hash by its name).
        owners = redis_cluster.slot_owners()
        for server in redis_cluster.servers:
            own = [room for room in rooms if owners[key_slot(room)] is server]
            assert own, "names_on_every_master gives each master rooms"
            keys = server.command("KEYS", "*")
            for room in own:
                named = re.compile(rf"(?<![A-Za-z0-9_-]){re.escape(room)}(?![A-Za-z0-9_-])")
                assert any(named.search(key) for key in keys), \
                    f"no key of {room} on the master of its slot {server.address}: {keys}"
    finally:
        close_all(members)


# Room stats count every node's interactions, on every node that follows the room.


def test_room_stats_on_any_node_count_what_every_node_took(chorusd, redis: RedisServer) -> None:
    a, b = start_nodes(chorusd, [redis.url], 2)
    ana = a.viewer("lobby", locale="es-ES", region="ES", user="ana")
    bruno = b.viewer("lobby", locale="pt-BR", region="BR", user="bruno")
    members = [ana, bruno]
    try:
        for n in range(5):
            ana.send({"type": "chat", "text": SENTENCES["es"], "cid": f"a-{n}"})
            bruno.send({"type": "like", "cid": f"b-{n}"})
        bruno.send({"type": "purchase", "sku": "SKU-1", "qty": 2, "cid": "buy"})
        for member in members:
            member.read_through("lobby", 11)
        # A third node opens the room only now: it starts from Redis's counts, not from zero.
        c = start_nodes(chorusd, [redis.url], 1)[0]
        late = c.viewer("lobby")
        members.append(late)
        for node in (a, b, c):
            status, _, body = node.http("GET", "/v1/rooms/lobby/stats")
            assert status == 200, body
            stats = json.loads(body)
            assert stats["seq"] == 11, (node.port, stats)
            counts = stats["interactions"]
            assert counts["total"] == 11, (node.port, counts)
            assert counts["byType"]["chat"] == 5 and counts["byType"]["like"] == 5, counts
            assert counts["byType"]["purchase"] == 1, counts
            assert counts["byRegion"] == {"ES": 5, "BR": 6}, counts
            assert sum(minute["total"] for minute in stats["perMinute"]) == 11, stats["perMinute"]
    finally:
        close_all(members)


# Redis killed and restarted (with its append-only file) while acknowledged interactions flow.


def test_a_redis_restart_mid_run_loses_nothing_acknowledged(chorusd, tmp_path) -> None:
    redis = RedisServer(tmp_path / "aof-redis", appendonly=True)
    members: list[Member] = []
    try:
        a, b = start_nodes(chorusd, [redis.url], 2)
        senders = [a.viewer("lobby", user="sa"), b.viewer("lobby", user="sb")]
        watchers = [a.viewer("lobby"), b.viewer("lobby")]
        members = senders + watchers
        keys: list[tuple[int, str]] = []

        def send(count: int, prefix: str) -> None:
            for n in range(count):
                index = n % 2
                key = f"{prefix}-{n}"
                keys.append((index, key))
                senders[index].send({"type": "like", "ack": True, "cid": key, "idempotencyKey": key})

        def acked() -> dict[str, dict[str, Any]]:
            return {f["cid"]: f for s in senders for f in s.frames if f.get("type") == "ack"}

        def read_acks(seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline and len(acked()) < len(keys):
                for sender in senders:
                    try:
                        sender.recv(timeout=0.05)
                    except TimeoutError:
                        pass

        send(40, "before")
        read_acks(READ_TIMEOUT)
        assert len(acked()) == 40, "all acknowledged while Redis runs"
        redis.kill()
        send(40, "during")  # accepted by the nodes, not acknowledged: Redis has not stored them
        read_acks(1.0)
        assert len(acked()) == 40, f"acked while Redis was down: {sorted(set(acked()) - {k for _, k in keys[:40]})}"
        assert "degraded" in a.http("GET", "/healthz")[2].decode()
        wait_metric(a, "chorus_cluster_redis_unreachable", 1, timeout=READ_TIMEOUT)
        redis.restart()
        send(40, "after")
        read_acks(READ_TIMEOUT * 2)
        # A client resends what was not acknowledged, with its key, until it is.
        deadline = time.monotonic() + READ_TIMEOUT * 2
        while len(acked()) < len(keys) and time.monotonic() < deadline:
            for index, key in keys:
                if key not in acked():
                    senders[index].send({"type": "like", "ack": True, "cid": key, "idempotencyKey": key})
            read_acks(2.0)
        acks = acked()
        assert len(acks) == len(keys) == 120, f"unacknowledged: {[k for _, k in keys if k not in acks]}"
        seqs = [acks[key]["seq"] for _, key in keys]
        assert len(set(seqs)) == 120, "each interaction has its own number"
        # Counted exactly once each, in Redis and in both nodes' room stats.
        last = max(seqs)
        for watcher in watchers:
            watcher.read_through("lobby", last, timeout=READ_TIMEOUT)
            assert_coverage(watcher.frames, "lobby", watcher.welcome["seq"] + 1, None)
        for node in (a, b):
            stats = json.loads(node.http("GET", "/v1/rooms/lobby/stats")[2])
            assert stats["interactions"]["total"] == 120, (node.port, stats["interactions"])
        cells = redis.command("HGETALL", "chorus:{lobby}:counts")
        assert sum(int(cells[i + 1]) for i in range(0, len(cells), 2)) == 120
        liked = Counter(m["cid"] for w in watchers[:1] for batch in w.batches("lobby") for m in batch["messages"])
        assert set(liked.values()) == {1} and len(liked) == 120, "each delivered once"
        wait_metric(a, "chorus_cluster_redis_unreachable", 0, timeout=READ_TIMEOUT)
        deadline = time.monotonic() + READ_TIMEOUT  # subscriptions come back with a back-off ≤ 1 s
        while a.http("GET", "/healthz")[2].decode() != "ok\n":
            assert time.monotonic() < deadline, a.http("GET", "/healthz")[2]
            time.sleep(0.1)
    finally:
        close_all(members)
        redis.stop()


# Presence: room stats count members on every live node; a killed node's stop counting.


def test_presence_counts_every_node_and_a_killed_nodes_expire(chorusd, redis: RedisServer) -> None:
    a, b = start_nodes(chorusd, [redis.url], 2, cluster={"presenceIntervalMs": 200})
    members = [a.viewer("lobby") for _ in range(2)] + [b.viewer("lobby") for _ in range(3)]
    console = console_of(b, ["lobby"])
    members.append(console)

    def viewers_on_a() -> tuple[int, int]:
        stats = json.loads(a.http("GET", "/v1/rooms/lobby/stats")[2])
        return stats["viewers"], stats["consoles"]

    def wait_for(expected: tuple[int, int]) -> None:
        deadline = time.monotonic() + READ_TIMEOUT
        while viewers_on_a() != expected:
            assert time.monotonic() < deadline, f"room stats on A say {viewers_on_a()}, wanted {expected}"
            time.sleep(0.05)

    try:
        wait_for((5, 1))  # A's two viewers, B's three and its console
        members[0].close()
        wait_for((4, 1))
        b.signal(signal.SIGKILL)  # B dies without a word: its entry expires after three intervals
        b.wait_exit(timeout=10)
        wait_for((1, 0))
    finally:
        close_all(members)


# Slow mode set by a console on one node holds on every node, also on one that opens the room later.


def test_slow_mode_set_on_one_node_holds_on_every_node(chorusd, redis: RedisServer) -> None:
    a, b = start_nodes(chorusd, [redis.url], 2)
    console = console_of(a, ["lobby"])
    viewer = b.viewer("lobby")
    members = [console, viewer]
    try:
        console.send({"type": "slowmode", "room": "lobby", "seconds": 60})
        frame = viewer.recv_until(lambda f: f.get("type") == "slowmode", READ_TIMEOUT, what="slowmode on B")
        assert frame["seconds"] == 60
        viewer.send({"type": "chat", "text": "first", "cid": "b1"})
        viewer.send({"type": "chat", "text": "second", "cid": "b2"})
        error = viewer.recv_until(lambda f: f.get("type") == "error", READ_TIMEOUT, what="slow_mode error on B")
        assert (error["code"], error.get("cid")) == ("slow_mode", "b2"), error
        # A node that opens the room only now reads the room's slow mode from Redis.
        c = start_nodes(chorusd, [redis.url], 1)[0]
        late = c.viewer("lobby")
        members.append(late)
        late.send({"type": "chat", "text": "first", "cid": "c1"})
        late.send({"type": "chat", "text": "second", "cid": "c2"})
        error = late.recv_until(lambda f: f.get("type") == "error", READ_TIMEOUT, what="slow_mode error on C")
        assert (error["code"], error.get("cid")) == ("slow_mode", "c2"), error
        # Off again from the console: B's viewer is told.
        console.send({"type": "slowmode", "room": "lobby", "seconds": 0})
        viewer.recv_until(lambda f: f.get("type") == "slowmode" and f["seconds"] == 0, READ_TIMEOUT,
                          what="slow mode off on B")
    finally:
        close_all(members)


# A room that closes on a node (idle) is no longer followed there, and is followed afresh on a join.


def test_a_room_closed_on_a_node_is_unfollowed_and_followed_again_on_a_join(chorusd, redis: RedisServer) -> None:
    config = deep_merge(node_config([redis.url], ()), {"rooms": {"autoCreate": True, "idleSeconds": 1}})
    a, b = chorusd(config), chorusd(config)
    talker = a.viewer("pop-up")
    members = [talker]
    try:
        with b.viewer("pop-up") as passerby:
            talker.send({"type": "chat", "text": "one", "cid": "one"})
            passerby.read_through("pop-up", 1, timeout=READ_TIMEOUT)
        # B's room is empty: after rooms.idleSeconds it closes there and B unsubscribes.
        deadline = time.monotonic() + READ_TIMEOUT
        while int(redis.command("PUBSUB", "SHARDNUMSUB", "chorus:{pop-up}:live")[1]) != 1:
            assert time.monotonic() < deadline, "B still subscribed to a room it closed"
            time.sleep(0.1)
        for n in range(3):
            talker.send({"type": "chat", "text": f"while B is away {n}", "cid": f"away-{n}"})
        talker.read_through("pop-up", 4, timeout=READ_TIMEOUT)
        returning = b.viewer("pop-up")
        members.append(returning)
        assert returning.welcome["seq"] == 4, returning.welcome
        talker.send({"type": "chat", "text": "back", "cid": "back"})
        returning.read_through("pop-up", 5, timeout=READ_TIMEOUT)
        assert [m["cid"] for batch in returning.batches("pop-up") for m in batch["messages"]] == ["back"]
    finally:
        close_all(members)
