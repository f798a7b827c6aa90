"""Chapter 6's experiment (gradbook.explorables.batch_norm): the ranges it
prints, the claims the chapter makes from them, and its bad inputs.  The
figure itself is checked with every explorable (test_explorables.py)."""

import numpy as np
import pytest

from gradbook import nn
from gradbook.explorables import batch_norm as experiment


@pytest.mark.parametrize(
    ("value", "edges", "unit", "text"),
    [
        (0.1, (0.25, 5, 20), "", "below 0.25"),
        (0.25, (0.25, 5, 20), "", "0.25 to 5"),
        (7.0, (0.25, 5, 20), "", "5 to 20"),
        (91.7, (0.25, 5, 20), "", "above 20"),
        (float("inf"), (0.25, 5, 20), "", "above 20"),
        (float("nan"), (0.25, 5, 20), "", "not a number"),
        (float("nan"), (20, 90), "%", "not a number"),
        (11.6, (20, 90), "%", "below 20%"),
        (96.9, (20, 90), "%", "above 90%"),
        (50.0, (20, 90), "%", "20% to 90%"),
    ],
)
def test_rough_gives_the_range_a_value_lies_in(value, edges, unit, text):
    assert experiment.rough(value, edges, unit) == text


def test_at_rate_2_only_the_network_with_batch_norm_trains():
    plain = experiment.verdict(experiment.run(2.0, False))
    normalized = experiment.verdict(experiment.run(2.0, True))
    assert plain == "loss above 5, test accuracy below 80%"
    assert normalized == "loss below 0.5, test accuracy above 80%"


def test_runs_are_shared_and_measuring_them_changes_nothing():
    run = experiment.run(1.0, True)
    assert experiment.run(1, True) is run  # the figure reuses the table's
    before = run.params.layers[1].running_mean.copy()
    accuracy = experiment.test_accuracy(run)
    assert 0.9 < accuracy <= 1.0
    assert run.params.layers[1].training  # still in training mode
    np.testing.assert_array_equal(run.params.layers[1].running_mean, before)
    assert len(experiment.epoch_losses(run)) == experiment.EPOCHS


def test_compute_draws_both_networks_at_one_of_its_rates():
    data = experiment.compute(1.0)
    assert experiment.RATES == (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
    assert data.plain_losses.shape == data.normalized_losses.shape == (10,)
    assert data.plain_accuracy > 0.9 and data.normalized_accuracy > 0.9


def test_the_title_gives_ranges_never_a_runs_last_digits():
    # at rate 10 the accuracies themselves differ from machine to machine
    data = experiment.compute(10.0)
    assert experiment.RESULT.format_map(vars(data)) == (
        "test accuracy below 80% without, above 80% with batch normalization"
    )


@pytest.mark.parametrize(
    ("rate", "error", "words"),
    [
        (3.0, ValueError, "learning_rate must be one of"),
        ("1", TypeError, "learning_rate"),
        (float("nan"), ValueError, "learning_rate"),
    ],
)
def test_compute_rejects_a_rate_it_has_no_run_for(rate, error, words):
    with pytest.raises(error, match=words) as caught:
        experiment.compute(rate)
    assert str(caught.value).startswith("batch_norm.compute")


def test_a_run_that_ends_in_nan_classifies_no_digit_correctly():
    trained = experiment.run(1.0, True)
    params = [np.full_like(p, np.nan) for p in trained.params.params]
    broken = nn.History(
        params=trained.params.with_params(params),
        losses=[np.nan] * len(trained.losses),
    )
    assert np.isnan(experiment.test_accuracy(broken))
    assert experiment.verdict(broken) == (
        "loss not a number, test accuracy not a number"
    )
