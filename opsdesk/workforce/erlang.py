"""Staffing arithmetic of METRICS §6.2–6.4: Erlang C, Erlang A, shrinkage, chat concurrency and deferred work.

Pure functions on plain numbers (no database): the what-if page, the staffing plans and the benchmark call the same
code. Inputs are checked here, once, and a refused input raises `ActionError` naming the field, so a form, the API and
a plan all show the same message.

Numerics follow §6.2: the Erlang B recursion in float64 (never factorials or powers), the search for the required
agents from ⌊A⌋ + 1 continuing one recursion (so a whole search costs O(N)), an error above 10·(A + 1). Erlang A
(§6.3) sums the birth–death chain with running rescaling so that loads in the hundreds of Erlangs do not overflow.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from opsdesk.core.errors import invalid_input

# Default chat concurrency table of §6.4: f(c) for c concurrent chats.
CONCURRENCY: dict[int, float] = {1: 1.0, 2: 1.7, 3: 2.5, 4: 2.9, 5: 3.5}
MAX_CONCURRENCY = 5
TRUNCATE = 1e-12  # Erlang A: stop the chain where a term is below this share of the sum
RESCALE = 1e200
# ⌈x⌉ of a quotient computed in floating point: 21 / 0.7 is 30.000000000000004, which is 30 agents, not 31.
CEIL_SLACK = 1e-9
MAX_TRAFFIC = 10_000  # Erlangs in one interval of one queue: beyond any desk's queue, and a bound on the work asked


def ceil(x: float) -> int:
    return math.ceil(x - CEIL_SLACK)


@dataclass(frozen=True)
class Result:
    """Queue figures for N agents. `service_level`, `asa` and `occupancy` follow §6.2 (or §6.3 with abandonment);
    `asa` is math.inf on an unstable queue; `occupancy` is None without traffic."""

    agents: int
    traffic: float  # A, Erlangs
    wait_probability: float  # Pw
    service_level: float  # share answered within the target time
    asa: float  # mean wait over all contacts, seconds
    occupancy: float | None
    queue_length: float  # Lq
    delayed_wait: float  # mean wait of the contacts that waited, seconds
    abandon_probability: float = 0.0  # Erlang A only

    @property
    def immediate_answer(self) -> float:
        return 1.0 - self.wait_probability


def check_positive(value: float, field: str) -> None:
    if not math.isfinite(value) or value <= 0:
        raise invalid_input(field, _("Enter a number above zero."))


def check_share(value: float, field: str, *, allow_zero: bool = False, allow_one: bool = False) -> None:
    """A fraction in (0, 1), optionally with 0 or 1 allowed."""
    low_ok = value > 0 or (allow_zero and value == 0)
    high_ok = value < 1 or (allow_one and value == 1)
    if not math.isfinite(value) or not (low_ok and high_ok):
        if value < 0 or (value == 0 and not allow_zero):
            raise invalid_input(field, _("Enter a percentage above zero."))
        raise invalid_input(field, _("Enter a percentage below 100."))


def traffic(volume: float, interval_seconds: float, aht: float) -> float:
    """A = λ · AHT with λ = volume ÷ interval length (per second)."""
    if not math.isfinite(volume) or volume < 0:
        raise invalid_input("volume", _("Enter zero or more contacts."))
    check_positive(interval_seconds, "interval")
    check_positive(aht, "aht_seconds")
    load = volume / interval_seconds * aht
    if load > MAX_TRAFFIC:
        raise invalid_input(
            "volume",
            _("More than %(n)d Erlangs in one interval: split the queue or check the volume.") % {"n": MAX_TRAFFIC},
        )
    return load


def erlang_b(agents: int, load: float) -> float:
    """Blocking probability B(N, A) by the recursion B(k) = A·B(k−1) / (k + A·B(k−1))."""
    b = 1.0
    for k in range(1, agents + 1):
        b = load * b / (k + load * b)
    return b


def _wait_probability(agents: int, load: float, b: float) -> float:
    return agents * b / (agents - load * (1.0 - b))


def erlang_c(agents: int, load: float) -> float:
    """Pw = C(N, A); 1 on an unstable queue (N ≤ A), 0 without traffic."""
    if load <= 0:
        return 0.0
    if agents <= load:
        return 1.0
    return _wait_probability(agents, load, erlang_b(agents, load))


def _result(agents: int, load: float, b: float, aht: float, target_seconds: float) -> Result:
    if load <= 0:
        return Result(agents, 0.0, 0.0, 1.0, 0.0, None, 0.0, 0.0)
    occupancy = load / agents if agents else None
    if agents <= load:
        return Result(agents, load, 1.0, 0.0, math.inf, occupancy, math.inf, math.inf)
    pw = _wait_probability(agents, load, b)
    spare = agents - load
    return Result(
        agents=agents,
        traffic=load,
        wait_probability=pw,
        service_level=1.0 - pw * math.exp(-spare * target_seconds / aht),
        asa=pw * aht / spare,
        occupancy=occupancy,
        queue_length=pw * load / spare,
        delayed_wait=aht / spare,
    )


def evaluate(agents: int, *, volume: float, interval_seconds: float, aht: float, target_seconds: float) -> Result:
    """Erlang C figures for N agents (§6.2)."""
    load = traffic(volume, interval_seconds, aht)
    if agents < 0:
        raise invalid_input("agents", _("Enter zero or more agents."))
    if not math.isfinite(target_seconds) or target_seconds < 0:
        raise invalid_input("target_seconds", _("Enter zero or more seconds."))
    return _result(agents, load, erlang_b(agents, load), aht, target_seconds)


@dataclass(frozen=True)
class Target:
    """A service target: `service_level` of contacts answered within `seconds`; optionally a mean wait (ASA) and a
    maximum occupancy, both as §6.2 adds them to the search."""

    service_level: float  # 0 < x < 1
    seconds: float
    asa: float | None = None
    max_occupancy: float | None = None

    def check(self) -> None:
        check_share(self.service_level, "service_level")  # 100 % is never reached: Pw > 0 for any N
        if not math.isfinite(self.seconds) or self.seconds < 0:
            raise invalid_input("target_seconds", _("Enter zero or more seconds."))
        if self.asa is not None:
            check_positive(self.asa, "asa_seconds")
        if self.max_occupancy is not None:
            check_share(self.max_occupancy, "max_occupancy", allow_one=True)


def required(*, volume: float, interval_seconds: float, aht: float, target: Target) -> Result:
    """The smallest N > A meeting the target (SL exactly at the target counts as met), then raised to ⌈A / occ_max⌉
    under an occupancy cap. λ = 0 gives N = 0."""
    target.check()
    load = traffic(volume, interval_seconds, aht)
    agents = _search(load, aht, target)
    return _result(agents, load, erlang_b(agents, load), aht, target.seconds)


def _search(load: float, aht: float, target: Target) -> int:
    """The required N for checked inputs: one B recursion from ⌊A⌋ + 1 upward, figures computed inline."""
    if load <= 0:
        return 0
    agents = math.floor(load)
    b = erlang_b(agents, load)
    limit = 10 * (load + 1)
    scale = target.seconds / aht
    goal = target.service_level
    asa_goal = target.asa
    while True:
        agents += 1
        if agents > limit:
            raise invalid_input("service_level", _("No number of agents meets this target; lower it."))
        b = load * b / (agents + load * b)
        spare = agents - load
        pw = agents * b / (agents - load * (1.0 - b))
        if 1.0 - pw * math.exp(-spare * scale) >= goal and (asa_goal is None or pw * aht / spare <= asa_goal):
            break
    if target.max_occupancy is not None:
        agents = max(agents, ceil(load / target.max_occupancy))
    return agents


# --- Erlang A (§6.3) ----------------------------------------------------------------------------------------------


def _chain(agents: int, arrival: float, service: float, abandon: float) -> list[float]:
    """Stationary probabilities p_0.. of the birth–death chain, truncated where a term falls below TRUNCATE of the
    running sum (after the first N + 1 states)."""
    terms = [1.0]
    total = 1.0
    term = 1.0
    n = 0
    while True:
        n += 1
        death = min(n, agents) * service + max(n - agents, 0) * abandon
        if death <= 0:  # no agents and no abandonment: every arrival waits forever
            break
        term = term * arrival / death
        terms.append(term)
        total += term
        if total > RESCALE:
            terms = [t / total for t in terms]
            term /= total
            total = 1.0
        if n > agents and term < TRUNCATE * total:
            break
    return [t / total for t in terms]


def _served_within(chain: list[float], agents: int, service: float, abandon: float, seconds: float) -> float:
    """P(an arrival who waits is answered within `seconds`), summed over the states it may find, by uniformisation of
    the tagged customer's position: k customers ahead move it forward at N·μ + k·θ; it abandons at θ; from k = 0 a
    service completion answers it."""
    waiting = chain[agents:]
    if not waiting or seconds <= 0:
        return 0.0
    depth = len(waiting)
    rates = [agents * service + k * abandon + abandon for k in range(depth)]
    uniform = max(rates)
    if uniform <= 0:
        return 0.0
    mean = uniform * seconds
    # P(k ahead) after m jumps; `answered` accumulates mass absorbed in "answered" weighted by P(Poisson ≥ m + 1).
    state = list(waiting)
    answered = 0.0
    poisson = math.exp(-mean) if mean < 700 else 0.0
    log_poisson = -mean
    tail = 1.0  # P(Poisson(mean) ≥ m + 1) as m advances: 1 − Σ_{j ≤ m} P(j)
    m = 0
    cumulative = 0.0
    limit = int(mean + 12 * math.sqrt(mean) + 50)
    while m <= limit and sum(state) > 1e-15:
        cumulative += poisson
        tail = max(0.0, 1.0 - cumulative)
        forward = [0.0] * depth
        absorbed = 0.0
        for k, mass in enumerate(state):
            if mass == 0.0:
                continue
            ahead = agents * service + k * abandon
            if k == 0:
                absorbed += mass * ahead / uniform
            else:
                forward[k - 1] += mass * ahead / uniform
            stay = 1.0 - rates[k] / uniform
            forward[k] += mass * stay
        # an answer at jump m + 1 is within `seconds` when at least m + 1 Poisson events occur by then
        answered += absorbed * tail
        state = forward
        m += 1
        log_poisson += math.log(mean) - math.log(m)
        poisson = math.exp(log_poisson)
    return answered


def evaluate_abandonment(
    agents: int, *, volume: float, interval_seconds: float, aht: float, patience: float, target_seconds: float
) -> Result:
    """Erlang A figures (§6.3) for N agents with exponential patience of mean `patience` seconds. The service level
    is the share of all arrivals answered within the target time (an abandoned contact is not answered)."""
    load = traffic(volume, interval_seconds, aht)
    check_positive(patience, "patience_seconds")
    if agents < 0:
        raise invalid_input("agents", _("Enter zero or more agents."))
    if load <= 0:
        return Result(agents, 0.0, 0.0, 1.0, 0.0, None, 0.0, 0.0)
    arrival = volume / interval_seconds
    service = 1.0 / aht
    abandon = 1.0 / patience
    chain = _chain(agents, arrival, service, abandon)
    wait_probability = sum(chain[agents:])
    queue_length = sum((n - agents) * p for n, p in enumerate(chain) if n > agents)
    abandon_probability = abandon * queue_length / arrival
    within = _served_within(chain, agents, service, abandon, target_seconds)
    asa = queue_length / arrival
    return Result(
        agents=agents,
        traffic=load,
        wait_probability=wait_probability,
        service_level=(1.0 - wait_probability) + within,
        asa=asa,
        occupancy=arrival * (1.0 - abandon_probability) / (agents * service) if agents else None,
        queue_length=queue_length,
        delayed_wait=asa / wait_probability if wait_probability > 0 else 0.0,
        abandon_probability=abandon_probability,
    )


def required_abandonment(
    *, volume: float, interval_seconds: float, aht: float, patience: float, target: Target
) -> Result:
    """The smallest N meeting the target under Erlang A, with the occupancy cap as in Erlang C. Every condition only
    improves with more agents, so the search doubles from ⌈A⌉ until one meets it, then halves the interval: a few
    dozen chains, whatever the load (the chain is stable at any load, so N may be below A)."""
    target.check()
    load = traffic(volume, interval_seconds, aht)
    check_positive(patience, "patience_seconds")
    if load <= 0:
        return Result(0, 0.0, 0.0, 1.0, 0.0, None, 0.0, 0.0)
    limit = math.floor(10 * (load + 1))

    def figures(n: int) -> Result:
        return evaluate_abandonment(
            n,
            volume=volume,
            interval_seconds=interval_seconds,
            aht=aht,
            patience=patience,
            target_seconds=target.seconds,
        )

    def meets(found: Result) -> bool:
        return (
            found.service_level >= target.service_level
            and (target.asa is None or found.asa <= target.asa)
            and (target.max_occupancy is None or found.occupancy is None or found.occupancy <= target.max_occupancy)
        )

    low, high = 0, max(1, math.ceil(load))  # low never meets (0 agents answer nobody), high is tried
    while not meets(figures(high)):
        if high >= limit:
            raise invalid_input("service_level", _("No number of agents meets this target; lower it."))
        low, high = high, min(limit, high * 2)
    while high - low > 1:
        middle = (low + high) // 2
        if meets(figures(middle)):
            high = middle
        else:
            low = middle
    return figures(high)


# --- Shrinkage, chat concurrency, deferred work (§6.4) -------------------------------------------------------------


def shrinkage_additive(parts: Iterable[float]) -> float:
    """Components measured as fractions of paid time add up: s = Σ s_i."""
    total = 0.0
    for part in parts:
        check_share(part, "shrinkage", allow_zero=True)
        total += part
    check_share(total, "shrinkage", allow_zero=True)
    return total


def shrinkage_sequential(parts: Iterable[float]) -> float:
    """Components each measured on the time left after the previous one compound: s = 1 − Π(1 − s_i)."""
    kept = 1.0
    for part in parts:
        check_share(part, "shrinkage", allow_zero=True)
        kept *= 1.0 - part
    return 1.0 - kept


def scheduled(agents: float, shrinkage: float) -> int:
    """Agents to schedule so that `agents` are productive: ⌈N / (1 − s)⌉ (divide; never multiply by 1 + s)."""
    check_share(shrinkage, "shrinkage", allow_zero=True)
    return ceil(agents / (1.0 - shrinkage))


def effective_aht(aht: float, concurrency: int, table: dict[int, float] | None = None) -> float:
    """A chat's effective handle time when an agent holds `concurrency` chats at once: AHT ÷ f(c)."""
    check_positive(aht, "aht_seconds")
    factors = table or CONCURRENCY
    if concurrency not in factors:
        raise invalid_input("concurrency", _("Choose between 1 and %(n)d concurrent chats.") % {"n": max(factors)})
    return aht / factors[concurrency]


