"""Real redis-server processes for the cluster tests (issue 21): one server, or a Redis Cluster
of three masters, each on its own 127.0.0.1 port and in its own directory.

`CHORUS_REDIS_SERVER` and `CHORUS_REDIS_CLI` name other binaries (as for the Swift tests).
Nothing here sleeps to assert: every wait is a poll with a deadline.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Iterable, Sequence

REDIS_SERVER = os.environ.get("CHORUS_REDIS_SERVER") or "/usr/bin/redis-server"
REDIS_CLI = os.environ.get("CHORUS_REDIS_CLI") or "/usr/bin/redis-cli"
# A server dies with the test process that started it (a killed or timed-out pytest never runs
# its teardown): util-linux's setpriv sets the parent-death signal, which survives the exec.
# It fires when the *thread* that started the server ends: start servers from the main thread.
SETPRIV = shutil.which("setpriv")

# Below Linux's ephemeral range (32768–60999), so no client socket of another test takes the
# port between the check and redis-server's bind, and the cluster bus (port + 10,000) stays
# below 65536.
PORT_RANGE = range(20_000, 30_000)
CLUSTER_BUS_OFFSET = 10_000
CLUSTER_SLOTS = 16384
CLUSTER_ARGS = ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "5000"]


class RedisError(Exception):
    """An error reply (`-ERR …`), or a server that cannot be started, reached or run."""


def _can_bind(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_redis_port() -> int:
    """A port in PORT_RANGE that is free, and whose cluster bus port is free too."""
    for _ in range(200):
        port = random.choice(PORT_RANGE)
        if _can_bind(port) and _can_bind(port + CLUSTER_BUS_OFFSET):
            return port
    raise RedisError(f"no free port pair in {PORT_RANGE.start}–{PORT_RANGE.stop - 1}")


# --------------------------------------------------------------------------------------------
# A minimal RESP2 client: enough to ping, poll and inspect a server without spawning redis-cli.


def _encode(args: Sequence[Any]) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


class _Reader:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buffer = b""

    def _line(self) -> bytes:
        while b"\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\r\n", 1)
        return line

    def _exactly(self, n: int) -> bytes:
        while len(self.buffer) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("redis closed the connection")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n + 2:]
        return data

    def reply(self) -> Any:
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exactly(n).decode(errors="surrogateescape")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.reply() for _ in range(n)]
        raise RedisError(f"unexpected RESP reply {line!r}")


def redis_command(port: int, *args: Any, timeout: float = 5.0) -> Any:
    """Runs one command on 127.0.0.1:`port`: str, int, None or a list; raises RedisError for an
    error reply and OSError when the server cannot be reached."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(_encode(args))
        reply = _Reader(sock).reply()
    if isinstance(reply, RedisError):
        raise reply
    return reply


# --------------------------------------------------------------------------------------------
# Cluster key slots (the Redis Cluster specification: CRC16/XMODEM of the key, or of its hash tag)


