"""Reference solutions for week 3 (`w03_training`): loss, metrics, optimizers, backprop, batchnorm,
hyperparameter search and a small Keras classifier.

The autograder imports this module in the grader process and compares students' answers with it.
The notebook's solution cells implement the same behaviour (a test checks that they agree).
"""
from __future__ import annotations

import numpy as np


# --- loss ---------------------------------------------------------------------------------------
def cross_entropy(y_true, y_pred, eps=1e-12):
    """-sum(y_true * log(clip(y_pred, eps, 1 - eps))) for one sample."""
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.clip(np.asarray(y_pred, dtype=np.float64), eps, 1.0 - eps)
    return float(-np.sum(y_true * np.log(y_pred)))


def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
    """J: the mean over the N rows of the per-sample cross-entropy."""
    Y_true = np.asarray(Y_true, dtype=np.float64)
    Y_pred = np.clip(np.asarray(Y_pred, dtype=np.float64), eps, 1.0 - eps)
    return float(np.mean(-np.sum(Y_true * np.log(Y_pred), axis=1)))


# --- metrics ------------------------------------------------------------------------------------
def confusion_matrix(y_true, y_pred, labels):
    """Rows = gold label, columns = predicted label, in the order of `labels` (like scikit-learn).

    Samples whose gold or predicted label is not in `labels` are ignored, as scikit-learn does.
    """
    index = {label: i for i, label in enumerate(list(labels))}
    cm = np.zeros((len(index), len(index)), dtype=np.int64)
    for t, p in zip(list(y_true), list(y_pred)):
        if t in index and p in index:
            cm[index[t], index[p]] += 1
    return cm


def _divide(num, den):
    """num / den elementwise, 0 where den == 0 (scikit-learn's zero_division=0)."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=den != 0)
    return out


def precision_recall_f1(y_true, y_pred, average=None):
    """Precision, recall and F1 like sklearn.metrics.precision_recall_fscore_support(zero_division=0).

    average=None gives one array per metric over the sorted labels of y_true and y_pred;
    "micro" counts TP/FP/FN globally, "macro" is the unweighted mean over labels, "weighted" the mean
    weighted by support (the number of gold samples of each label).
    """
    if average not in (None, "micro", "macro", "weighted"):
        raise ValueError(f"average must be None, 'micro', 'macro' or 'weighted'; received: average={average!r}")
    y_true, y_pred = list(y_true), list(y_pred)
    labels = sorted(set(y_true) | set(y_pred))
    cm = confusion_matrix(y_true, y_pred, labels)
    tp = np.diag(cm).astype(np.float64)
    predicted = cm.sum(axis=0).astype(np.float64)      # TP + FP per label
    support = cm.sum(axis=1).astype(np.float64)        # TP + FN per label
    if average == "micro":
        tp, predicted, support = tp.sum(), predicted.sum(), support.sum()
    precision = _divide(tp, predicted)
    recall = _divide(tp, support)
    f1 = _divide(2 * tp, predicted + support)           # = 2PR / (P + R), 0 when both are 0
    if average is None:
        return precision, recall, f1
    if average == "micro":
        return float(precision), float(recall), float(f1)
    weights = support if average == "weighted" else np.ones_like(support)
    if weights.sum() == 0:
        return 0.0, 0.0, 0.0
    return tuple(float(np.average(m, weights=weights)) for m in (precision, recall, f1))


# --- optimizers: one update step, never mutating the inputs --------------------------------------
def sgd_step(w, g, lr):
    return np.asarray(w, dtype=np.float64) - lr * np.asarray(g, dtype=np.float64)


def momentum_step(w, g, v, lr, gamma):
    v_new = gamma * np.asarray(v, dtype=np.float64) + lr * np.asarray(g, dtype=np.float64)
    return np.asarray(w, dtype=np.float64) - v_new, v_new


def adagrad_step(w, g, cache, lr, eps):
    g = np.asarray(g, dtype=np.float64)
    cache_new = np.asarray(cache, dtype=np.float64) + g ** 2
    return np.asarray(w, dtype=np.float64) - lr * g / (np.sqrt(cache_new) + eps), cache_new


def rmsprop_step(w, g, cache, lr, beta, eps):
    g = np.asarray(g, dtype=np.float64)
    cache_new = beta * np.asarray(cache, dtype=np.float64) + (1 - beta) * g ** 2
    return np.asarray(w, dtype=np.float64) - lr * g / (np.sqrt(cache_new) + eps), cache_new


def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
    """`t` is the 1-based number of this update; m and v are returned without bias correction."""
    g = np.asarray(g, dtype=np.float64)
    m_new = beta1 * np.asarray(m, dtype=np.float64) + (1 - beta1) * g
    v_new = beta2 * np.asarray(v, dtype=np.float64) + (1 - beta2) * g ** 2
    m_hat = m_new / (1 - beta1 ** t)
    v_hat = v_new / (1 - beta2 ** t)
    return np.asarray(w, dtype=np.float64) - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


# --- backprop and batchnorm -----------------------------------------------------------------------
def backprop_example(x, y, z):
    """f = (x + y) * z and its gradients, by the chain rule (cs231n's example)."""
    q = x + y
    f = q * z
    dfdq, dfdz = z, q
    dfdx, dfdy = dfdq * 1.0, dfdq * 1.0
    return float(f), float(dfdx), float(dfdy), float(dfdz)


def batchnorm_forward(x, gamma, beta, eps=1e-3):
    """Training-mode batch normalisation of x (N, D) per feature, with the biased batch variance."""
    x = np.asarray(x, dtype=np.float64)
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    return np.asarray(gamma, dtype=np.float64) * (x - mean) / np.sqrt(var + eps) + np.asarray(beta, np.float64)


# --- hyperparameter search ----------------------------------------------------------------------------
def random_search(space, objective, n_trials, seed):
    """Draw `n_trials` parameter dicts uniformly from `space`; return the one with the lowest objective."""
    rng = np.random.default_rng(seed)
    best_params, best_score = None, None
    for _ in range(n_trials):
        params = {name: choices[int(rng.integers(len(choices)))] for name, choices in space.items()}
        score = float(objective(params))
        if best_score is None or score < best_score:
            best_params, best_score = params, score
    return best_params, best_score


# --- training --------------------------------------------------------------------------------------------
def build_classifier(input_shape, num_classes):
    import keras
    from keras import layers

    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    x = layers.MaxPooling2D(2)(x)
    x = layers.Flatten()(x)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")


def train_classifier(x_train, y_train, x_val, y_val, optimizer="adam", epochs=5):
    """A small CNN on (N, H, W, C) images in [0, 1]; outputs class probabilities."""
    import keras

    x_train = np.asarray(x_train, dtype=np.float32)
    y_train = np.asarray(y_train).astype(np.int64)
    num_classes = int(max(y_train.max(), np.max(y_val))) + 1
    keras.utils.set_random_seed(0)
    model = build_classifier(x_train.shape[1:], num_classes)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, validation_data=(np.asarray(x_val, np.float32), np.asarray(y_val)),
                        epochs=epochs, batch_size=32, verbose=0)
    return model, history
