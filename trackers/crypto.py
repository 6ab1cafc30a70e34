"""Tracker credentials at rest: Fernet (AES-128-CBC + HMAC) with the keys in
TRACKER_ENCRYPTION_KEY. The first key encrypts, every key decrypts (rotate by putting the new
key first). Without a key nothing is encrypted or decrypted: trackers are off, and say why."""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MISSING_KEY_MESSAGE = (
    "Ticket trackers are off: TRACKER_ENCRYPTION_KEY is not set. Their credentials are "
    "encrypted with it; make one with python -c 'from cryptography.fernet import Fernet; "
    "print(Fernet.generate_key().decode())', set it in the environment and restart."
)


class KeyMissing(ImproperlyConfigured):
    def __init__(self):
        super().__init__(MISSING_KEY_MESSAGE)


class UnreadableSecret(Exception):
    """Stored with a key that is no longer in TRACKER_ENCRYPTION_KEY."""


def configured():
    return bool(getattr(settings, "TRACKER_ENCRYPTION_KEYS", None))


def _fernet():
    if not configured():
        raise KeyMissing()
    return MultiFernet([Fernet(key) for key in settings.TRACKER_ENCRYPTION_KEYS])


def encrypt(text):
    return _fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token):
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "A stored tracker credential cannot be decrypted with TRACKER_ENCRYPTION_KEY "
            "(was the key changed?): an admin enters it again.") from None
