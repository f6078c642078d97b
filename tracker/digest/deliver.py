"""Sending, previewing and exporting digests.

Exactly once: a digest's updates are recorded as delivered (``DigestDelivery``) right after the SMTP server accepted
that one message, and committed before the next message is built. A refused message, an unreachable server or a
dropped connection records nothing for the messages not accepted, so the next run sends them — and only them.
(The one gap no client can close: the server accepts a message and the connection dies before its "250" reaches
us; that message will be sent again.)
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tracker.config import Settings
from tracker.db import session_scope
from tracker.digest.builder import Digest, build_digests, record_delivery
from tracker.errors import DatabaseError, KaiseiError, MailError
from tracker.i18n import os_reason_ja
from tracker.models import utcnow

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What a digest run did."""

    sent: list[tuple[str, int, int]] = field(default_factory=list)  # (handle, new, reminders) accepted
    refused: list[str] = field(default_factory=list)
    error: Optional[str] = None  # the server became unavailable: the rest is owed
    error_ja: Optional[str] = None  # the same, in Japanese
    stopped: bool = False
    revised: int = 0  # revised updates announced in the digests sent

    @property
    def new(self) -> int:
        return sum(n for _, n, _ in self.sent)

    @property
    def reminders(self) -> int:
        return sum(r for _, _, r in self.sent)

    @property
    def ok(self) -> bool:
        return not self.refused and self.error is None

    def summary(self, lang: str = "en") -> str:
        """One line: what was sent, and what was not and why (in ``lang``: ja or en)."""
        if lang == "ja":
            return self._summary_ja()
        if self.ok and not self.sent and not self.stopped:
            return "nothing to send"
        line = f"sent {len(self.sent)} digest(s): {self.new} new update(s), {self.reminders} reminder(s)"
        if self.revised:
            line += f", {self.revised} revised update(s)"
        if self.refused:
            line += f"; {len(self.refused)} refused ({'; '.join(self.refused[:3])}" + \
                (f"; … {len(self.refused) - 3} more" if len(self.refused) > 3 else "") + ")"
        if self.error:
            line += f"; stopped: {self.error}"
        if self.stopped:
            line += "; stopped on request"
        if not self.ok or self.stopped:
            line += "; what was not sent is owed to the next run"
        return line

    def _summary_ja(self) -> str:
        if self.ok and not self.sent and not self.stopped:
            return "送るものはありません"
        revised = f"、改訂 {self.revised} 件" if self.revised else ""
        line = f"{len(self.sent)} 通のダイジェストを送りました（新着 {self.new} 件、期限間近 {self.reminders} 件{revised}）"
        if self.refused:
            line += f"。{len(self.refused)} 通は受け付けられませんでした（{'; '.join(self.refused[:3])}" + \
                (f"; ほか {len(self.refused) - 3} 通" if len(self.refused) > 3 else "") + "）"
        if self.error:
            line += f"。途中で止まりました: {self.error_ja or self.error}"
        if self.stopped:
            line += "。指示により止めました"
        if not self.ok or self.stopped:
            line += "。送れなかった分は次回に送ります"
        return line


