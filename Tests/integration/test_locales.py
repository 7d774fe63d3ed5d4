"""Notices in each viewer's language: the welcome and a `missed` notice for ru-RU, ar-EG, pt-BR
and an unknown locale; localized errors and slow-mode notices; SIGHUP reloads the locale files
without dropping anyone."""

from __future__ import annotations

import json
import shutil
import signal
from pathlib import Path

from chorustest import REPO, Daemon, RawWebSocket, make_token, wait_metric
from test_backpressure import CONFIG as BACKPRESSURE, NO_RATE_LIMITS, publish_in_lockstep

LOCALES = REPO / "Locales"


def forms(tag: str, key: str) -> dict | str:
    return json.loads((LOCALES / f"{tag}.json").read_text(encoding="utf-8"))["notices"][key]


def russian_category(n: int) -> str:
    """CLDR's rule for Russian integers (the test's own oracle; the daemon asks ICU)."""
    if n % 10 == 1 and n % 100 != 11:
        return "one"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "few"
    return "many"


def portuguese_category(n: int) -> str:
    return "one" if n in (0, 1) else ("many" if n != 0 and n % 1_000_000 == 0 else "other")


def fill(template: str, isolate: bool = False, **values: object) -> str:
    for name, value in values.items():
        template = template.replace("{" + name + "}", f"\u2068{value}\u2069" if isolate else str(value))
    return template


def drain(raw: RawWebSocket) -> list[dict]:
    frames = []
    while True:
        try:
            frame = raw.recv(timeout=1.0)
        except TimeoutError:
            return frames
        assert frame is not None, f"closed with {raw.close_code}"
        frames.append(frame)


def test_welcome_and_missed_notices_come_in_each_viewers_language(chorusd) -> None:
    daemon = chorusd({**BACKPRESSURE, "limits": {"viewerQueueBytes": 16384, **NO_RATE_LIMITS},
                      "rooms": {"historyMessages": 512}})
    publisher = daemon.viewer("lobby", user="host")
    good = daemon.viewer("lobby")
    locales = {"ru-RU": "ru", "ar-EG": "ar", "pt-BR": "pt-BR", "tlh-QO": "en"}
    slow = {declared: RawWebSocket(daemon.port, f"/v1/viewer?room=lobby&locale={declared}", rcvbuf=4096)
            for declared in locales}
    try:
        for declared, tag in locales.items():
            welcome = slow[declared].recv()
            assert welcome["type"] == "welcome" and welcome["notice"] == "welcome"
            assert welcome["noticeLocale"] == tag and welcome["dir"] == ("rtl" if tag == "ar" else "ltr")
            assert welcome["text"] == fill(forms(tag, "welcome"), isolate=tag == "ar", room="lobby")
        publish_in_lockstep(publisher, good, good.welcome["seq"], 1200)
        for declared, tag in locales.items():
            missed = [f for f in drain(slow[declared]) if f["type"] == "missed"]
            assert missed, f"{declared}: no missed frame"
            for frame in missed:
                count = frame["count"]
                assert frame["notice"] == "missed"
                if tag == "ru":
                    expected = fill(forms("ru", "missed")[russian_category(count)], count=count)
                elif tag == "pt-BR":
                    expected = fill(forms("pt-BR", "missed")[portuguese_category(count)], count=count)
                elif tag == "en":
                    expected = fill(forms("en", "missed")["one" if count == 1 else "other"], count=count)
                else:  # ar: the form ICU picks; the text is Arabic and the number isolated
                    expected = next(fill(t, isolate=True, count=count) for t in forms("ar", "missed").values()
                                    if fill(t, isolate=True, count=count) == frame["text"])
                    assert any("\u0600" <= ch <= "\u06ff" for ch in frame["text"])
                assert frame["text"] == expected, f"{declared} {count}: {frame['text']!r}"
    finally:
        for raw in slow.values():
            raw.close()
        publisher.close()
        good.close()


