'''The cells of the week-3 notebook, in order: (kind, key, source); build_notebook.py turns them into nbgrader
cells. kind "md" = locked markdown, "setup" = locked code, "solution" = the task's solution cell (key = task
name), followed automatically by the task's grade cell.'''

INTRO = r"""
# Week 3 - Training: loss, metrics, optimizers

INT3121 *Image classification with CNNs*. This week follows the lecture **"Training and tuning parameters,
automatic parameter learning"**: the steps in training a CNN, the cross-entropy loss, evaluation metrics,
the optimizers behind `model.compile(optimizer=...)`, backpropagation, batch normalisation and
hyperparameter search.

**How this notebook is graded.** Each task is a function you write under *exactly* the name and signature
given. The autograder calls your functions with its own inputs (random ones and edge cases) and compares
the results with the reference solution within a small tolerance. Loops or vectorised NumPy, `keras` or
`tf.keras`, Sequential or Functional: every correct style earns full marks. You may add helper functions,
cells and imports.

* Replace each `raise NotImplementedError()` with your code; keep the function names.
* The cell after each task runs the **public checks** of that task (`check_task("name")`). Passing them is a
  good sign, not a guarantee: hidden checks use other inputs.
* Do not change or delete the locked cells; they are restored before grading.
* Return **new** arrays: the optimizer steps must never change their inputs in place (`w -= ...` does).
* Nothing here needs the internet or a GPU.
"""

SETUP = r"""
import math

import numpy as np

np.set_printoptions(precision=4, suppress=True)
"""

LOSS = r"""
## 1. Loss function: cross-entropy

Steps in training a CNN: **prepare data** (`x`: `(b, h, w, c)`, `y`: `(b, n)`), **define the model**,
**compile** it (loss, optimizer, metrics) and **train** it (`model.fit`: feed the data several times,
a small batch at a time, updating the weights).

The loss compares the true distribution $p$ with the estimated one $q$:

$$H(p, q) = -\sum_{x} p(x)\log q(x) \qquad\text{or, with vectors,}\qquad L = -\mathbf{y}\cdot\log(\hat{\mathbf{y}})$$

The log is undefined at 0, so predictions are **clipped** to $[\epsilon, 1-\epsilon]$ first. For one sample:

`cross_entropy([1, 0, 0, 0], [0.9, 0, 0, 0.1])` $= -\log 0.9 \approx 0.10536$ and
`cross_entropy([1, 0, 0, 0], [0.1, 0.8, 0.1, 0])` $= -\log 0.1 \approx 2.30259$.

(The slide's version also clips `y_true`; **ours does not**: only `y_pred` is clipped.)

For a dataset of $N$ samples the loss is the mean: $J = -\frac{1}{N}\sum_{i=1}^{N} \mathbf{y}_i\cdot\log(\hat{\mathbf{y}}_i)$.

**Task 1** `cross_entropy(y_true, y_pred, eps=1e-12) -> float`: $-\sum y_{true}\log(\mathrm{clip}(y_{pred}, \epsilon, 1-\epsilon))$
for one sample (1-D lists or arrays).
"""

CROSS_ENTROPY = r'''
def cross_entropy(y_true, y_pred, eps=1e-12):
    """Cross-entropy of one sample; y_pred is clipped to [eps, 1 - eps] before the log."""
    ### BEGIN SOLUTION
    p = np.clip(np.asarray(y_pred, dtype=np.float64), eps, 1.0 - eps)
    t = np.asarray(y_true, dtype=np.float64)
    return float(-(t * np.log(p)).sum())
    ### END SOLUTION
'''

MEAN_CE_MD = r"""
**Task 2** `mean_cross_entropy(Y_true, Y_pred, eps=1e-12) -> float`: $J$, the mean over the $N$ rows of
`(N, K)` inputs (each row one sample, clipped like Task 1).
"""

MEAN_CE = r'''
def mean_cross_entropy(Y_true, Y_pred, eps=1e-12):
    """J = mean over the N rows of the per-sample cross-entropy."""
    ### BEGIN SOLUTION
    P = np.clip(np.asarray(Y_pred, dtype=np.float64), eps, 1.0 - eps)
    T = np.asarray(Y_true, dtype=np.float64)
    per_sample = -(T * np.log(P)).sum(axis=1)
    return float(per_sample.mean())
    ### END SOLUTION
'''

