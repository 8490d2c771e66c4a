"""KernelProxy against hostile student code, LocalProxy, callbacks and remote Keras models."""
import os
import resource
import tempfile
from pathlib import Path

import nbformat
import numpy as np
import numpy.testing
import pytest

from autograder.core.errors import BadReturn, KernelDied, MissingName, StudentException, StudentTimeout
from autograder.core.manifest import Limits
from autograder.engine.codec import RESULT_MIME
from autograder.engine.execute import execute_notebook, make_restore
from autograder.engine.kernel import SandboxedKernel
from autograder.engine.proxy import Callback, KernelProxy, LocalProxy, RemoteObject

STUDENT = r'''
import os, json
import numpy as np
from IPython.display import publish_display_data

def add(a, b):
    return a + b

def boom():
    raise ValueError("bad input")

def loop():
    while True:
        pass

def stubborn_loop():
    while True:
        try:
            while True:
                pass
        except BaseException:
            pass

def exit_now():
    os._exit(1)

def kill_self():
    os.kill(os.getpid(), 9)

def fork_many():
    import time
    for _ in range(400):
        if os.fork() == 0:
            time.sleep(30)
            os._exit(0)
    time.sleep(30)

def tamper_messaging():
    get_ipython().kernel.session.pack = lambda obj: b'[1, 2]'
    return 1

def hog():
    return bytearray(50 * 2**30)

def mutate(x):
    x[0] = 99.0

def apply(f, n):
    return [f(i) for i in range(n)]

class Liar(float):
    def __eq__(self, other):
        return True
    __hash__ = float.__hash__
    def __float__(self):
        return 42.0

class ArrayLike:
    def __array__(self, dtype=None, copy=None):
        return np.ones(3)
    def __eq__(self, other):
        return True

def liar():
    return Liar(1.0)

def array_like():
    return ArrayLike()

def object_array():
    return np.array([ArrayLike()], dtype=object)

def forge():
    fake = json.dumps({"nonce": "0" * 32, "status": "ok", "value": "999"})
    print(json.dumps({RESULT: fake}))
    publish_display_data({RESULT: fake})
    return 1

def sabotage():
    import numpy.testing
    np.allclose = lambda *a, **k: True
    numpy.testing.assert_allclose = lambda *a, **k: None
    return np.allclose(1, 2)

not_callable = 5
'''.replace("RESULT", repr(RESULT_MIME))

# few processes allowed, so that the fork bomb is caught long before the call timeout even where forking a big
# kernel is slow (about 30 forks a second on a loaded 2-core machine)
LIMITS = Limits(call_timeout=1.5, memory_mb=4096, max_processes=24)


@pytest.fixture(scope="module")
def setup():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(STUDENT)])
    with tempfile.TemporaryDirectory() as d:
        kernel = SandboxedKernel(Path(d), LIMITS, sandbox="auto")
        kernel.start()
        report = execute_notebook(nb, kernel, LIMITS)
        assert report.notes == []
        restore = make_restore(nb, kernel, LIMITS)
        calls = []

        def counting_restore():
            calls.append(1)
            return restore()
        yield KernelProxy(kernel, restore=counting_restore, limits=LIMITS), calls
        kernel.shutdown()


@pytest.fixture
def proxy(setup):
    return setup[0]


pytestmark = pytest.mark.slow


def test_plain_call_and_array_round_trip(proxy):
    got = proxy.add(np.arange(3.0), 1)
    assert isinstance(got, np.ndarray) and got.tolist() == [1.0, 2.0, 3.0]
    assert proxy.call("add", "a", b="b") == "ab"


def test_student_exception_carries_type_and_message_only(proxy):
    with pytest.raises(StudentException) as e:
        proxy.boom()
    assert (e.value.ename, e.value.evalue) == ("ValueError", "bad input")
    assert "Traceback" not in e.value.feedback and "_autograder" not in e.value.feedback


def test_missing_or_not_callable_name(proxy):
    for name in ("does_not_exist", "not_callable"):
        with pytest.raises(MissingName):
            proxy.call(name)


@pytest.mark.parametrize("name", ["loop", "stubborn_loop"])
def test_infinite_loop_times_out_and_next_call_works_in_a_fresh_kernel(setup, name):
    proxy, restores = setup
    before = len(restores)
    with pytest.raises(StudentTimeout):
        proxy.call(name)
    assert proxy.add(1, 2) == 3
    assert len(restores) == before + 1


AS_ROOT = pytest.mark.skipif(os.geteuid() != 0, reason="as a normal user RLIMIT_NPROC stops the forks first")


@pytest.mark.parametrize("name", ["exit_now", "kill_self", "tamper_messaging", pytest.param("fork_many", marks=AS_ROOT)])
def test_kernel_death_restores_state_for_next_call(setup, name):
    proxy, restores = setup
    before = len(restores)
    with pytest.raises(KernelDied) as e:
        proxy.call(name)
    assert ("tampered" in str(e.value)) == (name == "tamper_messaging")
    assert ("too many processes" in str(e.value)) == (name == "fork_many")
    assert proxy.add(2, 3) == 5
    assert len(restores) == before + 1


def test_huge_allocation_fails_inside_the_kernel_only(proxy):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises((StudentException, KernelDied)) as e:
        proxy.hog()
    if isinstance(e.value, StudentException):
        assert e.value.ename == "MemoryError"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 200 * 1024
    assert proxy.add(1, 1) == 2


