"""The one place kaisei talks SMTP: ``send_messages``.

Everything else builds ``EmailMessage`` objects (``tracker.digest``) and decides what to record; this module only
connects (STARTTLS, implicit TLS or plain), logs in with the password from the environment variable named by
``smtp.password_env``, hands each message over and tells the caller, message by message, which ones the server
accepted. Every failure is a ``MailError`` of one line naming the server.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Callable, Iterable, Optional

from tracker.config import SmtpSettings
from tracker.errors import MailError
from tracker.i18n import os_reason_ja

log = logging.getLogger(__name__)


class SmtpUnavailable(MailError):
    """The server cannot be reached, refused the login or dropped the connection: nothing more can be sent now."""


@dataclass
class SendResult:
    """What happened to the messages handed to ``send_messages``."""

    accepted: int = 0
    refused: list[str] = field(default_factory=list)  # one line per message the server refused (4xx/5xx)
    stopped: bool = False  # should_stop() asked to stop before every message was handed over


def _where(smtp: SmtpSettings) -> str:
    return f"SMTP {smtp.host}:{smtp.port}"


def _reply(code: object, text: object) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def _password(smtp: SmtpSettings) -> str:
    if not smtp.password_env:
        raise MailError("smtp.username is set but smtp.password_env is not: name the environment variable "
                        "that holds the password",
                        ja="smtp.username があるのに smtp.password_env がありません（パスワードを入れた環境変数の名前を"
                           "指定してください）")
    value = os.environ.get(smtp.password_env)
    if value is None:
        raise MailError(f"smtp.password_env: environment variable {smtp.password_env} is not set",
                        ja=f"smtp.password_env: 環境変数 {smtp.password_env} が設定されていません")
    return value


def _connect(smtp: SmtpSettings) -> smtplib.SMTP:
    where = _where(smtp)
    context = ssl.create_default_context()
    conn: Optional[smtplib.SMTP] = None
    try:
        if smtp.security == "ssl":
            conn = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            conn = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        conn.ehlo()
        if smtp.security == "starttls":
            if not conn.has_extn("starttls"):
                raise SmtpUnavailable(f"{where}: the server does not offer STARTTLS "
                                      f"(set smtp.security = \"ssl\" or \"none\" if that is intended)",
                                      ja=f"{where}: サーバーが STARTTLS に対応していません（それで正しければ "
                                         f"smtp.security を \"ssl\" か \"none\" にしてください）")
            conn.starttls(context=context)
            conn.ehlo()
        if smtp.username:
            password = _password(smtp)
            if not (smtp.username + password).isascii():  # smtplib sends both as ASCII, or raises
                raise SmtpUnavailable(f"{where}: smtp.username and the password must be ASCII for SMTP login",
                                      ja=f"{where}: SMTP のログインでは smtp.username とパスワードに半角の英数字と"
                                         "記号しか使えません")
            conn.login(smtp.username, password)
        return conn
    except MailError:
        _close(conn)
        raise
    except smtplib.SMTPAuthenticationError as exc:
        _close(conn)
        reply = _reply(exc.smtp_code, exc.smtp_error)
        raise SmtpUnavailable(f"{where}: login as {smtp.username} refused: {reply}",
                              ja=f"{where}: {smtp.username} としてのログインを拒否されました（{reply}）") from exc
    except smtplib.SMTPNotSupportedError as exc:
        _close(conn)
        raise SmtpUnavailable(f"{where}: {exc} (check smtp.security and smtp.username)",
                              ja=f"{where}: {exc}（smtp.security と smtp.username を確かめてください）") from exc
    except smtplib.SMTPResponseException as exc:
        _close(conn)
        reply = _reply(exc.smtp_code, exc.smtp_error)
        raise SmtpUnavailable(f"{where}: refused the connection: {reply}",
                              ja=f"{where}: 接続を拒否されました（{reply}）") from exc
    except ssl.SSLError as exc:
        _close(conn)
        raise SmtpUnavailable(f"{where}: TLS failed: {exc.reason or exc}",
                              ja=f"{where}: TLS の接続に失敗しました（{exc.reason or exc}）") from exc
    except (socket.timeout, TimeoutError) as exc:
        _close(conn)
        raise SmtpUnavailable(f"{where}: no answer within {smtp.timeout:g} s",
                              ja=f"{where}: {smtp.timeout:g} 秒待っても応答がありません") from exc
    except (OSError, smtplib.SMTPException) as exc:
        _close(conn)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
        reason_ja = os_reason_ja(exc) if isinstance(exc, OSError) else reason
        raise SmtpUnavailable(f"{where}: cannot connect: {reason}", ja=f"{where}: 接続できません（{reason_ja}）") from exc


def _close(conn: Optional[smtplib.SMTP]) -> None:
    if conn is None:
        return
    try:
        conn.quit()
    except (OSError, smtplib.SMTPException):
        conn.close()


def send_messages(messages: Iterable[EmailMessage], *, smtp: SmtpSettings,
                  on_accepted: Callable[[EmailMessage], None],
                  should_stop: Optional[Callable[[], bool]] = None) -> SendResult:
    """Send ``messages`` over one connection, calling ``on_accepted(msg)`` right after the server accepts each.

    The connection is opened only when there is a first message. A message the server refuses (4xx/5xx to its
    sender, recipient or data) is listed in ``SendResult.refused`` and the others still go. When the server cannot
    be reached, refuses the login or drops the connection, ``SmtpUnavailable`` is raised: the messages accepted
    before it have had their ``on_accepted`` call, the rest have not.
    """
    result = SendResult()
    conn: Optional[smtplib.SMTP] = None
    where = _where(smtp)
    try:
        for msg in messages:
            if should_stop is not None and should_stop():
                result.stopped = True
                break
            if conn is None:
                conn = _connect(smtp)
            to = str(msg.get("To", ""))
            try:
                conn.send_message(msg)
            except smtplib.SMTPRecipientsRefused as exc:
                code, text = next(iter(exc.recipients.values()), (None, b""))
                result.refused.append(f"{to}: {_reply(code, text)}")
                if code == 421:  # the server is closing the connection
                    raise SmtpUnavailable(f"{where}: closing the connection: {_reply(code, text)}",
                                          ja=f"{where}: サーバーが接続を閉じます（{_reply(code, text)}）") from exc
                continue
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                result.refused.append(f"{to}: {_reply(exc.smtp_code, exc.smtp_error)}")
                if exc.smtp_code == 421:
                    reply = _reply(exc.smtp_code, exc.smtp_error)
                    raise SmtpUnavailable(f"{where}: closing the connection: {reply}",
                                          ja=f"{where}: サーバーが接続を閉じます（{reply}）") from exc
                continue
            except smtplib.SMTPNotSupportedError as exc:  # e.g. a non-ASCII mailbox and no SMTPUTF8 on the server
                result.refused.append(f"{to}: {' '.join(str(exc).split())}")
                continue
            except smtplib.SMTPServerDisconnected as exc:
                conn = None
                raise SmtpUnavailable(f"{where}: connection lost while sending to {to}",
                                      ja=f"{where}: {to} への送信中に接続が切れました") from exc
            except smtplib.SMTPResponseException as exc:
                reply = _reply(exc.smtp_code, exc.smtp_error)
                raise SmtpUnavailable(f"{where}: {reply} while sending to {to}",
                                      ja=f"{where}: {to} への送信中にエラーが返されました（{reply}）") from exc
            except (socket.timeout, TimeoutError) as exc:
                raise SmtpUnavailable(f"{where}: no answer within {smtp.timeout:g} s while sending to {to}",
                                      ja=f"{where}: {to} への送信中、{smtp.timeout:g} 秒待っても応答がありません") from exc
            except OSError as exc:
                conn = None
                raise SmtpUnavailable(f"{where}: connection lost while sending to {to}: {exc.strerror or exc}",
                                      ja=f"{where}: {to} への送信中に接続が切れました（{os_reason_ja(exc)}）") from exc
            result.accepted += 1
            log.debug("%s accepted the message to %s", where, to)
            on_accepted(msg)
    except SmtpUnavailable as exc:
        exc.result = result  # type: ignore[attr-defined]  # what was accepted and refused before it
        raise
    finally:
        _close(conn)
    return result
