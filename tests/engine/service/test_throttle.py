"""The sign-in throttle: no one can lock the owner out, one client cannot guess across many
accounts, simultaneous tries count against each other (on SQLite and PostgreSQL), and an
unknown address costs the same password check as a known one."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from mentorflow.engine.errors import SignInRefused
from mentorflow.engine.records.store import LoginAttempt
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import accounts as accounts_module
from mentorflow.engine.service import people as people_module
from mentorflow.engine.service import throttle
from mentorflow.engine.service.people import get_or_create_person
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People

RIGHT = "correct horse battery"  # what tests.conftest.People gives everyone
WRONG = "wrong horse battery"
ATTACKER = "203.0.113.66"
OWNER_AT_HOME = "198.51.100.7"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """What is counted here is checks, not their cost: cheap hashes keep the tests quick."""
    monkeypatch.setitem(people_module._SCRYPT, "n", 2**4)


def seconds(clock: Clock, n: float) -> None:
    clock.now += dt.timedelta(seconds=n)


def outcome(workflow: Workflow, email: str, password: str, client: str) -> str:
    """'in', 'wrong' (checked, refused) or 'held' (not checked: the throttle)."""
    try:
        workflow.sign_in(email, password, client=client)
    except SignInRefused as exc:
        return "held" if exc.throttled else "wrong"
    return "in"


def held_for(workflow: Workflow, email: str, password: str, client: str) -> float | None:
    """The wait the throttle asks for, in seconds (None: not held back)."""
    try:
        workflow.sign_in(email, password, client=client)
    except SignInRefused as exc:
        if not exc.throttled:
            return None
        found = re.search(r"wait (\d+) (second|minute)", str(exc))
        assert found, str(exc)
        return int(found[1]) * (60 if found[2] == "minute" else 1)
    return None


def checks_made(workflow: Workflow) -> int:
    """Password checks made: every admitted attempt is settled (True or False)."""
    with workflow.db.session() as session:
        found = session.scalar(select(func.count()).where(LoginAttempt.succeeded.is_not(None)))
    return int(found or 0)


def test_the_account_wait_doubles_from_the_fifth_failure_up_to_a_minute() -> None:
    waits = [throttle.backoff(n).total_seconds() for n in range(12)]
    assert waits == [0, 0, 0, 0, 0, 2, 4, 8, 16, 32, 60, 60]
    assert throttle.backoff(10_000) == throttle.BACKOFF_CAP


def test_each_failure_beyond_five_makes_the_next_check_wait_longer(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    owner = people.person("owner@example.gov")
    for _ in range(throttle.ACCOUNT_FREE_FAILURES):
        assert outcome(workflow, owner.email, WRONG, ATTACKER) == "wrong"
    for expected in (2, 4, 8, 16):
        assert held_for(workflow, owner.email, WRONG, ATTACKER) == expected
        seconds(clock, expected - 1)
        assert outcome(workflow, owner.email, WRONG, ATTACKER) == "held"  # not yet
        seconds(clock, 1)
        assert outcome(workflow, owner.email, WRONG, ATTACKER) == "wrong"


def test_no_one_can_lock_the_owner_out(workflow: Workflow, people: People, clock: Clock) -> None:
    owner = people.person("owner@example.gov")
    # An attacker keeps trying: twenty tries, five seconds apart.
    seen = []
    for _ in range(20):
        seen.append(outcome(workflow, owner.email, WRONG, ATTACKER))
        seconds(clock, 5)
    assert seen.count("wrong") >= throttle.ACCOUNT_FREE_FAILURES and "held" in seen
    assert "in" not in seen
    # The owner, at a new place, waits at most the longest back-off, never 15 minutes.
    wait = held_for(workflow, owner.email, RIGHT, OWNER_AT_HOME)
    assert wait is None or wait <= throttle.BACKOFF_CAP.total_seconds()
    seconds(clock, wait or 0)
    assert workflow.sign_in(owner.email, RIGHT, client=OWNER_AT_HOME) == owner


def test_a_client_that_signed_in_before_is_not_held_back(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    owner = people.person("owner@example.gov")
    assert workflow.sign_in(owner.email, RIGHT, client=OWNER_AT_HOME) == owner
    seconds(clock, 3600)
    for _ in range(20):
        outcome(workflow, owner.email, WRONG, ATTACKER)
    assert outcome(workflow, owner.email, RIGHT, "192.0.2.1") == "held"  # a new place waits
    assert workflow.sign_in(owner.email, RIGHT, client=OWNER_AT_HOME) == owner  # home does not
    # Only for 30 days after its last success.
    seconds(clock, 31 * 86400)
    for _ in range(throttle.ACCOUNT_FREE_FAILURES):
        outcome(workflow, owner.email, WRONG, ATTACKER)
    assert outcome(workflow, owner.email, RIGHT, OWNER_AT_HOME) == "held"


@pytest.mark.parametrize(
    ("places", "ceiling"),
    [(("new",), 70), (("new", "owner's own"), 100)],
    ids=["from-new-places", "also-from-the-owners-own-place"],
)
def test_an_hour_of_guessing_gets_at_most_a_hundred_failures_through(
    workflow: Workflow, people: People, clock: Clock, places: tuple[str, ...], ceiling: int
) -> None:
    """ASVS 4.0.3 V2.2.1: no more than 100 failed attempts an hour on one account. Each
    attacker guesses again the moment the throttle allows: from a new address every time,
    and (second case) also from the place the owner signed in from, which skips the
    account's back-off and is held only by the per-client limit."""
    owner = people.person("owner@example.gov")
    assert workflow.sign_in(owner.email, RIGHT, client=OWNER_AT_HOME) == owner
    start = clock.now
    ready = dict.fromkeys(places, start)
    failures = dict.fromkeys(places, 0)
    tries = 0
    while min(ready.values()) < start + dt.timedelta(hours=1):
        place = min(ready, key=lambda p: ready[p])
        clock.now = ready[place]
        tries += 1
        client = OWNER_AT_HOME if place == "owner's own" else f"203.0.{tries >> 8}.{tries & 255}"
        try:
            workflow.sign_in(owner.email, WRONG, client=client)
        except SignInRefused as exc:
            if exc.throttled:
                found = re.search(r"wait (\d+) (second|minute)", str(exc))
                wait = int(found[1]) * (60 if found[2] == "minute" else 1) if found else 1
                ready[place] = clock.now + dt.timedelta(seconds=wait)
                continue
            failures[place] += 1
            ready[place] = clock.now + dt.timedelta(milliseconds=100)
    assert 50 <= sum(failures.values()) <= ceiling, failures


