"""The training schedule and the evaluation tooling around the shipped weights."""

import math

import numpy as np
import pytest
import torch

from benchmarks.contact_sheets import grid, saved_sheet
from engine.tools.train import learning_rate, parse_args

pytestmark = pytest.mark.slow  # whole runs of the shipped networks: `pytest -m "not slow"` leaves them out


def _args(*extra):
    return parse_args(["--dataset", "mnist", "--model", "autoregressive", "--steps", "1000", *extra])


def test_generative_learning_rate_is_constant_after_warm_up_without_decay():
    a = _args()
    assert learning_rate(a, 0) == pytest.approx(a.lr / 200)
    assert learning_rate(a, 199) == learning_rate(a, 999) == a.lr


def test_decay_from_keeps_the_rate_then_cosine_decays_to_zero():
    a = _args("--decay-from", "600")
    assert learning_rate(a, 599) == a.lr
    assert learning_rate(a, 600) == a.lr
    assert learning_rate(a, 800) == pytest.approx(a.lr * 0.5)
    assert learning_rate(a, 999) < a.lr * 1e-4
    rates = [learning_rate(a, s) for s in range(600, 1000)]
    assert all(x >= y for x, y in zip(rates, rates[1:]))


def test_classifier_decays_over_the_whole_run():
    a = parse_args(["--dataset", "mnist", "--model", "classifier", "--steps", "1000"])
    assert learning_rate(a, 500) == pytest.approx(a.lr * 0.5 * (1 + math.cos(math.pi / 2)))


@pytest.mark.parametrize("bad", ["1000", "-1", "2000"])
def test_decay_from_outside_the_run_is_refused(bad):
    with pytest.raises(SystemExit):
        _args("--decay-from", bad)


def test_contact_sheet_reuses_evaluation_samples_one_row_per_class(tmp_path):
    n = 120
    labels = np.arange(n) % 10
    images = np.zeros((n, 28, 28), np.uint8)
    images[:, 0, 0] = labels * 20  # marks each sample with its class
    images[:, 0, 1] = np.arange(n)  # and its index
    np.savez_compressed(
        tmp_path / "mnist_ar-raster-k1-T1-w3.npz", images=images, labels=labels, nfe=np.full(n, 1568), seconds=12.0
    )
    got, got_labels, seconds = saved_sheet(tmp_path, "mnist", "autoregressive")
    assert got_labels.tolist() == np.repeat(np.arange(10), 10).tolist()
    assert (got[:, 0, 0] == got_labels * 20).all()
    assert got[:10, 0, 1].tolist() == list(range(0, 100, 10))  # class 0: the first ten zeros, in order
    assert seconds == pytest.approx(10.0)
    assert saved_sheet(tmp_path, "mnist", "autoregressive", "random") is None  # that order was not evaluated
    (tmp_path / "mnist_ar-raster-k1-T1-w3.npz").rename(tmp_path / "mnist_ar-random-k1-T1-w3.npz")
    assert saved_sheet(tmp_path, "mnist", "autoregressive", "random")[1].tolist() == got_labels.tolist()
    assert saved_sheet(tmp_path, "mnist", "diffusion") is None
    assert saved_sheet(tmp_path, "fashion", "autoregressive") is None


def test_grid_places_each_image_in_its_cell():
    ims = np.stack([np.full((28, 28), 10 * i, np.uint8) for i in range(6)])
    g = grid(ims, rows=2, cols=3, scale=1, pad=2)
    assert g.shape == (2 * 30 + 2, 3 * 30 + 2)
    assert g[2 + 30 + 5, 2 + 2 * 30 + 5] == 50  # row 1, column 2 -> image 5
    assert g[0, 0] == 40  # gutter


def test_bf16_sampling_stays_close_to_fp32_and_returns_float32():
    import torch

    from engine.networks.device import with_precision
    from engine.networks.models import load_models
    from engine.tools.sample import generate

    models = load_models("mnist", "cpu", kinds=("autoregressive",))
    x = torch.rand(4, 28, 28)
    known = torch.rand(4, 28, 28) < 0.5
    lab = torch.arange(4)
    with torch.inference_mode():
        p32 = torch.softmax(models.ar(x, known, lab), -1)
        out16 = with_precision(models.ar, "bf16")(x, known, lab)
    assert out16.dtype == torch.float32
    # compared by each pixel's expected grey level: a sharp mixture component that bf16 moves by a
    # fraction of a level shifts its mass to the neighbouring level (per-level differences of 0.1+)
    shift = ((torch.softmax(out16, -1) - p32) @ (torch.arange(256.0) / 255)).abs()
    assert shift.mean() < 0.005 and shift.max() < 0.05  # measured: mean 0.0017, max 0.015-0.029
    a, _, nfe_a, _ = generate(models, "one-shot", 4, np.arange(4), mode="mean", guidance=3.0)
    b, _, nfe_b, _ = generate(models, "one-shot", 4, np.arange(4), mode="mean", guidance=3.0, precision="bf16")
    assert b.dtype == np.uint8 and nfe_a.tolist() == nfe_b.tolist()
    assert np.sqrt(np.mean((a.astype(float) - b) ** 2)) < 3  # grey levels out of 255