METRICS = r"""
## 2. Evaluation metrics

| N = 150        | Predicted YES        | Predicted NO         |
|----------------|----------------------|----------------------|
| **Actual YES** | True positive TP = 80 | False negative FN = 25 |
| **Actual NO**  | False positive FP = 10 | True negative TN = 35 |

* precision $= \frac{TP}{TP+FP} = \frac{80}{90} = 0.89$ (correct positive predictions / positive predictions made)
* recall $= \frac{TP}{TP+FN} = \frac{80}{105} = 0.76$ (correct positive predictions / all positive samples)
* accuracy $= \frac{TP+TN}{N} = \frac{115}{150} = 0.77$
* $F_1 = 2\,\frac{1}{1/\text{precision} + 1/\text{recall}}$, the harmonic mean of precision and recall.

For more than two classes each label $X$ has its own precision $TP_X / \text{TotalPredicted}_X$ and recall
$TP_X / \text{TotalGold}_X$. `sklearn.metrics.precision_score(..., average=...)` combines them:
`None` returns one score per label; `"micro"` counts TP, FP and FN over all labels; `"macro"` is the
unweighted mean over labels; `"weighted"` weights each label by its **support** (its number of gold samples).

**Task 3** `confusion_matrix(y_true, y_pred, labels) -> int ndarray (L, L)`: entry `[i, j]` counts samples
whose **gold** label is `labels[i]` and **predicted** label is `labels[j]` (rows = gold, like scikit-learn;
the slide's table has them the other way round). Labels can be any values (ints, strings), in any order.
"""

CONFUSION = r'''
def confusion_matrix(y_true, y_pred, labels):
    """Counts of (gold, predicted) pairs; rows follow `labels` for gold, columns for predictions."""
    ### BEGIN SOLUTION
    position = {label: i for i, label in enumerate(labels)}
    counts = np.zeros((len(position), len(position)), dtype=np.int64)
    for gold, predicted in zip(y_true, y_pred):
        if gold in position and predicted in position:
            counts[position[gold], position[predicted]] += 1
    return counts
    ### END SOLUTION
'''

PRF_MD = r"""
**Task 4** `precision_recall_f1(y_true, y_pred, average) -> (precision, recall, f1)` like scikit-learn's
`precision_recall_fscore_support` with `zero_division=0`: labels are the **sorted** labels found in
`y_true` or `y_pred`; with `average=None` each metric is an array over those labels, otherwise a float
(`"micro"`, `"macro"` or `"weighted"`). A label that is never predicted has precision 0 (and a label that never
occurs in `y_true` has recall 0); F1 per label is $2PR/(P+R)$, 0 when $P+R=0$; macro/weighted F1 average the
per-label F1 values.
"""

PRF = r'''
def precision_recall_f1(y_true, y_pred, average=None):
    """(precision, recall, f1) per sorted label (average=None) or averaged: "micro", "macro", "weighted"."""
    ### BEGIN SOLUTION
    labels = sorted(set(list(y_true)) | set(list(y_pred)))
    cm = confusion_matrix(y_true, y_pred, labels).astype(np.float64)
    tp, n_pred, n_gold = np.diag(cm), cm.sum(axis=0), cm.sum(axis=1)

    def ratio(a, b):
        return np.divide(a, b, out=np.zeros_like(np.asarray(a, dtype=np.float64)), where=np.asarray(b) != 0)

    if average == "micro":
        tp, n_pred, n_gold = tp.sum(), n_pred.sum(), n_gold.sum()
    precision, recall = ratio(tp, n_pred), ratio(tp, n_gold)
    f1 = ratio(2 * tp, n_pred + n_gold)
    if average is None:
        return precision, recall, f1
    if average == "micro":
        return float(precision), float(recall), float(f1)
    if average not in ("macro", "weighted"):
        raise ValueError(f"unknown average {average!r}")
    weights = n_gold if average == "weighted" else np.ones_like(n_gold)
    if weights.sum() == 0:
        return 0.0, 0.0, 0.0
    return tuple(float((m * weights).sum() / weights.sum()) for m in (precision, recall, f1))
    ### END SOLUTION
'''