def test_errors_and_slow_mode_notices_are_localized(chorusd) -> None:
    daemon = chorusd({"limits": {"maxChatChars": 20}, "rooms": {"static": ["lobby"]}})
    with daemon.viewer("lobby", locale="uk-UA") as ukrainian, daemon.viewer("lobby", locale="ja-JP") as japanese, \
            daemon.console(["lobby"], token=make_token("lobby")) as console:
        ukrainian.send({"type": "chat", "text": "x" * 21, "cid": "long"})
        error = ukrainian.recv_type("error")
        assert error["code"] == "invalid_field" and error["notice"] == "message_too_long"
        assert error["text"] == fill(forms("uk", "message_too_long")["many"], limit=20)
        ukrainian.send("{not json")
        assert ukrainian.recv_type("error")["text"] == forms("uk", "invalid_message")
        console.send({"type": "slowmode", "room": "lobby", "seconds": 5})
        on = japanese.recv_type("slowmode")
        assert on["notice"] == "slow_mode_on" and on["text"] == fill(forms("ja", "slow_mode_on")["other"], seconds=5)
        assert ukrainian.recv_type("slowmode")["text"] == fill(forms("uk", "slow_mode_on")["many"], seconds=5)
        assert console.recv_type("slowmode")["text"] == fill(forms("en", "slow_mode_on")["other"], seconds=5)
        japanese.send({"type": "chat", "text": "こんにちは"})
        japanese.send({"type": "chat", "text": "もう一度"})
        wait = japanese.recv_type("error")
        assert wait["code"] == "slow_mode" and wait["notice"] == "slow_mode_wait"
        assert str((wait["retryAfterMs"] + 999) // 1000) in wait["text"]
        console.send({"type": "slowmode", "room": "lobby", "seconds": 0})
        assert japanese.recv_type("slowmode")["text"] == forms("ja", "slow_mode_off")


def test_sighup_reloads_locale_files_without_dropping_connections(tmp_path: Path) -> None:
    locales = tmp_path / "Locales"
    shutil.copytree(LOCALES, locales)
    daemon = Daemon(tmp_path / "d", {"locales": {"directory": str(locales)}}).start()
    try:
        with daemon.viewer("lobby", locale="es-MX") as viewer:
            assert viewer.welcome["text"] == fill(forms("es", "welcome"), room="lobby")
            spanish = json.loads((locales / "es.json").read_text(encoding="utf-8"))
            spanish["notices"]["welcome"] = "¡Hola, {room}! (recargado)"
            (locales / "es.json").write_text(json.dumps(spanish, ensure_ascii=False), encoding="utf-8")
            daemon.signal(signal.SIGHUP)
            daemon.wait_log("locales loaded", count=2)
            with daemon.viewer("lobby", locale="es") as second:
                assert second.welcome["text"] == "¡Hola, lobby! (recargado)"
            # A broken file is refused and the catalog in use stays.
            (locales / "es.json").write_text("{", encoding="utf-8")
            daemon.signal(signal.SIGHUP)
            daemon.wait_log("cannot load locales")
            with daemon.viewer("lobby", locale="es") as third:
                assert third.welcome["text"] == "¡Hola, lobby! (recargado)"
            viewer.send({"type": "like", "ack": True, "cid": "still-here"})
            assert viewer.recv_type("ack")["cid"] == "still-here", "the first viewer was kept across reloads"
    finally:
        daemon.stop()


def test_a_stopping_daemon_tells_viewers_in_their_language_before_closing(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path / "d", {}).start()
    try:
        viewer = daemon.viewer("lobby", locale="pt-BR")
        daemon.signal(signal.SIGTERM)
        notice = viewer.recv_type("notice", timeout=10)
        assert notice == {"type": "notice", "notice": "server_restarting",
                          "text": forms("pt-BR", "server_restarting")}
        viewer.expect_close(1001)
        assert daemon.wait_exit(15) == 0
    finally:
        daemon.stop()


def test_unassigned_and_missing_regions_count_as_zz(chorusd) -> None:
    daemon = chorusd({"rooms": {"static": ["lobby"]}})
    with daemon.viewer("lobby", region="XK") as kosovo_user, daemon.viewer("lobby", region="QQ") as unassigned, \
            daemon.viewer("lobby") as missing, daemon.viewer("lobby", region="aq") as antarctica:
        assert unassigned.welcome["region"] == "ZZ" and missing.welcome["region"] == "ZZ"
        assert antarctica.welcome["region"] == "AQ"
        # XK is user-assigned, not ISO 3166-1.
        assert kosovo_user.welcome["region"] == "ZZ"
    wait_metric(daemon, "chorus_unknown_regions_total", 2, reason="unassigned")
    wait_metric(daemon, "chorus_unknown_regions_total", 1, reason="missing")
