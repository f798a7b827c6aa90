import math
from unittest.mock import Mock

import numpy as np
import pytest

from gradbook import checks, dual
from gradbook.circuits import multiply_gate
from gradbook.search import (
    MAX_ITERATIONS,
    gradient_ascent,
    make_rng,
    perturb,
    random_search,
)

# The seeds chapter 1 runs the article's experiment with, and what they give.
CHAPTER_SEEDS = {
    1: (-1.7877999586234339, 2.889049719735686, -5.165042969404503),
    2: (-1.7373971176744747, 2.9029677636770566, -5.043607825314433),
    3: (-1.8100469228623317, 2.85481365659194, -5.167346674459602),
}


def article_search(seed):
    return random_search(
        multiply_gate, start=(-2, 3), tweak=0.01, iterations=100, rng=seed
    )


@pytest.mark.parametrize("seed", sorted(CHAPTER_SEEDS))
def test_the_articles_experiment_for_the_chapters_seeds(seed):
    history = article_search(seed)
    x, y, output = CHAPTER_SEEDS[seed]
    assert history.best_point.tolist() == [x, y]
    assert history.best_output == output == multiply_gate(x, y)
    # The article: from -6 to about -5.2, roughly 0.008 per iteration.
    assert -5.4 < history.best_output < -4.9
    assert 0.006 < history.improvement_per_iteration < 0.011


def test_improvement_per_iteration_averages_near_0_008():
    finals = [
        article_search(seed).improvement_per_iteration for seed in range(200)
    ]
    assert 0.0078 < np.mean(finals) < 0.0090


@pytest.mark.parametrize("seed", range(20))
def test_best_output_never_decreases_and_matches_the_best_point(seed):
    history = article_search(seed)
    assert np.all(np.diff(history.best_outputs) >= 0)
    np.testing.assert_array_equal(
        history.best_outputs,
        history.best_points[:, 0] * history.best_points[:, 1],
    )


def test_after_the_first_try_the_best_output_never_goes_down():
    # Chapter 1, exercise 1.3: from a best of -inf, a long first try can
    # land below the start; after it, the best output never goes down.
    def hill(x, y):
        return -(x * x + y * y)

    climbs = [random_search(hill, (2, 1), 1.0, 100, s) for s in range(50)]
    assert sum(c.best_outputs[0] < hill(2, 1) for c in climbs) == 30
    assert all(np.all(np.diff(c.best_outputs) >= 0) for c in climbs)


def test_a_try_is_kept_exactly_when_it_beats_the_best_so_far():
    history = article_search(7)
    best = -math.inf
    for output, kept in zip(
        history.try_outputs, history.accepted, strict=True
    ):
        assert kept == (output > best)
        best = max(best, output)
    # The first try is always kept: the search starts from a best of -inf.
    assert history.accepted[0]


def test_tries_stay_within_the_tweak_of_the_point_they_came_from():
    history = article_search(4)
    previous = np.vstack([history.start, history.best_points[:-1]])
    steps = np.abs(history.tries - previous)
    assert steps.max() <= 0.01
    assert steps.max() > 0.009  # uniform on [-1, 1) reaches close to the edge


def test_same_seed_same_history_and_a_generator_works_like_its_seed():
    a, b = article_search(11), article_search(11)
    c = random_search(
        multiply_gate, (-2, 3), 0.01, 100, rng=np.random.default_rng(11)
    )
    for field in (
        "tries",
        "try_outputs",
        "accepted",
        "best_points",
        "best_outputs",
    ):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
        np.testing.assert_array_equal(getattr(a, field), getattr(c, field))
    assert not np.array_equal(a.tries, article_search(12).tries)


def test_history_shapes_and_zero_iterations():
    history = random_search(multiply_gate, (-2, 3), 0.5, 0, 0)
    assert history.tries.shape == (0, 2)
    assert history.best_point.tolist() == [-2.0, 3.0]
    assert history.best_output == -6.0
    assert history.improvement_per_iteration == 0.0
    assert article_search(0).tries.shape == (100, 2)


@pytest.mark.parametrize("tweak", [0, -0.01, math.inf, math.nan])
def test_tweak_must_be_positive_and_finite(tweak):
    with pytest.raises(
        ValueError, match="tweak must be a positive finite number"
    ):
        random_search(multiply_gate, (-2, 3), tweak, 10, 0)