@dataclass(frozen=True)
class Deferred:
    throughput: float  # Q per day
    per_agent: float  # c per attended agent-day
    attended: int  # ⌈Q / c⌉
    scheduled: int  # ÷ (1 − absence shrinkage)


def deferred(
    *, backlog: float, target_days: float, daily_inflow: float, on_task_hours: float, aht: float, absence: float
) -> Deferred:
    """Agents for deferred work (email, tickets): Q = backlog / target_days + inflow; c = h·3600 / AHT; ⌈Q / c⌉, then
    ÷ (1 − absence shrinkage) only (in-day shrinkage is already out of h)."""
    if not math.isfinite(backlog) or backlog < 0:
        raise invalid_input("backlog", _("Enter zero or more tickets."))
    if not math.isfinite(daily_inflow) or daily_inflow < 0:
        raise invalid_input("daily_inflow", _("Enter zero or more tickets."))
    check_positive(target_days, "target_days")
    check_positive(aht, "aht_seconds")
    if not math.isfinite(on_task_hours) or not 0 < on_task_hours <= 24:
        raise invalid_input("on_task_hours", _("Enter hours between 0 and 24."))
    throughput = backlog / target_days + daily_inflow
    per_agent = on_task_hours * 3600 / aht
    attended = ceil(throughput / per_agent)
    return Deferred(throughput, per_agent, attended, scheduled(attended, absence))


def required_series(
    volumes: Sequence[float], *, interval_seconds: float, aht: float, target: Target, patience: float | None = None
) -> list[int]:
    """Required agents for each interval of a forecast (Erlang C, or A when a patience is given); inputs are checked
    once for the whole series."""
    target.check()
    traffic(0, interval_seconds, aht)
    if patience is not None:
        return [
            required_abandonment(
                volume=volume, interval_seconds=interval_seconds, aht=aht, patience=patience, target=target
            ).agents
            for volume in volumes
        ]
    found = []
    for volume in volumes:
        if not math.isfinite(volume) or volume < 0:
            raise invalid_input("volume", _("Enter zero or more contacts."))
        found.append(_search(volume / interval_seconds * aht, aht, target))
    return found
