"""The lead funnel: inquiries, nurture and scoring, hand-off, qualification and the pipeline.

Each function acts on whole columns of the LeadTable; per-rep decisions arrive as arrays indexed
by rep (hours, contact budgets, acceptance bars), so a week costs a fixed number of numpy calls
whatever the number of leads. Masks are counted with np.count_nonzero (a C count, several times
cheaper than mask.sum() on arrays this small; the same integer).

- Scoring: score = 0.6 fit + 0.4 readiness + sd * z, with a persistent per-lead error z; the sd
  shrinks with closed-loop feedback. A score at or above the threshold makes an MQL.
- Speed to lead: an MQL nobody contacts loses readiness fast (readiness_decay_untouched a week);
  lead-response studies (Oldroyd, McElheran & Elkington 2011) find contact odds fall steeply with
  delay.
- Qualification on first contact: P(SQL) rises with fit and readiness. Win probability is set at
  opportunity entry from segment base rate, fit, readiness, rep skill and enablement; the cycle
  shortens with readiness.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.flows import Flows, Ledger
from sim.leads import MARKETING, NO_OWNER, NO_WEEK, SALES, LeadTable, Stage
from sim.market import PROSPECT_MIX, Market
from sim.numerics import clip, dot

SCORE_FIT_WEIGHT = 0.6
QUALIFY_SLOPE = 1.2
QUALIFY_BOUNDS = (0.02, 0.98)
WIN_FIT_ELASTICITY = 1.2
# Win probability and cycle scale with readiness at opportunity entry: ready buyers close more
# often and sooner (the mechanism behind "integration shortens cycles").
WIN_READINESS_BASE, WIN_READINESS_SLOPE = 0.6, 0.8
WIN_BOUNDS = (0.01, 0.95)
CYCLE_BASE, CYCLE_READINESS_SLOPE = 1.4, 0.8
MAX_RETURNS = 2
# A lead handed back waits this long in nurture before it can be an MQL again.
RECYCLE_WEEKS = 4
UNTOUCHED_MQL_EXPIRY_WEEKS = 26
NEGLECTED_OPPORTUNITY_WIN_LOSS = 0.05
# Fit distributions of new inquiries by marketers' mode: Beta(a, b) and a volume multiplier.
MODE_FIT = np.array([[2.0, 3.5], [2.0, 3.0], [2.5, 2.5]])
MODE_VOLUME = np.array([1.3, 1.0, 0.7])
PROSPECT_FIT = (3.0, 3.0)
NEW_READINESS = (2.0, 5.0)
PROSPECT_READINESS = (2.0, 4.0)
REP_JUDGEMENT_SD = 0.1


@dataclass(frozen=True)
class RepDecisions:
    """What reps decided this week, indexed by rep."""

    contacts: np.ndarray        # MQLs each rep will contact
    accept_bar: np.ndarray      # acceptance bar on the read sales worth
    cooperating: np.ndarray     # returns unworked leads (True) or hoards them (False)
    opportunity_hours: np.ndarray
    skill: np.ndarray


def draw_categories(rng: np.random.Generator, weights: np.ndarray, n: int) -> np.ndarray:
    """n categories drawn in proportion to `weights` (inverse CDF; cheaper than
    Generator.choice with p, which re-validates p on every call)."""
    cumulative = np.cumsum(weights)
    return np.minimum(np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right"),
                      len(weights) - 1)


def _fit_draw(rng: np.random.Generator, a: np.ndarray | float, b: np.ndarray | float, n: int,
              heterogeneity: float) -> np.ndarray:
    q = rng.beta(a, b, n)
    mean = np.asarray(a) / (np.asarray(a) + np.asarray(b))
    return clip(mean + (q - mean) * heterogeneity, 0.0, 1.0)  # mean > 0: never -0.0


def create_inquiries(leads: LeadTable, market: Market, week: int, n: int,
                     marketer_volume: np.ndarray, marketer_mode: np.ndarray,
                     heterogeneity: float, rng: np.random.Generator) -> None:
    """New inquiries, each from one marketer's programme (in proportion to their volume),
    with fit drawn by that marketer's mode."""
    if n == 0:
        return
    marketer = draw_categories(rng, marketer_volume, n)
    mode = marketer_mode[marketer]
    fit = _fit_draw(rng, MODE_FIT[mode, 0], MODE_FIT[mode, 1], n, heterogeneity)
    leads.add(  # constant columns as numbers: LeadTable.add fills them without an array
        segment=draw_categories(rng, market.segment_weights(market.inquiry_mix), n),
        source=MARKETING,
        fit=fit,
        readiness=rng.beta(*NEW_READINESS, n),
        score_z=rng.standard_normal(n),
        score=0.0,
        stage=Stage.INQUIRY,
        created_week=week,
        marketer=marketer,
    )