def test_unknown_precision_is_refused():
    from engine.networks.device import with_precision

    with pytest.raises(ValueError, match="precision"):
        with_precision(object(), "fp16")


def _bank_as_idx(folder):
    """The shipped bank of 100 held-out digits written as both IDX splits: training data for tests
    that must not depend on the dataset files being present."""
    import gzip

    from engine.networks.bank import load_bank
    from engine.networks.data import FILES

    bank = load_bank("mnist")
    folder.mkdir()
    for images_name, labels_name in FILES.values():
        for name, arr in ((images_name, bank.images), (labels_name, bank.labels.astype(np.uint8))):
            header = bytes([0, 0, 8, arr.ndim]) + b"".join(d.to_bytes(4, "big") for d in arr.shape)
            with gzip.open(folder / name, "wb") as f:
                f.write(header + np.ascontiguousarray(arr, dtype=np.uint8).tobytes())
    return folder


def _continue_shipped_classifier(tmp_path, extra_steps: int):
    """Copy the shipped MNIST classifier to tmp_path and run train --init-from-weights on it to
    (shipped steps + extra_steps); returns (exit code, shipped model, shipped card)."""
    import shutil

    from engine.networks import weights
    from engine.tools.train import main

    for src in weights.paths("mnist", "classifier"):
        shutil.copy(src, tmp_path / src.name)
    shipped, card = weights.load("mnist", "classifier", "cpu", tmp_path)
    rc = main(
        [
            "--dataset",
            "mnist",
            "--model",
            "classifier",
            "--steps",
            str(card["training"]["steps"] + extra_steps),
            "--init-from-weights",
            "--threads",
            "1",
            "--out",
            str(tmp_path),
            "--run-dir",
            str(tmp_path / "runs"),
            "--data-dir",
            str(_bank_as_idx(tmp_path / "data")),
        ]
    )
    return rc, shipped, card


def test_init_from_weights_continues_the_shipped_model_and_its_history(tmp_path):
    """A run whose checkpoint is lost restarts from the shipped EMA weights at the card's step."""
    import json

    from engine.networks import weights

    rc, shipped, card = _continue_shipped_classifier(tmp_path, 2)
    steps = card["training"]["steps"]
    assert rc == 0
    tuned, new_card = weights.load("mnist", "classifier", "cpu", tmp_path)
    moved = max(
        (a - b).abs().max().item()
        for a, b in zip(tuned.state_dict().values(), shipped.state_dict().values())
        if a.is_floating_point()
    )
    assert 0 < moved < 0.05  # two tiny steps away from the shipped weights, not a fresh network
    assert new_card["training"]["steps"] == steps + 2
    assert new_card["training"]["commands"][0]["command"] == card["training"]["command"]
    assert new_card["eval"]["test_accuracy"] > 0.95  # on the 100 bank digits
    assert json.loads((tmp_path / "runs" / "mnist_classifier" / "checkpoint.json").read_text())["step"] == steps + 2


def test_log_ticks_label_one_two_five_steps_inside_the_data_range():
    from benchmarks.plot_png import _log_ticks

    major, minor = _log_ticks(2, 2000)
    labels = [text for _, text in major]
    assert labels == ["2", "5", "10", "20", "50", "100", "200", "500", "1000", "2000"]
    assert all(abs(pos - math.log10(float(t))) < 1e-12 for pos, t in major) and minor == []


def test_init_from_weights_refuses_a_run_no_longer_than_the_shipped_one(tmp_path, capsys):
    rc, _, _ = _continue_shipped_classifier(tmp_path, 0)
    assert rc == 2 and "must exceed" in capsys.readouterr().err