@pytest.mark.parametrize("tweak", ["0.01", None, True])
def test_tweak_must_be_a_number(tweak):
    with pytest.raises(TypeError, match="tweak must be a positive number"):
        random_search(multiply_gate, (-2, 3), tweak, 10, 0)


def test_iterations_must_be_a_non_negative_whole_number():
    with pytest.raises(
        ValueError, match="iterations must be at least 0, got -1"
    ):
        random_search(multiply_gate, (-2, 3), 0.01, -1, 0)
    with pytest.raises(TypeError, match="iterations must be a whole number"):
        random_search(multiply_gate, (-2, 3), 0.01, 10.5, 0)


@pytest.mark.parametrize("start", [("a", 3), (-2, None), "ab", -2])
def test_start_must_hold_numbers(start):
    with pytest.raises(TypeError, match="start must"):
        random_search(multiply_gate, start, 0.01, 10, 0)


def test_start_must_be_finite():
    with pytest.raises(ValueError, match="start must be finite"):
        random_search(multiply_gate, (math.nan, 3), 0.01, 10, 0)


def test_rng_must_be_a_generator_or_a_seed():
    with pytest.raises(
        TypeError, match="rng must be a numpy Generator or an integer seed"
    ):
        make_rng("seed")
    generator = np.random.default_rng(0)
    assert make_rng(generator) is generator


def test_perturb_handles_a_list_of_arrays():
    params = [np.zeros((2, 3)), np.zeros(4)]
    moved = perturb(params, 0.1, np.random.default_rng(0))
    assert [m.shape for m in moved] == [(2, 3), (4,)]
    assert all(np.abs(m).max() <= 0.1 for m in moved)


def test_gradient_ascent_beats_random_search_on_the_same_budget():
    ascent = gradient_ascent(
        multiply_gate, (-2, 3), step_size=0.01, iterations=100
    )
    assert np.all(np.diff(ascent.best_outputs) > 0)  # every step improves
    assert ascent.best_output > max(
        article_search(s).best_output for s in range(20)
    )
    exact = gradient_ascent(
        multiply_gate, (-2, 3), 0.01, 100, gradient=dual.gradient
    )
    np.testing.assert_allclose(
        exact.best_points, ascent.best_points, rtol=0, atol=1e-8
    )


def test_gradient_ascent_first_step_follows_the_gradient():
    ascent = gradient_ascent(
        multiply_gate,
        (-2, 3),
        step_size=0.01,
        iterations=1,
        gradient=dual.gradient,
    )
    # The gradient of x*y at (-2, 3) is (y, x) = (3, -2).
    assert ascent.best_point.tolist() == [-2 + 0.03, 3 - 0.02]


def test_gradient_ascent_checks_its_step_size():
    with pytest.raises(
        ValueError, match="step_size must be a positive finite number"
    ):
        gradient_ascent(multiply_gate, (-2, 3), step_size=0.0)


def test_loops_are_bounded():
    # a huge count once grew the history without bound
    message = "random_search: iterations must be at most 1000000"
    with pytest.raises(ValueError, match=message):
        random_search(multiply_gate, (-2, 3), 0.01, 10**12, 0)
    message = "gradient_ascent: iterations must be at most"
    with pytest.raises(ValueError, match=message):
        gradient_ascent(multiply_gate, (-2, 3), 0.01, MAX_ITERATIONS + 1)
    assert MAX_ITERATIONS == checks.MAX_ITERATIONS == 1_000_000


@pytest.mark.parametrize(
    ("bad", "error"),
    [(True, TypeError), (math.nan, ValueError), ("0.1", TypeError)],
)
def test_every_message_names_the_function_and_the_argument(bad, error):
    with pytest.raises(error, match="random_search: tweak must be a positive"):
        random_search(multiply_gate, (-2, 3), bad, 10, 0)
    message = "gradient_ascent: step_size must be a positive"
    with pytest.raises(error, match=message):
        gradient_ascent(multiply_gate, (-2, 3), bad, 10)