def marketer_volume(modes: np.ndarray, cooperating: np.ndarray, cooperation_cost: float
                    ) -> np.ndarray:
    """Each marketer's programme volume: the mode's multiplier, less what cooperation costs."""
    return MODE_VOLUME[modes] * np.where(cooperating, 1.0 - cooperation_cost, 1.0)


def score_and_route(leads: LeadTable, week: int, threshold: float, scoring_sd: float,
                    nurture_gain: float, nurture_decay: float, nurture_max_weeks: int,
                    pending_per_rep: np.ndarray, flows: Flows, ledger: Ledger) -> None:
    """Marketing's week: recycle returned leads, nurture, score, make and route MQLs."""
    stage = leads.stage
    returned = stage == Stage.RETURNED
    if returned.any():
        spent = returned & (leads.returns > MAX_RETURNS)
        stage[spent] = Stage.DISQUALIFIED
        stage[returned & ~spent] = Stage.NURTURE
        flows.disqualified += int(np.count_nonzero(spent))
    pool = stage <= Stage.NURTURE  # inquiries and nurtured leads (stages are >= 0)
    # The pool's rows gathered once by position (the same values and arithmetic as gathering
    # by the mask for each use).
    at = np.flatnonzero(pool)
    r = leads.readiness
    before = r[at]
    nurtured = before + (nurture_gain * (1 - before) - nurture_decay * before)
    r[at] = nurtured
    score = (SCORE_FIT_WEIGHT * leads.fit[at] + (1 - SCORE_FIT_WEIGHT) * nurtured
             + scoring_sd * leads.score_z[at])
    leads.score[at] = score
    peak = leads.peak_score
    peak[at] = np.maximum(peak[at], score)
    # Masks used twice are computed once (returns does not change in between).
    never_returned = leads.returns == 0
    eligible = never_returned | (week - leads.mql_week >= RECYCLE_WEEKS)
    new_mql = pool & eligible & (leads.score >= threshold)
    not_new = pool & ~new_mql
    stale = not_new & ((week - leads.created_week) >= nurture_max_weeks)
    stage[not_new] = Stage.NURTURE
    stage[stale] = Stage.DISQUALIFIED
    flows.disqualified += int(np.count_nonzero(stale))
    first_stale = stale & never_returned
    ledger.add_band("exits", leads.peak_score[first_stale])
    idx = np.flatnonzero(new_mql)
    if len(idx) == 0:
        return
    first = leads.returns[idx] == 0
    flows.mqls_new += int(np.count_nonzero(first))
    ledger.add_band("exits", leads.score[idx[first]])
    stage[idx] = Stage.MQL
    leads.mql_week[idx] = week
    leads.contact_week[idx] = NO_WEEK
    # Route to the least-loaded reps first, round robin (stable order breaks ties by index).
    order = np.argsort(pending_per_rep, kind="stable")
    leads.owner[idx] = order[np.arange(len(idx)) % len(order)]
    flows.mqls += len(idx)
    ledger.add_marketer("mqls", leads.marketer[idx])
    ledger.add_band("mqls", leads.score[idx])
    err = leads.score[idx] - (SCORE_FIT_WEIGHT * leads.fit[idx]
                              + (1 - SCORE_FIT_WEIGHT) * r[idx])
    flows.scoring_error_sq += dot(err, err)


