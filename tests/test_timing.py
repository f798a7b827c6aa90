"""gradbook.timing: a fast call still gets a nonzero time."""

import time

from gradbook.timing import seconds_per_call


def test_a_fast_call_is_timed_over_enough_calls():
    # Each timing covers at least 0.2 s, so even a clock that counts in
    # steps of 0.1 ms (a browser's) sees a call of well under 1 us.
    seconds = seconds_per_call(lambda: None, repeat=2)
    assert 0 < seconds < 1e-4


def test_a_slow_call_is_timed_once_per_measurement():
    calls = []
    seconds = seconds_per_call(
        lambda: calls.append(time.sleep(0.25)), repeat=2
    )
    assert len(calls) == 2  # autorange's call is the first measurement
    assert 0.25 <= seconds < 1.0
