"""TLS: with a certificate and key the port serves wss:// and https:// only (Mozilla's
intermediate profile, ALPN http/1.1); bad files stop the start with exit 78 naming the file."""

from __future__ import annotations

import shutil
import signal
import socket
import ssl
import subprocess
import time
import warnings
from pathlib import Path

import pytest

from chorustest import Daemon, chorusd_binary, make_token

ROOM = "lobby"


def make_certificate(directory: Path, name: str, days: int = 30, key: str = "ec") -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, made with the openssl CLI."""
    certificate, private_key = directory / f"{name}.crt", directory / f"{name}.key"
    key_options = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"] if key == "ec" else ["-newkey", "rsa:2048"]
    subprocess.run(
        ["openssl", "req", "-x509", *key_options, "-nodes", "-keyout", str(private_key), "-out", str(certificate),
         "-days", str(days), "-subj", f"/CN={name}", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True)
    return certificate, private_key


def tls_config(certificate: Path, private_key: Path, **extra: str) -> dict:
    return {"tls": {"certificateFile": str(certificate), "privateKeyFile": str(private_key), **extra},
            "rooms": {"static": [ROOM]}}


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    return make_certificate(tmp_path, "chorus-test")


def handshake(daemon: Daemon, context: ssl.SSLContext) -> ssl.SSLSocket:
    raw = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)
    return context.wrap_socket(raw, server_hostname="127.0.0.1")


def test_viewers_and_consoles_relay_over_wss_and_http_answers_over_https(chorusd, certificate) -> None:
    daemon = chorusd(tls_config(*certificate))
    status, _, body = daemon.http("GET", "/healthz")
    assert status == 200, body
    assert "chorus_build_info" in daemon.http("GET", "/metrics")[2].decode()
    with daemon.console([ROOM], token=make_token([ROOM])) as console, \
            daemon.viewer(ROOM, locale="es-MX", region="MX") as viewer:
        assert daemon.ws_url("/").startswith("wss://")
        viewer.send({"type": "chat", "text": "¿envían a Brasil este modelo?"})
        message = viewer.recv_type("batch")["messages"][0]
        assert message["text"] == "¿envían a Brasil este modelo?" and message["lang"] == "es"
        assert console.recv_type("batch")["messages"][0]["seq"] == message["seq"]
    assert "tls=TLS 1.2+" in daemon.stderr_text()


def test_the_policy_tls_1_2_at_least_http_1_1_by_alpn_and_no_plain_text(chorusd, certificate) -> None:
    daemon = chorusd(tls_config(*certificate))
    context = ssl.create_default_context(cafile=str(certificate[0]))
    context.set_alpn_protocols(["h2", "http/1.1"])
    with handshake(daemon, context) as tls:
        assert tls.selected_alpn_protocol() == "http/1.1"
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    old = ssl.create_default_context(cafile=str(certificate[0]))
    with warnings.catch_warnings():  # TLS 1.1 is deprecated: that is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        old.maximum_version = ssl.TLSVersion.TLSv1_1
    old.set_ciphers("ALL:@SECLEVEL=0")
    # The server's alert, not a client that could not offer TLS 1.1 at all.
    with pytest.raises(ssl.SSLError, match="ALERT_PROTOCOL_VERSION"):
        handshake(daemon, old).close()
    # Plain HTTP on the TLS port gets no answer; the daemon goes on serving.
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=5) as plain:
        plain.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        try:
            answer = plain.recv(1024)
        except ConnectionResetError:
            answer = b""
        assert not answer.startswith(b"HTTP/1.1 200"), answer
    assert daemon.http("GET", "/healthz")[0] == 200


def test_a_tls_1_3_floor_refuses_tls_1_2(chorusd, certificate) -> None:
    daemon = chorusd(tls_config(*certificate, minimumVersion="1.3"))
    tls12 = ssl.create_default_context(cafile=str(certificate[0]))
    tls12.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises(ssl.SSLError, match="ALERT_PROTOCOL_VERSION"):
        handshake(daemon, tls12).close()
    with handshake(daemon, ssl.create_default_context(cafile=str(certificate[0]))) as tls:
        assert tls.version() == "TLSv1.3"


def test_bad_tls_files_stop_the_start_with_78_and_name_the_file(chorusd, tmp_path, certificate) -> None:
    other_certificate, other_key = make_certificate(tmp_path, "other", key="rsa")
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a key\n")
    cases = [
        (certificate[0], other_key, str(other_key), "not the private key"),
        (certificate[0], garbage, str(garbage), "tls.privateKeyFile"),
        (garbage, certificate[1], str(garbage), "tls.certificateFile"),
        (tmp_path / "missing.crt", certificate[1], "missing.crt", "No such file"),
    ]
    for cert, key, named, words in cases:
        daemon = chorusd(tls_config(cert, key), start=False)
        daemon.start(wait=False)
        assert daemon.wait_exit(timeout=15) == 78, daemon.stderr_text()
        log = daemon.stderr_text()
        assert named in log and words in log, log


def test_a_certificate_near_its_expiry_is_served_with_a_warning(chorusd, tmp_path) -> None:
    daemon = chorusd(tls_config(*make_certificate(tmp_path, "short", days=2)))
    assert daemon.http("GET", "/healthz")[0] == 200
    daemon.wait_log("the TLS certificate expires soon")


def make_expired_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A self-signed certificate valid only in January 2020: `openssl req` (3.0) cannot backdate,
    `openssl ca -selfsign` takes -startdate and -enddate (with a minimal CA config)."""
    ca = directory / f"{name}-ca"
    ca.mkdir()
    (ca / "ca.cnf").write_text(
        "[ca]\ndefault_ca = ca_default\n[ca_default]\ndatabase = index.txt\nnew_certs_dir = .\n"
        "serial = serial\ndefault_md = sha256\npolicy = policy_any\ncopy_extensions = copy\n"
        "unique_subject = no\n[policy_any]\ncommonName = supplied\n")
    (ca / "index.txt").write_text("")
    (ca / "serial").write_text("01\n")
    certificate, private_key = directory / f"{name}.crt", directory / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
         "-keyout", str(private_key), "-out", str(ca / "request.csr"), "-subj", f"/CN={name}",
         "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    subprocess.run(
        ["openssl", "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", str(private_key),
         "-in", "request.csr", "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
         "-out", str(certificate)], check=True, capture_output=True, cwd=ca)
    return certificate, private_key


