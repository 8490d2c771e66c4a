"""What the grader learns about an object that stays in the kernel: ``describe(obj) -> (kind, description)``.

Runs inside the student's kernel (and in-process for ``LocalProxy``). Every description is plain data (str,
int, float, bool, None, lists, tuples, str-keyed dicts): only it crosses to the grader, never the object.
Kinds (docs/ARCHITECTURE.md "The proxy contract"):

    keras_model        class, name, input_shape, output_shape, params, trainable_params, non_trainable_params,
                       optimizer, inputs [shape], outputs [{name, shape}], layers [layer description]
    keras_layer        class, module, name, output_shape, params, trainable_params, trainable, inbound, config
    keras_tensor       shape, dtype, name (a symbolic tensor, e.g. ``keras.Input``)
    keras_history      history {metric: [per-epoch floats]}, epoch [ints], params (plain subset)
    sklearn_estimator  class, module, steps (a Pipeline's step classes, else []), fitted, params (plain subset)
    iterator           class, module (generators and other iterators)
    object             class, module, mro [class names] (anything else)

Only the standard library here; keras and sklearn are imported lazily and only when the student's code already
did (``sys.modules``), so describing a plain object never pays for TensorFlow. A describer that fails (student
code in a custom ``get_config`` may raise) falls back to the generic ``object`` description.
"""

import math
import sys

_SKIP = object()
MAX_LAYERS = 2000


def plain_config(v, depth=0):
    """The plain-data part of ``v`` (a ``get_config()`` or ``get_params()`` dict); other values are left out."""
    if v is None or type(v) in (bool, int, str):
        return v
    if type(v) is float:
        return v if math.isfinite(v) else None
    if depth < 6 and type(v) in (list, tuple):
        return [x for x in (plain_config(y, depth + 1) for y in v) if x is not _SKIP]
    if depth < 6 and type(v) is dict:
        out = {}
        for k, x in v.items():
            x = plain_config(x, depth + 1)
            if type(k) is str and x is not _SKIP:
                out[k] = x
        return out
    return _SKIP


def _config(obj, method, **kw):
    try:
        cfg = plain_config(getattr(obj, method)(**kw))
    except Exception:
        return {}
    return cfg if isinstance(cfg, dict) else {}


def _shape(s):
    try:
        if isinstance(s, list):
            return [_shape(x) for x in s]
        return tuple(None if n is None else int(n) for n in s)
    except Exception:
        return None


def _count(obj, attr):
    try:
        total = 0
        for w in getattr(obj, attr):
            n = 1
            for d in w.shape:
                n *= int(d)
            total += n
        return total
    except Exception:
        return 0


def _loaded(prefix):
    return any(name == prefix or name.startswith(prefix + ".") for name in list(sys.modules))


def _class_names(cls):
    try:
        return [str(c.__name__) for c in cls.__mro__][:50]
    except Exception:
        return []


def generic(obj):
    """The ``object`` description: class, module and the class names of its MRO."""
    cls = type(obj)
    return "object", {"class": str(cls.__name__), "module": str(cls.__module__), "mro": _class_names(cls)}


def describe(obj):
    """``(kind, description)`` for ``obj``; never raises for what the object does (except interrupts)."""
    for describer in (_describe_keras, _describe_sklearn, _describe_iterator):
        try:
            found = describer(obj)
        except Exception:
            found = None
        if found is not None:
            return found
    return generic(obj)


# -- Keras --------------------------------------------------------------------------------------------------
def _keras():
    if not _loaded("keras"):
        return None
    try:
        import keras
    except Exception:
        return None
    return keras


def _layer_names(model):
    try:
        return [str(layer.name) for layer in model.layers]
    except Exception:
        return []


def _inbound(layer, known):
    """Names of the layers (among ``known``, the model's own) whose outputs feed ``layer``, in call order."""
    names = []
    for node in getattr(layer, "_inbound_nodes", None) or []:
        for parent in getattr(node, "parent_nodes", None) or []:
            name = str(getattr(getattr(parent, "operation", None), "name", ""))
            if name in known and name not in names:
                names.append(name)
    return names


