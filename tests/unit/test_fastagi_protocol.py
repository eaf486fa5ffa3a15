"""FastAGI over TCP: a fake PBX talks to the server the way Asterisk does.

The fake PBX connects, writes an AGI environment, then reads each command, splits it with
res_agi.c's argument rules (quotes, backslash escapes) and answers ``200 result=1`` or what
the test asks for. Everything runs on 127.0.0.1 with the server on a free port.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import socket
import threading
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest
from typer.testing import CliRunner

from panah.cli import app as panah_app
from panah.integrations.fastagi import (
    MAX_ENV_BYTES,
    AgiAnswer,
    AgiRequest,
    FastAgiServer,
    Resolver,
    default_resolver,
)

T = TypeVar("T")
Reply = Callable[[int, str], str]
LOGGER = "panah.integrations.fastagi"
MOBILE_CALLER = "+989111234567"


def asterisk_env(unique_id: str = "1774161000.18", *, caller: str = MOBILE_CALLER,
                 args: tuple[str, ...] = ()) -> bytes:
    lines = {
        "agi_network": "yes", "agi_network_script": "route",
        "agi_request": "agi://127.0.0.1:4573/route", "agi_channel": "PJSIP/mci-00000012",
        "agi_language": "fa", "agi_type": "PJSIP", "agi_uniqueid": unique_id,
        "agi_version": "20.5.0", "agi_callerid": caller, "agi_calleridname": "unknown",
        "agi_dnid": "123", "agi_context": "from-trunk", "agi_extension": "123",
        "agi_priority": "2", "agi_accountcode": "",
        **{f"agi_arg_{n}": value for n, value in enumerate(args, start=1)},
    }
    return "".join(f"{key}: {value}\n" for key, value in lines.items()).encode() + b"\n"


def asterisk_args(line: str) -> list[str]:
    """Split a command the way res_agi.c's parse_args does."""
    args: list[str] = []
    word: list[str] | None = None
    quoted = escaped = False
    for char in line:
        if char == '"' and not escaped:
            quoted = not quoted
            word = [] if word is None else word
        elif char in " \t" and not quoted and not escaped:
            if word is not None:
                args.append("".join(word))
            word = None
        elif char == "\\" and not escaped:
            escaped = True
        else:
            word = [] if word is None else word
            word.append(char)
            escaped = False
    if word is not None:
        args.append("".join(word))
    return args


@dataclass
class PbxCall:
    commands: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


def always_ok(number: int, command: str) -> str:
    return "200 result=1"


async def place_call(port: int, env: bytes, reply: Reply = always_ok) -> PbxCall:
    """One AGI session; returns when Panah closes the connection."""
    call = PbxCall()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(env)
        await writer.drain()
        while line := await asyncio.wait_for(reader.readline(), 10):
            command = line.decode().removesuffix("\n")
            call.commands.append(command)
            argv = asterisk_args(command)
            if [word.upper() for word in argv[:2]] == ["SET", "VARIABLE"] and len(argv) == 4:
                call.variables[argv[2]] = argv[3]
            writer.write(reply(len(call.commands), command).encode() + b"\n")
            await writer.drain()
    except (ConnectionResetError, BrokenPipeError):
        pass  # Panah closed with our bytes unread: the same as a close for the PBX
    finally:
        writer.close()
        with contextlib.suppress(ConnectionResetError):
            await writer.wait_closed()
    return call


def in_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a fresh thread: another test's library (Playwright's sync API) may
    have left an event loop running in this one, where ``asyncio.run`` is refused."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def run_alone(coroutine: Coroutine[Any, Any, T]) -> T:
    return in_thread(lambda: asyncio.run(coroutine))


def with_server(resolver: Resolver, scenario: Callable[[int], Awaitable[T]], *,
                timeout: float = 2.0, io_timeout: float = 5.0, workers: int = 16) -> T:
    async def main() -> T:
        async with FastAgiServer(resolver, host="127.0.0.1", port=0, timeout=timeout,
                                 io_timeout=io_timeout, workers=workers) as server:
            return await scenario(server.port)

    return run_alone(main())


class FixedResolver:
    def __init__(self, variables: dict[str, str]) -> None:
        self.variables = variables
        self.requests: list[AgiRequest] = []

    def resolve(self, request: AgiRequest) -> AgiAnswer:
        self.requests.append(request)
        return AgiAnswer(dict(self.variables))


MAZANDARAN = {"PANAH_QUEUE": "IR-02", "PANAH_PROVINCE": "IR-02", "PANAH_CONTACT": "1201",
              "PANAH_APPROXIMATE": "0"}


def test_mobile_caller_dialling_123_gets_the_resolvers_queue() -> None:
    resolver = FixedResolver(MAZANDARAN)
    call = with_server(resolver, lambda port: place_call(port, asterisk_env()))

    assert call.variables == MAZANDARAN
    assert call.commands[0] == 'SET VARIABLE PANAH_QUEUE "IR-02"'
    (request,) = resolver.requests
    assert (request.caller, request.called, request.script) == (MOBILE_CALLER, "123", "route")


