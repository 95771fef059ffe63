"""The weekly adaptation stage: payoffs, sanctions, trust, learning, imitation, network.

Staged so that the order in which people are visited cannot matter: every input (payoffs,
trust events, neighbours' strategies and trust) is computed from the state at the end of the
week's work before anyone's state changes; then each person updates only their own state.

Payoff (what cooperation learning compares with the running payoff, and the Roth-Erev
reinforcement of marketers' modes): (1 - w_shared) * own KPI + w_shared * company bookings, each
relative to its recent mean, minus sanctions. Own KPIs: a rep's expected value of new pipeline
plus account expansion; a marketer's MQLs handed over. Leaders learn how much to lobby at
planning events (sim/planning.py, with the payoff of sim/lobbying.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents import learning, trust
from agents.base import (
    LearningRates,
    Lessons,
    Person,
    cooperation_share,
)
from agents.leaders import LOBBYING_HOURS
from agents.sales_rep import LEARNS_FROM
from sim import network
from sim.evidence import recent_win_rate
from sim.sanctions import OFFENCE_MEMORY_WEEKS, sanction_cost

if TYPE_CHECKING:
    from sim.model import AlignmentModel

REFERENCE_MEMORY = 0.1   # weight of this week in the running means payoffs are relative to
# Weights of trust events against a full event (an MQL that became an opportunity, an MQL left
# to rot): an accepted MQL disqualified at first contact cost a rep a call, a quick rejection a
# glance, and a rejection stings marketing less than being ignored. Seeing the other side
# cooperate (feedback arriving, enablement content delivered) is half a good event.
FEEDBACK_GOOD = 0.5
ENABLEMENT_GOOD = 0.5
REP_WASTED_WEIGHT = 0.5
REP_REJECT_WEIGHT = 0.25
MARKETER_REJECT_WEIGHT = 0.5
# Weight of seeing a tied colleague in the other department cooperate (or not) this week.
TIE_OBSERVATION = 0.5
# The week's rep outcomes that reps learn from: only these are handed over as lists (making a
# list of each of the ledger's fifteen rep columns cost more than the learning that reads five).
REP_OUTCOMES = tuple(dict.fromkeys(outcome for _, outcome in LEARNS_FROM))


def _running(old: float, new: float) -> float:
    return new if old <= 0 else old + REFERENCE_MEMORY * (new - old)


def adapt(model: AlignmentModel) -> None:
    b, g = model.params.behaviour, model.governance
    ledger, week = model.ledger, model.week
    reps, marketers = model.reps, model.marketers
    w = g.w_shared

    # -- phase 1: read everything -------------------------------------------------------------
    rep_own = (ledger.rep["pipeline_usd"] + ledger.rep["expansion_usd"]).tolist()
    marketer_own = ledger.marketer["mqls"].tolist()
    shared = float(ledger.rep["bookings_usd"].sum() + ledger.rep["expansion_usd"].sum())
    refs = model.payoff_reference
    refs["rep"] = _running(refs["rep"], sum(rep_own) / len(rep_own))
    refs["marketer"] = _running(refs["marketer"], sum(marketer_own) / len(marketer_own))
    refs["shared"] = _running(refs["shared"], shared)

    sla = g.monitoring.sla_on
    graduated = sla and g.monitoring.graduated_sanctions
    # Per-person values as lists of floats: people read them one at a time (Lessons).
    detections = ledger.rep["detections"].tolist()
    sanctions = [0.0] * len(reps)
    for rep in reps:
        caught = int(detections[rep.index])
        if graduated and caught:
            recent = week - rep.last_offence_week < OFFENCE_MEMORY_WEEKS
            sanctions[rep.index] = float(sanction_cost(caught, rep.sanctions if recent else 0,
                                                       b.sanction_first, b.sanction_repeat))
    rep_payoff = [learning.payoff(rep_own[r.index], refs["rep"], shared, refs["shared"], w,
                                  sanctions[r.index]) for r in reps]
    # The SLA binds marketing too (MQLs to the agreed definition, acting on feedback): a
    # marketer who does not cooperate this week is caught with the monitoring odds, and
    # sanctioned where sanctions are graduated (as reps are).
    marketer_sanctions = [0.0] * len(marketers)
    if sla:
        for i, marketer in enumerate(marketers):
            if not marketer.cooperating and (marketer.personal_rng.random()
                                             < g.monitoring.detection_prob):
                ledger.marketer["detections"][i] += 1
                model.flows.sla_detections += 1
                if graduated:
                    recent = week - marketer.last_offence_week < OFFENCE_MEMORY_WEEKS
                    marketer_sanctions[i] = float(sanction_cost(
                        1, marketer.sanctions if recent else 0, b.sanction_first,
                        b.sanction_repeat))
    marketer_payoff = [learning.payoff(marketer_own[i], refs["marketer"], shared,
                                       refs["shared"], w, marketer_sanctions[i])
                       for i in range(len(marketers))]

    feedback_share = cooperation_share(reps)
    enablement_share = cooperation_share(marketers)
    win_rate = recent_win_rate(model)
    rates = LearningRates(b.learning_forgetting, b.learning_experimentation,
                          b.cooperation_learning_rate, b.trust_rate, b.loss_aversion)
    r, m = ledger.rep, ledger.marketer
    seen = _tie_observations(model)
    rep_lessons = Lessons(
        payoff=rep_payoff,
        good=(r["good_mqls"] + ENABLEMENT_GOOD * enablement_share + seen["rep_good"]).tolist(),
        bad=(REP_REJECT_WEIGHT * r["rejected"] + REP_WASTED_WEIGHT * r["wasted_mqls"]
             + seen["rep_bad"]).tolist(),
        sanctioned=[s > 0 for s in sanctions],
        week=week, rates=rates, rep_outcomes={name: r[name].tolist() for name in REP_OUTCOMES},
        win_rate=win_rate)
    marketer_lessons = Lessons(
        payoff=marketer_payoff,
        good=(m["accepted"] + FEEDBACK_GOOD * feedback_share * m["mqls"]
              + seen["marketer_good"]).tolist(),
        bad=(MARKETER_REJECT_WEIGHT * m["rejected"] + m["overdue"]
             + seen["marketer_bad"]).tolist(),
        sanctioned=[s > 0 for s in marketer_sanctions],
        week=week, rates=rates)

    # -- phase 2: each person updates their own state ------------------------------------------
    # Plain loops over the role lists rather than AgentSet.do (see AlignmentModel's
    # _choose_strategies): each person updates only their own state.
    for rep in reps:
        rep.learn(rep_lessons)
    for marketer in marketers:
        marketer.learn(marketer_lessons)

    _lobbying_costs_trust(model)
    _blame(model)
    network.update_ties(model.network, ledger.contact_pairs, model.rep_uid, model.marketer_uid,
                        week, model.planning_meeting_this_week, b.tie_lapse_weeks,
                        model.tie_rng)
    model.cross_ties = network.cross_department_ties(model.network)
    _spill_trust(model)
    _imitate(model)


def _tie_observations(model: AlignmentModel) -> dict[str, np.ndarray]:
    """What people see of the other side first hand: across each cross-department tie, a rep
    sees whether the marketer cooperated this week and the marketer sees the rep (a good or a
    bad event of weight TIE_OBSERVATION each). Without ties people know the other side only
    from the leads that pass between them."""
    # Counted in lists of floats (the same additions in the same order as into arrays, without
    # numpy's per-element overhead), returned as arrays.
    out = {name: [0.0] * len(model.reps) for name in ("rep_good", "rep_bad")}
    out |= {name: [0.0] * len(model.marketers) for name in ("marketer_good", "marketer_bad")}
    by_uid = model.person_by_uid
    for marketer_uid, rep_uid in model.network.graph["cross"]:
        rep, marketer = by_uid[rep_uid], by_uid[marketer_uid]
        out["rep_good" if marketer.cooperating else "rep_bad"][rep.index] += TIE_OBSERVATION
        out["marketer_good" if rep.cooperating else "marketer_bad"][marketer.index] += (
            TIE_OBSERVATION)
    return {name: np.array(seen) for name, seen in out.items()}


def _lobbying_costs_trust(model: AlignmentModel) -> None:
    """The other side reads lobbying as politics: each week of it costs their trust."""
    b = model.params.behaviour
    for leader, victims in ((model.leaders["cmo"], model.reps),
                            (model.leaders["head_of_sales"], model.marketers)):
        size = b.lobbying_trust_cost * leader.lobbying_hours / LOBBYING_HOURS[-1]
        model.flows.lobbying_hours += leader.lobbying_hours
        if size > 0:
            for person in victims:
                person.trust = trust.shock(person.trust, size)


def _blame(model: AlignmentModel) -> None:
    """At a quarter's end with bookings below the quarter before, each functional leader blames
    the other department with probability 1 - their trust in it: a trust shock, no payoff."""
    quarter = 13
    if model.week % quarter or len(model.history) < 2 * quarter:
        return
    booked = [h["bookings_marketing_usd"] + h["bookings_sales_usd"] for h in model.history]
    if sum(booked[-quarter:]) >= sum(booked[-2 * quarter:-quarter]):
        return
    size = model.params.behaviour.blame_shock
    for leader, blamed in ((model.leaders["cmo"], model.reps),
                           (model.leaders["head_of_sales"], model.marketers)):
        if leader.personal_rng.random() < 1.0 - leader.trust:
            for person in blamed:
                person.trust = trust.shock(person.trust, size)


def _spill_trust(model: AlignmentModel) -> None:
    """Trust is pulled toward that of same-department colleagues one talks to; the functional
    leaders' too (they hear their teams), so nobody's trust is a fixed anchor."""
    rate = model.params.behaviour.trust_spillover
    people, peers = model.trust_circles
    now = [person.trust for person in people]
    for person, own, circle in zip(people, now, peers, strict=True):
        # A list, not a generator: the same sum of the same floats, with less overhead.
        mean = sum([now[j] for j in circle]) / len(circle) if circle else None
        person.trust = trust.spill(own, mean, rate)


def _imitate(model: AlignmentModel) -> None:
    """Pairwise comparison with one random same-role neighbour (Fermi rule)."""
    b = model.params.behaviour
    people = model.reps + model.marketers
    adopted: list[tuple[Person, Person]] = []
    for person in people:
        if person.personal_rng.random() >= b.imitation_rate:
            continue
        peers = model.role_peers[person.unique_id]
        if not peers:
            continue
        model_peer = peers[int(person.personal_rng.integers(len(peers)))]
        chance = learning.imitation_probability(person.payoff, model_peer.payoff,
                                                b.imitation_noise)
        if person.personal_rng.random() < chance:
            adopted.append((person, model_peer))
    copies = [(person, peer.cooperation_intercept, getattr(peer, "mode_propensity", None))
              for person, peer in adopted]
    for person, intercept, modes in copies:
        person.cooperation_intercept = intercept
        if modes is not None:
            person.mode_propensity = list(modes)
