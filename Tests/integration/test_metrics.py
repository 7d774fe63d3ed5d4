"""/metrics against README.md: after traffic that makes every family appear, each metric in the
README's table is served with the documented type and labels and nothing undocumented is; every
histogram is well formed (what Prometheus' histogram_quantile needs); chorus_build_info carries
the release; no millisecond names are left."""

from __future__ import annotations

import math
import re
import time
from collections import defaultdict

from chorustest import REPO, SENTENCES, Daemon, make_token

# Two chats a window, then three refusals before the fourth closes with 4008: throttled
# interactions and a server close, by code and reason, from one viewer.
CONFIG = {"limits": {"chatPerWindow": 2, "chatWindowSeconds": 600, "throttledBeforeClose": 3}}

_ROW = re.compile(r"^\| `(chorus_[a-z0-9_]+)` \| (counter|gauge|histogram) \| [a-z]* \| ([^|]*) \|")
_TYPE = re.compile(r"^# TYPE (\S+) (\S+)$")
_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def documented() -> dict[str, tuple[str, set[str]]]:
    """README's metrics table: name -> (type, label names), `le` left out."""
    text = (REPO / "README.md").read_text()
    table = text.split("<!-- metrics-table:begin", 1)[1].split("<!-- metrics-table:end -->", 1)[0]
    rows: dict[str, tuple[str, set[str]]] = {}
    for line in table.splitlines():
        match = _ROW.match(line)
        if match:
            labels = set(re.findall(r"`([a-z_]+)`", match.group(3))) - {"le"}
            rows[match.group(1)] = (match.group(2), labels)
    assert len(rows) >= 30, f"README's metrics table has {len(rows)} rows"
    return rows


def scrape(daemon: Daemon) -> tuple[dict[str, str], list[tuple[str, dict[str, str], float]]]:
    """Types by family and every sample (name, labels, value), in the order served."""
    status, _, body = daemon.http("GET", "/metrics")
    assert status == 200, status
    types: dict[str, str] = {}
    samples: list[tuple[str, dict[str, str], float]] = []
    for line in body.decode().splitlines():
        if match := _TYPE.match(line):
            assert match.group(1) not in types, f"two TYPE lines for {match.group(1)}"
            types[match.group(1)] = match.group(2)
        elif line and not line.startswith("#"):
            match = _SAMPLE.match(line)
            assert match, f"unparsable line: {line!r}"
            samples.append((match.group(1), dict(_LABEL.findall(match.group(2) or "")), float(match.group(3))))
    return types, samples


def family(name: str, types: dict[str, str]) -> str:
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and types.get(name[: -len(suffix)]) == "histogram":
            return name[: -len(suffix)]
    return name


def release() -> str:
    source = (REPO / "Sources" / "ChorusCore" / "ChorusVersion.swift").read_text()
    return re.search(r'static let string = "([^"]+)"', source).group(1)


def make_traffic(daemon: Daemon) -> None:
    with daemon.console(["lobby"], token=make_token(["lobby"])) as console, \
            daemon.viewer("lobby", locale="es-MX", region="MX") as viewer, \
            daemon.viewer("lobby", locale="pt-BR", region="BR") as spammer:
        seq = viewer.welcome["seq"]
        viewer.send({"type": "chat", "text": SENTENCES["es"], "ack": True, "cid": "c1"})
        viewer.send({"type": "purchase", "sku": "SKU-1", "qty": 1, "ack": True, "cid": "c2"})
        viewer.send("{not json")
        # The error answers at once and the acks after a commit, but on a busy host an ack may
        # come first: collect both kinds in whatever order they arrive.
        seen: list[dict] = []
        viewer.recv_until(lambda f: (seen.append(f) if f.get("type") in ("ack", "error") else None) is None
                          and sum(1 for g in seen if g["type"] == "ack") == 2
                          and any(g["type"] == "error" for g in seen), what="two acks and an error")
        assert [g["code"] for g in seen if g["type"] == "error"] == ["invalid_json"]
        assert sorted(g["cid"] for g in seen if g["type"] == "ack") == ["c1", "c2"]
        viewer.read_through("lobby", seq + 2)
        console.recv_type("stats", timeout=5)
        for i in range(6):
            spammer.send({"type": "chat", "text": f"{SENTENCES['pt']} {i}", "cid": f"s{i}"})
        spammer.expect_close(4008)


