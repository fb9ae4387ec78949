"""Image measures behind the claims table: blur and speckle must move them the right way."""

import numpy as np
import pytest

from engine.maths import metrics


def _digit_like() -> np.ndarray:
    img = np.zeros((28, 28), np.float32)
    img[6:22, 12:16] = 1.0  # a hard-edged vertical stroke
    img[6:10, 8:20] = 1.0
    return img


def _box_blur(img: np.ndarray, passes: int) -> np.ndarray:
    out = img.copy()
    for _ in range(passes):
        padded = np.pad(out, 1, mode="edge")
        out = sum(padded[dy : dy + 28, dx : dx + 28] for dy in range(3) for dx in range(3)) / 9
    return out


def test_blurring_lowers_the_high_frequency_share():
    sharp = _digit_like()
    shares = [metrics.high_frequency_share(_box_blur(sharp, p)[None]) for p in (0, 1, 3)]
    assert shares[0] > shares[1] > shares[2]
    assert shares[2] < 0.5 * shares[0]


def test_speckle_raises_the_high_frequency_share():
    rng = np.random.default_rng(0)
    sharp = _digit_like()
    speckled = np.where(rng.random(sharp.shape) < 0.2, 1.0 - sharp, sharp)
    assert metrics.high_frequency_share(speckled[None]) > metrics.high_frequency_share(sharp[None])


def test_high_frequency_share_ignores_scale():
    img = _box_blur(_digit_like(), 1)[None]
    assert np.isclose(metrics.high_frequency_share(img), metrics.high_frequency_share(0.3 * img))


def test_radial_spectrum_of_a_flat_image_is_zero():
    assert np.allclose(metrics.radial_power_spectrum(np.full((28, 28), 0.7)), 0.0)


def test_frame_metrics_carry_the_radial_spectrum_of_x0():
    from engine.runtime.frames import Frame

    yy, xx = np.indices((28, 28))
    blob = np.exp(-((yy - 14) ** 2 + (xx - 14) ** 2) / 30.0).astype(np.float32)[None]  # smooth: coarse only
    stripes = np.zeros((1, 28, 28), np.float32)
    stripes[0, :, ::3] = 1.0  # period 3: fine detail
    spec = {
        name: metrics.frame_metrics(Frame(method="diffusion", step=0, total_steps=1, nfe=1, state=img, x0_mean=img))[
            "spectrum"
        ]
        for name, img in (("blob", blob), ("stripes", stripes))
    }
    assert spec["blob"].shape == (metrics.SPECTRUM_BANDS,) and spec["blob"][0] > 100 * spec["blob"][-1]
    assert spec["stripes"][3:].sum() > 5 * spec["stripes"][:3].sum()
    detail = metrics.frame_metrics(Frame(method="diffusion", step=0, total_steps=1, nfe=1, state=blob, x0_mean=blob))
    assert detail["detail"] < 0.01


def test_batched_ring_spectra_match_a_ring_by_ring_sum():
    """radial_power_spectra (one batched FFT, a cached ring matrix) against the definition: the
    mean power of the centred spectrum over the frequencies whose radius falls in each ring."""
    rng = np.random.default_rng(3)
    imgs = rng.random((5, 28, 28))
    got = metrics.radial_power_spectra(imgs, 6)
    for img, row in zip(imgs, got):
        power = np.abs(np.fft.fftshift(np.fft.fft2(img - img.mean()))) ** 2 / img.size
        r = np.hypot(*np.meshgrid(np.arange(28) - 14, np.arange(28) - 14, indexing="ij"))
        width = 14 / 6
        for band in range(6):
            ring = (r >= band * width) & (r < (band + 1) * width)
            assert row[band] == pytest.approx(power[ring].mean(), rel=1e-5)
        assert metrics.radial_power_spectrum(img, 6) == pytest.approx(row)
