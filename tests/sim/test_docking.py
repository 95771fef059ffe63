"""Docking: with behaviour switched off, mean weekly funnel flows match a closed form.

Configuration (`DOCKING`): `behaviour.behaviour_on=False` (fixed MQL threshold, full
acceptance, every MQL and opportunity worked first, a fixed time split, no planning),
`market.turbulence=0` (segment attractiveness stays 1), feedback that does not reduce the
scoring noise (`feedback_noise_reduction=0`: with behaviour off everyone cooperates, so
closed-loop feedback rises toward 1 over the first weeks and would otherwise shrink the noise
week by week, letting old leads cross the threshold late), rep skill without spread
(every rep's skill is `rep_skill_mean` = 1), no self-prospecting (`prospects_per_hour=0`, so
every lead, win and loss is marketing-sourced), and a plan with no nurture and no enablement
spend (so nurture adds no readiness and enablement adds no win-probability lift; the plan is
model state, set before the first week). Readiness still decays in nurture at
`readiness_decay_nurture`, and the closed form includes it.

Closed form (quadrature over the Beta distributions; every named constant imported):
- inquiries in week t: Poisson(alpha * d_t^elasticity * m_t), where d_t is the demand spend
  (the week's marketing spend times the plan's demand share) and m_t the marketers' mean
  programme volume, with mean p . MODE_VOLUME (1 - marketer_cooperation_cost) (p: the initial
  mode propensities; with behaviour off every marketer cooperates and pays that cost). In week 1
  d_1 follows from the initial ARR alone, so the mean is a number; later the budget follows
  revenue, so later weeks are compared conditional on the recorded spend.
- an inquiry of mode k has fit q ~ Beta(MODE_FIT[k]) and readiness r ~ Beta(NEW_READINESS),
  scored in its first week as SCORE_FIT_WEIGHT q + (1 - SCORE_FIT_WEIGHT) r' + sd z with
  r' = r (1 - readiness_decay_nurture) and a persistent z ~ N(0, 1); a lead not an MQL in its
  first week never becomes one (its score only falls), so first-time MQLs per inquiry =
  sum_k pi_k P(score >= theta), pi_k proportional to p_k MODE_VOLUME_k.
- every MQL is contacted and accepted the week it arrives and qualified the same week, so
  SQLs per MQL = E[clip(QUALIFY_SLOPE (q + r') / 2, *QUALIFY_BOUNDS) | MQL].
- win probability at opportunity entry: clip(base_win[segment] (q / 0.5)^WIN_FIT_ELASTICITY
  (WIN_READINESS_BASE + WIN_READINESS_SLOPE r'), *WIN_BOUNDS), segment ~ the inquiry mix,
  averaged over SQLs. An opportunity starts progressing the week after it opens, when its rep's
  hours are sized for it, so in docking (hours to spare) it is never neglected and closes with
  its entry win probability: wins per closed deal and, at steady state, wins per week = SQLs
  per week x that probability.
The even fit/readiness blend of qualification and the 0.5 fit reference of the win probability
are inline literals of `funnel.qualify`, so they are written here.

Tolerances (relative), about 4 standard errors at this sample (60 seeds x 60 measured weeks:
~209,000 inquiries, ~24,000 MQLs, ~13,000 opportunities, ~2,900 wins): inquiries 1% (SE ~0.3%),
week-1 inquiries 8% (60 draws, SE ~2%), MQLs per inquiry 2.5% (SE ~0.6%), SQLs per MQL 2.5%
(SE ~0.6%), SQLs per week 3.5% (SE ~0.9%), entry and closing win probability 1.5% (SE ~0.4%),
wins per closed deal 7% (SE ~1.6%), wins per week 8% (SE ~1.9%). Measured when written
(simulated vs closed form): inquiries 58.00 vs 58.19 a week, week 1 58.6 vs 58.4, first-time
MQLs per inquiry 0.1155 vs 0.1148, SQLs per MQL 0.549 vs 0.542, SQLs 3.68 vs 3.62 a week,
entry win probability 0.2246 vs 0.2238, closing 0.2252, wins per closed deal 0.2191, wins
0.796 vs 0.811 a week.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

from sim import funnel
from sim.funnel import (
    MODE_FIT,
    MODE_VOLUME,
    NEW_READINESS,
    QUALIFY_BOUNDS,
    QUALIFY_SLOPE,
    SCORE_FIT_WEIGHT,
    WIN_BOUNDS,
    WIN_FIT_ELASTICITY,
    WIN_READINESS_BASE,
    WIN_READINESS_SLOPE,
)
from sim.leads import LeadTable, Stage
from sim.market import Market
from sim.model import AlignmentModel
from sim.params import Params
from sim.plan import INITIAL_PLAN
from sim.programmes import DEMAND, ENABLEMENT, NURTURE

SEEDS = range(60)
DOCKING = Params().with_overrides({
    "behaviour.behaviour_on": False,
    "market.turbulence": 0.0,
    "market.fit_heterogeneity": 1.0,
    "behaviour.feedback_noise_reduction": 0.0,
    "org.rep_skill_sd": 0.0,
    "org.prospects_per_hour": 0.0,
    "weeks": 80,
    "burn_in_weeks": 20,
})


def docking_plan():
    """The initial plan with nurture and enablement money moved to demand generation."""
    mix = list(INITIAL_PLAN.mix)
    mix[DEMAND] += mix[NURTURE] + mix[ENABLEMENT]
    mix[NURTURE] = mix[ENABLEMENT] = 0.0
    return dataclasses.replace(INITIAL_PLAN, mix=tuple(mix))


PLAN = docking_plan()
TOLERANCE = {"inquiries": 0.01, "week_one_inquiries": 0.08, "mqls_per_inquiry": 0.025,
             "sqls_per_mql": 0.025, "sqls_per_week": 0.035, "entry_win_probability": 0.015,
             "closing_win_probability": 0.015, "wins_per_closed_deal": 0.07,
             "wins_per_week": 0.08}


@dataclass(frozen=True)
class ClosedForm:
    volume_multiplier: float      # mean of the marketers' programme volume multiplier
    mqls_per_inquiry: float       # first-time MQLs per inquiry
    sqls_per_mql: float
    entry_win_probability: float  # mean win probability of an opportunity at entry

    def inquiries(self, params: Params, marketing_spend_usd: np.ndarray) -> np.ndarray:
        m = params.market
        demand = marketing_spend_usd * PLAN.mix[DEMAND]
        return m.inquiry_alpha * demand ** m.spend_elasticity * self.volume_multiplier


def closed_form(params: Params, nodes: int = 200) -> ClosedForm:
    b, m = params.behaviour, params.market
    x, w = special.roots_legendre(nodes)
    u, du = (x + 1) / 2, w / 2
    q, r = u[:, None], u[None, :]
    readiness = r * (1 - m.readiness_decay_nurture)
    r_weight = stats.beta.pdf(r, *NEW_READINESS) * du[None, :]
    propensity = np.array([b.mode_volume_initial,
                           1 - b.mode_volume_initial - b.mode_quality_initial,
                           b.mode_quality_initial])
    p_mode = propensity / propensity.sum()
    # Every marketer cooperates with behaviour off, giving up part of their programme volume.
    multiplier = float(p_mode @ MODE_VOLUME) * (1 - b.marketer_cooperation_cost)
    inquiry_mode = p_mode * MODE_VOLUME / float(p_mode @ MODE_VOLUME)

    score = SCORE_FIT_WEIGHT * q + (1 - SCORE_FIT_WEIGHT) * readiness
    p_mql = stats.norm.sf((PLAN.mql_threshold - score) / b.scoring_noise)
    p_sql = np.clip(QUALIFY_SLOPE * (0.5 * q + 0.5 * readiness), *QUALIFY_BOUNDS)
    market = Market(m, np.random.default_rng(0))
    skill = params.org.rep_skill_mean
    win = sum(share * np.clip(market.base_win_rate[s] * (q / 0.5) ** WIN_FIT_ELASTICITY * skill
                              * (WIN_READINESS_BASE + WIN_READINESS_SLOPE * readiness),
                              *WIN_BOUNDS)
              for s, share in enumerate(market.inquiry_mix))

    mql = sql = won = 0.0
    for k, share in enumerate(inquiry_mode):
        density = stats.beta.pdf(q, *MODE_FIT[k]) * du[:, None] * r_weight
        mql += share * float((density * p_mql).sum())
        sql += share * float((density * p_mql * p_sql).sum())
        won += share * float((density * p_mql * p_sql * win).sum())
    return ClosedForm(multiplier, mql, sql / mql, won / sql)


@dataclass
class Observed:
    weekly: list[pd.DataFrame] = field(default_factory=list)
    week_one_inquiries: list[int] = field(default_factory=list)
    entry_win: list[np.ndarray] = field(default_factory=list)
    # Per closed opportunity (measured weeks): win probability at entry and at closing, outcome.
    close_entry: list[np.ndarray] = field(default_factory=list)
    close_final: list[np.ndarray] = field(default_factory=list)
    close_won: list[np.ndarray] = field(default_factory=list)


def simulate(params: Params, seeds: range) -> Observed:
    """Run the docking configuration, recording each opportunity's win probability at entry
    (right after qualification) and at closing, keyed by the lead's (fit, readiness)."""
    seen = Observed()
    entry: dict[tuple[float, float], float] = {}
    measuring = [False]
    qualify, advance = funnel.qualify, funnel.advance_pipeline

    def spy_qualify(leads: LeadTable, *args, **kwargs) -> None:
        before = leads.stage == Stage.SQL
        qualify(leads, *args, **kwargs)
        new = np.flatnonzero((leads.stage == Stage.SQL) & ~before)
        entry.update(zip(zip(leads.fit[new], leads.readiness[new], strict=True),
                         leads.win_prob[new], strict=True))
        if measuring[0]:
            seen.entry_win.append(leads.win_prob[new].copy())

    def spy_advance(leads: LeadTable, *args, **kwargs) -> np.ndarray:
        before = leads.stage == Stage.SQL
        won = advance(leads, *args, **kwargs)
        closed = np.flatnonzero(before & (leads.stage != Stage.SQL))
        if measuring[0]:
            keys = zip(leads.fit[closed], leads.readiness[closed], strict=True)
            seen.close_entry.append(np.array([entry[k] for k in keys]))
            seen.close_final.append(leads.win_prob[closed].copy())
            seen.close_won.append(leads.stage[closed] == Stage.WON)
        return won

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(funnel, "qualify", spy_qualify)
        patch.setattr(funnel, "advance_pipeline", spy_advance)
        for seed in seeds:
            entry.clear()
            model = AlignmentModel(params, seed)
            model.plan = PLAN
            for week in range(1, params.weeks + 1):
                measuring[0] = week > params.burn_in_weeks
                model.step()
                assert model.allocation.funded_share == 1.0
                if week == 1:
                    seen.week_one_inquiries.append(model.flows.inquiries)
            seen.weekly.append(model.weekly_table())
    return seen


