"""Remake the course's pretrained base for week 5: `data/digits04_base.keras`.

ImageNet weights need the internet and the grader has none, so week 5 ships its own "pretrained" base: a small
VGG-like Functional CNN (three blocks, batch normalisation in blocks 2 and 3) trained here, offline and
deterministically, on scikit-learn's digits 0-4 upsampled to 32x32x1 (VGG16's minimum input size). The saved
model is the convolutional base only (4-D output, like `VGG16(include_top=False)`); the classifier used to
train it is dropped. The students fine-tune it on digits 5-9.

    .venv/bin/python assignments/w05_transfer/make_base.py            # writes data/digits04_base.keras
    .venv/bin/python assignments/w05_transfer/make_base.py --calibrate  # transfer vs from scratch, several seeds

This script is the instructor's, never shipped (the manifest ships only the notebook and the .keras file).
The `--calibrate` numbers justify the thresholds of the `train_transfer` tests (see tests/hidden).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
OUT = HERE / "data" / "digits04_base.keras"
SEED = 3121


def digits32(classes, *, seed=0):
    """scikit-learn's digits of `classes` as float32 (N, 32, 32, 1) in [0, 1] (each pixel a 4x4 block),
    labels renumbered 0..len(classes)-1 in the order of `classes`, shuffled by `seed`."""
    from sklearn.datasets import load_digits
    d = load_digits()
    keep = np.isin(d.target, classes)
    x = (d.images[keep] / 16.0).astype(np.float32)
    x = np.kron(x, np.ones((1, 4, 4), np.float32))[..., None]
    y = np.searchsorted(np.asarray(classes), d.target[keep]).astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(y))
    return x[order], y[order]


def build_base():
    import keras
    from keras import layers
    inputs = keras.Input((32, 32, 1), name="image")
    x = layers.Conv2D(16, 3, padding="same", activation="relu", name="block1_conv1")(inputs)
    x = layers.MaxPooling2D(2, name="block1_pool")(x)
    x = layers.Conv2D(32, 3, padding="same", use_bias=False, name="block2_conv1")(x)
    x = layers.BatchNormalization(momentum=0.9, name="block2_bn")(x)
    x = layers.Activation("relu", name="block2_relu")(x)
    x = layers.MaxPooling2D(2, name="block2_pool")(x)
    x = layers.Conv2D(64, 3, padding="same", use_bias=False, name="block3_conv1")(x)
    x = layers.BatchNormalization(momentum=0.9, name="block3_bn")(x)
    x = layers.Activation("relu", name="block3_relu")(x)
    x = layers.MaxPooling2D(2, name="block3_pool")(x)
    return keras.Model(inputs, x, name="digits04_base")


def train_base(epochs=12):
    import keras
    keras.utils.set_random_seed(SEED)
    os.environ.setdefault("TF_DETERMINISTIC_OPS", "1")
    x, y = digits32([0, 1, 2, 3, 4], seed=SEED)
    base = build_base()
    z = keras.layers.GlobalAveragePooling2D(name="pretrain_gap")(base.output)
    out = keras.layers.Dense(5, activation="softmax", name="pretrain_digits04")(z)
    model = keras.Model(base.input, out)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    n_val = 150
    hist = model.fit(x[n_val:], y[n_val:], validation_data=(x[:n_val], y[:n_val]), epochs=epochs,
                     batch_size=32, verbose=0)
    print(f"pretraining on digits 0-4: val accuracy {hist.history['val_accuracy'][-1]:.3f}")
    return base


def calibrate(seeds=(0, 1, 2)):
    """train_transfer's budget (the hidden tests' CPU and GPU splits) from the pretrained base and from scratch."""
    import keras
    sys.path.insert(0, str(HERE.parent.parent / "reference_solutions"))
    import w05_transfer as ref
    for name, (n_train, epochs, trainable_from) in {"cpu": (30, 40, "block3_conv1"),
                                                    "gpu": (30, 40, -4)}.items():
        for seed in seeds:
            x, y = digits32([5, 6, 7, 8, 9], seed=100 + seed)
            split = (x[:n_train], y[:n_train], x[300:600], y[300:600])
            accs = {}
            for start in ("pretrained", "scratch"):
                base = keras.models.load_model(OUT)
                if start == "scratch":
                    base = keras.models.clone_model(base)     # same architecture, fresh random weights
                    frm = 0
                else:
                    frm = trainable_from
                keras.utils.set_random_seed(seed)
                model, _ = ref.train_transfer(base, *split, frm, epochs)
                accs[start] = float(np.mean(model.predict(x[600:], verbose=0).argmax(1) == y[600:]))
            print(f"{name} seed {seed}: pretrained {accs['pretrained']:.3f}  scratch {accs['scratch']:.3f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calibrate", action="store_true", help="compare transfer with from-scratch training")
    args = parser.parse_args(argv)
    if args.calibrate:
        calibrate()
        return
    base = train_base()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    base.save(OUT)
    print(f"wrote {OUT.relative_to(HERE)} ({OUT.stat().st_size / 1024:.0f} KiB, {base.count_params()} params)")


if __name__ == "__main__":
    main()
