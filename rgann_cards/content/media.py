"""An author's own images: SVG, PNG and JPEG files under ``content/media/``.

``figure: media/parallelogram.svg`` and Markdown images ``![alt](media/x.png)`` refer
to them. Each file is checked once, before anything is written: it must stay inside
``content/`` (symlinks included, resolved without following them out), have a known
type whose bytes agree with its name, and be at most 2 MB. An SVG goes through the one
SVG sanitizer (``diagrams/svg_safe.py``); what it had to remove is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import excerpt

MEDIA_DIR = "media"
MAX_BYTES = 2_000_000
TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n", "PNG"), ".jpg": (b"\xff\xd8\xff", "JPEG"), ".jpeg": (b"\xff\xd8\xff", "JPEG")}
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


class MediaError(ValueError):
    """A media reference that cannot be used; the message is for the author."""


@dataclass(frozen=True)
class MediaFile:
    """A checked media file: its reference as written (``media/x.png``), MIME type and safe bytes."""

    ref: str
    mime: str
    data: bytes

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.ref).suffix.lower()


def is_media_ref(name: str) -> bool:
    return name.startswith(f"{MEDIA_DIR}/")


def figure_file(name: str) -> str:
    """Where a figure goes below dist/figures/: ``gan.svg``, or a media file under its own path."""
    return name if is_media_ref(name) else f"{name}.svg"


def check_ref(ref: str) -> None:
    """The reference alone, before touching the disk: a relative path below media/ with a known type."""
    parts = PurePosixPath(ref).parts
    if ref.startswith("/") or "\\" in ref or ".." in parts or not parts or parts[0] != MEDIA_DIR or len(parts) < 2:
        raise MediaError(f"image path {excerpt(ref, 60)} leaves content/{MEDIA_DIR}/ "
                         "(write media/NAME.svg, .png or .jpg)")
    if not all(_SAFE_PATH.match(p) for p in parts[1:]):
        raise MediaError(f"image path {excerpt(ref, 60)}: use letters, digits, '_', '-' and '.' in file names")
    if PurePosixPath(ref).suffix.lower() not in TYPES:
        raise MediaError(f"unknown image type '{PurePosixPath(ref).suffix or ref}' for {excerpt(ref, 60)} "
                         f"(use {', '.join(TYPES)})")


def load_media(content_dir: Path, ref: str) -> tuple[MediaFile, list[str]]:
    """Read and check one media file; returns it with what the SVG sanitizer removed. Raises MediaError."""
    check_ref(ref)
    root = Path(content_dir).resolve()
    path = Path(content_dir, *PurePosixPath(ref).parts)
    try:
        resolved = path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError):  # missing, a dangling link or a link loop
        raise MediaError(f"missing image file '{ref}' (looked in {Path(content_dir) / MEDIA_DIR})") from None
    if not resolved.is_relative_to(root):
        raise MediaError(f"image '{ref}' is a link that leaves content/; it was not read")
    if not resolved.is_file():
        raise MediaError(f"image '{ref}' is not a file")
    size = resolved.stat().st_size
    if size > MAX_BYTES:
        raise MediaError(f"image '{ref}' is {size / 1e6:.1f} MB, over the limit of {MAX_BYTES / 1e6:.0f} MB")
    data = resolved.read_bytes()
    suffix = PurePosixPath(ref).suffix.lower()
    if suffix == ".svg":
        from ..diagrams.svg_safe import SvgError, clean_svg

        try:
            cleaned = clean_svg(data, limit=MAX_BYTES)
        except SvgError as exc:
            raise MediaError(f"image '{ref}': {exc}") from None
        return MediaFile(ref, TYPES[suffix], cleaned.data), cleaned.removed
    magic, kind = _MAGIC[suffix]
    if not data.startswith(magic):
        raise MediaError(f"image '{ref}' is not a {kind} file, although its name says so")
    return MediaFile(ref, TYPES[suffix], data), []