OPTIMIZERS = r"""
## 3. Optimizers

The model predicts $\hat{y} = f(x;\theta)$ with $\theta = [w, b]$; training solves $\min_\theta L(\theta)$
by starting from random $\theta$ and updating it step by step. The Taylor expansion
$L(\theta + \eta u) \approx L(\theta) + \eta\, u^T\nabla L(\theta)$ decreases fastest when $u$ points
**against** the gradient. Batch gradient descent makes 1 update per epoch, stochastic GD $N$, mini-batch GD
$N/B$ ($B$ = batch size).

Each task below is **one update step** in NumPy that returns new arrays (never change `w`, `g` or the state
arguments in place):

| task | update |
|---|---|
| `sgd_step(w, g, lr) -> w_new` | $w \leftarrow w - \eta\,g$ |
| `momentum_step(w, g, v, lr, gamma) -> (w_new, v_new)` | $v \leftarrow \gamma v + \eta g$; $w \leftarrow w - v$ |
| `adagrad_step(w, g, cache, lr, eps) -> (w_new, cache_new)` | $c \leftarrow c + g^2$; $w \leftarrow w - \eta\, g / (\sqrt{c} + \epsilon)$ |
| `rmsprop_step(w, g, cache, lr, beta, eps) -> (w_new, cache_new)` | $c \leftarrow \beta c + (1-\beta) g^2$; $w \leftarrow w - \eta\, g / (\sqrt{c} + \epsilon)$ |
| `adam_step(w, g, m, v, t, lr, beta1, beta2, eps) -> (w_new, m_new, v_new)` | see below |

* **Momentum** goes faster when the same direction repeats.
* **AdaGrad** adapts the learning rate per parameter: parameters updated often get a large history and so a
  small step; rarely active ones get a larger step.
* **RMSProp** decays the history so that the denominator of AdaGrad does not keep growing.
* **Adam** combines both: $m \leftarrow \beta_1 m + (1-\beta_1) g$, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$,
  then, with $t$ = the 1-based number of this update, the **bias-corrected** $\hat m = m / (1-\beta_1^t)$,
  $\hat v = v / (1-\beta_2^t)$ and $w \leftarrow w - \eta\,\hat m / (\sqrt{\hat v} + \epsilon)$.
  Return $m$ and $v$ **without** the correction (they are the state for the next step).
"""

SGD = r'''
def sgd_step(w, g, lr):
    """One gradient descent step; returns a new array."""
    ### BEGIN SOLUTION
    return np.asarray(w, dtype=np.float64) - lr * np.asarray(g, dtype=np.float64)
    ### END SOLUTION
'''

MOMENTUM = r'''
def momentum_step(w, g, v, lr, gamma):
    """One momentum step; returns (w_new, v_new)."""
    ### BEGIN SOLUTION
    v_new = gamma * np.asarray(v, dtype=np.float64) + lr * np.asarray(g, dtype=np.float64)
    w_new = np.asarray(w, dtype=np.float64) - v_new
    return w_new, v_new
    ### END SOLUTION
'''

ADAGRAD = r'''
def adagrad_step(w, g, cache, lr, eps):
    """One AdaGrad step; returns (w_new, cache_new)."""
    ### BEGIN SOLUTION
    g = np.asarray(g, dtype=np.float64)
    cache_new = np.asarray(cache, dtype=np.float64) + g * g
    w_new = np.asarray(w, dtype=np.float64) - lr * g / (np.sqrt(cache_new) + eps)
    return w_new, cache_new
    ### END SOLUTION
'''

RMSPROP = r'''
def rmsprop_step(w, g, cache, lr, beta, eps):
    """One RMSProp step; returns (w_new, cache_new)."""
    ### BEGIN SOLUTION
    g = np.asarray(g, dtype=np.float64)
    cache_new = beta * np.asarray(cache, dtype=np.float64) + (1.0 - beta) * g * g
    w_new = np.asarray(w, dtype=np.float64) - lr * g / (np.sqrt(cache_new) + eps)
    return w_new, cache_new
    ### END SOLUTION
'''

