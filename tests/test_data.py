import numpy as np
import pytest

from gradbook import data


def test_spirals_shape_labels_and_seed():
    x, labels = data.spirals(50, classes=3, noise=0.1, rng=4)
    assert (
        x.shape == (150, 2)
        and labels.tolist() == [0] * 50 + [1] * 50 + [2] * 50
    )
    again, _ = data.spirals(50, classes=3, noise=0.1, rng=4)
    np.testing.assert_array_equal(x, again)
    assert not np.array_equal(
        x, data.spirals(50, classes=3, noise=0.1, rng=5)[0]
    )
    assert np.abs(x).max() <= 1.0  # points lie within the unit disc


def test_spirals_need_two_classes():
    message = "spirals: classes must be at least 2, got 1"
    with pytest.raises(ValueError, match=message):
        data.spirals(10, classes=1)


def test_digits_split_is_fixed_and_disjoint():
    d = data.digits(test_fraction=0.25, seed=0)
    assert d.x_train.shape == (1348, 64) and d.x_test.shape == (449, 64)
    assert d.classes == 10 and set(d.y_test) == set(range(10))
    assert d.x_train.min() >= 0.0 and d.x_train.max() <= 1.0
    again = data.digits(test_fraction=0.25, seed=0)
    np.testing.assert_array_equal(d.y_test, again.y_test)
    train_rows = {row.tobytes() for row in d.x_train}
    overlap = sum(row.tobytes() in train_rows for row in d.x_test)
    assert (
        overlap < 5
    )  # only the few exact duplicate images the data set contains


def test_digits_test_fraction_must_be_a_fraction():
    with pytest.raises(
        ValueError, match=r"test_fraction must be between 0 and 1, got 1\.5"
    ):
        data.digits(test_fraction=1.5)


def test_data_arguments_follow_the_policy():
    message = "spirals: n_per_class must be a whole number, got bool True"
    with pytest.raises(TypeError, match=message):
        data.spirals(True)
    message = "spirals: noise must be a finite number of at least 0, got nan"
    with pytest.raises(ValueError, match=message):
        data.spirals(10, noise=float("nan"))
    message = "spirals: rng must be a numpy Generator or an integer seed"
    with pytest.raises(TypeError, match=message):
        data.spirals(10, rng="seed")


def test_shipped_digits_are_scikit_learns():
    from sklearn.datasets import load_digits

    bunch = load_digits()
    pixels, labels = data.load_digits()
    assert pixels.dtype == bunch.data.dtype
    assert labels.dtype == bunch.target.dtype
    np.testing.assert_array_equal(pixels, bunch.data)
    np.testing.assert_array_equal(labels, bunch.target)
