"""FastAGI routing service: an Asterisk/Issabel PBX asks Panah which queue a 123 call goes to.

The PBX opens a TCP connection (dialplan ``AGI(agi://panah:4573/route)``), sends the channel's
AGI environment as ``agi_name: value`` lines ended by a blank line, then reads the commands
written back, answering each (``200 result=1``). Panah writes one ``SET VARIABLE`` per routing
variable (``PANAH_QUEUE`` first) and closes the connection, which ends the AGI step; the
dialplan goes on with ``Queue(${PANAH_QUEUE})``. Protocol notes and sources: docs/telephony.md.

This module never decides a route. It calls an injected :class:`Resolver` in a worker thread
and answers with the fallback (national) queue when the resolver fails, is slower than the
timeout or returns something that cannot be sent: a call is never refused. Nothing personal
(caller number, name, location) is logged; sessions are named by the channel's unique id.
Standard library only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Protocol

from panah.intake.model import NATIONAL_QUEUE, RouteDecision
from panah.integrations.telephony import LocationParse, location_argument, parse_network_location

log = logging.getLogger(__name__)

AGI_PORT = 4573  # FastAGI's registered port; Asterisk's default for agi:// URLs
MAX_LINE_BYTES = 8 * 1024
MAX_ENV_BYTES = 64 * 1024
MAX_ARGS = 128  # res_agi.c passes at most this many arguments
MAX_COMMAND_BYTES = 2047  # res_agi.c reads one command into a 2048-byte buffer (AGI_BUF_LEN)
MAX_REPLY_LINES = 64  # a "520-" usage reply spans several lines
UNKNOWN = "unknown"  # what Asterisk sends for an absent caller id, dnid or rdnis

QUEUE = "PANAH_QUEUE"
PROVINCE = "PANAH_PROVINCE"
CENTRE = "PANAH_CENTRE"
CONTACT = "PANAH_CONTACT"
APPROXIMATE = "PANAH_APPROXIMATE"
FALLBACK = "PANAH_FALLBACK"  # set only when Panah could not route: why
FALLBACK_VARIABLES: Mapping[str, str] = {QUEUE: NATIONAL_QUEUE, APPROXIMATE: "1"}

_KEY = re.compile(r"[A-Za-z0-9_]+\Z")
_ARG_KEY = re.compile(r"agi_arg_([0-9]{1,4})\Z")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,79}\Z")


class AgiProtocolError(ValueError):
    """What the PBX sent cannot be read; the session is logged and closed."""


class AgiValueError(ValueError):
    """A variable cannot be sent to the PBX safely (bad name, line break, too long)."""


# --- the request -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgiRequest:
    """The AGI environment of one call. Values are as Asterisk sent them (``unknown`` …)."""

    script: str  # agi_network_script without "?query" or slashes, e.g. "route"
    request: str  # agi_request: the agi:// URL the dialplan used
    caller_id: str
    caller_id_name: str
    dnid: str
    extension: str
    channel: str
    unique_id: str
    context: str = ""
    args: tuple[str, ...] = ()  # agi_arg_1 … agi_arg_N
    env: Mapping[str, str] = field(default_factory=dict)  # every line, known or not

    @property
    def caller(self) -> str | None:
        """The calling number, or None when withheld or absent."""
        return _known(self.caller_id)

    @property
    def called(self) -> str:
        """The number dialled (the dnid), else the dialplan extension."""
        return _known(self.dnid) or self.extension

    @property
    def location(self) -> LocationParse:
        return parse_network_location(location_argument(self.args))


def _known(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", UNKNOWN) else value


def parse_environment(raw: bytes) -> AgiRequest:
    """Read the block of ``agi_name: value`` lines (without its final blank line)."""
    if len(raw) > MAX_ENV_BYTES:
        raise AgiProtocolError(f"the environment is larger than {MAX_ENV_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AgiProtocolError(f"the environment is not UTF-8 (byte {error.start})") from error
    env: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if line:
            key, value = _env_line(line, number)
            env[key] = value
    if not env:
        raise AgiProtocolError("the environment is empty")
    return _request(env)


def _env_line(line: str, number: int) -> tuple[str, str]:
    if len(line.encode("utf-8")) > MAX_LINE_BYTES:
        raise AgiProtocolError(f"line {number} is longer than {MAX_LINE_BYTES} bytes")
    key, colon, value = line.partition(":")
    if not colon:
        raise AgiProtocolError(f"line {number} has no colon (expected 'agi_name: value')")
    if not _KEY.match(key):
        raise AgiProtocolError(f"line {number} has an invalid name {key[:40]!r}")
    return key, value.removeprefix(" ")


def _request(env: dict[str, str]) -> AgiRequest:
    return AgiRequest(
        script=env.get("agi_network_script", "").partition("?")[0].strip("/"),
        request=env.get("agi_request", ""),
        caller_id=env.get("agi_callerid", ""),
        caller_id_name=env.get("agi_calleridname", ""),
        dnid=env.get("agi_dnid", ""),
        extension=env.get("agi_extension", ""),
        channel=env.get("agi_channel", ""),
        unique_id=env.get("agi_uniqueid", ""),
        context=env.get("agi_context", ""),
        args=_args(env),
        env=env,
    )


def _args(env: Mapping[str, str]) -> tuple[str, ...]:
    numbered: dict[int, str] = {}
    for key, value in env.items():
        match = _ARG_KEY.match(key)
        if match:
            index = int(match[1])
            if not 1 <= index <= MAX_ARGS:
                raise AgiProtocolError(f"{key} is outside agi_arg_1 … agi_arg_{MAX_ARGS}")
            numbered[index] = value
    return tuple(numbered.get(i, "") for i in range(1, max(numbered, default=0) + 1))


# --- the answer ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgiAnswer:
    """Channel variables to set, e.g. ``{"PANAH_QUEUE": "IR-02", "PANAH_CONTACT": "42"}``."""

    variables: dict[str, str]


def answer_from_decision(decision: RouteDecision, *, contact_id: str | None = None) -> AgiAnswer:
    """The variables for a routing decision made elsewhere (``panah.intake.routing.model``)."""
    variables = {QUEUE: decision.queue, PROVINCE: decision.province_code or "",
                 CENTRE: decision.centre_code or "",
                 APPROXIMATE: "1" if decision.approximate else "0"}
    if contact_id is not None:
        variables[CONTACT] = contact_id
    return AgiAnswer(variables)


def quote_value(value: str) -> str:
    """Quote a value the way res_agi.c's argument parser reads it back unchanged."""
    if any(char in value for char in "\r\n\0"):
        raise AgiValueError("a value sent to the PBX cannot contain a line break or NUL")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def set_variable_command(name: str, value: str) -> bytes:
    if not isinstance(name, str) or not _VARIABLE.match(name):
        raise AgiValueError(f"{str(name)[:40]!r} is not a channel variable name")
    if not isinstance(value, str):
        raise AgiValueError(f"the value of {name} is not text")
    line = f"SET VARIABLE {name} {quote_value(value)}\n".encode()
    if len(line) > MAX_COMMAND_BYTES:
        raise AgiValueError(f"SET VARIABLE {name} is longer than {MAX_COMMAND_BYTES} bytes")
    return line


