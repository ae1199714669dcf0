"""Erlang C and A, shrinkage, chat concurrency and deferred work (METRICS §6.2–6.4): the worked example, hand-checked
cases (light load, heavy load near N = A, hundreds of agents, no traffic), Erlang A converging to C, and impossible
inputs refused naming their field."""

from __future__ import annotations

import math

import pytest

from opsdesk.core.errors import ActionError
from opsdesk.workforce import erlang

HALF_HOUR = 1800


def erlang_c_by_sums(agents: int, load: float) -> float:
    """An independent Erlang C: the textbook sums, term by term in log space (no recursion)."""
    logs = [k * math.log(load) - math.lgamma(k + 1) for k in range(agents)]
    last = agents * math.log(load) - math.lgamma(agents + 1) + math.log(agents / (agents - load))
    top = max([*logs, last])
    below = sum(math.exp(x - top) for x in logs)
    waiting = math.exp(last - top)
    return waiting / (below + waiting)


def test_the_worked_example_of_metrics_6_2() -> None:
    target = erlang.Target(0.85, 30)
    short = erlang.evaluate(25, volume=135, interval_seconds=HALF_HOUR, aht=280, target_seconds=30)
    assert short.traffic == pytest.approx(21.0)
    assert round(short.service_level, 4) == 0.7997
    found = erlang.required(volume=135, interval_seconds=HALF_HOUR, aht=280, target=target)
    assert found.agents == 26
    assert round(erlang.erlang_b(26, 21.0), 6) == 0.050834
    assert round(found.wait_probability, 6) == 0.217829
    assert round(found.service_level, 6) == 0.872516
    assert round(found.asa, 3) == 12.198
    assert round(found.occupancy or 0, 6) == 0.807692
    assert round(found.queue_length, 3) == 0.915
    assert round(found.delayed_wait, 1) == 56.0
    assert round(found.immediate_answer, 6) == round(1 - 0.217829, 6)
    assert erlang.scheduled(found.agents, 0.32) == 39
    capped = erlang.required(
        volume=135, interval_seconds=HALF_HOUR, aht=280, target=erlang.Target(0.85, 30, max_occupancy=0.80)
    )
    assert capped.agents == 27


def test_light_load_one_agent_waits_with_probability_a() -> None:
    # 3 contacts of 300 s in 30 minutes: A = 0.5; with one agent C(1, A) = A
    found = erlang.evaluate(1, volume=3, interval_seconds=HALF_HOUR, aht=300, target_seconds=20)
    assert found.wait_probability == pytest.approx(0.5)
    assert found.service_level == pytest.approx(1 - 0.5 * math.exp(-0.5 * 20 / 300))
    assert found.asa == pytest.approx(0.5 * 300 / 0.5)
    required = erlang.required(volume=3, interval_seconds=HALF_HOUR, aht=300, target=erlang.Target(0.80, 20))
    assert required.agents == 2  # one agent answers 51.6 % within 20 s
    assert erlang.evaluate(1, volume=3, interval_seconds=HALF_HOUR, aht=300, target_seconds=20).service_level < 0.8


@pytest.mark.parametrize(("agents", "load"), [(22, 21.0), (21, 20.999), (30, 29.5), (400, 390.0), (900, 870.0)])
def test_heavy_load_and_hundreds_of_agents_match_the_textbook_sums(agents: int, load: float) -> None:
    assert erlang.erlang_c(agents, load) == pytest.approx(erlang_c_by_sums(agents, load), rel=1e-9)


def test_the_required_agents_for_hundreds_is_the_smallest_that_meets_the_target() -> None:
    target = erlang.Target(0.80, 20)
    found = erlang.required(volume=5000, interval_seconds=HALF_HOUR, aht=280, target=target)
    load = 5000 * 280 / HALF_HOUR
    below = erlang.evaluate(found.agents - 1, volume=5000, interval_seconds=HALF_HOUR, aht=280, target_seconds=20)
    assert found.agents > load
    assert found.service_level >= 0.80 > below.service_level
    assert found.wait_probability == pytest.approx(erlang_c_by_sums(found.agents, load), rel=1e-9)