ADAM = r'''
def adam_step(w, g, m, v, t, lr, beta1, beta2, eps):
    """One Adam step with bias correction (t = 1 for the first update); returns (w_new, m_new, v_new)."""
    ### BEGIN SOLUTION
    g = np.asarray(g, dtype=np.float64)
    m_new = beta1 * np.asarray(m, dtype=np.float64) + (1.0 - beta1) * g
    v_new = beta2 * np.asarray(v, dtype=np.float64) + (1.0 - beta2) * g * g
    m_hat = m_new / (1.0 - beta1 ** t)
    v_hat = v_new / (1.0 - beta2 ** t)
    w_new = np.asarray(w, dtype=np.float64) - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, m_new, v_new
    ### END SOLUTION
'''

BACKPROP_MD = r"""
## 4. Backpropagation

Forward pass, compute the loss, run it **backward** to find the gradients (chain rule), update the weights.
For $f(x, y, z) = (x + y)\,z$ with $q = x + y$: $\partial f/\partial z = q$, $\partial f/\partial q = z$, and
since $\partial q/\partial x = \partial q/\partial y = 1$, $\partial f/\partial x = \partial f/\partial y = z$.
With $x=-2, y=5, z=-4$: $f = -12$ and $[\partial f/\partial x, \partial f/\partial y, \partial f/\partial z] = [-4, -4, 3]$.
(The slide's code writes `dfdq = q` where it means `dfdz = q`.)

**Task 10** `backprop_example(x, y, z) -> (f, dfdx, dfdy, dfdz)` for numbers `x, y, z`.
"""

BACKPROP = r'''
def backprop_example(x, y, z):
    """Forward and backward pass of f = (x + y) * z."""
    ### BEGIN SOLUTION
    q = x + y
    f = q * z
    dfdz = q
    dfdq = z
    dfdx = dfdq * 1.0
    dfdy = dfdq * 1.0
    return float(f), float(dfdx), float(dfdy), float(dfdz)
    ### END SOLUTION
'''

BATCHNORM_MD = r"""
## 5. Batch normalisation

In training mode a batch-normalisation layer normalises each feature over the batch, then scales and shifts it
with learned $\gamma$ and $\beta$:
$\mu = \frac1N\sum_i x_i$, $\sigma^2 = \frac1N\sum_i (x_i-\mu)^2$ (the **biased** variance),
$y = \gamma\,\frac{x-\mu}{\sqrt{\sigma^2+\epsilon}} + \beta$ - what `keras.layers.BatchNormalization()(x, training=True)`
computes (its default $\epsilon$ is $10^{-3}$).

**Task 11** `batchnorm_forward(x, gamma, beta, eps=1e-3) -> y`, `x` of shape `(N, D)`, `gamma` and `beta` of shape `(D,)`.
"""

BATCHNORM = r'''
def batchnorm_forward(x, gamma, beta, eps=1e-3):
    """Training-mode batch normalisation over the batch axis of x (N, D)."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    x_hat = (x - mu) / np.sqrt(var + eps)
    return np.asarray(gamma, dtype=np.float64) * x_hat + np.asarray(beta, dtype=np.float64)
    ### END SOLUTION
'''

SEARCH_MD = r"""
## 6. Hyperparameter search

Hyperparameters are set before training: the learning rate, momentum, decay, epsilon (fuzz factor),
$\beta_1, \beta_2$ of Adam, dropout, layer sizes, the optimizer or activation to use... Tools like Hyperas
search them with **random search** or the Tree of Parzen Estimators (TPE).

**Task 12** `random_search(space, objective, n_trials, seed) -> (best_params, best_score)`: `space` maps a name
to a list of choices, e.g. `{"lr": [0.1, 0.01, 0.001], "units": [32, 64]}`. Draw each trial's `params` dict
(one choice per name) at random, call `objective(params)` (it returns a float, **lower is better**) exactly
`n_trials` times, and return the best params with their score. The same `seed` must give the same trials and the
same result (use `np.random.default_rng(seed)`, for example).
"""

SEARCH = r'''
def random_search(space, objective, n_trials, seed):
    """Random search over `space`; returns (best_params, best_score), lower scores being better."""
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    best_params, best_score = None, None
    for _ in range(n_trials):
        params = {}
        for name, choices in space.items():
            params[name] = choices[int(rng.integers(len(choices)))]
        score = float(objective(params))
        if best_score is None or score < best_score:
            best_params, best_score = params, score
    return best_params, best_score
    ### END SOLUTION
'''