@pytest.fixture(scope="module")
def observed() -> Observed:
    return simulate(DOCKING, SEEDS)


@pytest.fixture(scope="module")
def measured(observed: Observed) -> pd.DataFrame:
    return pd.concat([w[w.index > DOCKING.burn_in_weeks] for w in observed.weekly])


def within(actual: float, expected: float, name: str) -> None:
    rel = actual / expected - 1
    assert abs(rel) <= TOLERANCE[name], f"{name}: {actual:.6g} vs closed form {expected:.6g}"


@pytest.mark.slow
def test_behaviour_off_is_the_docking_configuration(observed: Observed) -> None:
    """What the closed form assumes, checked every week of every run."""
    w = pd.concat(observed.weekly)
    assert (w.mql_threshold == PLAN.mql_threshold).all()
    assert (w.mqls_contacted == w.mqls).all(), "every MQL is contacted the week it arrives"
    assert (w.mqls_accepted == w.mqls).all(), "full acceptance"
    assert (w.mqls_new == w.mqls).all(), "nothing is handed back and recycled"
    assert (w.hoarded_leads == 0).all() and (w.active_mql == 0).all()
    assert (w.prospects == 0).all() and (w.won_sales == 0).all() and (w.sqls_sales == 0).all()
    assert (w.cooperation_sales == 1).all() and (w.cooperation_marketing == 1).all()
    assert (w.meeting_hours == 0).all() and (w.lobbying_hours == 0).all()
    assert w.mqls.sum() > 10_000


