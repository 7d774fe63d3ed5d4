"""Acknowledgements: a viewer that asks gets an `ack` with the sequence number its interaction got."""

from __future__ import annotations

from chorustest import Daemon


def test_ack_carries_the_broadcast_seq_and_cid(shared: Daemon) -> None:
    with shared.viewer("acks", user="buyer") as v, shared.viewer("acks") as watcher:
        v.send({"type": "purchase", "sku": "SKU-9", "qty": 2, "cid": "order-1", "ack": True})
        ack = v.recv_type("ack")
        assert ack["room"] == "acks"
        assert ack["cid"] == "order-1"
        watcher.read_through("acks", ack["seq"])
        [message] = [m for m in watcher.messages("acks") if m["seq"] == ack["seq"]]
        assert message["type"] == "purchase" and message["cid"] == "order-1" and message["user"] == "buyer"


def test_acks_are_per_interaction_and_only_when_asked(shared: Daemon) -> None:
    with shared.viewer("acks2") as v:
        v.send({"type": "like"})  # no ack asked
        for i in range(20):
            v.send({"type": "chat", "text": f"ack me {i}", "cid": f"m{i}", "ack": True})
        v.send({"type": "gift", "gift": "rose", "ack": False})
        acks = []
        while len(acks) < 20:
            frame = v.recv()
            if frame["type"] == "ack":
                acks.append(frame)
        v.drain()
        assert not [f for f in v.frames if f["type"] == "ack" and f not in acks]
        assert [a["cid"] for a in acks] == [f"m{i}" for i in range(20)]
        seqs = [a["seq"] for a in acks]
        assert seqs == sorted(seqs) and len(set(seqs)) == 20
        first = v.welcome["seq"] + 2  # the unacknowledged like took welcome + 1
        assert seqs == list(range(first, first + 20))


def test_ack_without_cid_and_bad_ack_value(shared: Daemon) -> None:
    with shared.viewer("acks3") as v:
        v.send({"type": "like", "ack": True})
        ack = v.recv_type("ack")
        assert "cid" not in ack and ack["seq"] == v.welcome["seq"] + 1
        v.send({"type": "like", "ack": "yes"})
        error = v.recv_type("error")
        assert error["code"] == "invalid_field" and "'ack'" in error["message"]
