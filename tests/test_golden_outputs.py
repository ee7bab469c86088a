"""The shipped course's outputs, byte for byte: a refactoring (or a speed-up) must not change them.

The hashes were recorded from main before the performance work. A change that legitimately changes
the outputs updates them here, in a commit of its own whose message says why.
"""

from __future__ import annotations

import hashlib

import pytest

GOLDEN = {
    "content/anki.lock": "08bb42f11c3956f9b0e0421d876045cf4bd9b3d2076b73f330bda8943a2b4c0e",
    "dist/answer-key.html": "f3ebbaca45f3e9a78c2088ccd94ac0a2f58484dca1c50708e786db85acc05b43",
    "dist/figures/autoencoder.svg": "2e9a74c18cc4f7c5926ec987ff63e3ab797a333f4c51756fd7605da5e7983af8",
    "dist/figures/birnn.svg": "758ea485f36aa48d45e19c13abf1549a77bf6ffc927f5cbee754ba4599678f54",
    "dist/figures/gan.svg": "40048bfe45182e48eccb5971e2c8f0212d647dd5f89c7efe8d560bcbc0c20b79",
    "dist/figures/gradient_depth.svg": "17752b80faf0cb1254adabbfb2bf39dc8c4bb341f3a5881361690c142c22df41",
    "dist/figures/kl_asymmetry.svg": "513f018789f6e5c29c07f2a3d6991017bf57aa9a37154678b58e1a96a7b4f79d",
    "dist/figures/lstm_cell.svg": "44158e7ac152009f575b7b5d13c21feb18eac0dafbf1c96cfbb9ef4408d8d702",
    "dist/figures/residual_block.svg": "4d28b344c00693c06c5c9e9666052ee86142c7d05eb3b99976e2df65e51d43ec",
    "dist/figures/vae.svg": "c305585e4e11d3479d48e894e2af0f7d4a02cced1b3de4ba48ae6834dea189c5",
    "dist/quiz.html": "bad47013d5bce83d4cea787e61e360e5b26d8539db0ac49e67a89ae8c68999ba",
    "dist/rgann.apkg": "dfb46e6565c8022659174fbf49e6afe88b4b3414871a866bc83cd62524a1fcbf",
    "dist/rgann.json": "da3dd3bd9858d22ca1cfc60ff73d3cd344d073c0d6970b32220cb1c7b2ac2a60",
    "dist/study-sheet.html": "50761cb2d85d74c72628f25f388740cdf0fc9f03ce12e47f388f1e957df4e6ed",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_shipped_output_bytes_are_unchanged(shipped_build, name):
    data = (shipped_build / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == GOLDEN[name], f"{name} changed"


def test_every_output_is_pinned(shipped_build):
    written = {p.relative_to(shipped_build).as_posix() for p in (shipped_build / "dist").rglob("*") if p.is_file()}
    assert written == set(GOLDEN) - {"content/anki.lock"}