def _train_tiny_diffusion(tmp_path, *extra):
    """Two steps of a tiny diffusion model on the bank digits, in tmp_path; returns the exit code."""
    from engine.tools.train import main

    data = tmp_path / "data"
    if not data.exists():
        _bank_as_idx(data)
    return main(
        [
            "--dataset",
            "mnist",
            "--model",
            "diffusion",
            "--steps",
            "2",
            "--batch",
            "4",
            "--base",
            "8",
            "--threads",
            "1",
            "--run-dir",
            str(tmp_path / "runs"),
            "--data-dir",
            str(data),
            *extra,
        ]
    )


def test_training_writes_to_its_run_folder_unless_told_to_install(tmp_path):
    from engine.networks import weights

    shipped = [p.stat().st_mtime_ns for p in weights.paths("mnist", "diffusion", weights.SHIPPED_WEIGHTS_DIR)]
    assert _train_tiny_diffusion(tmp_path) == 0
    run = tmp_path / "runs" / "mnist_diffusion"
    net, card = weights.load("mnist", "diffusion", "cpu", run)
    assert card["config"]["prediction"] == "v" and card["config"]["schedule"] == "cosine"
    assert [p.stat().st_mtime_ns for p in weights.paths("mnist", "diffusion", weights.SHIPPED_WEIGHTS_DIR)] == shipped
    with pytest.raises(SystemExit):
        _args("--install", "--out", str(tmp_path))


def test_training_stops_with_a_clear_error_on_a_non_finite_loss(tmp_path, capsys, monkeypatch):
    """--lr inf is refused at the edge now (test_cli_validation); a loss can still blow up: the guard."""
    from engine.tools import train

    real = train.diffusion_loss
    monkeypatch.setattr(train, "diffusion_loss", lambda *a: real(*a) * float("nan"))
    assert _train_tiny_diffusion(tmp_path) == 1
    assert "loss is nan" in capsys.readouterr().err
    assert not (tmp_path / "runs" / "mnist_diffusion" / "mnist_diffusion.safetensors").exists()


def test_init_from_starts_a_fresh_run_from_given_weights(tmp_path, capsys):
    from engine.networks import weights

    assert _train_tiny_diffusion(tmp_path, "--out", str(tmp_path / "first")) == 0
    first, _ = weights.load("mnist", "diffusion", "cpu", tmp_path / "first")
    src = str(weights.paths("mnist", "diffusion", tmp_path / "first")[0])
    assert (
        _train_tiny_diffusion(
            tmp_path, "--fresh", "--init-from", src, "--lr", "1e-7", "--out", str(tmp_path / "second")
        )
        == 0
    )
    second, card = weights.load("mnist", "diffusion", "cpu", tmp_path / "second")
    assert all(
        torch.allclose(a, b, atol=1e-4) for a, b in zip(first.state_dict().values(), second.state_dict().values())
    )
    assert card["training"]["commands"][0]["command"] == f"(initialised from {src})"
    assert _train_tiny_diffusion(tmp_path, "--fresh", "--init-from", str(tmp_path / "nothing.safetensors")) == 2


def test_a_deeper_net_trains_saves_and_loads_with_its_blocks(tmp_path):
    """--blocks adds ResBlocks a level (a deeper net at the same width); the card remembers it, so
    the file loads back into the same shape. A blocks = 1 net keeps the shipped files' tensor names."""
    from engine.networks import nets, weights

    assert _train_tiny_diffusion(tmp_path, "--blocks", "2") == 0
    net, card = weights.load("mnist", "diffusion", "cpu", tmp_path / "runs" / "mnist_diffusion")
    assert card["config"]["blocks"] == 2
    deeper_names = set(net.state_dict())
    cfg = nets.default_config("diffusion")
    cfg.base = 8
    shallow_names = set(nets.build("diffusion", cfg).state_dict())
    assert shallow_names < deeper_names
    assert {n.split(".")[1] for n in deeper_names - shallow_names} == {"down_more", "up_more"}
    x = torch.zeros(2, 28, 28)
    assert net(x, torch.tensor([0, 500]), torch.tensor([1, 10])).shape == (2, 28, 28)
    cfg.blocks = 0
    with pytest.raises(ValueError, match="at least one ResBlock"):
        nets.build("diffusion", cfg)


def test_evaluation_reports_random_order_beside_raster():
    """`ar-random-k1-T1-w3` is the raster target's setting with only the order changed."""
    from itertools import islice

    from engine.networks.models import load_models
    from engine.runtime.samplers.autoregressive import sample_autoregressive
    from engine.tools.evaluate import STANDARD_SETTINGS

    (m_raster, raster), (m_random, random_) = (
        STANDARD_SETTINGS["ar-raster-k1-T1-w3"],
        STANDARD_SETTINGS["ar-random-k1-T1-w3"],
    )
    assert m_raster == m_random == "autoregressive"
    assert {**raster, "order": "random"} == random_
    net = load_models("mnist", "cpu", kinds=("autoregressive",)).ar
    *_, frame = islice(
        sample_autoregressive(net, n=2, labels=[7, 7], seed=0, guidance_parts=False, x0=False, **random_), 30
    )
    known = frame.known.reshape(2, -1)
    assert known.sum(1).tolist() == [30, 30]
    assert not known[:, :30].all(1).any()  # not the first 30 pixels of raster order


