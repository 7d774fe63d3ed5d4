"""Stats for operators and consoles: `GET /v1/stats`, per-minute series in room stats (kept
across restarts), the consoles' `stats` frame every second, bounded /metrics labels."""

from __future__ import annotations

import json
import time
from pathlib import Path

from chorustest import SENTENCES, Daemon, make_token, metric_sum
from test_backpressure import NO_RATE_LIMITS
from test_counts import collect_acks

CONFIG = {"limits": NO_RATE_LIMITS, "rooms": {"static": ["lobby"], "autoCreate": True}}


def get_json(daemon: Daemon, path: str) -> tuple[int, dict]:
    status, _, body = daemon.http("GET", path)
    return status, json.loads(body)


def send_acked(daemon: Daemon, room: str, region: str, frames: list[dict], locale: str | None = None) -> None:
    with daemon.viewer(room, region=region, locale=locale) as viewer:
        for n, frame in enumerate(frames):
            viewer.send({**frame, "ack": True, "cid": str(n)})
        assert len(collect_acks(viewer, len(frames), timeout=10)) == len(frames)


def test_node_stats_and_per_minute_series_count_everything_and_survive_a_restart(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG).start()
    try:
        status, empty = get_json(daemon, "/v1/stats")
        assert status == 200 and empty["interactions"]["total"] == 0 and empty["shows"] == 0
        assert empty["rooms"] == 1 and empty["perMinute"] == []

        send_acked(daemon, "show-a", "BR", [{"type": "chat", "text": SENTENCES["pt"]}] * 3 + [{"type": "like"}] * 2)
        send_acked(daemon, "show-b", "US", [{"type": "chat", "text": SENTENCES["en"]}, {"type": "purchase", "sku": "X"}])
        send_acked(daemon, "show-b", "FR", [{"type": "chat", "text": SENTENCES["fr"]}], locale="fr-FR")

        _, node = get_json(daemon, "/v1/stats")
        assert node["interactions"]["total"] == 8
        assert node["interactions"]["byType"]["chat"] == 5 and node["interactions"]["byType"]["like"] == 2
        assert node["interactions"]["byRegion"] == {"BR": 5, "FR": 1, "US": 2}
        assert node["regions"] == 3
        assert {"pt", "en", "fr"} <= set(node["interactions"]["byLanguage"])
        assert node["shows"] == 2
        assert sum(m["total"] for m in node["perMinute"]) == 8
        assert all(m["start"] % 60 == 0 for m in node["perMinute"])

        _, room = get_json(daemon, "/v1/rooms/show-a/stats")
        assert room["interactions"]["total"] == 5
        assert sum(m["byType"]["chat"] for m in room["perMinute"]) == 3
        assert sum(m["byType"]["like"] for m in room["perMinute"]) == 2
        _, recent = get_json(daemon, "/v1/rooms/show-a/stats?minutes=1")
        assert len(recent["perMinute"]) <= 1
        status, error = get_json(daemon, "/v1/stats?minutes=0")
        assert status == 400 and error["error"] == "invalid_query"

        assert daemon.stop(timeout=10) == 0
        daemon.start()
        _, restored = get_json(daemon, "/v1/stats")
        assert restored["interactions"] == node["interactions"]
        assert restored["shows"] == 2 and restored["rooms"] == 1, "closed shows still count, only lobby is open"
        assert restored["perMinute"] == node["perMinute"]
        _, room_after = get_json(daemon, "/v1/rooms/show-a/stats")
        assert room_after["perMinute"] == room["perMinute"]
    finally:
        daemon.stop()


def test_consoles_get_a_stats_frame_every_second_and_viewers_do_not(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG).start()
    try:
        with daemon.console(["lobby"], token=make_token("lobby")) as console, \
                daemon.viewer("lobby", region="BR") as viewer:
            first = console.recv_type("stats", timeout=3)
            assert first["room"] == "lobby" and first["interactions"]["total"] == 0
            for n in range(3):
                viewer.send({"type": "like", "ack": True, "cid": str(n)})
            assert len(collect_acks(viewer, 3, timeout=10)) == 3
            began = time.monotonic()
            later = console.recv_until(
                lambda f: f.get("type") == "stats" and f["interactions"]["total"] == 3, timeout=3)
            assert time.monotonic() - began < 2.5
            assert later["viewers"] == 1 and later["consoles"] == 1
            assert later["interactions"]["byType"]["like"] == 3 and later["interactions"]["byRegion"] == {"BR": 3}
            assert sum(m["total"] for m in later["perMinute"]) == 3
            # About one a second: count them over three seconds.
            stats_frames = 0
            end = time.monotonic() + 3
            while time.monotonic() < end:
                try:
                    frame = console.recv(timeout=max(0.01, end - time.monotonic()))
                except TimeoutError:
                    break
                stats_frames += frame.get("type") == "stats"
            assert 2 <= stats_frames <= 4
            viewer.drain(quiet=0.2)
            assert not [f for f in viewer.frames if f.get("type") == "stats"]
        assert metric_sum(daemon.metrics(), "chorus_console_stats_frames_total") >= 4
    finally:
        daemon.stop()


def test_language_labels_in_metrics_stay_bounded(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", CONFIG).start()
    try:
        # Likes carry the declared language of the viewer's locale, which may be any code.
        for locale in ("xh-ZA", "zu-ZA", "fr-FR"):
            send_acked(daemon, "lobby", "ZA", [{"type": "like"}], locale=locale)
        samples = daemon.metrics()
        labels = {dict(ls)["lang"] for (name, ls) in samples if name == "chorus_interactions_by_language_total"}
        assert labels == {"other", "fr"}
        assert metric_sum(samples, "chorus_interactions_by_language_total", lang="other") == 2
        _, node = get_json(daemon, "/v1/stats")
        assert node["interactions"]["byLanguage"] == {"fr": 1, "xh": 1, "zu": 1}, "the API keeps every code"
    finally:
        daemon.stop()