def layer_description(layer, known=()):
    try:
        out_shape = _shape(layer.output.shape)
    except Exception:
        out_shape = None
    try:
        inbound = _inbound(layer, set(known))
    except Exception:
        inbound = []
    return {"class": type(layer).__name__, "module": type(layer).__module__, "name": str(layer.name),
            "output_shape": out_shape, "params": _count(layer, "weights"),
            "trainable_params": _count(layer, "trainable_weights"), "trainable": bool(layer.trainable),
            "inbound": inbound, "config": _config(layer, "get_config")}


def _outputs(model):
    tensors = list(getattr(model, "outputs", None) or [])
    names = getattr(model, "output_names", None)
    if not (isinstance(names, (list, tuple)) and len(names) == len(tensors)):
        names = [getattr(getattr(t, "_keras_history", None), "operation", None) for t in tensors]
        names = [getattr(op, "name", None) for op in names]
    return [{"name": None if n is None else str(n), "shape": _shape(t.shape)} for n, t in zip(names, tensors)]


def model_description(model):
    def prop(name):
        try:
            return _shape(getattr(model, name))
        except Exception:
            return None
    trainable = _count(model, "trainable_weights")
    total = _count(model, "weights")
    try:
        optimizer = getattr(model, "optimizer", None)
        optimizer = type(optimizer).__name__ if optimizer is not None else None
    except Exception:
        optimizer = None
    try:
        inputs = [_shape(t.shape) for t in (model.inputs or [])]
    except Exception:
        inputs = []
    try:
        outputs = _outputs(model)
    except Exception:
        outputs = []
    known = _layer_names(model)
    try:
        layers = [layer_description(layer, known) for layer in list(model.layers)[:MAX_LAYERS]]
    except Exception:
        layers = []
    return {"class": type(model).__name__, "name": str(model.name), "input_shape": prop("input_shape"),
            "output_shape": prop("output_shape"), "params": total, "trainable_params": trainable,
            "non_trainable_params": total - trainable, "optimizer": optimizer, "inputs": inputs,
            "outputs": outputs, "layers": layers}


def history_description(obj):
    hist = getattr(obj, "history", None)
    series = {}
    for k, v in dict.items(hist if isinstance(hist, dict) else {}):
        try:
            series[str(k)] = [float(x) for x in v]
        except Exception:
            continue
    params = getattr(obj, "params", None)
    return {"history": series, "epoch": [int(e) for e in (getattr(obj, "epoch", None) or [])],
            "params": plain_config(params) if isinstance(params, dict) else {}}


def _describe_keras(obj):
    keras = _keras()
    if keras is None:
        return None
    if isinstance(obj, keras.Model):
        return "keras_model", model_description(obj)
    if isinstance(obj, keras.layers.Layer):
        return "keras_layer", layer_description(obj)
    if isinstance(obj, keras.callbacks.History):
        return "keras_history", history_description(obj)
    if isinstance(obj, keras.KerasTensor):
        return "keras_tensor", {"shape": _shape(obj.shape), "dtype": str(obj.dtype), "name": str(obj.name)}
    return None


# -- scikit-learn -------------------------------------------------------------------------------------------
def _describe_sklearn(obj):
    if not _loaded("sklearn"):
        return None
    try:
        from sklearn.base import BaseEstimator
    except Exception:
        return None
    if not isinstance(obj, BaseEstimator):
        return None
    steps = []
    for step in getattr(obj, "steps", None) or []:
        try:
            steps.append(type(step[1]).__name__)
        except Exception:
            continue
    return "sklearn_estimator", {"class": type(obj).__name__, "module": type(obj).__module__, "steps": steps,
                                 "fitted": _fitted(obj), "params": _config(obj, "get_params", deep=False)}


def _fitted(est):
    try:
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted
    except Exception:
        return False
    try:
        check_is_fitted(est)
    except NotFittedError:
        return False
    except Exception:
        return False
    return True


# -- iterators ----------------------------------------------------------------------------------------------
def _describe_iterator(obj):
    cls = type(obj)
    if callable(getattr(cls, "__next__", None)) and callable(getattr(cls, "__iter__", None)):
        return "iterator", {"class": str(cls.__name__), "module": str(cls.__module__)}
    return None