def test_input_mutation_is_visible_through_call_with_args(proxy):
    result, args_after = proxy.call_with_args("mutate", np.zeros(2))
    assert result is None and args_after[0].tolist() == [99.0, 0.0]


def test_callback_runs_in_the_grader_and_is_counted(proxy):
    cb = Callback(lambda i: {"score": i * 2})
    assert proxy.apply(cb, 3) == [{"score": 0}, {"score": 2}, {"score": 4}]
    assert cb.calls == 3


def test_hostile_objects_never_reach_the_grader_alive(proxy):
    got = proxy.liar()
    assert type(got) is float and got == 1.0
    kept = proxy.array_like()      # not plain data: it stays in the kernel, only its description crosses
    assert isinstance(kept, RemoteObject) and (kept.kind, kept.description["class"]) == ("object", "ArrayLike")
    assert kept.description["mro"] == ["ArrayLike", "object"]
    with pytest.raises(BadReturn):
        proxy.object_array()


def test_forged_results_on_stdout_or_display_are_ignored(proxy):
    assert proxy.forge() == 1


def test_monkeypatching_numpy_in_the_kernel_does_not_touch_the_grader(proxy):
    assert proxy.sabotage() is True
    assert not np.allclose(1, 2)
    with pytest.raises(AssertionError):
        numpy.testing.assert_allclose(1, 2)


def test_local_proxy_same_interface_through_the_codec():
    seen = []
    ns = {"scale": lambda x, k=2: x * k, "mut": lambda x: x.__setitem__(0, 5), "obj": lambda: object(),
          "use": lambda f: f(3), "bad": lambda: 1 / 0, "objects": lambda: np.array([object()])}
    local = LocalProxy(ns)
    x = np.ones(2)
    assert local.scale(x, k=3).tolist() == [3.0, 3.0]
    _, after = local.call_with_args("mut", x)
    assert after[0].tolist() == [5.0, 1.0] and x.tolist() == [1.0, 1.0]
    kept = local.obj()
    assert isinstance(kept, RemoteObject) and kept.kind == "object" and kept.description["class"] == "object"
    with pytest.raises(BadReturn):
        local.objects()
    with pytest.raises(MissingName):
        local.nothing()
    with pytest.raises(StudentException, match="ZeroDivisionError"):
        local.bad()
    assert local.use(Callback(lambda v: seen.append(v) or v + 1)) == 4 and seen == [3]

    def grader_bug(v):
        raise LookupError("the test's own objective broke")
    with pytest.raises(LookupError):            # the grader's failure is not blamed on the student
        local.use(Callback(grader_bug))


KERAS_CELL = r'''
import keras
def build():
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu", name="hidden"),
                             keras.layers.Dense(2, name="out")], name="tiny")

def fit_one():
    import numpy as np
    model = build()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.zeros((8, 4), "float32"), np.zeros((8, 2), "float32"), epochs=2, verbose=0)
    return model, history
'''


@pytest.mark.sandbox
def test_keras_model_stays_in_the_kernel_as_a_remote_object(tmp_path):
    limits = Limits(call_timeout=120, cell_timeout=120)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(KERAS_CELL)])
    with SandboxedKernel(tmp_path, limits, sandbox="auto") as kernel:
        assert execute_notebook(nb, kernel, limits).notes == []
        proxy = KernelProxy(kernel, restore=make_restore(nb, kernel, limits), limits=limits)
        model = proxy.build()
        assert isinstance(model, RemoteObject) and model.kind == "keras_model"
        d = model.description
        assert (d["class"], d["name"], d["params"], d["trainable_params"]) == ("Sequential", "tiny", 23, 23)
        assert d["input_shape"] == (None, 4) and d["output_shape"] == (None, 2)
        hidden = d["layers"][0]
        assert (hidden["class"], hidden["name"], hidden["params"]) == ("Dense", "hidden", 15)
        assert hidden["module"].startswith("keras.") and hidden["config"]["activation"] == "relu"
        out = model.call("predict", np.zeros((5, 4), dtype="float32"), verbose=0)
        assert out.shape == (5, 2) and out.dtype == np.float32
        fitted, history = proxy.fit_one()   # (model, History) as train_classifier returns
        assert fitted.kind == "keras_model" and history.kind == "keras_history"
        assert (d["optimizer"], fitted.description["optimizer"]) == (None, "SGD")
        assert list(history.description["history"]) == ["loss"] and history.description["epoch"] == [0, 1]


def test_shim_removed_by_student_code_is_reinstalled(proxy):
    assert proxy.add(1, 1) == 2
    proxy._kernel.run("import sys\nsys.modules.pop('_autograder_shim', None)", timeout=10)
    assert proxy.add(2, 3) == 5


def test_the_tests_own_deadline_caps_its_calls(setup):
    """A test's calls share its time limit: a call started near the deadline gets only what is left."""
    import time
    proxy, _ = setup
    assert LIMITS.call_timeout == 1.5
    proxy._deadline = time.monotonic() + 0.3
    try:
        with pytest.raises(StudentTimeout) as e:
            proxy.call("loop")
        assert 0 < e.value.seconds <= 0.3              # given only what was left of the test, not call_timeout
        with pytest.raises(StudentTimeout):            # deadline passed: refused without running
            proxy.add(1, 2)
        with pytest.raises(StudentTimeout):            # factories run under the same deadline
            proxy.make("write_files", {})
    finally:
        proxy._deadline = None
    assert proxy.add(1, 2) == 3
