"""A real SMTP server for the deliver tests (aiosmtpd on 127.0.0.1, a free port) that can misbehave on purpose.

``SmtpRecorder`` accepts and records every message, unless told to: refuse chosen recipients (``refuse``),
answer DATA with a 4xx/5xx after N accepted messages (``fail_after``/``fail_reply``), or drop the connection
instead of answering DATA after N accepted messages (``drop_after``); ``before_accept`` runs something of the
test's between a message's arrival and the "250" that lets the client record it.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Callable, Optional

from aiosmtpd.controller import Controller

from tracker.digest.strings import STRINGS

URL_RE = re.compile(r"https?://\S+")


def assert_tags_balance(html: str) -> None:
    """Every element of a mail's HTML part is closed, in order (void elements aside): a template or an escaping
    slip that leaves a tag open or closes the wrong one fails here."""
    from html.parser import HTMLParser

    void = {"meta", "br", "img", "hr", "link"}

    class Balance(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []

        def handle_starttag(self, tag, attrs):  # noqa: ANN001
            if tag not in void:
                self.stack.append(tag)

        def handle_endtag(self, tag):  # noqa: ANN001
            assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:])
            self.stack.pop()

    checker = Balance()
    checker.feed(html)
    assert checker.stack == [], checker.stack[-3:]


class LocalController(Controller):
    """aiosmtpd's Controller on port 0: its readiness probe must use the port the OS picked."""

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class SmtpRecorder:
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # recipient → reply, e.g. "550 5.1.1 no such user"
    fail_after: Optional[int] = None
    fail_reply: str = "451 4.3.0 try again later"
    drop_after: Optional[int] = None
    # Called with each message before it is accepted: something that must happen after the client built the mail
    # and before it hears "250" (and records the delivery), in that order, every time.
    before_accept: Optional[Callable[[EmailMessage], None]] = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001
        with self.lock:
            if self.drop_after is not None and len(self.messages) >= self.drop_after:
                server.transport.close()  # gone before answering: the client cannot know it was received
                return "421 closing"
            if self.fail_after is not None and len(self.messages) >= self.fail_after:
                return self.fail_reply
            msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
            msg["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
            if self.before_accept is not None:
                self.before_accept(msg)
            self.messages.append(msg)
        return "250 2.0.0 accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Envelope-To"] == address]


# A section heading of the text part, "== 新着情報 (3件) ==" / "== New updates (3) ==" (digest.txt.j2).
SECTION_RE = re.compile(r"^== (.+) \([^()\n]*\) ==$", re.M)
NEW_HEADINGS = {words["new_heading"] for words in STRINGS.values()}
KNOWN_HEADINGS = {words[key] for words in STRINGS.values()
                  for key in ("new_heading", "revised_heading", "reminders_heading")}


def text_sections(msg: EmailMessage) -> dict[str, str]:
    """The plain-text part of a digest cut at its "== heading (n) ==" lines: heading → the text below it.

    A heading the digest's strings (tracker/digest/strings.py, ja and en) do not know fails loudly, so a renamed
    heading cannot quietly move another section's links into (or out of) the "new" ones."""
    text = msg.get_body(("plain",)).get_content().replace("\r\n", "\n")
    parts = SECTION_RE.split(text)
    found = {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    unknown = set(found) - KNOWN_HEADINGS
    assert not unknown, f"headings the digest's strings do not have: {sorted(unknown)}"
    return found


def new_urls(msg: EmailMessage) -> list[str]:
    """The links listed in the "new" section of a digest's text (not the revised or due-soon ones)."""
    return [url for heading, body in text_sections(msg).items() if heading in NEW_HEADINGS
            for url in URL_RE.findall(body)]


def deliveries(recorder: SmtpRecorder) -> Counter:
    """(recipient, url) → how many times it was sent as new."""
    counts: Counter = Counter()
    for msg in recorder.messages:
        for url in new_urls(msg):
            counts[(msg["X-Envelope-To"], url)] += 1
    return counts


class SmtpServer:
    """A started aiosmtpd server: ``.port``, ``.recorder``; ``stop()`` it (a context manager too)."""

    def __init__(self, recorder: Optional[SmtpRecorder] = None, **kwargs) -> None:
        self.recorder = recorder or SmtpRecorder()
        self.controller = LocalController(self.recorder, hostname="127.0.0.1", port=0, **kwargs)
        self.controller.start()
        self.port = self.controller.port

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> "SmtpServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def closed_port() -> int:
    """A port on 127.0.0.1 nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
