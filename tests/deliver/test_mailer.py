"""``tracker.mailer``: STARTTLS, implicit TLS, login with the password from the environment, and one-line errors —
against real aiosmtpd servers (with a certificate we make here and trust through SSL_CERT_FILE)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from email.message import EmailMessage

import pytest
from aiosmtpd.smtp import AuthResult

from deliver_smtp import SmtpServer, closed_port
from tracker.config import SmtpSettings
from tracker.errors import MailError
from tracker.mailer import SmtpUnavailable, send_messages


def _message(to: str = "yamada@example.co.jp") -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "kaisei@example.co.jp", to, "テスト"
    msg.set_content("本文")
    return msg


def _smtp(port: int, **kw) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, timeout=5, **{"security": "none", **kw})


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def _check_login(server, session, envelope, mechanism, auth_data):  # noqa: ANN001
    ok = (auth_data.login, auth_data.password) == (b"kaisei", b"s3cret-pass")
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


def test_starttls_and_login_with_the_password_from_the_environment(certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust our certificate, nothing else changes
    monkeypatch.setenv("KAISEI_TEST_SMTP_PASSWORD", "s3cret-pass")
    with SmtpServer(tls_context=_server_context(certificate), require_starttls=True,
                    authenticator=_check_login) as server:
        accepted = []
        result = send_messages([_message(), _message("sato@example.co.jp")],
                               smtp=_smtp(server.port, security="starttls", username="kaisei",
                                          password_env="KAISEI_TEST_SMTP_PASSWORD"),
                               on_accepted=accepted.append)
        assert result.accepted == 2 and len(accepted) == 2 and len(server.recorder.messages) == 2


def test_implicit_tls(certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with SmtpServer(server_kwargs={"tls_context": None}, ssl_context=_server_context(certificate)) as server:
        result = send_messages([_message()], smtp=_smtp(server.port, security="ssl"), on_accepted=lambda m: None)
        assert result.accepted == 1


def test_an_untrusted_certificate_is_refused(certificate, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with SmtpServer(tls_context=_server_context(certificate), require_starttls=True) as server:
        with pytest.raises(SmtpUnavailable, match=r"^SMTP 127\.0\.0\.1:\d+: TLS failed: CERTIFICATE_VERIFY_FAILED"):
            send_messages([_message()], smtp=_smtp(server.port, security="starttls"), on_accepted=lambda m: None)
        assert server.recorder.messages == []


def test_starttls_not_offered():
    with SmtpServer() as server:
        with pytest.raises(SmtpUnavailable, match="does not offer STARTTLS"):
            send_messages([_message()], smtp=_smtp(server.port, security="starttls"), on_accepted=lambda m: None)


def test_wrong_password_and_missing_variable(monkeypatch):
    monkeypatch.setenv("KAISEI_TEST_SMTP_PASSWORD", "wrong")
    with SmtpServer(authenticator=_check_login, auth_require_tls=False) as server:
        settings = _smtp(server.port, username="kaisei", password_env="KAISEI_TEST_SMTP_PASSWORD")
        with pytest.raises(SmtpUnavailable, match=r"login as kaisei refused: 535"):
            send_messages([_message()], smtp=settings, on_accepted=lambda m: None)
        monkeypatch.setenv("KAISEI_TEST_SMTP_PASSWORD", "秘密")
        with pytest.raises(MailError, match="must be ASCII"):
            send_messages([_message()], smtp=settings, on_accepted=lambda m: None)
        monkeypatch.delenv("KAISEI_TEST_SMTP_PASSWORD")
        with pytest.raises(MailError, match="environment variable KAISEI_TEST_SMTP_PASSWORD is not set"):
            send_messages([_message()], smtp=settings, on_accepted=lambda m: None)
        with pytest.raises(MailError, match="smtp.password_env is not"):
            send_messages([_message()], smtp=_smtp(server.port, username="kaisei"), on_accepted=lambda m: None)
        assert server.recorder.messages == []


def test_no_messages_no_connection():
    result = send_messages([], smtp=_smtp(closed_port()), on_accepted=lambda m: None)
    assert result.accepted == 0 and result.refused == []


def test_errors_are_one_line():
    with pytest.raises(SmtpUnavailable) as caught:
        send_messages([_message()], smtp=_smtp(closed_port()), on_accepted=lambda m: None)
    assert "\n" not in str(caught.value) and "Connection refused" in str(caught.value)


def test_an_international_mailbox_without_smtputf8_is_refused_alone():
    with SmtpServer(enable_SMTPUTF8=False) as server:
        accepted = []
        result = send_messages([_message("山田@example.co.jp"), _message("sato@example.co.jp")],
                               smtp=_smtp(server.port), on_accepted=accepted.append)
        assert result.accepted == 1 and [str(m["To"]) for m in accepted] == ["sato@example.co.jp"]
        assert len(result.refused) == 1 and result.refused[0].startswith("山田@example.co.jp: ")
        assert "SMTPUTF8" in result.refused[0]
    with SmtpServer() as server:  # a server that speaks SMTPUTF8 takes it
        result = send_messages([_message("山田@example.co.jp")], smtp=_smtp(server.port), on_accepted=lambda m: None)
        assert result.accepted == 1 and server.recorder.messages[0]["X-Envelope-To"] == "山田@example.co.jp"