def test_network_location_in_the_arguments_reaches_the_resolver() -> None:
    resolver = FixedResolver(MAZANDARAN)
    env = asterisk_env(args=("36.6549", "51.4205", "250"))  # unquoted: Asterisk split it
    with_server(resolver, lambda port: place_call(port, env))

    fix = resolver.requests[0].location.fix
    assert fix is not None
    assert (fix.lat, fix.lon, fix.radius_m) == (36.6549, 51.4205, 250.0)


def test_odd_values_reach_the_dialplan_unchanged() -> None:
    odd = {"PANAH_QUEUE": "IR-02", "PANAH_NOTE": 'she said "help" \\ now\\',
           "PANAH_CENTRE_NAME": "مرکز مداخله در بحران چالوس", "PANAH_EMPTY": "",
           "PANAH_SPACES": "  two  spaces ", "PANAH_TAB": "a\tb", "PANAH_DIALPLAN": "${EXTEN};,|"}
    call = with_server(FixedResolver(odd), lambda port: place_call(port, asterisk_env()))
    assert call.variables == odd


@pytest.mark.parametrize(
    ("variables", "reason"),
    [({"PANAH_QUEUE": "IR-02\nHANGUP"}, "invalid-answer"),
     ({"BAD NAME": "x", "PANAH_QUEUE": "IR-02"}, "invalid-answer"),
     ({"PANAH_QUEUE": "IR-02", "PANAH_CONTACT": 1201}, "invalid-answer"),  # not text
     ({"PANAH_CONTACT": "1201"}, "no-queue")],
)
def test_unsendable_answer_falls_back_to_the_national_queue(
        variables: dict[str, str], reason: str) -> None:
    call = with_server(FixedResolver(variables), lambda port: place_call(port, asterisk_env()))
    assert call.variables["PANAH_QUEUE"] == "national"
    assert call.variables["PANAH_FALLBACK"] == reason
    assert all(command.startswith("SET VARIABLE PANAH_") for command in call.commands)


def test_resolver_returning_no_answer_falls_back() -> None:
    class Forgetful:
        def resolve(self, request: AgiRequest) -> AgiAnswer:
            return None  # type: ignore[return-value]

    call = with_server(Forgetful(), lambda port: place_call(port, asterisk_env()))
    assert call.variables["PANAH_QUEUE"] == "national"
    assert call.variables["PANAH_FALLBACK"] == "invalid-answer"