def test_one_client_gets_ten_checks_across_all_accounts(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    accounts = [people.person(f"p{i}@example.gov") for i in range(30)]
    seen = [outcome(workflow, who.email, WRONG, ATTACKER) for who in accounts]
    assert seen == ["wrong"] * throttle.CLIENT_FAILURES + ["held"] * 20
    assert checks_made(workflow) == throttle.CLIENT_FAILURES
    # It says for how long, and means it; others were never held up.
    assert held_for(workflow, accounts[-1].email, RIGHT, ATTACKER) == 15 * 60
    assert workflow.sign_in(accounts[0].email, RIGHT, client=OWNER_AT_HOME) == accounts[0]
    seconds(clock, 15 * 60)
    assert workflow.sign_in(accounts[-1].email, RIGHT, client=ATTACKER) == accounts[-1]


def test_unknown_addresses_count_for_the_client_too(workflow: Workflow) -> None:
    seen = [outcome(workflow, f"nobody{i}@example.gov", WRONG, ATTACKER) for i in range(12)]
    assert seen == ["wrong"] * throttle.CLIENT_FAILURES + ["held"] * 2


def _parallel(n: int, attempt: Callable[[int], str]) -> list[str]:
    start = threading.Barrier(n)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        start.wait()
        try:
            result = attempt(i)
        except Exception as exc:  # every try must end in an answer for a person
            result = f"{type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.fixture
def counted_checks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every password check sign-in makes, by the stored hash it checked against."""
    made: list[str] = []
    original = accounts_module.check_password

    def counting(stored: str | None, password: str) -> bool:
        made.append(stored or "")
        return original(stored, password)

    monkeypatch.setattr(accounts_module, "check_password", counting)
    yield made


def test_fifty_simultaneous_tries_on_one_account_make_five_checks(
    workflow: Workflow, people: People, counted_checks: list[str]
) -> None:
    owner = people.person("owner@example.gov")
    outcomes = _parallel(50, lambda i: outcome(workflow, owner.email, WRONG, f"203.0.113.{i + 1}"))
    assert sorted(outcomes) == ["held"] * 45 + ["wrong"] * 5, outcomes
    assert len(counted_checks) == throttle.ACCOUNT_FREE_FAILURES
    assert checks_made(workflow) == throttle.ACCOUNT_FREE_FAILURES


def test_simultaneous_tries_from_one_client_stop_at_its_limit(
    workflow: Workflow, people: People, counted_checks: list[str]
) -> None:
    accounts = [people.person(f"p{i}@example.gov") for i in range(30)]
    outcomes = _parallel(30, lambda i: outcome(workflow, accounts[i].email, WRONG, ATTACKER))
    assert sorted(outcomes) == ["held"] * 20 + ["wrong"] * throttle.CLIENT_FAILURES, outcomes
    assert len(counted_checks) == throttle.CLIENT_FAILURES


def test_all_workers_together_check_at_most_twenty_passwords_a_second(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    everyone = [people.person(f"p{i}@example.gov") for i in range(throttle.CHECKS_PER_SECOND + 1)]
    for i, who in enumerate(everyone[:-1]):
        assert workflow.sign_in(who.email, RIGHT, client=f"198.51.100.{i + 1}") == who
    last = everyone[-1]
    with pytest.raises(SignInRefused, match="busy") as refused:
        workflow.sign_in(last.email, RIGHT, client="192.0.2.1")
    assert refused.value.throttled
    seconds(clock, 1)
    assert workflow.sign_in(last.email, RIGHT, client="192.0.2.1") == last


def test_a_flood_of_checks_does_not_keep_the_owner_out_at_home(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    """The ceiling holds the crowd back, not the owner where they signed in before."""
    owner = people.person("owner@example.gov")
    assert workflow.sign_in(owner.email, RIGHT, client=OWNER_AT_HOME) == owner
    seconds(clock, 3600)
    for i in range(throttle.CHECKS_PER_SECOND):  # failures from fresh places, same second
        outcome(workflow, f"x{i}@example.gov", WRONG, f"2001:db8:{i + 1}::1")
    assert outcome(workflow, owner.email, RIGHT, "192.0.2.1") == "held"  # a new place waits
    assert workflow.sign_in(owner.email, RIGHT, client=OWNER_AT_HOME) == owner


@pytest.fixture
def scrypt_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The cost (n) of every scrypt computation made."""
    calls: list[int] = []
    original = hashlib.scrypt

    def counting(password: bytes, **kwargs: Any) -> bytes:
        calls.append(kwargs["n"])
        return original(password, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    yield calls


@pytest.mark.parametrize("who", ["account", "unknown address", "known without a password"])
def test_a_wrong_sign_in_costs_one_scrypt_whoever_the_address_is(
    workflow: Workflow, people: People, scrypt_calls: list[int], who: str
) -> None:
    people.person("owner@example.gov")
    with workflow.db.session() as session, session.begin():
        get_or_create_person(session, "supervisor@example.gov", "Sue")  # named on a form
    email = {
        "account": "owner@example.gov",
        "unknown address": "nobody@example.gov",
        "known without a password": "supervisor@example.gov",
    }[who]
    people_module.stand_in_hash()  # made once per cost, not on every sign-in
    scrypt_calls.clear()
    with pytest.raises(SignInRefused, match="do not match an account"):
        workflow.sign_in(email, WRONG, client=ATTACKER)
    assert scrypt_calls == [people_module._SCRYPT["n"]]  # one check, at the accounts' cost


def test_a_refused_try_checks_nothing_and_leaves_no_row(
    workflow: Workflow, people: People, counted_checks: list[str]
) -> None:
    owner = people.person("owner@example.gov")
    for _ in range(8):
        outcome(workflow, owner.email, WRONG, ATTACKER)
    assert len(counted_checks) == throttle.ACCOUNT_FREE_FAILURES
    with workflow.db.session() as session:
        rows = session.scalars(select(LoginAttempt)).all()
    assert len(rows) == throttle.ACCOUNT_FREE_FAILURES
    assert {(r.email, r.client, r.succeeded) for r in rows} == {(owner.email, ATTACKER, False)}


def test_old_rows_are_purged_now_and_then(
    workflow: Workflow, people: People, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner: Actor = people.person("owner@example.gov")
    now = clock.now
    kept_and_gone = {
        ("failed an hour ago", now - dt.timedelta(hours=1), False): True,
        ("failed two days ago", now - dt.timedelta(days=2), False): False,
        ("stuck two days ago", now - dt.timedelta(days=2), None): False,
        ("signed in two days ago", now - dt.timedelta(days=2), True): True,
        ("signed in 31 days ago", now - dt.timedelta(days=31), True): False,
    }
    with workflow.db.session() as session, session.begin():
        for client, at, succeeded in kept_and_gone:
            session.add(LoginAttempt(email=owner.email, client=client, at=at, succeeded=succeeded))
    monkeypatch.setattr(throttle, "PURGE_EVERY", 1_000_000)
    workflow.sign_in(owner.email, RIGHT, client=OWNER_AT_HOME)
    with workflow.db.session() as session:
        assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 6  # not yet
    monkeypatch.setattr(throttle, "PURGE_EVERY", 1)
    workflow.sign_in(owner.email, RIGHT, client=OWNER_AT_HOME)
    with workflow.db.session() as session:
        left = set(session.scalars(select(LoginAttempt.client)))
    expected = {client for (client, _, _), kept in kept_and_gone.items() if kept}
    assert left == expected | {OWNER_AT_HOME}


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::ffff", "2001:db8:1:2::/64"),  # the same machine's next address
        ("::ffff:203.0.113.9", "203.0.113.9"),  # IPv4 as IPv6 sockets report it
        ("", ""),
        ("not an address", "not an address"),
    ],
)
def test_a_client_is_counted_by_its_address_or_its_ipv6_network(address: str, key: str) -> None:
    assert throttle.client_key(address) == key