def qualify_probability(fit: np.ndarray, readiness: np.ndarray) -> np.ndarray:
    return clip(QUALIFY_SLOPE * (0.5 * fit + 0.5 * readiness), *QUALIFY_BOUNDS)


def win_factor(fit: np.ndarray, readiness: np.ndarray) -> np.ndarray:
    """How fit and readiness scale an opportunity's win probability (1 at fit 0.5 and
    readiness 0.5)."""
    return (fit / 0.5) ** WIN_FIT_ELASTICITY * (WIN_READINESS_BASE + WIN_READINESS_SLOPE
                                                  * readiness)


def sales_worth(fit: np.ndarray, readiness: np.ndarray) -> np.ndarray:
    """What a rep judges a lead on at first contact: its chance to qualify and win, from fit
    and readiness to buy now (the need, budget and timing of BANT qualification), before the
    segment's base rate. Experienced reps read it right on average (funnel.handoff adds their
    noise and distrust)."""
    return qualify_probability(fit, readiness) * win_factor(fit, readiness)


def pending_mqls_per_rep(leads: LeadTable, n_reps: int) -> np.ndarray:
    mask = leads.stage == Stage.MQL
    return np.bincount(leads.owner[mask], minlength=n_reps)[:n_reps]


def handoff(leads: LeadTable, week: int, reps: RepDecisions, trust: np.ndarray,
            gate: bool, followup_weeks: int, sla_on: bool, detection_prob: float,
            forced_return: np.ndarray, untouched_decay: float, distrust_discount: float,
            rng: np.random.Generator, flows: Flows, ledger: Ledger) -> None:
    """Reps contact their oldest MQLs up to their contact budget and accept or reject them;
    overdue MQLs are returned by cooperating reps and hoarded by the others.

    Under an SLA, a worked MQL without a disposition (feedback) and an overdue MQL are breaches,
    each detected with the monitoring probability; a repeat offender's detected overdue leads
    are forced back (graduated sanctions: `forced_return` per rep). Detections per rep go to the
    ledger, for sanctions.
    """
    n_reps = len(reps.contacts)
    pending = np.flatnonzero(leads.stage == Stage.MQL)
    if len(pending) == 0:
        return
    owner = leads.owner[pending]
    order = np.lexsort((pending, leads.mql_week[pending], owner))
    pending, owner = pending[order], owner[order]
    starts = np.searchsorted(owner, np.arange(n_reps))
    rank = np.arange(len(pending)) - starts[owner]
    contact = rank < reps.contacts[owner]

    met = pending[contact]
    who = owner[contact]
    flows.mqls_contacted += len(met)
    flows.mql_wait_weeks += float((week - leads.mql_week[met]).sum())
    leads.contact_week[met] = week
    ledger.add_rep("contacted", who)
    ledger.add_band("contacted", leads.score[met])
    pairs = np.stack((leads.marketer[met], who), axis=1)
    ledger.contact_pairs = pairs[pairs[:, 0] >= 0]
    worth = sales_worth(leads.fit[met], leads.readiness[met])
    if gate:
        # A rep reads sales worth with noise; distrust of marketing discounts what they read.
        read = (worth * (1 - distrust_discount * (1 - trust[who]))
                + REP_JUDGEMENT_SD * rng.standard_normal(len(met)))
        accept = read >= reps.accept_bar[who]
    else:
        accept = np.ones(len(met), dtype=bool)
    if sla_on:
        # The SLA asks for a disposition (closed-loop feedback) on every MQL worked; a rep who
        # does not cooperate gives none, and each missing one is caught with the monitoring odds.
        silent = ~reps.cooperating[who] & (rng.random(len(met)) < detection_prob)
        ledger.add_rep("detections", who[silent])
        flows.sla_detections += int(np.count_nonzero(silent))
    refuse = ~accept  # each mask and gather used more than once is made once
    took, refused = met[accept], met[refuse]
    who_took = who[accept]
    ledger.add_rep("accepted", who_took)
    ledger.add_rep("accepted_worth", who_took, worth[accept])
    ledger.add_band("accepted", leads.score[took])
    ledger.add_rep("rejected", who[refuse])
    ledger.add_marketer("accepted", leads.marketer[took])
    ledger.add_marketer("rejected", leads.marketer[refused])
    leads.stage[took] = Stage.SAL
    flows.mqls_accepted += len(took)
    flows.sals_marketing += len(took)
    _return_to_marketing(leads, refused, week)
    flows.mqls_rejected += len(refused)

    not_contacted = ~contact
    waiting = pending[not_contacted]
    holder = owner[not_contacted]
    leads.readiness[waiting] *= 1 - untouched_decay
    # Weeks waited, read once: the rows handed back below get a new mql_week, but they are
    # not among those that expire.
    waited = week - leads.mql_week[waiting]
    overdue = waited >= followup_weeks
    flows.mqls_overdue += int(np.count_nonzero(overdue))
    ledger.add_rep("overdue", holder[overdue])
    ledger.add_marketer("overdue", leads.marketer[waiting[overdue]])
    give_back = overdue & reps.cooperating[holder]
    if sla_on:
        caught = overdue & ~give_back & (rng.random(len(waiting)) < detection_prob)
        ledger.add_rep("detections", holder[caught])
        flows.sla_detections += int(np.count_nonzero(caught))
        give_back |= caught & forced_return[holder]
    _return_to_marketing(leads, waiting[give_back], week)
    returned_unworked = int(np.count_nonzero(give_back))
    flows.mqls_returned_unworked += returned_unworked
    expired = waiting[~give_back & (waited >= UNTOUCHED_MQL_EXPIRY_WEEKS)]
    leads.stage[expired] = Stage.DISQUALIFIED
    # A hand-off that ends with no contact: handed back unworked, or left to expire.
    flows.mqls_never_contacted += returned_unworked + len(expired)
    flows.disqualified += len(expired)


