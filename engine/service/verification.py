"""Registering, proving an e-mail address is one's own, and a forgotten password.

Registering answers the same whether or not the address has an account (no one can
learn who is registered by trying): a new or never-verified address gets a link to
verify it, an address with an account gets a mail telling its owner. Until the link
is followed the account may sign in but has no role at all (see `Actor.verified`).
Registering again before verifying replaces the password: nobody has proved the
address yet, so nobody owns it, and only the newest link works. A forgotten password
is replaced through a link mailed to the address (which proves it, too); asking
answers the same whether or not the address has an account.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..errors import Clashed, Forbidden, InvalidAnswers
from ..records.store import Person
from ..rules.access import Actor, actor_for
from .links import RESET, VERIFY, AccountMail, find_link, issue_link, retire_links
from .passwords import password_problem
from .people import (
    check_password,
    clean_name,
    find_person,
    get_or_create_person,
    hash_password,
    looks_like_email,
    name_problem,
)
from .sessions import end_sessions, prove_address

PASSWORDS_OFF = "Sign in with your agency account: this site takes no passwords."


@dataclass(frozen=True)
class LinkView:
    """What a mailed link's page shows before its button is pressed."""

    email: str
    name: str


class Verification(AccountMail):
    def register(self, email: str, name: str, password: str) -> None:
        """Take a registration; the answer is the same for every address (see above)."""
        if not self.identity.password_login:
            raise Forbidden(PASSWORDS_OFF)
        errors = {}
        problem = name_problem(name)
        if problem:
            errors["name"] = problem
        if not looks_like_email(email):
            errors["email"] = "Enter your e-mail address, like name@agency.gov."
        problem = password_problem(password, email)
        if problem:
            errors["password"] = problem
        if errors:
            raise InvalidAnswers(errors)
        hashed = hash_password(password)  # for every address alike, so the time says nothing
        try:
            message = self._take_registration(email, name, hashed)
        except Clashed:
            # The same address registered at the same moment (a double press, two tabs):
            # that registration mails the link; this press is answered just like it.
            return
        self._send_account_mail(message)

    def _take_registration(self, email: str, name: str, hashed: str) -> int | None:
        with self.transaction() as session:
            person = find_person(session, email)
            if person is not None and person.email_verified_at is not None:
                message = self._queue_account_mail(
                    session,
                    person.email,
                    "Someone tried to register with your address",
                    f"Hello {person.display_name},\n\n"
                    "Someone, perhaps you, tried to register on Mentorflow with this address. "
                    "You have an account already, so nothing was changed.\n\n"
                    f"To sign in: {self._link('/login')}\n\n"
                    "If it was not you, you need do nothing.\n",
                    "account:exists",
                )
            else:
                person = get_or_create_person(session, email, name)
                person.name = clean_name(name)
                person.password_hash = hashed
                # Whoever registered it before proved nothing: their sessions end.
                end_sessions(session, person.id, self.clock())
                message = self._queue_verification(session, person)
        return message

    def resend_verification(self, actor: Actor) -> None:
        """Mail a new link to the signed-in, not yet verified person."""
        if actor.person_id is None:
            raise Forbidden("Sign in first.")
        with self.transaction() as session:
            person = session.get(Person, actor.person_id)
            if person is None or person.email_verified_at is not None:
                return
            message = self._queue_verification(session, person)
        self._send_account_mail(message)

    def _queue_verification(self, session: Session, person: Person) -> int | None:
        token = issue_link(session, person, VERIFY, self.clock(), by=person.id)
        return self._queue_account_mail(
            session,
            person.email,
            "Verify your e-mail address for Mentorflow",
            f"Hello {person.display_name},\n\n"
            "Someone, we hope you, registered on Mentorflow with this address. To confirm it "
            "is yours, open this link within 48 hours and press the button:\n\n"
            f"{self._link('/verify/' + token)}\n\n"
            "If you did not register, ignore this mail: without the link nothing happens.\n",
            "account:verify",
        )

    def verification_link(self, token: str) -> LinkView:
        """The address a verification link is for (NotFound when it no longer works)."""
        return self._link_view(token, VERIFY)

    def _link_view(self, token: str, purpose: str) -> LinkView:
        with self.reading() as session:
            link = find_link(session, token, purpose, self.clock())
            person = session.get(Person, link.person_id)
            assert person is not None
            return LinkView(person.email, person.name)

    def verify_email(self, token: str, password: str) -> Actor:
        """Follow the link, with the account's password: the address is proved, and every
        session begun before ends. The password is asked so that a link mailed to the
        owner cannot prove a password someone else chose (whoever registered last sets
        it, and only the mailbox's owner can follow the link)."""
        now = self.clock()
        with self.transaction() as session:
            link = find_link(session, token, VERIFY, now)
            person = session.get(Person, link.person_id)
            assert person is not None
            if not check_password(person.password_hash, password):
                raise InvalidAnswers(
                    {
                        "password": "That is not the password chosen when this address was "
                        "last registered. If it was not you who chose it, register again: "
                        "a new link will come."
                    }
                )
            link.used_at = now
            prove_address(session, person, now)
            session.flush()
            return actor_for(session, person)

    def request_password_reset(self, email: str) -> None:
        """Mail a link that sets a new password, when the address has an account; the
        answer is the same either way."""
        if not self.identity.password_login:
            raise Forbidden(PASSWORDS_OFF)
        if not looks_like_email(email):
            raise InvalidAnswers({"email": "Enter your e-mail address, like name@agency.gov."})
        with self.transaction() as session:
            person = find_person(session, email)
            if person is None or (not person.password_hash and person.email_verified_at is None):
                return
            token = issue_link(session, person, RESET, self.clock(), by=person.id)
            message = self._queue_account_mail(
                session,
                person.email,
                "Choose a new Mentorflow password",
                f"Hello {person.display_name},\n\n"
                "Someone, we hope you, asked to choose a new password for this address. "
                "Open this link within an hour to do it:\n\n"
                f"{self._link('/reset/' + token)}\n\n"
                "If it was not you, ignore this mail: your password stays as it is.\n",
                "account:reset",
            )
        self._send_account_mail(message)

    def reset_link(self, token: str) -> LinkView:
        """The address a password link is for (NotFound when it no longer works)."""
        return self._link_view(token, RESET)

    def reset_password(self, token: str, password: str) -> Actor:
        """Follow the link with a new password: it is theirs, the address is proved, and
        every session they had ends."""
        if not self.identity.password_login:
            raise Forbidden(PASSWORDS_OFF)
        now = self.clock()
        with self.transaction() as session:
            link = find_link(session, token, RESET, now)
            person = session.get(Person, link.person_id)
            assert person is not None
            problem = password_problem(password, person.email)
            if problem:
                raise InvalidAnswers({"password": problem})
            person.password_hash = hash_password(password)
            prove_address(session, person, now)
            retire_links(session, person, RESET, now)
            end_sessions(session, person.id, now)
            message = self._queue_account_mail(
                session,
                person.email,
                "Your Mentorflow password was changed",
                f"Hello {person.display_name},\n\n"
                "A new password was just chosen for your Mentorflow account through a link "
                "mailed to this address, and every session you had was ended.\n\n"
                "If it was not you, someone can read your mail: tell your agency's IT "
                f"service, then choose a new password at {self._link('/reset')}\n",
                "account:password-reset",
            )
            session.flush()
            actor = actor_for(session, person)
        self._send_account_mail(message)
        return actor