def test_an_expired_certificate_is_served_as_configured_with_a_warning(chorusd, tmp_path) -> None:
    certificate, private_key = make_expired_certificate(tmp_path, "expired")
    daemon = chorusd(tls_config(certificate, private_key), start=False)
    unverified = ssl.create_default_context()
    unverified.check_hostname = False
    unverified.verify_mode = ssl.CERT_NONE
    daemon.ssl_context = unverified  # clients judge the certificate; this one does not
    daemon.start()
    daemon.wait_log("the TLS certificate has expired")
    with daemon.console([ROOM], token=make_token([ROOM])), daemon.viewer(ROOM) as viewer:
        viewer.send({"type": "chat", "text": "still served after its expiry"})
        assert viewer.recv_type("batch")["messages"][0]["text"] == "still served after its expiry"
    verifying = ssl.create_default_context(cafile=str(certificate))
    with pytest.raises(ssl.SSLCertVerificationError, match="expired"):
        handshake(daemon, verifying)


def test_sessions_resume_by_ticket_on_every_service_thread_without_a_server_cache(chorusd, certificate) -> None:
    """One ticket key for the process: a ticket from one service thread resumes on the other
    (connections land on either by SO_REUSEPORT), over TLS 1.3 and 1.2, and on the vhosts a
    reload makes."""
    daemon = chorusd({**tls_config(*certificate), "transport": {"serviceThreads": 2}})

    def healthz(context: ssl.SSLContext, session: ssl.SSLSession | None) -> tuple[bool, ssl.SSLSession]:
        raw = socket.create_connection(("127.0.0.1", daemon.port), timeout=5)
        with context.wrap_socket(raw, server_hostname="127.0.0.1", session=session) as connection:
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := connection.recv(4096):
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
            return connection.session_reused, connection.session

    sessions = {}
    for version in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        context = ssl.create_default_context(cafile=str(certificate[0]))
        context.minimum_version = context.maximum_version = version
        reused, session = healthz(context, None)
        assert not reused
        for _ in range(8):
            reused, session = healthz(context, session)
            assert reused, version
        sessions[version] = (context, session)
    daemon.signal(signal.SIGHUP)
    daemon.wait_log("TLS certificate reloaded")
    time.sleep(0.5)  # each thread takes the reload from its inbox
    for version, (context, session) in sessions.items():
        for _ in range(8):
            reused, session = healthz(context, session)
            assert reused, f"{version} after the reload"