def _return_to_marketing(leads: LeadTable, idx: np.ndarray, week: int) -> None:
    leads.stage[idx] = Stage.RETURNED
    leads.mql_week[idx] = week
    leads.owner[idx] = NO_OWNER
    leads.returns[idx] += 1


def hoarded_count(leads: LeadTable, week: int, followup_weeks: int) -> int:
    mask = leads.stage == Stage.MQL
    return int(np.count_nonzero((week - leads.mql_week[mask]) >= followup_weeks))


def add_prospects(leads: LeadTable, market: Market, week: int, per_rep: np.ndarray,
                  heterogeneity: float, rng: np.random.Generator, flows: Flows,
                  ledger: Ledger) -> None:
    """Reps' own prospects enter as accepted leads (SAL) owned by the rep who found them."""
    n = int(per_rep.sum())
    if n == 0:
        return
    owner = np.repeat(np.arange(len(per_rep)), per_rep)
    leads.add(  # constant columns as numbers, as in create_inquiries
        segment=draw_categories(rng, market.segment_weights(PROSPECT_MIX), n),
        source=SALES,
        fit=_fit_draw(rng, *PROSPECT_FIT, n, heterogeneity),
        readiness=rng.beta(*PROSPECT_READINESS, n),
        score_z=0.0,
        score=0.0,
        stage=Stage.SAL,
        owner=owner,
        created_week=week,
        contact_week=week,
    )
    flows.prospects += n
    ledger.add_rep("prospects", owner)


