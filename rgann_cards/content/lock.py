"""Moved to ``rgann_cards.lifecycle.lock``; kept so that existing imports keep working."""

from ..lifecycle.lock import LOCK_NAME, LOCK_VERSION, Lock, content_hash, now, read_lock  # noqa: F401
