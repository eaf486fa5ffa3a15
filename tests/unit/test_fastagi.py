"""FastAGI, the pure parts: the environment, network location, quoting, replies, answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from panah.intake.model import NATIONAL_QUEUE, LocationFix, LocationSource, RouteDecision
from panah.integrations.fastagi import (
    MAX_ENV_BYTES,
    MAX_LINE_BYTES,
    AgiProtocolError,
    AgiValueError,
    answer_from_decision,
    commands_for,
    default_resolver,
    parse_environment,
    parse_reply,
    quote_value,
    set_variable_command,
)
from panah.integrations.telephony import (
    CallEventKind,
    location_argument,
    offered_from_agi,
    parse_network_location,
)

# What Asterisk writes for ``AGI(agi://panah.example:4573/route,"36.6549,51.4205,250")``.
CHALUS_MOBILE_ENV = (
    b"agi_network: yes\n"
    b"agi_network_script: route\n"
    b"agi_request: agi://panah.example:4573/route\n"
    b"agi_channel: PJSIP/mci-trunk-00000012\n"
    b"agi_language: fa\n"
    b"agi_type: PJSIP\n"
    b"agi_uniqueid: mzn-pbx-1774161000.18\n"
    b"agi_version: 20.5.0\n"
    b"agi_callerid: +989111234567\n"
    b"agi_calleridname: unknown\n"
    b"agi_callingpres: 0\n"
    b"agi_dnid: 123\n"
    b"agi_rdnis: unknown\n"
    b"agi_context: from-trunk\n"
    b"agi_extension: 123\n"
    b"agi_priority: 2\n"
    b"agi_enhanced: 0.0\n"
    b"agi_accountcode: \n"
    b"agi_threadid: 139872330782400\n"
    b"agi_arg_1: 36.6549,51.4205,250\n"
)


def test_asterisk_environment_is_read_into_a_request() -> None:
    request = parse_environment(CHALUS_MOBILE_ENV)

    assert request.script == "route"
    assert request.request == "agi://panah.example:4573/route"
    assert request.caller_id == "+989111234567"
    assert request.caller == "+989111234567"
    assert request.called == "123"
    assert request.channel == "PJSIP/mci-trunk-00000012"
    assert request.unique_id == "mzn-pbx-1774161000.18"
    assert request.context == "from-trunk"
    assert request.args == ("36.6549,51.4205,250",)
    assert request.env["agi_language"] == "fa"  # keys without a field are kept
    assert request.env["agi_accountcode"] == ""


def test_withheld_number_and_unknown_dnid() -> None:
    request = parse_environment(b"agi_callerid: unknown\nagi_dnid: unknown\nagi_extension: 123\n")
    assert request.caller is None
    assert request.called == "123"


def test_script_query_and_slashes_are_dropped_and_args_are_ordered() -> None:
    request = parse_environment(
        b"agi_network_script: /route?province=IR-02\r\n"
        b"agi_arg_2: b\r\nagi_arg_1: a\r\nagi_arg_4: d\r\nx_custom: value: with colon\r\n"
    )
    assert request.script == "route"
    assert request.args == ("a", "b", "", "d")
    assert request.env["x_custom"] == "value: with colon"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"agi_network yes\n", "no colon"),
        (b"agi network: yes\n", "invalid name"),
        (b": yes\n", "invalid name"),
        (b"agi_calleridname: \xff\xfe\n", "not UTF-8"),
        (b"agi_x: " + b"a" * MAX_LINE_BYTES + b"\n", "longer than"),
        (b"agi_x: yes\n" * (MAX_ENV_BYTES // 10), "larger than"),
        (b"agi_arg_129: x\n", "outside agi_arg_1"),
        (b"\n\n", "empty"),
    ],
)
def test_malformed_environment_is_refused_with_the_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(AgiProtocolError, match=reason):
        parse_environment(raw)


def test_network_location_with_radius() -> None:
    parsed = parse_network_location("36.6549, 51.4205, 250")
    assert parsed.reason == "ok"
    assert parsed.fix == LocationFix(source=LocationSource.network, lat=36.6549, lon=51.4205,
                                     radius_m=250.0, detail="network")


def test_network_location_without_radius_and_in_quotes() -> None:
    parsed = parse_network_location('"36.6549,51.4205"')
    assert parsed.fix is not None
    assert (parsed.fix.lat, parsed.fix.lon, parsed.fix.radius_m) == (36.6549, 51.4205, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "absent"),
        ("   ", "absent"),
        ("36.6549", "expected lat,lon"),
        ("1,2,3,4", "expected lat,lon"),
        ("nan,51.4", "decimal numbers"),
        ("36.6,inf", "decimal numbers"),
        ("36.6,51.4,1e3", "decimal numbers"),
        ("36,6;51,4", "decimal numbers"),
        ("96.6,51.4", "latitude"),
        ("36.6,251.4", "longitude"),
        ("36.6,51.4,-5", "negative radius"),
    ],
)
def test_bad_network_location_gives_no_fix_and_a_reason(text: str, reason: str) -> None:
    parsed = parse_network_location(text)
    assert parsed.fix is None
    assert reason in parsed.reason


def test_location_argument_quoted_or_split_by_asterisk() -> None:
    assert location_argument(("36.65,51.42,250",)) == "36.65,51.42,250"
    assert location_argument(("36.65", "51.42", "250")) == "36.65,51.42,250"
    assert location_argument(("36.65", "51.42")) == "36.65,51.42"
    assert location_argument(("",)) == ""
    assert location_argument(()) == ""


def test_request_location_comes_from_the_arguments() -> None:
    request = parse_environment(CHALUS_MOBILE_ENV)
    assert request.location.fix is not None
    assert request.location.fix.radius_m == 250.0


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("IR-02", '"IR-02"'),
        ("", '""'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("مرکز چالوس", '"مرکز چالوس"'),
    ],
)
def test_values_are_quoted_for_asterisk(value: str, quoted: str) -> None:
    assert quote_value(value) == quoted


@pytest.mark.parametrize("value", ["IR-02\n", "a\rb", "a\0b"])
def test_line_breaks_in_values_are_refused(value: str) -> None:
    with pytest.raises(AgiValueError, match="line break"):
        quote_value(value)


@pytest.mark.parametrize("name", ["PANAH QUEUE", "", "1ST", "Q;HANGUP", "X" * 81])
def test_bad_variable_names_are_refused(name: str) -> None:
    with pytest.raises(AgiValueError, match="not a channel variable name"):
        set_variable_command(name, "x")


def test_over_long_command_is_refused() -> None:
    with pytest.raises(AgiValueError, match="longer than"):
        set_variable_command("PANAH_NOTE", "x" * 2100)


def test_commands_put_the_queue_first() -> None:
    commands = commands_for({"PANAH_CONTACT": "42", "PANAH_QUEUE": "IR-02",
                             "PANAH_APPROXIMATE": "0"})
    assert commands == [b'SET VARIABLE PANAH_QUEUE "IR-02"\n',
                        b'SET VARIABLE PANAH_CONTACT "42"\n',
                        b'SET VARIABLE PANAH_APPROXIMATE "0"\n']


@pytest.mark.parametrize(
    ("line", "code", "ok", "hangup"),
    [
        ("200 result=1\n", 200, True, False),
        ("200 result=1 (value)", 200, True, False),
        ("510 Invalid or unknown command\n", 510, False, False),
        ("511 Command Not Permitted on a dead channel or intercept routine", 511, False, False),
        ("520-Invalid command syntax.  Proper usage follows:", 520, False, False),
        ("HANGUP\n", None, False, True),
        ("hello", None, False, False),
        ("2000 result", None, False, False),
    ],
)
def test_replies_are_read(line: str, code: int | None, ok: bool, hangup: bool) -> None:
    reply = parse_reply(line)
    assert (reply.code, reply.ok, reply.hangup) == (code, ok, hangup)


def test_answer_from_a_routing_decision() -> None:
    decision = RouteDecision(queue="IR-02", province_code="IR-02", county_key="IR-02:chalus",
                             centre_code="MZN-CHALUS", approximate=False, trail=(),
                             location=LocationFix(source=LocationSource.network))
    answer = answer_from_decision(decision, contact_id="1201")
    assert answer.variables == {"PANAH_QUEUE": "IR-02", "PANAH_PROVINCE": "IR-02",
                                "PANAH_CENTRE": "MZN-CHALUS", "PANAH_APPROXIMATE": "0",
                                "PANAH_CONTACT": "1201"}


def test_unknown_location_decision_is_marked_approximate() -> None:
    decision = RouteDecision(queue=NATIONAL_QUEUE, province_code=None, county_key=None,
                             centre_code=None, approximate=True, trail=(),
                             location=LocationFix(source=LocationSource.unknown))
    variables = answer_from_decision(decision).variables
    assert variables["PANAH_QUEUE"] == "national"
    assert variables["PANAH_APPROXIMATE"] == "1"
    assert variables["PANAH_PROVINCE"] == ""
    assert "PANAH_CONTACT" not in variables


def test_default_resolver_never_pretends_to_route(caplog: pytest.LogCaptureFixture) -> None:
    answer = default_resolver().resolve(parse_environment(CHALUS_MOBILE_ENV))
    assert answer.variables == {"PANAH_QUEUE": "national", "PANAH_APPROXIMATE": "1",
                                "PANAH_FALLBACK": "unwired"}
    assert "routing is not wired" in caplog.text
    assert "989111234567" not in caplog.text  # no caller numbers in logs


def test_agi_request_becomes_an_idempotent_offered_event() -> None:
    at = datetime(2026, 3, 22, 6, 30, tzinfo=UTC)
    request = parse_environment(CHALUS_MOBILE_ENV)
    event = offered_from_agi(request, at=at)
    assert event == offered_from_agi(request, at=at)
    assert event.event_id == "agi:mzn-pbx-1774161000.18:offered"
    assert event.kind is CallEventKind.offered
    assert (event.call_id, event.caller, event.called) == (
        "mzn-pbx-1774161000.18", "+989111234567", "123")
    assert event.location is not None
    assert event.location.source is LocationSource.network


def test_offered_event_needs_the_call_unique_id() -> None:
    request = parse_environment(b"agi_callerid: +989111234567\n")
    with pytest.raises(ValueError, match="agi_uniqueid"):
        offered_from_agi(request, at=datetime(2026, 3, 22, tzinfo=UTC))