def qualify(leads: LeadTable, market: Market, week: int, skill: np.ndarray,
            enablement_lift: float, rng: np.random.Generator, flows: Flows,
            ledger: Ledger) -> None:
    """First contact of accepted leads: an opportunity (SQL) or disqualified."""
    idx = np.flatnonzero(leads.stage == Stage.SAL)
    if len(idx) == 0:
        return
    p_qualify = qualify_probability(leads.fit[idx], leads.readiness[idx])
    ok = rng.random(len(idx)) < p_qualify
    opp, dq = idx[ok], idx[~ok]
    leads.stage[dq] = Stage.DISQUALIFIED
    flows.disqualified += len(dq)
    wasted = dq[leads.source[dq] == MARKETING]
    ledger.add_rep("wasted_mqls", leads.owner[wasted])
    seg = leads.segment[opp]
    q, r = leads.fit[opp], leads.readiness[opp]
    win = (market.base_win_rate[seg] * win_factor(q, r) * skill[leads.owner[opp]]
           * (1 + enablement_lift))
    leads.win_prob[opp] = clip(win, *WIN_BOUNDS)
    leads.cycle_left[opp] = (market.cycle_weeks[seg] * (CYCLE_BASE - CYCLE_READINESS_SLOPE * r)
                             * rng.lognormal(0.0, 0.25, len(opp)))
    leads.deal_value[opp] = (market.deal_size_usd[seg] * (0.7 + 0.6 * q)
                             * rng.lognormal(0.0, 0.35, len(opp)))
    leads.opp_week[opp] = week
    leads.stage[opp] = Stage.SQL
    src = leads.source[opp]
    ledger.add_rep("pipeline_usd", leads.owner[opp], leads.win_prob[opp] * leads.deal_value[opp])
    mkt = opp[src == MARKETING]
    ledger.add_rep("good_mqls", leads.owner[mkt])
    ledger.add_rep("good_prospects", leads.owner[opp[src == SALES]])
    pipeline = leads.win_prob[mkt] * leads.deal_value[mkt]
    ledger.add_band("pipeline_usd", leads.score[mkt], pipeline)
    flows.pipeline_marketing_usd += float(pipeline.sum())
    flows.sqls_marketing += len(mkt)  # the rows where src == MARKETING
    flows.sqls_sales += int(np.count_nonzero(src == SALES))


def open_opportunities_per_rep(leads: LeadTable, n_reps: int,
                               opened_before: int | None = None) -> np.ndarray:
    """Open opportunities per rep; with `opened_before`, only those opened before that week."""
    mask = leads.stage == Stage.SQL
    if opened_before is not None:
        mask &= leads.opp_week < opened_before
    return np.bincount(leads.owner[mask], minlength=n_reps)[:n_reps]


def advance_pipeline(leads: LeadTable, week: int, progress_per_rep: np.ndarray,
                     rng: np.random.Generator, flows: Flows, ledger: Ledger) -> np.ndarray:
    """Opportunities opened before this week progress by the attention they get (this week's
    hours were sized for them); those due close won or lost. New ones start next week.

    Returns the row indices of deals won this week.
    """
    idx = np.flatnonzero((leads.stage == Stage.SQL) & (leads.opp_week < week))
    if len(idx) == 0:
        return idx
    progress = progress_per_rep[leads.owner[idx]]
    leads.cycle_left[idx] -= progress
    leads.win_prob[idx] *= 1 - NEGLECTED_OPPORTUNITY_WIN_LOSS * (1 - progress)
    due = idx[leads.cycle_left[idx] <= 0]
    won_mask = rng.random(len(due)) < leads.win_prob[due]
    won, lost = due[won_mask], due[~won_mask]
    leads.stage[won] = Stage.WON
    leads.stage[lost] = Stage.LOST
    flows.lost += len(lost)
    mkt = leads.source[won] == MARKETING
    won_marketing = int(np.count_nonzero(mkt))
    flows.won_marketing += won_marketing
    flows.won_sales += len(mkt) - won_marketing
    value = leads.deal_value[won]
    ledger.add_rep("bookings_usd", leads.owner[won], value)
    ledger.add_rep("won_mqls", leads.owner[won[mkt]])
    not_mkt = ~mkt
    ledger.add_rep("won_prospects", leads.owner[won[not_mkt]])
    flows.bookings_marketing_usd += float(value[mkt].sum())
    flows.bookings_sales_usd += float(value[not_mkt].sum())
    flows.won_cycle_weeks += float((week - leads.opp_week[won]).sum())
    return won