def deliver_digests(*, engine: Engine, settings: Settings, now: Optional[dt.datetime] = None,
                    only: Optional[Iterable[str]] = None,
                    should_stop: Optional[Callable[[], bool]] = None) -> DeliveryReport:
    """Build and send every owed digest by SMTP, recording each right after the server accepted it.

    Returns the report; raises ``MailError`` (one line, counts included) when any message was not accepted.
    The caller holds the digest lock (``tracker.locks.job_lock``) so two runs never interleave.
    """
    from tracker.mailer import SmtpUnavailable, send_messages

    report = DeliveryReport()
    with session_scope(engine) as session:
        pending: dict[str, Digest] = {}
        unbuilt: list[str] = []

        def messages():
            for digest in build_digests(session=session, settings=settings, now=now, only=only, errors=unbuilt):
                pending[str(digest.message["Message-ID"])] = digest
                yield digest.message

        def accepted(msg) -> None:
            digest = pending.pop(str(msg["Message-ID"]))
            try:
                record_delivery(session=session, digest=digest, sent_at=utcnow())
            except sa.exc.SQLAlchemyError as exc:
                raise DatabaseError(f"the digest to {digest.handle} was accepted by the SMTP server but could not "
                                    f"be recorded ({_first_line(exc)}); it may be sent again",
                                    ja=f"{digest.handle} へのダイジェストは SMTP サーバーに受け付けられましたが、"
                                       f"記録できませんでした（{_first_line(exc)}）。もう一度送られることがあります") \
                    from exc
            report.sent.append((digest.handle, digest.new_count, digest.reminder_count))
            report.revised += digest.revised_count
            log.info("digest: sent to %s (%d new, %d reminders, %d revised)", digest.handle, digest.new_count,
                     digest.reminder_count, digest.revised_count)

        try:
            result = send_messages(messages(), smtp=settings.smtp, on_accepted=accepted, should_stop=should_stop)
        except sa.exc.SQLAlchemyError as exc:  # while building a digest: nothing of it was sent
            raise DatabaseError(f"digest: database error: {_first_line(exc)}; "
                                f"{len(report.sent)} digest(s) sent and recorded before it",
                                ja=f"ダイジェスト: データベースのエラーです（{_first_line(exc)}）。"
                                   f"それまでに {len(report.sent)} 通を送り、記録しました") from exc
        except SmtpUnavailable as exc:
            partial = getattr(exc, "result", None)
            report.refused = list(partial.refused) if partial else []
            report.error, report.error_ja = str(exc), exc.message("ja")
        else:
            report.refused = result.refused
            report.stopped = result.stopped
        report.refused = unbuilt + report.refused
    if not report.ok:
        raise DigestNotSent(report)
    return report


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class DigestNotSent(MailError):
    """Some digests were not accepted by the server; ``report`` says what was sent."""

    def __init__(self, report: DeliveryReport) -> None:
        super().__init__(report.summary(), ja=report.summary("ja"))
        self.report = report


def preview_digests(*, engine: Engine, settings: Settings, now: Optional[dt.datetime] = None,
                    only: Optional[Iterable[str]] = None, errors: Optional[list[str]] = None) -> list[Digest]:
    """The digests a run would send now (rendered), recording nothing: for ``--dry-run``.

    With ``errors``, a digest that cannot be made (a bad address) is skipped and its one-line reason appended.
    """
    with session_scope(engine) as session:
        digests = list(build_digests(session=session, settings=settings, now=now, only=only, errors=errors))
        session.rollback()
    return digests


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def write_digests(*, engine: Engine, settings: Settings, directory: Path, now: Optional[dt.datetime] = None,
                  only: Optional[Iterable[str]] = None,
                  errors: Optional[list[str]] = None) -> list[tuple[Digest, Path]]:
    """Write each owed digest to ``directory`` as ``<date>-<handle>.eml``, recording nothing (a preview to open).

    With ``errors``, a digest that cannot be made (a bad address) is skipped and its one-line reason appended.
    """
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KaiseiError(f"{directory}: cannot create: {exc.strerror}",
                          ja=f"{directory}: フォルダを作れません（{os_reason_ja(exc)}）") from exc
    written = []
    stamp = (now or utcnow()).strftime("%Y%m%d")
    with session_scope(engine) as session:
        for digest in build_digests(session=session, settings=settings, now=now, only=only, errors=errors):
            path = directory / f"{stamp}-{_UNSAFE.sub('_', digest.handle)}.eml"
            try:
                path.write_bytes(digest.message.as_bytes())
            except OSError as exc:
                raise KaiseiError(f"{path}: cannot write: {exc.strerror}",
                                  ja=f"{path}: 書き込めません（{os_reason_ja(exc)}）") from exc
            written.append((digest, path))
        session.rollback()
    return written
