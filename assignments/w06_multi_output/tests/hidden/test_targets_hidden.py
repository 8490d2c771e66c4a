"""Hidden checks for week 6's make_targets: random class-to-group maps (2 to 4 groups, not even/odd), `groups`
as a list, a tuple or an array, labels of any integer dtype, inputs left unchanged."""
import numpy as np
import pytest

from autograder.testing.checks import describe, expect_array, expect_true, expect_unchanged


def _check(student, reference, y, groups, what):
    got = student.make_targets(y, groups)
    want = reference.make_targets(y, groups)
    expect_true(isinstance(got, dict) and sorted(map(str, got)) == ["class", "group"],
                f"{what} should return a dict with the keys 'class' and 'group', received {describe(got)}"
                + (f" with the keys {sorted(map(str, got))}" if isinstance(got, dict) else ""))
    expect_array(got["class"], want["class"], rtol=0, atol=0, what=f"{what}['class'] (the labels y)")
    expect_array(got["group"], want["group"], rtol=0, atol=0, what=f"{what}['group'] (groups[y], the group of each "
                                                                 "sample's class)")


def _random_groups(rng, num_classes, num_groups):
    while True:             # every group used, and not simply c % num_groups or c // size
        groups = rng.integers(0, num_groups, size=num_classes)
        plain = [np.arange(num_classes) % num_groups, np.arange(num_classes) * num_groups // num_classes]
        if len(set(groups.tolist())) == num_groups and not any(np.array_equal(groups, p) for p in plain):
            return groups


@pytest.mark.task("make_targets", points=4)
def test_make_targets_random_maps(student, reference, rng):
    for num_classes, num_groups, kind in [(10, 2, list), (10, 3, tuple), (7, 4, np.asarray), (12, 2, list)]:
        groups = _random_groups(rng, num_classes, num_groups)
        groups = kind(int(g) for g in groups) if kind is not np.asarray else groups.astype(np.int64)
        n = int(rng.integers(20, 60))
        y = rng.integers(0, num_classes, size=n).astype(rng.choice([np.int64, np.int32]))
        _check(student, reference, y, groups,
               f"make_targets(y of {n} labels, groups as a {type(groups).__name__} of {num_classes} classes -> "
               f"{num_groups} groups)")


@pytest.mark.task("make_targets", points=2)
def test_make_targets_edge_cases(student, reference, rng):
    groups = [2, 0, 1, 1, 0, 2]
    for y in (np.array([4]), np.array([5, 5, 5, 0]), np.arange(6)[::-1].copy()):
        _check(student, reference, y, groups, f"make_targets(y={y.tolist()}, groups={groups})")


@pytest.mark.task("make_targets", points=2)
def test_make_targets_leaves_inputs_unchanged(student, reference, rng):
    groups = _random_groups(rng, 10, 3).astype(np.int64)
    y = rng.integers(0, 10, size=30)
    got, after = student.call_with_args("make_targets", y.copy(), groups.copy())
    expect_unchanged((y, groups), after[:2], what="make_targets(y, groups)", names=("y", "groups"))
    _check(student, reference, y, groups, "make_targets(y, groups as an int64 array)")
