"""Fixtures: chorusd daemons on free ports with temp configs; their stderr is shown on failure.

Run with `python3 -m pytest -q Tests/integration`. The binary is `$CHORUSD`, or
`<repo>/.build/debug/chorusd`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from chorustest import Daemon
from redistest import RedisCluster, RedisServer

SHARED_ROOMS = ["lobby", "a", "b", "c", "stats", "bad", "lang", "solo", "acks", "acks2", "acks3", "feed"]


class DaemonFactory:
    def __init__(self, root: Path):
        self.root = root
        self.daemons: list[Daemon] = []

    def __call__(self, config: dict[str, Any] | None = None, *, start: bool = True, **kw: Any) -> Daemon:
        daemon = Daemon(self.root / f"chorusd-{len(self.daemons)}", config, **kw)
        self.daemons.append(daemon)
        if start:
            daemon.start()
        return daemon

    def stop_all(self) -> None:
        for daemon in self.daemons:
            daemon.stop()


@pytest.fixture
def chorusd(tmp_path: Path) -> Iterator[Callable[..., Daemon]]:
    """Starts daemons with the given config overrides; stops them after the test."""
    factory = DaemonFactory(tmp_path)
    yield factory
    factory.stop_all()


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    """One daemon per test module with default limits and static rooms SHARED_ROOMS."""
    daemon = Daemon(tmp_path_factory.mktemp("shared"), {"rooms": {"static": SHARED_ROOMS}})
    daemon.start()
    yield daemon
    daemon.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "cluster: several chorusd nodes sharing rooms through Redis (issue 21); "
        "deselect with -m 'not cluster'")


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of the test's own (no persistence), stopped after the test."""
    server = RedisServer(tmp_path / "redis")
    yield server
    server.stop()


@pytest.fixture
def redis_cluster(tmp_path: Path) -> Iterator[RedisCluster]:
    """A Redis Cluster of three masters of the test's own, stopped after the test."""
    cluster = RedisCluster(tmp_path / "redis-cluster")
    yield cluster
    cluster.stop()


def _daemons_of(item: pytest.Item) -> list[Daemon]:
    found: list[Daemon] = []
    for value in getattr(item, "funcargs", {}).values():
        if isinstance(value, Daemon):
            found.append(value)
        elif isinstance(value, DaemonFactory):
            found.extend(value.daemons)
    return found


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.failed and call.when in ("setup", "call"):
        for daemon in _daemons_of(item):
            text = daemon.stderr_text()
            tail = text[-6000:]
            report.sections.append((f"chorusd stderr (port {daemon.port}, {daemon.log_path})", tail or "(empty)"))
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, (RedisServer, RedisCluster)):
                report.sections.append(("redis-server log", value.log_text()[-4000:] or "(empty)"))
    return report
