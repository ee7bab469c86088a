"""The shipped course's outputs, byte for byte: a refactoring (or a speed-up) must not change them.

The hashes were recorded from main before the performance work. A change that legitimately changes
the outputs updates them here, in a commit of its own whose message says why.
"""

from __future__ import annotations

import hashlib

import pytest

GOLDEN = {
    "content/anki.lock": "c866c34ab2892e48728a7c83a3fee79bf7721e166ad6f4c7cd3d490e15551d2e",
    "dist/answer-key.html": "ab1164236dd737d533460e344ecc3ab570a33bd4c1404225a84865e9911e14a5",
    "dist/figures/autoencoder.svg": "5efee1e2ee42bb7c6b81a24f232596546e444b644a949a547a63b2e5196eba90",
    "dist/figures/birnn.svg": "758ea485f36aa48d45e19c13abf1549a77bf6ffc927f5cbee754ba4599678f54",
    "dist/figures/gan.svg": "a009129fcb555857b1d2a794595ed2521b6bc20a5139359cbc3427d6ea16b079",
    "dist/figures/gradient_depth.svg": "c094b8cab73c42b06cf2021a9a444aaa6575b4a55dacf18924b930ad39bcb90f",
    "dist/figures/kl_asymmetry.svg": "513f018789f6e5c29c07f2a3d6991017bf57aa9a37154678b58e1a96a7b4f79d",
    "dist/figures/lstm_cell.svg": "44158e7ac152009f575b7b5d13c21feb18eac0dafbf1c96cfbb9ef4408d8d702",
    "dist/figures/residual_block.svg": "4d28b344c00693c06c5c9e9666052ee86142c7d05eb3b99976e2df65e51d43ec",
    "dist/figures/vae.svg": "c305585e4e11d3479d48e894e2af0f7d4a02cced1b3de4ba48ae6834dea189c5",
    "dist/quiz.html": "c370e0092b8825a9902eb5235eed06d03d07c663ffa9aa3843f92fced60c0fb3",
    "dist/rgann.apkg": "078b91636f22816cc0fa18448e88e4d7fb5d682aaf825c08f1126444310c9252",
    "dist/rgann.json": "466d2faeabcffde965f51a9f8d8e9d43f51a2290fee7ab879acff7ee9ff4e5ca",
    "dist/study-sheet.html": "fcac66458ad05fa546b7e502c5d500cf7ff98f90b1640806cd538c3b7ab55c17",
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_shipped_output_bytes_are_unchanged(shipped_build, name):
    data = (shipped_build / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == GOLDEN[name], f"{name} changed"


def test_every_output_is_pinned(shipped_build):
    written = {p.relative_to(shipped_build).as_posix() for p in (shipped_build / "dist").rglob("*") if p.is_file()}
    assert written == set(GOLDEN) - {"content/anki.lock"}
