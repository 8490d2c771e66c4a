"""Reference solutions for week 5 (`w05_transfer`): a pretrained CNN as a fixed feature extractor (features,
an SVM on them), fine-tuning from a layer on, VGG16's feature shapes, parameter counts and transfer training.

The autograder imports this module in the grader process and compares students' answers with it; the base
models are Functional Keras models (the course's own, `assignments/w05_transfer/data/digits04_base.keras`).
The notebook's solution cells implement the same behaviour.
"""
from __future__ import annotations

import numbers

import numpy as np


# --- 1. fixed feature extractor -------------------------------------------------------------------
def feature_extractor(base_model, layer_name):
    """A model with `base_model`'s input whose output is the output of the layer named `layer_name`."""
    import keras
    return keras.Model(base_model.input, base_model.get_layer(layer_name).output)


def extract_features(model, x):
    """`model`'s outputs on `x`, one row per sample, each flattened in C order (as `Flatten` does)."""
    out = np.asarray(model.predict(np.asarray(x, dtype=np.float32), verbose=0))
    return out.reshape(out.shape[0], -1)


def svm_on_features(features, labels):
    """A linear SVM (after standardising each feature) fitted on `features` (N, D) and `labels` (N,)."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC
    clf = make_pipeline(StandardScaler(), SVC(kernel="linear", C=1.0))
    return clf.fit(np.asarray(features, dtype=np.float64), np.asarray(labels))


# --- 2. fine-tuning --------------------------------------------------------------------------------
def layer_index(base_model, trainable_from):
    """`trainable_from` (a layer name, or an index into `base_model.layers` with Python's rules) as an index."""
    names = [layer.name for layer in base_model.layers]
    n = len(names)
    if isinstance(trainable_from, str):
        if trainable_from not in names:
            raise ValueError(f"no layer named {trainable_from!r} in {base_model.name}; its layers: {names}")
        return names.index(trainable_from)
    if isinstance(trainable_from, bool) or not isinstance(trainable_from, numbers.Integral):
        raise ValueError(f"trainable_from must be a layer name or an index; received {trainable_from!r}")
    i = int(trainable_from)
    if not -n <= i < n:
        raise ValueError(f"trainable_from={i} is out of range for a base with {n} layers")
    return i + n if i < 0 else i


def build_finetune_model(base_model, num_classes, trainable_from, head_units=256):
    """The base (layers before `trainable_from` frozen), global average pooling, Dense(head_units, relu),
    Dense(num_classes, softmax)."""
    import keras
    start = layer_index(base_model, trainable_from)
    base_model.trainable = True
    for i, layer in enumerate(base_model.layers):
        layer.trainable = i >= start
    x = keras.layers.GlobalAveragePooling2D()(base_model.output)
    x = keras.layers.Dense(head_units, activation="relu")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(base_model.input, outputs)


def vgg16_feature_shape(input_shape):
    """(H, W, C) of VGG16's last block (`include_top=False`) for an (H, W, C) input: five 2x2 poolings."""
    if len(input_shape) != 3:
        raise ValueError(f"input_shape must be (H, W, C); received {input_shape!r}")
    h, w, _ = (int(v) for v in input_shape)
    if h < 32 or w < 32:
        raise ValueError(f"VGG16 needs inputs of at least 32x32; received input_shape={tuple(input_shape)}")
    for _ in range(5):
        h, w = h // 2, w // 2
    return (h, w, 512)


def count_params(model):
    """(trainable, non_trainable) numbers of scalars, like `model.summary()`."""
    def total(weights):
        return int(sum(int(np.prod(w.shape)) for w in weights))
    return total(model.trainable_weights), total(model.non_trainable_weights)


# --- 3. training -----------------------------------------------------------------------------------
def train_transfer(base_model, x_train, y_train, x_val, y_val, trainable_from, epochs):
    """Fine-tune `base_model` from `trainable_from` on with a new head; returns (model, history)."""
    import keras
    x_train = np.asarray(x_train, dtype=np.float32)
    y_train = np.asarray(y_train).astype(np.int64)
    y_val = np.asarray(y_val).astype(np.int64)
    num_classes = int(max(y_train.max(), y_val.max())) + 1
    model = build_finetune_model(base_model, num_classes, trainable_from)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, validation_data=(np.asarray(x_val, dtype=np.float32), y_val),
                        epochs=epochs, batch_size=32, verbose=0)
    return model, history