def commands_for(variables: Mapping[str, str]) -> list[bytes]:
    """One SET VARIABLE per variable, the queue first (it matters most if the call drops)."""
    ordered = sorted(variables.items(), key=lambda item: item[0] != QUEUE)
    return [set_variable_command(name, value) for name, value in ordered]


@dataclass(frozen=True, slots=True)
class AgiReply:
    code: int | None  # None for the HANGUP notice or a line that is no reply
    text: str

    @property
    def hangup(self) -> bool:
        return self.text == "HANGUP"

    @property
    def ok(self) -> bool:
        return self.code == 200


def parse_reply(line: str) -> AgiReply:
    text = line.strip()
    head, separator = text[:3], text[3:4]
    code = int(head) if head.isdigit() and separator in ("", " ", "-") else None
    return AgiReply(code, text)


# --- resolvers ----------------------------------------------------------------------------


class Resolver(Protocol):
    """Decides the answer for one call. Synchronous: the server runs it in a worker thread."""

    def resolve(self, request: AgiRequest) -> AgiAnswer: ...


class UnwiredResolver:
    """Stand-in until routing is wired: the national queue for every call, and says so."""

    def resolve(self, request: AgiRequest) -> AgiAnswer:
        log.warning("routing is not wired: call %s sent to the national queue",
                    request.unique_id or "?")
        return AgiAnswer({QUEUE: NATIONAL_QUEUE, APPROXIMATE: "1", FALLBACK: "unwired"})


def default_resolver() -> Resolver:
    """The resolver ``panah agi serve`` uses (to be replaced by the intake service's)."""
    return UnwiredResolver()


# --- the server ---------------------------------------------------------------------------