@pytest.mark.slow
def test_mean_weekly_flows_match_the_closed_form(observed: Observed,
                                                 measured: pd.DataFrame) -> None:
    cf = closed_form(DOCKING)
    m = DOCKING.market
    week_one_spend = m.budget_ratio * m.initial_arr_usd / 52 * PLAN.marketing_share
    within(float(np.mean(observed.week_one_inquiries)),
           float(cf.inquiries(DOCKING, np.array(week_one_spend))), "week_one_inquiries")

    expected_inquiries = cf.inquiries(DOCKING, measured.marketing_spend_usd.to_numpy())
    within(measured.inquiries.sum(), expected_inquiries.sum(), "inquiries")
    within(measured.mqls_new.sum() / measured.inquiries.sum(), cf.mqls_per_inquiry,
           "mqls_per_inquiry")
    within(measured.sqls_marketing.sum() / measured.mqls.sum(), cf.sqls_per_mql, "sqls_per_mql")
    within(measured.sqls_marketing.mean(),
           expected_inquiries.mean() * cf.mqls_per_inquiry * cf.sqls_per_mql, "sqls_per_week")
    entry = np.concatenate(observed.entry_win)
    assert len(entry) == measured.sqls_marketing.sum()
    within(float(entry.mean()), cf.entry_win_probability, "entry_win_probability")