def test_f_must_return_one_number():
    message = "random_search: f returned None; it must return one number"
    with pytest.raises(TypeError, match=message):
        random_search(lambda x, y: None, (-2, 3), 0.01, 10, 0)
    message = "random_search: f must be a function, got str"
    with pytest.raises(TypeError, match=message):
        random_search("x * y", (-2, 3), 0.01, 10, 0)
    message = r"random_search: start must be .*got tuple \(True, 3\)"
    with pytest.raises(TypeError, match=message):
        random_search(multiply_gate, (True, 3), 0.01, 10, 0)


def test_normalized_ascent_takes_steps_of_exactly_step_size():
    ascent = gradient_ascent(
        multiply_gate,
        (-2, 3),
        0.01,
        100,
        gradient=dual.gradient,
        normalized=True,
    )
    np.testing.assert_allclose(ascent.step_lengths, 0.01, rtol=1e-12)
    # Chapter 1's equal-length race: about -2.84 after 100 steps.
    assert -2.85 < ascent.best_output < -2.82
    assert np.all(np.diff(ascent.best_outputs) > 0)


def test_normalized_ascent_stays_where_the_gradient_is_zero():
    ascent = gradient_ascent(
        multiply_gate,
        (0, 0),
        0.5,
        3,
        gradient=dual.gradient,
        normalized=True,
    )
    assert ascent.best_point.tolist() == [0.0, 0.0]


def test_normalized_must_be_a_bool():
    with pytest.raises(TypeError, match="normalized must be True or False"):
        gradient_ascent(multiply_gate, (-2, 3), normalized=1)


def test_step_lengths_measure_each_try_from_where_it_started():
    ascent = gradient_ascent(multiply_gate, (-2, 3), 0.01, 100)
    # The first step is 0.01 * |(3, -2)| = 0.01 * sqrt(13).
    assert abs(ascent.step_lengths[0] - 0.01 * math.sqrt(13)) < 1e-9
    history = article_search(1)
    lengths = history.step_lengths
    assert lengths.shape == (100,)
    assert lengths.max() <= 0.01 * math.sqrt(2)
    first = history.tries[0] - [-2, 3]
    assert abs(lengths[0] - np.hypot(*first)) < 1e-15
    later = history.tries[5] - history.best_points[4]
    assert abs(lengths[5] - np.hypot(*later)) < 1e-15
    empty = random_search(multiply_gate, (-2, 3), 0.01, 0, 0)
    assert empty.step_lengths.shape == (0,)


def circle_try(point, tweak, rng):
    angle = rng.uniform(0.0, 2.0 * math.pi)
    return point + tweak * np.array([math.cos(angle), math.sin(angle)])


def test_random_search_can_take_its_tries_from_another_proposal():
    history = random_search(
        multiply_gate, (-2, 3), 0.01, 100, rng=1, propose=circle_try
    )
    np.testing.assert_allclose(history.step_lengths, 0.01, rtol=1e-12)
    assert history.best_output > -6.0
    default = random_search(
        multiply_gate, (-2, 3), 0.01, 100, rng=1, propose=perturb
    )
    np.testing.assert_array_equal(default.tries, article_search(1).tries)


def test_counted_in_evaluations_random_tries_win_in_two_dimensions():
    # Chapter 1: 100 finite-difference steps evaluate f as often as 500
    # random tries (501 times, with the start), and the tries end higher.
    counted = Mock(wraps=multiply_gate)
    steps = gradient_ascent(counted, (-2, 3), 0.01, 100, normalized=True)
    assert counted.call_count == 501
    counted = Mock(wraps=multiply_gate)
    random_search(counted, (-2, 3), 0.01, 500, 0, propose=circle_try)
    assert counted.call_count == 501
    counted = Mock(wraps=multiply_gate)
    random_search(counted, (-2, 3), 0.01, 100, 0)
    assert counted.call_count == 101
    finals = [
        random_search(
            multiply_gate, (-2, 3), 0.01, 500, s, propose=circle_try
        ).best_output
        for s in range(20)
    ]
    assert min(finals) > steps.best_output


def test_a_proposal_must_be_callable_and_keep_the_shape():
    with pytest.raises(TypeError, match="random_search: propose must"):
        random_search(multiply_gate, (-2, 3), propose=5)
    message = r"random_search: a try has shape \(3,\), but start has shape"
    with pytest.raises(ValueError, match=message):
        random_search(
            multiply_gate, (-2, 3), propose=lambda p, t, r: np.zeros(3)
        )
