"""digits_split: offline, seeded, and its disguise defeats training on scikit-learn's own copy."""
import numpy as np
import pytest

from autograder.testing.datasets import digits_split


def _centroid_accuracy(x_fit, y_fit, x_eval, y_eval):
    flat = lambda a: a.reshape(len(a), -1)
    classes = np.unique(y_fit)
    centroids = np.stack([flat(x_fit)[y_fit == c].mean(axis=0) for c in classes])
    dist = ((flat(x_eval)[:, None, :] - centroids[None]) ** 2).sum(axis=2)
    return float(np.mean(classes[dist.argmin(axis=1)] == y_eval))


def test_split_shapes_ranges_and_determinism():
    parts = digits_split(100, 20, 30, seed=1)
    assert [len(p) for p in parts] == [100, 100, 20, 20, 30, 30]
    x_train, y_train = parts[:2]
    assert x_train.shape == (100, 8, 8, 1) and x_train.dtype == np.float32 and y_train.dtype == np.int64
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    again = digits_split(100, 20, 30, seed=1)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))
    assert not np.array_equal(digits_split(100, 20, 30, seed=2)[0], x_train)


def test_asking_for_more_than_the_set_has_is_an_error():
    with pytest.raises(ValueError, match="1797"):
        digits_split(1000, 500, 500, seed=0)


@pytest.mark.parametrize("disguise", [0, 1, 48213, 7777])
def test_disguise_keeps_the_task_learnable_but_defeats_a_model_fit_on_the_plain_digits(disguise):
    plain = digits_split(1000, 200, 597, seed=20190911)
    hidden = digits_split(1000, 200, 597, seed=20190911, disguise=disguise)
    x_train, y_train, _, _, x_hold, y_hold = hidden
    assert sorted(np.unique(y_train)) == list(range(10)) and x_train.shape == plain[0].shape
    assert not np.array_equal(y_train, plain[1])
    # every class renamed: the plain label of an image never equals its disguised label
    assert not np.any(plain[1] == y_train)
    assert _centroid_accuracy(x_train, y_train, x_hold, y_hold) > 0.85          # fit on what was passed in
    cheat_x, cheat_y = plain[0], plain[1]                                        # fit on sklearn's own digits
    assert _centroid_accuracy(cheat_x, cheat_y, x_hold, y_hold) < 0.2
    # the same images, only turned and renamed: pixel sums per image are unchanged
    assert np.allclose(np.sort(x_train.sum(axis=(1, 2, 3))), np.sort(plain[0].sum(axis=(1, 2, 3))))