def test_no_traffic_needs_no_agents() -> None:
    found = erlang.required(volume=0, interval_seconds=HALF_HOUR, aht=280, target=erlang.Target(0.8, 20))
    assert (found.agents, found.service_level, found.asa, found.occupancy, found.wait_probability) == (
        0,
        1.0,
        0.0,
        None,
        0.0,
    )


def test_an_unstable_queue_waits_forever() -> None:
    found = erlang.evaluate(21, volume=135, interval_seconds=HALF_HOUR, aht=280, target_seconds=30)
    assert (found.wait_probability, found.service_level, found.asa) == (1.0, 0.0, math.inf)
    assert erlang.erlang_c(20, 21.0) == 1.0


def test_a_service_level_exactly_at_the_target_is_met() -> None:
    exact = erlang.evaluate(26, volume=135, interval_seconds=HALF_HOUR, aht=280, target_seconds=30).service_level
    found = erlang.required(volume=135, interval_seconds=HALF_HOUR, aht=280, target=erlang.Target(exact, 30))
    assert found.agents == 26


def test_an_asa_target_can_ask_for_more_agents() -> None:
    found = erlang.required(volume=135, interval_seconds=HALF_HOUR, aht=280, target=erlang.Target(0.85, 30, asa=5))
    assert found.agents == 28  # ASA 12.2 s at 26, 6.8 s at 27, 3.9 s at 28
    assert found.asa <= 5 < erlang.evaluate(27, volume=135, interval_seconds=HALF_HOUR, aht=280, target_seconds=30).asa


def test_a_target_of_100_percent_within_zero_seconds_has_no_answer() -> None:
    with pytest.raises(ActionError) as refused:
        erlang.required(volume=135, interval_seconds=HALF_HOUR, aht=280, target=erlang.Target(1.0, 0))
    assert refused.value.field == "service_level"


def need(volume: float = 10, aht: float = 280, **target: float) -> erlang.Result:
    return erlang.required(
        volume=volume,
        interval_seconds=HALF_HOUR,
        aht=aht,
        target=erlang.Target(**{"service_level": 0.8, "seconds": 20, **target}),
    )


def patient(patience: float) -> erlang.Result:
    return erlang.evaluate_abandonment(
        5, volume=10, interval_seconds=HALF_HOUR, aht=280, patience=patience, target_seconds=20
    )


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: need(aht=0), "aht_seconds"),
        (lambda: need(service_level=1.2), "service_level"),
        (lambda: need(volume=-1), "volume"),
        (lambda: need(volume=float("nan")), "volume"),
        (lambda: need(seconds=-1), "target_seconds"),
        (lambda: need(max_occupancy=0), "max_occupancy"),
        (lambda: erlang.scheduled(10, 1.0), "shrinkage"),
        (lambda: erlang.scheduled(10, 1.5), "shrinkage"),
        (lambda: erlang.effective_aht(300, 9), "concurrency"),
        (lambda: patient(0), "patience_seconds"),
    ],
)
def test_impossible_inputs_are_refused_naming_the_field(call: object, field: str) -> None:
    with pytest.raises(ActionError) as refused:
        call()  # type: ignore[operator]
    assert refused.value.field == field
    assert refused.value.status == 422


def test_erlang_a_converges_to_erlang_c_as_patience_grows() -> None:
    c = erlang.evaluate(26, volume=135, interval_seconds=HALF_HOUR, aht=280, target_seconds=30)
    previous = None
    for patience in (60.0, 600.0, 6_000.0, 60_000.0, 6_000_000.0, 600_000_000.0):
        a = erlang.evaluate_abandonment(
            26, volume=135, interval_seconds=HALF_HOUR, aht=280, patience=patience, target_seconds=30
        )
        gap = abs(a.wait_probability - c.wait_probability)
        if previous is not None:
            assert gap < previous
        previous = gap
    assert a.wait_probability == pytest.approx(c.wait_probability, abs=1e-5)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-5)
    assert a.asa == pytest.approx(c.asa, rel=1e-5)
    assert a.abandon_probability < 1e-6