def test_check_config_answers_0_or_78_without_starting(tmp_path, certificate) -> None:
    other_certificate, other_key = make_certificate(tmp_path, "other", key="rsa")

    def check(*settings: str) -> subprocess.CompletedProcess[str]:
        arguments = [str(chorusd_binary()), "check-config", "--state-dir", str(tmp_path / "state")]
        for setting in settings:
            arguments += ["--set", setting]
        return subprocess.run(arguments, capture_output=True, text=True, timeout=30)

    usable = check(f"tls.certificateFile={certificate[0]}", f"tls.privateKeyFile={certificate[1]}")
    assert usable.returncode == 0, usable.stderr
    assert "TLS 1.2+" in usable.stdout and "expires in" in usable.stdout
    mismatched = check(f"tls.certificateFile={certificate[0]}", f"tls.privateKeyFile={other_key}")
    assert mismatched.returncode == 78 and str(other_key) in mismatched.stderr, mismatched
    half = check(f"tls.certificateFile={other_certificate}")
    assert half.returncode == 78 and "tls.privateKeyFile" in half.stderr, half
    out_of_range = check("batch.maxMessages=0")
    assert out_of_range.returncode == 78 and "batch.maxMessages" in out_of_range.stderr, out_of_range
    plain = check()
    assert plain.returncode == 0 and "plain" in plain.stdout, plain
    assert not (tmp_path / "state").exists(), "check-config must not create state"


def test_sighup_gives_new_connections_the_new_certificate_and_keeps_the_old_ones(chorusd, tmp_path) -> None:
    first, second = make_certificate(tmp_path, "first"), make_certificate(tmp_path, "second")
    served_certificate, served_key = tmp_path / "served.crt", tmp_path / "served.key"
    shutil.copy(first[0], served_certificate)
    shutil.copy(first[1], served_key)
    daemon = chorusd(tls_config(served_certificate, served_key))
    daemon.ssl_context.load_verify_locations(cafile=str(second[0]))

    def certificate_served() -> bytes:
        with handshake(daemon, daemon.ssl_context) as tls:
            return tls.getpeercert(binary_form=True)

    def der(path: Path) -> bytes:
        return ssl.PEM_cert_to_DER_cert(path.read_text())

    assert certificate_served() == der(first[0])
    with daemon.viewer(ROOM) as old:
        shutil.copy(second[0], served_certificate)
        shutil.copy(second[1], served_key)
        daemon.signal(signal.SIGHUP)
        daemon.wait_log("TLS certificate reloaded")
        deadline = time.monotonic() + 5
        while certificate_served() != der(second[0]):  # each thread takes it from its inbox
            assert time.monotonic() < deadline, "new connections still get the old certificate"
            time.sleep(0.05)
        with daemon.viewer(ROOM) as new:
            old.send({"type": "chat", "text": "still here after the reload"})
            for member in (old, new):
                assert member.recv_type("batch")["messages"][0]["text"] == "still here after the reload"
        # Files that cannot be served are refused; the certificate in use stays.
        served_key.write_text("not a key\n")
        daemon.signal(signal.SIGHUP)
        daemon.wait_log("TLS reload refused")
        assert certificate_served() == der(second[0])
        old.send({"type": "chat", "text": "and after a refused one"})
        assert old.recv_type("batch")["messages"][0]["text"] == "and after a refused one"
