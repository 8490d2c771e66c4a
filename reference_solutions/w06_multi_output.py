"""Reference solutions for week 6 (`w06_multi_output`): one input, a shared trunk, two named softmax outputs
(`"class"` and `"group"`), one loss per output with loss weights, per-output metrics, training with validation.

The autograder imports this module in the grader process and compares students' answers with it. Outputs are
matched by their names, never by position: the grader's models put `"group"` before `"class"` or return a dict.
The notebook's solution cells implement the same behaviour.
"""
from __future__ import annotations

import numpy as np

OUTPUTS = ("class", "group")


# --- 1. targets ---------------------------------------------------------------------------------------
def make_targets(y, groups):
    """`{"class": y, "group": groups[y]}`: one integer label array per output (`groups[c]` = group of class c)."""
    y = np.asarray(y).astype(np.int64)
    return {"class": y.copy(), "group": np.asarray(groups, dtype=np.int64)[y]}


# --- 2. the model -------------------------------------------------------------------------------------
def build_multi_output_model(input_shape, num_classes, num_groups):
    """One input, a shared convolutional trunk, two softmax heads named "class" and "group"."""
    import keras
    from keras import layers
    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = layers.Conv2D(16, 3, padding="same", activation="relu", name="trunk_conv1")(inputs)
    x = layers.MaxPooling2D(name="trunk_pool1")(x)
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="trunk_conv2")(x)
    x = layers.GlobalAveragePooling2D(name="trunk_gap")(x)
    x = layers.Dense(64, activation="relu", name="trunk_dense")(x)
    class_out = layers.Dense(int(num_classes), activation="softmax", name="class")(x)
    group_out = layers.Dense(int(num_groups), activation="softmax", name="group")(x)
    return keras.Model(inputs, {"class": class_out, "group": group_out}, name="multi_output")


# --- 3. compile -----------------------------------------------------------------------------------------
def compile_multi_output(model, loss_weights):
    """Adam; sparse categorical cross-entropy and accuracy for each output, keyed by output name."""
    import keras
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss={name: "sparse_categorical_crossentropy" for name in OUTPUTS},
                  loss_weights={name: float(loss_weights[name]) for name in OUTPUTS},
                  metrics={name: ["accuracy"] for name in OUTPUTS})
    return model


# --- 4. train --------------------------------------------------------------------------------------------
def train_multi_output(model, x_train, targets_train, x_val, targets_val, epochs):
    """`model.fit` on the targets dict for `epochs` epochs, validated on (x_val, targets_val); returns the History."""
    def labels(targets):
        return {name: np.asarray(targets[name]).astype(np.int64) for name in OUTPUTS}
    return model.fit(np.asarray(x_train, dtype=np.float32), labels(targets_train),
                     validation_data=(np.asarray(x_val, dtype=np.float32), labels(targets_val)),
                     epochs=int(epochs), batch_size=32, verbose=0)