@pytest.mark.slow
def test_wins_follow_the_win_probability_deals_close_with(observed: Observed,
                                                          measured: pd.DataFrame) -> None:
    """Each due opportunity is won with its win probability: wins are within 4 standard errors
    of the sum of those probabilities, and every closure is counted as won or lost."""
    final = np.concatenate(observed.close_final)
    won = np.concatenate(observed.close_won)
    assert won.sum() == measured.won_marketing.sum()
    assert len(won) - won.sum() == measured.lost.sum()
    sd = np.sqrt((final * (1 - final)).sum())
    assert abs(won.sum() - final.sum()) <= 4 * sd


@pytest.mark.slow
def test_wins_match_the_closed_form(observed: Observed, measured: pd.DataFrame) -> None:
    cf = closed_form(DOCKING)
    within(float(np.concatenate(observed.close_final).mean()), cf.entry_win_probability,
           "closing_win_probability")
    within(float(np.concatenate(observed.close_won).mean()), cf.entry_win_probability,
           "wins_per_closed_deal")
    expected_sqls = (cf.inquiries(DOCKING, measured.marketing_spend_usd.to_numpy()).mean()
                     * cf.mqls_per_inquiry * cf.sqls_per_mql)
    within(measured.won_marketing.mean(), expected_sqls * cf.entry_win_probability,
           "wins_per_week")


@pytest.mark.slow
def test_worked_opportunities_keep_their_entry_win_probability(observed: Observed) -> None:
    """In docking every opportunity has first call on its rep's ample hours, so none is
    neglected and each closes with the win probability it got at entry."""
    entry = np.concatenate(observed.close_entry)
    final = np.concatenate(observed.close_final)
    np.testing.assert_allclose(final, entry, rtol=1e-12)


def test_closed_form_is_converged_and_sensible() -> None:
    """The quadrature is converged, and the closed form moves the way the mechanism says."""
    coarse, fine = closed_form(DOCKING, 100), closed_form(DOCKING, 400)
    for name in ("mqls_per_inquiry", "sqls_per_mql", "entry_win_probability"):
        assert getattr(coarse, name) == pytest.approx(getattr(fine, name), rel=1e-6)
    assert 0 < fine.mqls_per_inquiry < 1 and 0 < fine.sqls_per_mql < 1
    noise = DOCKING.behaviour.scoring_noise
    noisier = closed_form(DOCKING.with_overrides({"behaviour.scoring_noise": noise + 0.25}))
    assert noisier.mqls_per_inquiry > fine.mqls_per_inquiry
    assert noisier.sqls_per_mql < fine.sqls_per_mql