class FastAgiServer:
    """Serves many PBX connections at once; ``port=0`` binds a free port (see ``.port``)."""

    def __init__(self, resolver: Resolver, *, host: str = "127.0.0.1", port: int = AGI_PORT,
                 timeout: float = 2.0, io_timeout: float = 5.0,
                 fallback: Mapping[str, str] = FALLBACK_VARIABLES, workers: int = 16) -> None:
        if not fallback.get(QUEUE):
            raise ValueError(f"the fallback variables must name a queue ({QUEUE})")
        commands_for(fallback)  # refuse a fallback that could not be sent, now
        self.host, self.timeout, self.io_timeout = host, timeout, io_timeout
        self._resolver, self._fallback_variables = resolver, dict(fallback)
        self._requested_port, self._workers = port, workers
        self._server: asyncio.Server | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._sessions: set[asyncio.Task[object]] = set()

    @property
    def port(self) -> int:
        if self._server is None or not self._server.sockets:
            raise RuntimeError("the FastAGI server is not started")
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._session, self.host,
                                                  self._requested_port, limit=MAX_LINE_BYTES)
        self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="panah-agi")

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for task in list(self._sessions):
            task.cancel()
        await asyncio.gather(*self._sessions, return_exceptions=True)
        await self._server.wait_closed()
        if self._executor is not None:  # a resolver still running finishes on its own
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._server = self._executor = None

    async def serve_forever(self) -> None:
        if self._server is None:
            await self.start()
        assert self._server is not None  # noqa: S101 - started just above
        try:
            await self._server.serve_forever()
        finally:
            await self.stop()

    async def __aenter__(self) -> FastAgiServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _session(self, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._sessions.add(task)
        peer = writer.get_extra_info("peername")
        try:
            await self._converse(reader, writer)
        except (AgiProtocolError, ConnectionError, TimeoutError) as error:
            log.warning("AGI session from %s closed: %s", peer, str(error) or type(error).__name__)
        except Exception:  # never let one broken session take the server down
            log.exception("AGI session from %s failed and was closed", peer)
        finally:
            if task is not None:
                self._sessions.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    async def _converse(self, reader: asyncio.StreamReader,
                        writer: asyncio.StreamWriter) -> None:
        raw = await asyncio.wait_for(read_environment(reader), self.io_timeout)
        try:
            request = parse_environment(raw)
        except AgiProtocolError as error:
            log.warning("AGI environment refused (%s): national queue", error)
            call, answer = "?", self._fallback("malformed-request")
        else:
            call = request.unique_id or "?"
            answer = await self._resolve(request, call)
        commands = self._commands(answer, call)
        sent = await self._send(reader, writer, commands, call)
        log.info("call %s: %d of %d variables set", call, sent, len(commands))

    async def _resolve(self, request: AgiRequest, call: str) -> AgiAnswer:
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self._executor, self._resolver.resolve, request)
        try:
            answer = await asyncio.wait_for(work, self.timeout)
        except TimeoutError:
            log.warning("resolver took longer than %.2f s for call %s: national queue",
                        self.timeout, call)
            return self._fallback("resolver-timeout")
        except Exception:
            log.exception("resolver failed for call %s: national queue", call)
            return self._fallback("resolver-error")
        if not isinstance(answer, AgiAnswer):
            log.error("resolver returned %s for call %s: national queue",
                      type(answer).__name__, call)
            return self._fallback("invalid-answer")
        return answer

    def _commands(self, answer: AgiAnswer, call: str) -> list[bytes]:
        try:
            variables = dict(answer.variables)
            if not variables.get(QUEUE):
                log.error("resolver named no queue for call %s: national queue", call)
                variables.update(self._fallback("no-queue").variables)
            return commands_for(variables)
        except (TypeError, ValueError) as error:  # AgiValueError, or not a dict of text
            log.error("answer for call %s cannot be sent (%s): national queue", call, error)
            return commands_for(self._fallback("invalid-answer").variables)

    def _fallback(self, reason: str) -> AgiAnswer:
        return AgiAnswer({**self._fallback_variables, FALLBACK: reason})

    async def _send(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    commands: list[bytes], call: str) -> int:
        """Write each command and check its reply; stop at a hang-up or refusal."""
        for sent, command in enumerate(commands):
            writer.write(command)
            await writer.drain()
            reply = await asyncio.wait_for(read_reply(reader), self.io_timeout)
            if reply is None or reply.hangup:
                log.info("call %s hung up or closed by the PBX", call)
                return sent
            if not reply.ok:
                log.warning("PBX refused a command for call %s: %s", call, reply.text[:200])
                return sent
        return len(commands)


async def read_environment(reader: asyncio.StreamReader) -> bytes:
    """The environment block up to (without) its blank line, refusing oversized input."""
    lines: list[bytes] = []
    size = 0
    while True:
        line = await _read_line(reader)
        if line is None:
            raise AgiProtocolError("the connection closed before the end of the environment")
        if line in (b"\n", b"\r\n"):
            return b"".join(lines)
        size += len(line)
        if size > MAX_ENV_BYTES:
            raise AgiProtocolError(f"the environment is larger than {MAX_ENV_BYTES} bytes")
        lines.append(line)


async def read_reply(reader: asyncio.StreamReader) -> AgiReply | None:
    """One reply; a multi-line ``520-`` usage reply is read to its ``520 `` end line."""
    line = await _read_line(reader)
    if line is None:
        return None
    reply = parse_reply(line.decode("utf-8", "replace"))
    if reply.code is not None and reply.text[3:4] == "-":
        for _ in range(MAX_REPLY_LINES):
            more = await _read_line(reader)
            if more is None or more.decode("utf-8", "replace").startswith(f"{reply.code} "):
                break
    return reply


async def _read_line(reader: asyncio.StreamReader) -> bytes | None:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError as error:
        raise AgiProtocolError(f"a line is longer than {MAX_LINE_BYTES} bytes") from error


async def serve(host: str, port: int, resolver: Resolver, *, timeout: float = 2.0) -> None:
    """Serve until cancelled."""
    await FastAgiServer(resolver, host=host, port=port, timeout=timeout).serve_forever()