def test_resolver_error_sends_the_national_queue(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def resolve(self, request: AgiRequest) -> AgiAnswer:
            raise RuntimeError("database is locked")

    call = with_server(Broken(), lambda port: place_call(port, asterisk_env()))
    assert call.variables == {"PANAH_QUEUE": "national", "PANAH_APPROXIMATE": "1",
                              "PANAH_FALLBACK": "resolver-error"}
    assert "resolver failed" in caplog.text
    assert "989111234567" not in caplog.text


def test_slow_resolver_falls_back_within_the_timeout() -> None:
    started, release = threading.Event(), threading.Event()

    class Stuck:
        def resolve(self, request: AgiRequest) -> AgiAnswer:
            started.set()
            release.wait(10)
            return AgiAnswer(dict(MAZANDARAN))

    async def scenario(port: int) -> PbxCall:
        try:
            return await place_call(port, asterisk_env())
        finally:
            release.set()

    call = with_server(Stuck(), scenario, timeout=0.2)
    assert started.is_set()
    assert call.variables["PANAH_QUEUE"] == "national"
    assert call.variables["PANAH_FALLBACK"] == "resolver-timeout"


def test_malformed_environment_is_closed_and_the_next_call_is_served(
        caplog: pytest.LogCaptureFixture) -> None:
    resolver = FixedResolver(MAZANDARAN)

    async def scenario(port: int) -> tuple[PbxCall, PbxCall, PbxCall]:
        no_colon = await place_call(port, b"agi_network yes\nagi_dnid: 123\n\n")
        not_utf8 = await place_call(port, b"agi_calleridname: \xff\xfe\n\n")
        return no_colon, not_utf8, await place_call(port, asterisk_env())

    no_colon, not_utf8, good = with_server(resolver, scenario)
    for broken in (no_colon, not_utf8):
        assert broken.variables["PANAH_QUEUE"] == "national"
        assert broken.variables["PANAH_FALLBACK"] == "malformed-request"
    assert good.variables == MAZANDARAN
    assert len(resolver.requests) == 1
    assert "no colon" in caplog.text and "not UTF-8" in caplog.text


@pytest.mark.parametrize(
    "env",
    [b"agi_calleridname: " + b"x" * 9000 + b"\n\n",
     b"".join(b"agi_x%d: %s\n" % (n, b"y" * 4000) for n in range(MAX_ENV_BYTES // 4000 + 2)),
     b"agi_network: yes\n"],  # closed before the blank line
)
def test_oversized_or_unfinished_environment_is_closed_without_commands(env: bytes) -> None:
    resolver = FixedResolver(MAZANDARAN)

    async def scenario(port: int) -> tuple[PbxCall, PbxCall]:
        return await place_call(port, env), await place_call(port, asterisk_env())

    async def close_early(port: int) -> tuple[PbxCall, PbxCall]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(env)
        writer.write_eof()
        assert await asyncio.wait_for(reader.read(), 10) == b""
        writer.close()
        await writer.wait_closed()
        return PbxCall(), await place_call(port, asterisk_env())

    broken, good = with_server(resolver, close_early if env.endswith(b"yes\n") else scenario)
    assert broken.commands == []
    assert good.variables == MAZANDARAN


def test_silent_connection_is_closed_and_others_are_served() -> None:
    async def scenario(port: int) -> tuple[bytes, PbxCall]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        good = await place_call(port, asterisk_env())  # served while the silent one waits
        closed = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        await writer.wait_closed()
        return closed, good

    closed, good = with_server(FixedResolver(MAZANDARAN), scenario, io_timeout=0.2)
    assert closed == b""
    assert good.variables == MAZANDARAN


@pytest.mark.parametrize(
    ("second_reply", "logged"),
    [("HANGUP", "hung up"),
     ("510 Invalid or unknown command", "refused"),
     ("511 Command Not Permitted on a dead channel or intercept routine", "refused"),
     ("520-Invalid command syntax.  Proper usage follows:\n"
      " Usage: SET VARIABLE <variablename> <value>\n520 End of proper usage.", "refused")],
)
def test_pbx_hanging_up_or_refusing_mid_way_ends_the_session(
        second_reply: str, logged: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)

    def reply(number: int, command: str) -> str:
        return second_reply if number == 2 else "200 result=1"

    async def scenario(port: int) -> tuple[PbxCall, PbxCall]:
        return await place_call(port, asterisk_env(), reply), await place_call(
            port, asterisk_env("1774161000.19"))

    cut, next_call = with_server(FixedResolver(MAZANDARAN), scenario)
    assert len(cut.commands) == 2  # nothing is sent after the hang-up or refusal
    assert cut.variables["PANAH_QUEUE"] == "IR-02"
    assert logged in caplog.text
    assert next_call.variables == MAZANDARAN


def test_twenty_simultaneous_calls_are_all_answered() -> None:
    everyone_in = threading.Barrier(20, timeout=5)  # all twenty resolving at the same time

    class PerCall:
        def resolve(self, request: AgiRequest) -> AgiAnswer:
            everyone_in.wait()
            return AgiAnswer({"PANAH_QUEUE": "IR-02", "PANAH_CONTACT": request.unique_id})

    async def scenario(port: int) -> list[PbxCall]:
        return list(await asyncio.gather(*(place_call(port, asterisk_env(f"1774161000.{n}"))
                                           for n in range(20))))

    calls = with_server(PerCall(), scenario, timeout=10, workers=20)
    assert sorted(call.variables["PANAH_CONTACT"] for call in calls) == sorted(
        f"1774161000.{n}" for n in range(20))
    assert all(call.variables["PANAH_QUEUE"] == "IR-02" for call in calls)


def test_default_resolver_answers_national_and_says_routing_is_not_wired(
        caplog: pytest.LogCaptureFixture) -> None:
    call = with_server(default_resolver(), lambda port: place_call(port, asterisk_env()))
    assert call.variables == {"PANAH_QUEUE": "national", "PANAH_APPROXIMATE": "1",
                              "PANAH_FALLBACK": "unwired"}
    assert "routing is not wired" in caplog.text


def test_stop_closes_calls_in_progress() -> None:
    started, release = threading.Event(), threading.Event()

    class Stuck:
        def resolve(self, request: AgiRequest) -> AgiAnswer:
            started.set()
            release.wait(10)
            return AgiAnswer(dict(MAZANDARAN))

    async def main() -> bytes:
        server = FastAgiServer(Stuck(), host="127.0.0.1", port=0, timeout=10)
        await server.start()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(asterisk_env())
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 10)
        await server.stop()
        release.set()
        closed = await asyncio.wait_for(reader.read(), 10)
        writer.close()
        await writer.wait_closed()
        return closed

    assert run_alone(main()) == b""


def test_fallback_without_a_queue_is_refused_at_start() -> None:
    with pytest.raises(ValueError, match="PANAH_QUEUE"):
        FastAgiServer(default_resolver(), fallback={"PANAH_APPROXIMATE": "1"})


runner = CliRunner()


def test_agi_serve_is_mounted_and_says_how_it_routes() -> None:
    result = runner.invoke(panah_app, ["agi", "serve", "--help"])
    assert result.exit_code == 0, result.output
    assert "contact" in result.output
    assert "national" in result.output


def test_agi_serve_on_a_busy_port_exits_with_a_reason(database_url: str) -> None:
    from tests.conftest import TEST_ENCRYPTION_KEYS, TEST_HASH_KEY

    env = {"PANAH_DATABASE_URL": database_url, "PANAH_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
           "PANAH_HASH_KEY": TEST_HASH_KEY, "PANAH_ENVIRONMENT": "test"}
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = in_thread(lambda: runner.invoke(
            panah_app, ["agi", "serve", "--port", str(port)], env=env))
    assert result.exit_code == 2
    assert "Cannot listen" in result.output
