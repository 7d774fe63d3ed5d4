"""Plain HTTP on the daemon's port: health, metrics, room stats, 404s, where it listens."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

from chorustest import SENTENCES, Daemon, metric_sum


def test_healthz_ok(shared: Daemon) -> None:
    status, _, body = shared.http("GET", "/healthz")
    assert status == 200
    assert body.strip() == b"ok"


def test_unknown_path_is_404(shared: Daemon) -> None:
    for path in ("/", "/nope", "/v1", "/v1/rooms", "/v1/rooms/lobby", "/v1/rooms/lobby/stats/x", "/healthz/x"):
        status, _, _ = shared.http("GET", path)
        assert status == 404, f"GET {path} -> {status}"


def test_unknown_room_stats_is_404(shared: Daemon) -> None:
    status, headers, body = shared.http("GET", "/v1/rooms/no-such-room/stats")
    assert status == 404
    assert json.loads(body) == {"error": "unknown_room"}


def test_metrics_is_prometheus_text_and_counts_interactions(shared: Daemon) -> None:
    status, headers, body = shared.http("GET", "/metrics")
    assert status == 200
    assert headers.get("content-type", "").startswith("text/plain"), headers
    text = body.decode()
    assert "# TYPE" in text
    before = shared.metrics()
    chats_before = metric_sum(before, "chorus_interactions_total", type="chat")
    purchases_before = metric_sum(before, "chorus_interactions_total", type="purchase")
    by_lang_before = metric_sum(before, "chorus_interactions_by_language_total")
    by_region_before = metric_sum(before, "chorus_interactions_by_region_total")

    with shared.viewer("lobby", locale="es-MX", region="MX") as viewer:
        seq = viewer.welcome["seq"]
        viewer.send({"type": "chat", "text": SENTENCES["es"]})
        viewer.send({"type": "chat", "text": SENTENCES["en"]})
        viewer.send({"type": "purchase", "sku": "SKU-1", "qty": 2})
        viewer.read_through("lobby", seq + 3)

    deadline = time.monotonic() + 5
    while True:
        after = shared.metrics()
        chats = metric_sum(after, "chorus_interactions_total", type="chat") - chats_before
        if chats >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert chats == 2, f'chorus_interactions_total{{type="chat"}} grew by {chats}, wanted 2'
    assert metric_sum(after, "chorus_interactions_total", type="purchase") - purchases_before == 1
    assert metric_sum(after, "chorus_interactions_by_language_total") - by_lang_before >= 2, \
        "chorus_interactions_by_language_total did not grow"
    assert metric_sum(after, "chorus_interactions_by_region_total") - by_region_before >= 3, \
        "chorus_interactions_by_region_total did not grow"


def _find_counts(value: Any, key: str) -> list[dict[str, Any]]:
    """Every JSON object in `value` that has an integer under `key`."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if isinstance(value.get(key), int) and not isinstance(value.get(key), bool):
            found.append(value)
        for v in value.values():
            found.extend(_find_counts(v, key))
    elif isinstance(value, list):
        for v in value:
            found.extend(_find_counts(v, key))
    return found


def test_room_stats_after_traffic(shared: Daemon) -> None:
    with shared.viewer("stats", locale="es-ES", region="es") as a, \
         shared.viewer("stats", locale="pt-BR", region="BR") as b:
        seq = a.welcome["seq"]
        a.send({"type": "chat", "text": SENTENCES["es"]})
        a.send({"type": "chat", "text": SENTENCES["es"]})
        a.send({"type": "like", "count": 3})
        b.send({"type": "chat", "text": SENTENCES["pt"]})
        b.send({"type": "purchase", "sku": "SKU-9"})
        b.send({"type": "coupon", "code": "SAVE10"})
        a.read_through("stats", seq + 6)
        b.read_through("stats", seq + 6)

        status, headers, body = shared.http("GET", "/v1/rooms/stats/stats")
    assert status == 200
    assert headers.get("content-type", "").startswith("application/json"), headers
    stats = json.loads(body)
    by_type = _find_counts(stats, "purchase")
    assert by_type, f"no counts by interaction type in {stats}"
    types = by_type[0]
    assert {k: types.get(k, 0) for k in ("chat", "like", "gift", "cart", "purchase", "coupon")} == \
        {"chat": 3, "like": 1, "gift": 0, "cart": 0, "purchase": 1, "coupon": 1}, f"counts by type: {types}"
    # Chat counts under its detected language, other interactions under the declared locale's.
    langs = _find_counts(stats, "es")
    assert langs and langs[0]["es"] == 3 and langs[0].get("pt") == 3, f"counts by language: {stats}"
    regions = _find_counts(stats, "BR")
    assert regions and regions[0]["BR"] == 3 and regions[0].get("ES") == 3, f"counts by region: {stats}"


def test_listens_only_on_configured_host(shared: Daemon) -> None:
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    locals_ = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[3].rsplit(":", 1)[-1] == str(shared.port):
            locals_.append(fields[3])
    assert locals_, f"port {shared.port} not listening:\n{out}"
    assert all(addr == f"127.0.0.1:{shared.port}" for addr in locals_), \
        f"listening on {locals_}, wanted only 127.0.0.1:{shared.port}"
