"""The Redis harness of the cluster tests (redistest.py) works on its own, without chorusd: a
server starts on a port of the right range and answers, survives a kill only when asked to
persist, comes back on the same port; a cluster of three masters spreads keys over them."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from redistest import (CLUSTER_BUS_OFFSET, PORT_RANGE, RedisCluster, RedisError, RedisServer, key_slot,
                       names_on_every_master, redis_command)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_server_starts_on_a_port_in_range_and_answers(redis: RedisServer) -> None:
    assert redis.port in PORT_RANGE and redis.port + CLUSTER_BUS_OFFSET < 65536
    assert redis.url == f"redis://127.0.0.1:{redis.port}"
    assert redis.cli("PING") == "PONG"
    assert redis.command("PING") == "PONG"
    assert redis.cli("SET", "greeting", "olá mundo") == "OK"
    assert redis.cli("GET", "greeting") == "olá mundo"
    assert redis.command("GET", "greeting") == "olá mundo"
    assert redis.command("INCRBY", "n", 5) == 5
    assert redis.command("GET", "missing") is None
    assert redis.info("persistence")["aof_enabled"] == "0"
    assert redis.command("CONFIG", "GET", "save") == ["save", ""]
    assert redis.info("server")["tcp_port"] == str(redis.port)
    assert redis.directory.is_dir() and (redis.directory / "redis.log").exists()


def test_error_replies_raise(redis: RedisServer) -> None:
    redis.command("SET", "text", "not a number")
    with pytest.raises(RedisError, match="not an integer"):
        redis.cli("INCR", "text")
    with pytest.raises(RedisError, match="not an integer"):
        redis.command("INCR", "text")
    with pytest.raises(RedisError, match="unknown command"):
        redis.cli("NO-SUCH-COMMAND")


def test_kill_loses_unpersisted_data_and_restart_keeps_the_port(redis: RedisServer) -> None:
    port, pid = redis.port, redis.pid
    redis.command("SET", "k", "v")
    redis.kill()
    assert not redis.running
    with pytest.raises(OSError):
        redis_command(port, "PING", timeout=1.0)
    with pytest.raises(RedisError, match="exited with"):
        redis.cli("PING")
    redis.restart()
    assert redis.port == port and redis.pid != pid
    assert redis.command("GET", "k") is None, "nothing persisted: a kill loses everything"
    # restart() of a running server kills it first.
    redis.command("SET", "k", "again")
    redis.restart()
    assert redis.port == port and redis.command("GET", "k") is None


def test_appendonly_server_keeps_acknowledged_writes_across_kill_9(tmp_path: Path) -> None:
    with RedisServer(tmp_path / "aof", appendonly=True) as server:
        assert server.info("persistence")["aof_enabled"] == "1"
        assert server.command("CONFIG", "GET", "appendfsync") == ["appendfsync", "always"]
        for n in range(50):
            server.command("RPUSH", "log", n)
        port = server.port
        server.kill()
        server.restart()
        assert server.port == port
        assert server.command("LLEN", "log") == 50
        assert server.command("LRANGE", "log", -1, -1) == ["49"]


def test_stop_frees_the_port_and_removes_its_own_directory() -> None:
    server = RedisServer()
    directory, port = server.directory, server.port
    assert directory.is_dir()
    server.stop()
    assert not server.running
    assert not directory.exists()
    assert port_is_free(port)
    server.stop()  # twice is harmless


def test_a_taken_port_makes_it_try_another(tmp_path: Path) -> None:
    """redis-server exits at once when its port is taken; the harness then starts on another."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    taken = holder.getsockname()[1]

    class FirstPortTaken(RedisServer):
        tried: list[int] = []

        def _pick_port(self) -> int:
            port = taken if not self.tried else super()._pick_port()
            self.tried.append(port)
            return port

    try:
        with FirstPortTaken(tmp_path / "retry") as server:
            assert server.tried[0] == taken and len(server.tried) == 2
            assert server.port == server.tried[1] != taken
            assert server.command("PING") == "PONG"
    finally:
        holder.close()


def test_key_slot_matches_the_server(redis_cluster: RedisCluster) -> None:
    seed = redis_cluster.servers[0]
    keys = ["lobby", "show-1", "chorus:{lobby}:seq", "chorus:{show-1}:log", "{}x", "a{}{b}", "foo{bar}{zap}",
            "olá", "x" * 64, ""]
    for key in keys:
        assert key_slot(key) == seed.command("CLUSTER", "KEYSLOT", key), key
    assert key_slot("chorus:{lobby}:seq") == key_slot("lobby") == key_slot("chorus:{lobby}:live")


def test_cluster_is_ok_and_keys_of_different_slots_live_on_different_masters(redis_cluster: RedisCluster) -> None:
    servers = redis_cluster.servers
    assert len(servers) == 3
    assert redis_cluster.urls == [f"redis://127.0.0.1:{s.port}" for s in servers]
    assert len({s.port for s in servers}) == 3
    for server in servers:
        info = redis_cluster.cluster_info(server)
        assert info["cluster_state"] == "ok"
        assert info["cluster_known_nodes"] == "3" and info["cluster_size"] == "3"
        assert server.info("replication")["role"] == "master"
    owners = redis_cluster.slot_owners()
    assert len(owners) == 16384
    assert {s.port for s in owners.values()} == {s.port for s in servers}

    rooms = names_on_every_master(redis_cluster, per_master=2)
    assert len(rooms) == 6
    # Written through one seed with redirections followed, as any cluster client does.
    for room in rooms:
        assert servers[1].cli("SET", f"chorus:{{{room}}}:seq", room, cluster=True) == "OK"
    for room in rooms:
        key = f"chorus:{{{room}}}:seq"
        owner = redis_cluster.owner(key)
        assert owner.command("GET", key) == room
        for other in servers:
            if other is not owner:
                with pytest.raises(RedisError, match="MOVED"):
                    other.command("GET", key)
    assert [s.command("DBSIZE") for s in servers] == [2, 2, 2]