def _crc16(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def key_slot(key: str | bytes) -> int:
    """The cluster slot of `key`: only the part inside the first non-empty `{…}` is hashed, so
    chorusd's keys of a room (`chorus:{room}:…`) live in the slot of the room's name."""
    data = key.encode() if isinstance(key, str) else key
    start = data.find(b"{")
    if start >= 0:
        end = data.find(b"}", start + 1)
        if end > start + 1:
            data = data[start + 1:end]
    return _crc16(data) % CLUSTER_SLOTS


# --------------------------------------------------------------------------------------------
# One server


class RedisServer:
    """One `redis-server` on 127.0.0.1, in its own directory (a temporary one unless given).

    Without persistence by default (`--save "" --appendonly no`): a kill loses everything.
    `appendonly=True` writes every command to the append-only file before answering
    (`--appendonly yes --appendfsync always`), so a killed and restarted server keeps its data.
    """

    def __init__(self, directory: Path | None = None, *, appendonly: bool = False,
                 args: Iterable[str] = (), start: bool = True, start_timeout: float = 20.0):
        self._own_directory = directory is None
        self.directory = Path(tempfile.mkdtemp(prefix="chorus-redis-")) if directory is None else Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.log_path = self.directory / "redis.log"
        self.appendonly = appendonly
        self.extra_args = list(args)
        self.start_timeout = start_timeout
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        if start:
            self.start()

    # -- addresses

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    # -- process

    def _pick_port(self) -> int:
        return free_redis_port()

    def _argv(self) -> list[str]:
        persistence = ["--appendonly", "yes", "--appendfsync", "always"] if self.appendonly \
            else ["--appendonly", "no"]
        orphan_guard = [SETPRIV, "--pdeathsig", "KILL", "--"] if SETPRIV else []
        return [*orphan_guard, REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1",
                "--dir", str(self.directory), "--save", "", *persistence, "--daemonize", "no",
                "--logfile", str(self.log_path), *self.extra_args]

    def _spawn(self) -> None:
        if not Path(REDIS_SERVER).exists():
            raise RedisError(f"{REDIS_SERVER} not found (install-deps installs redis-server; "
                             "CHORUS_REDIS_SERVER names another binary)")
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self._argv(), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                         cwd=self.directory)

    def start(self, attempts: int = 10) -> "RedisServer":
        """Starts on a new free port; a port taken between the check and the server's bind makes
        redis-server exit at once, and then another port is tried."""
        assert not self.running, "already running"
        for _ in range(attempts):
            self.port = self._pick_port()
            self._spawn()
            if self._wait_serving(self.start_timeout):
                return self
        raise RedisError(f"redis-server did not start after {attempts} ports; log:\n{self.log_text()[-3000:]}")

    def restart(self, down_seconds: float = 0.0) -> "RedisServer":
        """Kills the server if it runs (SIGKILL: nothing flushed that was not already), then starts
        it again on the same port in the same directory."""
        self.kill()
        if down_seconds:
            time.sleep(down_seconds)  # the outage itself is what a caller asks for
        self._spawn()
        if not self._wait_serving(self.start_timeout):
            raise RedisError(f"redis-server did not restart on port {self.port}; log:\n{self.log_text()[-3000:]}")
        return self

    def _wait_serving(self, timeout: float) -> bool:
        """True once PING answers; False when the process exited first; raises (killing it) when
        it neither answers nor exits within `timeout`."""
        assert self.proc is not None
        deadline = time.monotonic() + timeout
        while True:
            try:
                reply = redis_command(self.port, "PING", timeout=1.0)
                if reply == "PONG":
                    return True
            except RedisError as error:
                if str(error).startswith("NOAUTH"):
                    return True  # password-protected: serving all the same
                # LOADING: still reading its append-only file; poll on
            except OSError:
                pass
            if self.proc.poll() is not None:
                self.proc = None
                return False
            if time.monotonic() > deadline:
                self.kill()
                raise RedisError(f"redis-server on port {self.port} did not answer PING within {timeout}s; "
                                 f"log:\n{self.log_text()[-3000:]}")
            time.sleep(0.02)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def kill(self) -> None:
        """SIGKILL, and reap it: the port is free when this returns."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.proc = None

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM (SIGKILL if it does not exit within `timeout`); removes its directory when it
        made one itself."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    self.kill()
            self.proc = None
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "RedisServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    # -- commands

    def command(self, *args: Any, timeout: float = 5.0) -> Any:
        """One command over a socket of its own (see redis_command)."""
        return redis_command(self.port, *args, timeout=timeout)

    def cli(self, *args: str, cluster: bool = False, timeout: float = 30.0) -> str:
        """Runs `redis-cli` against this server and returns its output (raw, without the final
        newline). An error reply or a refused connection raises RedisError. `cluster=True` passes
        `-c` (follow MOVED and ASK)."""
        argv = [REDIS_CLI, "-h", "127.0.0.1", "-p", str(self.port), "-e", *(["-c"] if cluster else []), *args]
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        out = done.stdout.decode(errors="replace")
        if done.returncode != 0:
            raise RedisError(f"{' '.join(argv[3:])} exited with {done.returncode}: "
                             f"{(out + done.stderr.decode(errors='replace')).strip()}")
        return out[:-1] if out.endswith("\n") else out

    def info(self, section: str) -> dict[str, str]:
        return _parse_info(self.command("INFO", section))


def _parse_info(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if ":" in line and not line.startswith("#"):
            name, value = line.split(":", 1)
            fields[name] = value.strip()
    return fields


# --------------------------------------------------------------------------------------------
# A Redis Cluster of three masters


class RedisCluster:
    """Three `redis-server` masters joined with `redis-cli --cluster create` (no replicas), each
    holding a third of the 16384 slots; ready once every node says `cluster_state:ok`."""

    def __init__(self, directory: Path | None = None, masters: int = 3, ready_timeout: float = 60.0):
        self._own_directory = directory is None
        self.directory = Path(tempfile.mkdtemp(prefix="chorus-redis-cluster-")) if directory is None \
            else Path(directory)
        self.servers: list[RedisServer] = []
        try:
            for index in range(masters):
                self.servers.append(RedisServer(self.directory / f"node-{index}", args=CLUSTER_ARGS))
            self.servers[0].cli("--cluster", "create", *(s.address for s in self.servers), "--cluster-yes",
                                timeout=ready_timeout)
            self.wait_ok(ready_timeout)
        except BaseException:
            self.stop()
            raise

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    def cluster_info(self, server: RedisServer) -> dict[str, str]:
        return _parse_info(server.command("CLUSTER", "INFO"))

    def wait_ok(self, timeout: float = 60.0) -> None:
        """Until every node says `cluster_state:ok` and knows every master's slots."""
        deadline = time.monotonic() + timeout
        while True:
            states = []
            for server in self.servers:
                try:
                    info = self.cluster_info(server)
                    states.append((info.get("cluster_state"), int(info.get("cluster_known_nodes", 0)),
                                   int(info.get("cluster_slots_assigned", 0))))
                except (OSError, RedisError) as error:
                    states.append((repr(error), 0, 0))
            if all(s == ("ok", len(self.servers), CLUSTER_SLOTS) for s in states):
                return
            if time.monotonic() > deadline:
                raise RedisError(f"cluster not ok within {timeout}s: (state, known nodes, slots) = {states}")
            time.sleep(0.05)

    def slot_owners(self) -> dict[int, RedisServer]:
        """Slot → the master serving it, as the first node tells (CLUSTER SLOTS)."""
        by_port = {server.port: server for server in self.servers}
        owners: dict[int, RedisServer] = {}
        for first, last, master, *_replicas in self.servers[0].command("CLUSTER", "SLOTS"):
            for slot in range(first, last + 1):
                owners[slot] = by_port[int(master[1])]
        return owners

    def owner(self, key: str) -> RedisServer:
        """The master holding `key` (by its slot)."""
        return self.slot_owners()[key_slot(key)]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        if self._own_directory:
            shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "RedisCluster":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def log_text(self) -> str:
        return "\n".join(f"--- {s.address}\n{s.log_text()[-2000:]}" for s in self.servers)


def names_on_every_master(cluster: RedisCluster, per_master: int, prefix: str = "show") -> list[str]:
    """Room names `prefix0`, `prefix1`, … chosen so that each master owns the slots of exactly
    `per_master` of them (a room's keys hash by its name): rooms spread over the whole cluster."""
    owners = cluster.slot_owners()
    picked: dict[int, list[str]] = {server.port: [] for server in cluster.servers}
    index = 0
    while any(len(names) < per_master for names in picked.values()):
        name = f"{prefix}{index}"
        names = picked[owners[key_slot(name)].port]
        if len(names) < per_master:
            names.append(name)
        index += 1
    return [name for names in picked.values() for name in names]
