"""Per-step measurements of the predicted clean image x̂0, and sample-quality numbers.

Pure functions of numpy arrays (plus the classifier where named); they run on the worker thread
and in evaluation, never on the GUI thread.
"""

from __future__ import annotations

import functools

import numpy as np
import torch


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Root-mean-square difference of two images in [0, 1]."""
    return float(np.sqrt(np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2)))


def sharpness(img: np.ndarray) -> float:
    """Mean gradient magnitude (finite differences), in grey levels of [0, 1] per pixel.

    A blurry mean image has soft edges and scores low; a real digit scores high."""
    img = np.asarray(img, np.float64)
    gy = np.diff(img, axis=-2)[..., :, :-1]
    gx = np.diff(img, axis=-1)[..., :-1, :]
    return float(np.mean(np.sqrt(gx * gx + gy * gy)))


def sharpness_batch(images: np.ndarray) -> np.ndarray:
    """Per-image sharpness of (N, H, W)."""
    return np.array([sharpness(im) for im in images])


@functools.lru_cache(maxsize=8)
def _rings(h: int, w: int, bands: int) -> tuple[np.ndarray, np.ndarray]:
    """(H*W, bands) one-hot ring membership of each frequency (centred), and each ring's size."""
    yy, xx = np.indices((h, w))
    r = np.hypot(yy - h // 2, xx - w // 2)
    edges = np.linspace(0, min(h, w) / 2, bands + 1)
    idx = np.clip(np.digitize(r, edges) - 1, 0, bands).ravel()  # beyond the last ring -> overflow bin
    member = np.zeros((h * w, bands + 1))
    member[np.arange(h * w), idx] = 1.0
    member = member[:, :bands]
    return member, np.maximum(member.sum(axis=0), 1)


def radial_power_spectra(images: np.ndarray, bands: int = 10) -> np.ndarray:
    """(N, bands) power of each image (N, H, W), mean removed, in `bands` rings of spatial
    frequency, low to high (one batched FFT)."""
    x = np.asarray(images, np.float64)
    n, h, w = x.shape
    f = np.fft.fftshift(np.fft.fft2(x - x.mean(axis=(1, 2), keepdims=True)), axes=(1, 2))
    power = (f.real**2 + f.imag**2).reshape(n, h * w) / (h * w)
    member, counts = _rings(h, w, bands)
    return (power @ member / counts).astype(np.float32)


def radial_power_spectrum(img: np.ndarray, bands: int = 10) -> np.ndarray:
    """Power of one image (H, W) in `bands` rings of spatial frequency, low to high."""
    return radial_power_spectra(np.asarray(img)[None], bands)[0]


def high_frequency_share(images: np.ndarray, bands: int = 10) -> float:
    """Share of spectral power in the upper half of the frequency bands, averaged over images (N, H, W).

    Unlike the mean gradient, it does not depend on how much ink there is: a blurred mean image
    spreads its ink wider yet keeps almost no power at high frequencies; speckle has too much."""
    spectra = radial_power_spectra(images, bands).astype(np.float64)
    total = spectra.sum(axis=1)
    return float(np.mean(spectra[:, bands // 2 :].sum(axis=1) / np.maximum(total, 1e-12)))


@torch.inference_mode()
def classifier_probs(classifier: torch.nn.Module, images: np.ndarray) -> np.ndarray:
    """(N, 10) class probabilities of images (N, H, W) in [0, 1]."""
    dev = next(classifier.parameters()).device
    x = torch.as_tensor(np.asarray(images, np.float32), device=dev)
    if x.ndim == 2:
        x = x[None]
    return torch.softmax(classifier(x).float(), dim=1).cpu().numpy()


def classifier_accuracy(classifier: torch.nn.Module, images: np.ndarray, labels: np.ndarray, batch: int = 500) -> float:
    """Share of images (N, H, W) uint8 whose most probable class is their label (training's test
    accuracy and evaluation's both)."""
    probs = np.concatenate(
        [
            classifier_probs(classifier, images[i : i + batch].astype(np.float32) / 255)
            for i in range(0, len(images), batch)
        ]
    )
    return float((probs.argmax(1) == np.asarray(labels)).mean())


@torch.inference_mode()
def classifier_features(classifier: torch.nn.Module, images: np.ndarray, batch: int = 500) -> np.ndarray:
    """Penultimate-layer features (N, F) of images in [0, 1] or uint8."""
    images = np.asarray(images)
    if images.dtype == np.uint8:
        images = images.astype(np.float32) / 255.0
    dev = next(classifier.parameters()).device
    out = [
        classifier.features(torch.as_tensor(images[i : i + batch], dtype=torch.float32, device=dev)).cpu().numpy()
        for i in range(0, len(images), batch)
    ]
    return np.concatenate(out).astype(np.float64)


def _sqrtm_psd(m: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh((m + m.T) / 2)
    return (vecs * np.sqrt(np.clip(vals, 0, None))) @ vecs.T


def frechet_distance(feat_a: np.ndarray, feat_b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to two feature sets (the FID formula, here in the
    shipped classifier's feature space rather than Inception's)."""
    mu_a, mu_b = feat_a.mean(0), feat_b.mean(0)
    ca, cb = np.cov(feat_a, rowvar=False), np.cov(feat_b, rowvar=False)
    sa = _sqrtm_psd(ca)
    cross = _sqrtm_psd(sa @ cb @ sa)  # sqrt(sqrt(Ca) Cb sqrt(Ca)) has the trace of sqrt(Ca Cb)
    return float(np.sum((mu_a - mu_b) ** 2) + np.trace(ca) + np.trace(cb) - 2 * np.trace(cross))


SPECTRUM_BANDS = 6  # rings of spatial frequency in the per-frame spectrum (coarse -> fine)


def frame_metrics(frame, classifier: torch.nn.Module | None = None, item: int = 0) -> dict:
    """What the plots show for one frame (an engine.runtime.frames.Frame): sharpness, radial power spectrum (`SPECTRUM_BANDS`
    bands, low to high frequency), fine detail (share of power in the upper half of the
    frequencies: blur has almost none) and mean uncertainty of x̂0, and the classifier's class
    probabilities of x̂0 (item `item` of the batch)."""
    x0 = frame.x0_mean[item]
    out = {
        "step": frame.step,
        "nfe": frame.nfe,
        "progress": (frame.step + 1) / max(1, frame.total_steps),
        "sharpness": sharpness(x0),
        "spectrum": radial_power_spectrum(x0, SPECTRUM_BANDS),
        "detail": high_frequency_share(x0[None]),
        "uncertainty": float(frame.uncertainty[item].mean()) if frame.uncertainty is not None else float("nan"),
    }
    if classifier is not None:
        out["probs"] = classifier_probs(classifier, x0[None])[0]
    return out


def reference_spectrum(images: np.ndarray) -> np.ndarray:
    """Mean radial power spectrum (`SPECTRUM_BANDS` bands) of real images (N, H, W) in [0, 1]:
    what "as detailed as a real image" means, band by band."""
    return radial_power_spectra(np.asarray(images, np.float32), SPECTRUM_BANDS).mean(axis=0).astype(np.float32)


def distances_to_final(frames: list, item: int = 0) -> np.ndarray:
    """RMSE of each frame's x̂0 to the last frame's final image (known only when a run ends)."""
    final = frames[-1].state[item]
    return np.array([distance(f.x0_mean[item], final) for f in frames])
