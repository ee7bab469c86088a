"""The shipped course's outputs, byte for byte: a refactoring (or a speed-up) must not change them.

The hashes were recorded from main before the performance work. A change that legitimately changes
the outputs updates them here, in a commit of its own whose message says why.
"""

from __future__ import annotations

import hashlib

import pytest

GOLDEN = {
    "content/anki.lock": "54eb4f6882b4e74b70dd668f99e94145bbbe846e44e4924fdb92fbbcc8ebfa3d",
    "dist/CHANGES.md": "32d2fd927c55060ca73443de54f05f3210aca030cd0bf75a616259f4fa439214",
    "dist/answer-key.html": "06c80dde3911a36412c03b1f5a2702eeb5a9027dceae7d176edb0268e19c6de9",
    "dist/figures/autoencoder.svg": "5efee1e2ee42bb7c6b81a24f232596546e444b644a949a547a63b2e5196eba90",
    "dist/figures/birnn.svg": "758ea485f36aa48d45e19c13abf1549a77bf6ffc927f5cbee754ba4599678f54",
    "dist/figures/gan.svg": "a009129fcb555857b1d2a794595ed2521b6bc20a5139359cbc3427d6ea16b079",
    "dist/figures/gradient_depth.svg": "c094b8cab73c42b06cf2021a9a444aaa6575b4a55dacf18924b930ad39bcb90f",
    "dist/figures/kl_asymmetry.svg": "513f018789f6e5c29c07f2a3d6991017bf57aa9a37154678b58e1a96a7b4f79d",
    "dist/figures/lstm_cell.svg": "44158e7ac152009f575b7b5d13c21feb18eac0dafbf1c96cfbb9ef4408d8d702",
    "dist/figures/residual_block.svg": "4d28b344c00693c06c5c9e9666052ee86142c7d05eb3b99976e2df65e51d43ec",
    "dist/figures/vae.svg": "c305585e4e11d3479d48e894e2af0f7d4a02cced1b3de4ba48ae6834dea189c5",
    "dist/quiz.html": "7ae10d9e007644a76dfdf32642ee7415ef2f70765a66845d686d966e3e28dc8b",
    "dist/rgann.apkg": "6157667b0f6c580bc0295d7b7d8031721bd62e537e3cb8b6027b572d679fc9cb",
    "dist/rgann.json": "20863d91c5802c4d0e5cf99d8c63e3b8e1d7e86353c65f49fe3faa8309abd618",
    "dist/study-sheet.html": "9c38e27599c41899751fd26629355a1019d77be8a55c5181b8e261b736c6eb8f",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_shipped_output_bytes_are_unchanged(shipped_build, name):
    data = (shipped_build / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == GOLDEN[name], f"{name} changed"


def test_every_output_is_pinned(shipped_build):
    written = {p.relative_to(shipped_build).as_posix() for p in (shipped_build / "dist").rglob("*") if p.is_file()}
    assert written == set(GOLDEN) - {"content/anki.lock"}
