"""The daily digest: what each person should hear about, as email messages (``builder``), and runs that send,
preview or export them (``deliver``). SMTP itself lives in ``tracker.mailer``."""

from tracker.digest.builder import (Digest, DigestBuilder, DigestItem, build_digests, person_lang, record_delivery,
                                    reminder_kind, revised_kind)
from tracker.digest.deliver import (DeliveryReport, DigestNotSent, deliver_digests, preview_digests,
                                    write_digests)

__all__ = [
    "Digest", "DigestBuilder", "DigestItem", "DeliveryReport", "DigestNotSent", "build_digests", "deliver_digests",
    "person_lang", "preview_digests", "record_delivery", "reminder_kind", "revised_kind",
    "write_digests",
]