def test_metrics_match_the_readme_and_histograms_are_well_formed(chorusd) -> None:
    daemon = chorusd(CONFIG)
    rows = documented()
    make_traffic(daemon)

    # Service threads publish their statistics on a timer: wait until every family is there.
    deadline = time.monotonic() + 10
    while True:
        types, samples = scrape(daemon)
        missing = sorted(set(rows) - set(types))
        committed = any(n == "chorus_commits_total" and v >= 1 for n, _, v in samples)
        if (not missing and committed) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert not missing, f"documented in README but not served: {missing}"
    undocumented = sorted(set(types) - set(rows))
    assert not undocumented, f"served but not in README's table: {undocumented}"
    for name, (kind, _) in rows.items():
        assert types[name] == kind, f"{name}: README says {kind}, /metrics says {types[name]}"

    for name, labels, _ in samples:
        base = family(name, types)
        assert base in rows, f"sample {name} belongs to no documented family"
        expected = rows[base][1] | ({"le"} if name == base + "_bucket" else set())
        assert set(labels) == expected, f"{name}{labels}: README lists labels {sorted(expected)}"
        assert not re.search(r"_(ms|milliseconds)(_|$)", name), f"{name} is in milliseconds"

    histograms = [name for name, kind in types.items() if kind == "histogram"]
    assert "chorus_commit_latency_seconds" in histograms
    for name in histograms:
        check_histogram(name, samples)

    info = [(labels, value) for n, labels, value in samples if n == "chorus_build_info"]
    assert len(info) == 1, info
    assert info[0][1] == 1
    assert info[0][0]["version"] == release()

    commits = sum(v for n, _, v in samples if n == "chorus_commits_total")
    latencies = sum(v for n, _, v in samples if n == "chorus_commit_latency_seconds_count")
    assert commits >= 1 and latencies >= 1, (commits, latencies)


def check_histogram(name: str, samples: list[tuple[str, dict[str, str], float]]) -> None:
    """Per label set: `le` ascending to +Inf, counts cumulative, +Inf == _count, a _sum."""
    buckets: dict[frozenset, list[tuple[float, str, float]]] = defaultdict(list)
    sums: dict[frozenset, float] = {}
    counts: dict[frozenset, float] = {}
    for sample_name, labels, value in samples:
        key = frozenset((k, v) for k, v in labels.items() if k != "le")
        if sample_name == name + "_bucket":
            bound = math.inf if labels["le"] == "+Inf" else float(labels["le"])
            buckets[key].append((bound, labels["le"], value))
        elif sample_name == name + "_sum":
            sums[key] = value
        elif sample_name == name + "_count":
            counts[key] = value
    assert buckets, f"{name} has no buckets"
    for key, series in buckets.items():
        bounds = [bound for bound, _, _ in series]
        assert bounds == sorted(bounds) and len(set(bounds)) == len(bounds), f"{name}: le not ascending {bounds}"
        assert series[-1][1] == "+Inf", f"{name}: last bucket is le={series[-1][1]}"
        values = [value for _, _, value in series]
        assert all(a <= b for a, b in zip(values, values[1:])), f"{name}: buckets not cumulative {values}"
        assert key in counts and key in sums, f"{name}{dict(key)}: no _count or _sum"
        assert values[-1] == counts[key], f"{name}: +Inf bucket {values[-1]} != _count {counts[key]}"
        assert sums[key] >= 0 and (counts[key] > 0 or sums[key] == 0), f"{name}: _sum {sums[key]}"
