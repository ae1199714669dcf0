"""Survey formulas (METRICS.md §4) and the IQS interval (§5) on answer sets worked out by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from opsdesk.quality.survey_scores import ces, csat, iqs, nps, response_rate


def test_csat_counts_the_top_two_boxes_with_neutrals_in_the_denominator() -> None:
    result = csat([5, 4, 3, 2, 5], scale=5)
    assert (result.n, result.satisfied, result.mean) == (5, 60, Fraction(19, 5))
    assert csat([3, 3, 4, 1], scale=4).satisfied == 75  # 1–4: {3, 4}
    assert csat([3, 2, 1], scale=3).satisfied == Fraction(100, 3)  # 1–3: {3}
    assert csat([7, 6, 5], scale=7).satisfied == Fraction(200, 3)
    assert csat([], scale=5) == csat([], scale=5) and csat([]).satisfied is None
    with pytest.raises(ValueError):
        csat([6], scale=5)


def test_csat_two_point() -> None:
    result = csat([2, 2, 1, 2], scale=2)  # good, good, bad, good
    assert (result.satisfied, result.mean) == (75, Fraction(7, 4))


def test_nps_worked_example() -> None:
    result = nps([10] * 110 + [7] * 50 + [3] * 40)  # METRICS.md's own example
    assert (result.n, result.promoters, result.passives, result.detractors, result.score) == (200, 110, 50, 40, 35)
    assert result.se == pytest.approx(5.601, abs=0.001)
    assert result.band == pytest.approx(10.98, abs=0.01)


def test_nps_with_only_passives_is_zero_with_no_uncertainty() -> None:
    result = nps([7, 8, 8, 7, 7])
    assert (result.score, result.se, result.band) == (0, 0.0, 0.0)
    assert nps([]).score is None
    assert nps([9] * 400).band is None  # 400 answers: no band shown
    assert nps([9, 9, 0]).score == 33 and nps([0, 0, 9]).score == -33  # rounded half away from zero
    with pytest.raises(ValueError):
        nps([11])


def test_ces_mean_and_share_agreeing() -> None:
    result = ces([7, 5, 4, 2])
    assert (result.mean, result.agree) == (Fraction(9, 2), 50)


def test_response_rate_counts_delivered_surveys_only() -> None:
    assert response_rate(30, sent=110, failed=10) == Fraction(3, 10)
    assert response_rate(0, sent=5, failed=5) is None
    with pytest.raises(ValueError):
        response_rate(11, sent=10, failed=0)


def test_iqs_interval_and_low_sample() -> None:
    result = iqs([80.0, 90.0, 100.0])
    assert result.mean == 90.0 and result.low_sample
    assert result.half_width == pytest.approx(1.96 * 10 / 3**0.5)  # sample sd 10
    assert iqs([]).mean is None and iqs([70.0]).half_width is None
    assert not iqs([80.0] * 10).low_sample