def test_raster_share_reaches_the_training_masks_and_the_card(tmp_path, monkeypatch):
    from engine.maths import orders
    from engine.networks import weights
    from engine.tools import train

    shares = []
    real = orders.training_masks
    monkeypatch.setattr(orders, "training_masks", lambda n, rng, share: shares.append(share) or real(n, rng, share))
    data = _bank_as_idx(tmp_path / "data")
    assert (
        train.main(
            [
                "--dataset",
                "mnist",
                "--model",
                "autoregressive",
                "--steps",
                "2",
                "--batch",
                "4",
                "--base",
                "8",
                "--threads",
                "1",
                "--raster-share",
                "0.7",
                "--run-dir",
                str(tmp_path / "runs"),
                "--data-dir",
                str(data),
            ]
        )
        == 0
    )
    _, card = weights.load("mnist", "autoregressive", "cpu", tmp_path / "runs" / "mnist_autoregressive")
    assert shares == [0.7, 0.7] and card["training"]["raster_share"] == 0.7
    with pytest.raises(SystemExit):
        train.parse_args(["--dataset", "mnist", "--model", "autoregressive", "--raster-share", "1.2"])


def test_generate_from_a_later_batch_draws_what_one_run_draws_there():
    from engine.networks.models import load_models
    from engine.tools.sample import generate

    models = load_models("mnist", "cpu", kinds=("autoregressive",))
    full, *_ = generate(models, "one-shot", 6, np.arange(6), seed=3, batch=2, mode="independent", guidance=3.0)
    later, labels, nfe, _ = generate(
        models, "one-shot", 6, np.arange(6), seed=3, batch=2, first=4, mode="independent", guidance=3.0
    )
    assert np.array_equal(later[4:], full[4:]) and not later[:4].any() and nfe[:4].tolist() == [0] * 4
    assert not np.array_equal(full[4:], full[2:4])  # each batch has its own seed
    with pytest.raises(ValueError, match="whole number of batches"):
        generate(models, "one-shot", 6, np.arange(6), batch=4, first=2, mode="mean")


def test_resumed_evaluation_equals_one_run_and_refuses_other_settings(tmp_path, monkeypatch):
    """`engine.tools.evaluate --resume` continues a smaller saved sample set to a larger n: the images and
    numbers are those of one uninterrupted run; a set drawn with another seed is not taken."""
    from engine.networks.bank import load_bank
    from engine.networks.models import load_models
    from engine.tools import evaluate as ev

    monkeypatch.setitem(ev.STANDARD_SETTINGS, "one-shot-sampled", ("one-shot", dict(mode="independent", guidance=3.0)))
    models = load_models("mnist", "cpu", kinds=("autoregressive", "classifier"))
    feats = ev.metrics.classifier_features(models.classifier, load_bank("mnist").images[:100])
    logs = []
    run = lambda n, folder, resume=False, seed=0: ev.sample_quality(  # noqa: E731
        models, "one-shot-sampled", n, seed, feats, 10, folder, resume=resume, log=logs.append
    )
    one = run(40, tmp_path / "one")
    run(20, tmp_path / "parts")
    resumed = run(40, tmp_path / "parts", resume=True)
    assert logs[-1].endswith("20 of 40 images taken from mnist_one-shot-sampled.npz")
    load = lambda folder: np.load(folder / "mnist_one-shot-sampled.npz")  # noqa: E731
    assert np.array_equal(load(tmp_path / "one")["images"], load(tmp_path / "parts")["images"])
    assert (resumed["agreement"], resumed["frechet"]) == (one["agreement"], one["frechet"])
    run(40, tmp_path / "parts", resume=True, seed=1)
    assert "was drawn with seed=0, not 1" in logs[-1]
    assert np.array_equal(load(tmp_path / "parts")["seed"], 1)  # drawn afresh, and saved as such


def test_resume_needs_the_samples_folder(capsys):
    from engine.tools.evaluate import main

    with pytest.raises(SystemExit):
        main(["--dataset", "mnist", "--resume"])
    assert "--resume needs --samples-dir" in capsys.readouterr().err
