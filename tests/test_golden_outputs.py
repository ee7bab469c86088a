"""The shipped course's outputs, byte for byte: a refactoring (or a speed-up) must not change them.

The hashes were recorded from main before the performance work. A change that legitimately changes
the outputs updates them here, in a commit of its own whose message says why.
"""

from __future__ import annotations

import hashlib

import pytest

GOLDEN = {
    "content/anki.lock": "db8c97e477eddb13556ec68142854ea0186a4ea60e52b51cc4452799669693b2",
    "dist/answer-key.html": "2c8cc02d5d547403b82b59fab8178ba53a55ab253464d2b28fc8ac4cbad599da",
    "dist/figures/autoencoder.svg": "5efee1e2ee42bb7c6b81a24f232596546e444b644a949a547a63b2e5196eba90",
    "dist/figures/birnn.svg": "758ea485f36aa48d45e19c13abf1549a77bf6ffc927f5cbee754ba4599678f54",
    "dist/figures/gan.svg": "a009129fcb555857b1d2a794595ed2521b6bc20a5139359cbc3427d6ea16b079",
    "dist/figures/gradient_depth.svg": "17752b80faf0cb1254adabbfb2bf39dc8c4bb341f3a5881361690c142c22df41",
    "dist/figures/kl_asymmetry.svg": "513f018789f6e5c29c07f2a3d6991017bf57aa9a37154678b58e1a96a7b4f79d",
    "dist/figures/lstm_cell.svg": "44158e7ac152009f575b7b5d13c21feb18eac0dafbf1c96cfbb9ef4408d8d702",
    "dist/figures/residual_block.svg": "4d28b344c00693c06c5c9e9666052ee86142c7d05eb3b99976e2df65e51d43ec",
    "dist/figures/vae.svg": "c305585e4e11d3479d48e894e2af0f7d4a02cced1b3de4ba48ae6834dea189c5",
    "dist/quiz.html": "bf2317015149a79a12dcb66dd6a4c25ed43a2e2c1f22c165bd2895008c9cbe61",
    "dist/rgann.apkg": "37f4a0a9eaee33be8df4367465b16ed079b4a981ac50a07b587e08830f9b8eac",
    "dist/rgann.json": "810b7b790a41b11be91b38361c0fa228b8824b6dccaf88730dc4fecd3d3f7027",
    "dist/study-sheet.html": "e6e1809b873ea4075d757d4e58f5a23f60ec808b4775b5afed5b9a950713b587",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_shipped_output_bytes_are_unchanged(shipped_build, name):
    data = (shipped_build / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == GOLDEN[name], f"{name} changed"


def test_every_output_is_pinned(shipped_build):
    written = {p.relative_to(shipped_build).as_posix() for p in (shipped_build / "dist").rglob("*") if p.is_file()}
    assert written == set(GOLDEN) - {"content/anki.lock"}
