"""Solution-cell sources for the example submissions (see make_examples.py). One dict per style."""
import re

from notebook_cells import CELLS

# (a) the instructor's solutions (vectorised NumPy, functional Keras) with a vectorised confusion matrix
VECTORISED = {key: re.sub(r"\n *### (BEGIN|END) SOLUTION", "", src).strip("\n")
              for kind, key, src in CELLS if kind == "solution"}
VECTORISED["confusion_matrix"] = '''
def confusion_matrix(y_true, y_pred, labels):
    lookup = {label: i for i, label in enumerate(list(labels))}
    rows = np.array([lookup.get(v, -1) for v in y_true], dtype=int)
    cols = np.array([lookup.get(v, -1) for v in y_pred], dtype=int)
    keep = (rows >= 0) & (cols >= 0)
    cm = np.zeros((len(lookup), len(lookup)), dtype=np.int32)
    np.add.at(cm, (rows[keep], cols[keep]), 1)
    return cm'''

# (b) loops, plain Python math, helper functions, Python's random, tf.keras Sequential
LOOPS_EXTRA = '''
import math
import random

import tensorflow as tf


def _clipped_log(p, eps):
    return math.log(min(max(p, eps), 1 - eps))'''

LOOPS = {
    "cross_entropy": '''
def cross_entropy(y_true, y_pred, eps=1e-12):
    total = 0.0
    for t, p in zip(y_true, y_pred):
        total -= float(t) * _clipped_log(float(p), eps)
    return total''',
    "mean_cross_entropy": '''
def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
    losses = [cross_entropy(t, p, eps) for t, p in zip(Y_true, Y_pred)]
    return sum(losses) / len(losses)''',
    "confusion_matrix": '''
def confusion_matrix(y_true, y_pred, labels):
    labels = list(labels)
    table = [[0] * len(labels) for _ in labels]
    for t, p in zip(y_true, y_pred):
        if t in labels and p in labels:
            table[labels.index(t)][labels.index(p)] += 1
    return table''',
    "precision_recall_f1": '''
def precision_recall_f1(y_true, y_pred, average=None):
    y_true, y_pred = list(y_true), list(y_pred)
    precisions, recalls, f1s, supports = [], [], [], []
    for label in sorted(set(y_true) | set(y_pred)):
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == label and p == label)
        fp = sum(1 for t, p in zip(y_true, y_pred) if t != label and p == label)
        fn = sum(1 for t, p in zip(y_true, y_pred) if t == label and p != label)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        precisions.append(prec)
        recalls.append(rec)
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        supports.append(tp + fn)
    if average is None:
        return np.array(precisions), np.array(recalls), np.array(f1s)
    if average == "micro":
        accuracy = sum(1 for t, p in zip(y_true, y_pred) if t == p) / len(y_true)
        return accuracy, accuracy, accuracy
    if average == "macro":
        return tuple(sum(m) / len(m) for m in (precisions, recalls, f1s))
    return tuple(sum(x * s for x, s in zip(m, supports)) / sum(supports) for m in (precisions, recalls, f1s))''',
    "sgd_step": '''
def sgd_step(w, g, lr):
    updated = np.array(w, dtype=float, copy=True)
    updated -= lr * np.asarray(g)
    return updated''',
    "momentum_step": '''
def momentum_step(w, g, v, lr, gamma):
    velocity = gamma * np.array(v, dtype=float) + lr * np.asarray(g)
    return np.array(w, dtype=float) - velocity, velocity''',
    "adagrad_step": '''
def adagrad_step(w, g, cache, lr, eps):
    history = np.array(cache, dtype=float, copy=True)
    history += np.square(g)
    return np.array(w, dtype=float) - lr * np.asarray(g) / (np.sqrt(history) + eps), history''',
    "rmsprop_step": '''
def rmsprop_step(w, g, cache, lr, beta, eps):
    history = beta * np.array(cache, dtype=float) + (1 - beta) * np.square(g)
    return np.array(w, dtype=float) - lr * np.asarray(g) / (np.sqrt(history) + eps), history''',
    "adam_step": '''
def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
    # the Keras formulation: fold both corrections into the step size (same result)
    m = beta1 * np.array(m, dtype=float) + (1 - beta1) * np.asarray(g)
    v = beta2 * np.array(v, dtype=float) + (1 - beta2) * np.square(g)
    step = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return np.array(w, dtype=float) - step * m / (np.sqrt(v) + eps * math.sqrt(1 - beta2 ** t)), m, v''',
    "backprop_example": '''
def backprop_example(x, y, z):
    q = x + y
    return [q * z, z, z, q]''',
    "batchnorm_forward": '''
def batchnorm_forward(x, gamma, beta, eps=1e-3):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    for j in range(x.shape[1]):
        column = x[:, j]
        mean = column.mean()
        variance = ((column - mean) ** 2).mean()
        out[:, j] = gamma[j] * (column - mean) / math.sqrt(variance + eps) + beta[j]
    return out''',
    "random_search": '''
def random_search(space, objective, n_trials, seed):
    chooser = random.Random(seed)
    trials = []
    for _ in range(n_trials):
        params = {name: chooser.choice(choices) for name, choices in space.items()}
        trials.append((objective(params), params))
    score, params = min(trials, key=lambda pair: pair[0])
    return params, score''',
    "train_classifier": '''
def train_classifier(x_train, y_train, x_val, y_val, optimizer, epochs):
    tf.keras.utils.set_random_seed(1)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=x_train.shape[1:]),
        tf.keras.layers.Conv2D(16, (3, 3), activation="relu", padding="same"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(128, activation="relu"),
        tf.keras.layers.Dropout(0.2),
        tf.keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=16, validation_data=(x_val, y_val), verbose=0)
    return model, history''',
}