def test_erlang_a_abandonment_follows_little_and_stays_stable_over_capacity() -> None:
    # 30 Erlangs on 25 agents: Erlang C has no steady state; with 2-minute patience the queue is finite
    a = erlang.evaluate_abandonment(
        25, volume=200, interval_seconds=HALF_HOUR, aht=270, patience=120, target_seconds=20
    )
    arrival = 200 / HALF_HOUR
    assert a.traffic == pytest.approx(30.0)
    assert 0 < a.abandon_probability < 1 and math.isfinite(a.asa)
    assert a.abandon_probability == pytest.approx((1 / 120) * a.queue_length / arrival)
    assert a.asa == pytest.approx(a.queue_length / arrival)
    assert a.occupancy == pytest.approx(arrival * (1 - a.abandon_probability) * 270 / 25)
    assert (a.occupancy or 0) < 1
    assert 0 < a.service_level < 1


def test_erlang_a_needs_fewer_agents_than_c_when_customers_give_up() -> None:
    target = erlang.Target(0.85, 30)
    c = erlang.required(volume=135, interval_seconds=HALF_HOUR, aht=280, target=target)
    a = erlang.required_abandonment(volume=135, interval_seconds=HALF_HOUR, aht=280, patience=120, target=target)
    assert a.agents < c.agents
    assert a.service_level >= 0.85


def test_shrinkage_adds_or_compounds_and_is_divided() -> None:
    assert erlang.shrinkage_additive([0.10, 0.12, 0.10]) == pytest.approx(0.32)
    assert erlang.shrinkage_sequential([0.10, 0.20]) == pytest.approx(1 - 0.9 * 0.8)
    assert erlang.scheduled(26, 0.32) == 39  # ⌈38.24⌉, not 26 × 1.32 = 34.3
    assert erlang.scheduled(21, 0.30) == 30  # 21 / 0.7 is 30.000000000000004 in floating point
    with pytest.raises(ActionError):
        erlang.shrinkage_additive([0.6, 0.5])


def test_chat_concurrency_divides_the_handle_time_by_the_table() -> None:
    assert erlang.effective_aht(600, 1) == 600
    assert erlang.effective_aht(600, 2) == pytest.approx(600 / 1.7)
    assert erlang.effective_aht(600, 3) == pytest.approx(240.0)
    assert erlang.effective_aht(600, 5) == pytest.approx(600 / 3.5)


def test_deferred_work_counts_only_absence_shrinkage() -> None:
    found = erlang.deferred(backlog=300, target_days=2, daily_inflow=450, on_task_hours=6, aht=360, absence=0.10)
    assert found.throughput == 600  # 300 / 2 + 450
    assert found.per_agent == 60  # 6 h · 3600 / 360 s
    assert found.attended == 10
    assert found.scheduled == 12  # ⌈10 / 0.9⌉ = ⌈11.1⌉


def test_a_series_is_checked_once_and_each_interval_searched() -> None:
    target = erlang.Target(0.85, 30)
    assert erlang.required_series([0, 135, 3], interval_seconds=HALF_HOUR, aht=280, target=target) == [0, 26, 2]
    with pytest.raises(ActionError) as refused:
        erlang.required_series([1, -2], interval_seconds=HALF_HOUR, aht=280, target=target)
    assert refused.value.field == "volume"


@pytest.mark.parametrize(
    ("volume", "patience", "target"), [(135, 120, 0.85), (40, 30, 0.8), (900, 300, 0.9), (5, 600, 0.8)]
)
def test_erlang_a_search_finds_the_smallest_n_that_meets_the_target(
    volume: float, patience: float, target: float
) -> None:
    goal = erlang.Target(target, 20, max_occupancy=0.9)
    found = erlang.required_abandonment(
        volume=volume, interval_seconds=HALF_HOUR, aht=280, patience=patience, target=goal
    )

    def meets(n: int) -> bool:
        r = erlang.evaluate_abandonment(
            n, volume=volume, interval_seconds=HALF_HOUR, aht=280, patience=patience, target_seconds=20
        )
        return r.service_level >= target and (r.occupancy or 0) <= 0.9

    assert meets(found.agents) and not meets(found.agents - 1)


def test_traffic_beyond_any_queue_is_refused() -> None:
    with pytest.raises(ActionError) as refused:
        erlang.required(volume=10**6, interval_seconds=HALF_HOUR, aht=280, target=erlang.Target(0.8, 20))
    assert refused.value.field == "volume" and "Erlangs" in refused.value.message