TRAIN_MD = r"""
## 7. Training a classifier

`model.compile(loss=..., optimizer=..., metrics=["accuracy"])` chooses the loss, the optimizer (and its
parameters) and the metrics; `model.fit(x, y, epochs=..., batch_size=..., validation_data=...)` feeds the data
`epochs` times, `batch_size` samples per update. The data below are scikit-learn's **digits** (8x8 grey images,
10 classes; bundled, nothing downloads), scaled to $[0, 1]$ as float32 `(N, 8, 8, 1)`.

**Task 13** `train_classifier(x_train, y_train, x_val, y_val, optimizer, epochs) -> (model, history)`: build a
Keras model (stock Keras layers; `keras` or `tf.keras`) whose output is **class probabilities** (a softmax over
the 10 classes), compile it with the given `optimizer` **name** (e.g. `"adam"`) and train it for `epochs` epochs
on integer labels `y` of shape `(N,)`. Return the model and the `History` from `fit`. The grader trains it on
1,000 digits for 5 epochs with `"adam"` and measures the accuracy itself on digits your model never saw: it must
reach **at least 0.85** (a small CNN reaches about 0.93 in a few seconds on a CPU).
"""

DATA = r"""
from sklearn.datasets import load_digits

digits = load_digits()
images = (digits.images / 16.0).astype(np.float32)[..., np.newaxis]     # (1797, 8, 8, 1) in [0, 1]
labels = digits.target.astype(np.int64)
split = np.random.default_rng(0).permutation(len(labels))
x_train, y_train = images[split[:1000]], labels[split[:1000]]
x_val, y_val = images[split[1000:1300]], labels[split[1000:1300]]
print(x_train.shape, x_train.dtype, y_train.shape, x_val.shape)
"""

TRAIN = r'''
def train_classifier(x_train, y_train, x_val, y_val, optimizer="adam", epochs=5):
    """Build, compile and fit a small CNN that outputs class probabilities; returns (model, history)."""
    ### BEGIN SOLUTION
    import keras
    from keras import layers

    x_train = np.asarray(x_train, dtype=np.float32)
    y_train = np.asarray(y_train).astype(np.int64)
    n_classes = int(max(y_train.max(), np.max(y_val))) + 1
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=x_train.shape[1:])
    h = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    h = layers.Conv2D(32, 3, padding="same", activation="relu")(h)
    h = layers.MaxPooling2D(2)(h)
    h = layers.Flatten()(h)
    h = layers.Dense(64, activation="relu")(h)
    outputs = layers.Dense(n_classes, activation="softmax")(h)
    model = keras.Model(inputs, outputs, name="digits_cnn")
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, validation_data=(np.asarray(x_val, np.float32), np.asarray(y_val)),
                        epochs=epochs, batch_size=32, verbose=0)
    return model, history
    ### END SOLUTION
'''

OUTRO = r"""
## Try it

Train on the split above (`model, history = train_classifier(x_train, y_train, x_val, y_val, "adam", 5)`,
then `history.history["val_accuracy"]`), compare optimizers or run your `random_search` over them. Remove long
experiments before you submit: the whole notebook is run when it is graded.
"""

CELLS = [
    ("md", "intro", INTRO), ("setup", "setup", SETUP),
    ("md", "md_loss", LOSS), ("solution", "cross_entropy", CROSS_ENTROPY),
    ("md", "md_mean_loss", MEAN_CE_MD), ("solution", "mean_cross_entropy", MEAN_CE),
    ("md", "md_metrics", METRICS), ("solution", "confusion_matrix", CONFUSION),
    ("md", "md_prf", PRF_MD), ("solution", "precision_recall_f1", PRF),
    ("md", "md_optimizers", OPTIMIZERS), ("solution", "sgd_step", SGD), ("solution", "momentum_step", MOMENTUM),
    ("solution", "adagrad_step", ADAGRAD), ("solution", "rmsprop_step", RMSPROP), ("solution", "adam_step", ADAM),
    ("md", "md_backprop", BACKPROP_MD), ("solution", "backprop_example", BACKPROP),
    ("md", "md_batchnorm", BATCHNORM_MD), ("solution", "batchnorm_forward", BATCHNORM),
    ("md", "md_search", SEARCH_MD), ("solution", "random_search", SEARCH),
    ("md", "md_training", TRAIN_MD), ("setup", "data", DATA), ("solution", "train_classifier", TRAIN),
    ("md", "md_try_it", OUTRO),
]
