"""Week 6's shared test helpers (public and hidden tests load them with ``load_helper``): the student's model,
its outputs matched by name, the weights that reach each output, cross-entropy, the compiled model and the
History's series. Nothing here is secret: the student's release carries this file beside the public tests."""
import numpy as np

from autograder.testing.checks import CheckFailed, describe, expect_true


def model_of(student, args):
    """build_multi_output_model(*args), which must be a keras.Model."""
    got = student.build_multi_output_model(*args)
    expect_true(getattr(got, "kind", None) == "keras_model",
                f"build_multi_output_model{args} should return a keras.Model, received {describe(got)}")
    return got


def outputs_by_name(model, x, what, *, batch_size=None):
    """`model.predict(x)` as {output name: float64 array}, from a dict or from a list in `output_names` order."""
    kwargs = {"batch_size": batch_size} if batch_size else {}
    pred = model.call("predict", x, verbose=0, **kwargs)
    if isinstance(pred, dict):
        return {str(k): np.asarray(v, np.float64) for k, v in pred.items()}
    names = [o.get("name") for o in model.description.get("outputs", [])]
    if isinstance(pred, (list, tuple)) and len(pred) == len(names):
        return {str(n): np.asarray(p, np.float64) for n, p in zip(names, pred)}
    raise CheckFailed(f"{what}: predict returned {describe(pred)}; a model with two outputs gives a list of two "
                      "arrays or a dict")


def outputs_each_weight_moves(model, x, what, seed):
    """For each float weight array of `model`, the set of output names that perturbing it (alone) changes."""
    base = outputs_by_name(model, x, what)
    weights = model.call("get_weights")
    noise = np.random.default_rng(seed)
    reach = []
    for i, w in enumerate(weights):
        w = np.asarray(w)
        if w.size == 0 or w.dtype.kind != "f":
            continue
        moved = list(weights)
        moved[i] = (w + noise.normal(0, 0.5, size=w.shape)).astype(w.dtype)
        model.call("set_weights", moved)
        out = outputs_by_name(model, x, what)
        reach.append({n for n in base if n in out and not np.allclose(out[n], base[n], rtol=0, atol=1e-6)})
    model.call("set_weights", weights)
    return reach


def cross_entropy(p, y):
    """Mean sparse categorical cross-entropy of probabilities `p` (n, k) for integer labels `y`."""
    return float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1.0))))


def compiled(student, model, loss_weights, what):
    """The model compile_multi_output compiled: the one it returns, or the one passed when it returns None."""
    got = student.compile_multi_output(model, dict(loss_weights))
    if got is None:
        return model
    expect_true(getattr(got, "kind", None) == "keras_model",
                f"{what} should return the model (or None), received {describe(got)}")
    return got


def history_series(history, what):
    """The per-epoch series of what train_multi_output returned (a History, or its `.history` dict)."""
    if getattr(history, "kind", None) == "keras_history":
        return history.description["history"]
    if isinstance(history, dict) and all(isinstance(v, (list, tuple, np.ndarray)) for v in history.values()):
        return {str(k): [float(x) for x in v] for k, v in history.items()}
    raise CheckFailed(f"{what} should return the History that fit() returns, received {describe(history)}")
