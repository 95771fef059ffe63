"""The Mesa model of the firm: builds the organisation and schedules the weekly stages.

`step()` reads like the process overview of the model brief. Every stage reads the state the
previous stage left and people decide from what they saw, so the order in which people of one
kind act cannot change results (each person draws from a Generator of their own).
"""

from __future__ import annotations

from bisect import insort
from collections import deque

import mesa
import numpy as np
import pandas as pd

from agents import CMO, CRO, FinancePlanner, HeadOfSales, Leader, Marketer, SalesRep
from agents.base import MARKETING_DEPT, SALES_DEPT, Person, cooperation_share
from agents.learning import initial_intercept
from agents.sales_rep import ACCOUNTS, MQL_FOLLOW_UP, OPPORTUNITIES, PROSPECTING
from sim import adaptation, funnel, metrics, planning
from sim.budget import Allocation, Budget
from sim.customers import CustomerTable, churn_hazard
from sim.evidence import rep_economics
from sim.flows import Flows, Ledger
from sim.governance import Governance, from_params
from sim.leads import MARKETING, LeadTable
from sim.lobbying import coaching_factor
from sim.market import DEAL_SIZE_USD, Market
from sim.network import build_network, cross_department_ties
from sim.numerics import dot, mean
from sim.params import Params
from sim.plan import INITIAL_PLAN, Plan
from sim.programmes import (
    DEMAND,
    ENABLEMENT,
    NURTURE,
    RETENTION,
    enablement_lift,
    nurture_factor,
    prospecting_lift,
)
from sim.sanctions import OFFENCE_MEMORY_WEEKS

# Named random streams (common random numbers: arms with one seed see the same market and the
# same customers' luck). "mesa" seeds Mesa's own generators (model.rng, model.random); alignsim
# draws nothing from them.
STREAMS = ("market", "leads", "customers", "agents", "mesa")
HISTORY_WEEKS = 26
BASE_SEGMENT_MIX = np.array([0.55, 0.33, 0.12])
MARKETING_SOURCED_BASE = 0.15
FEEDBACK_MEMORY = 0.2
# Weeks of won deals the weekly median sales cycle is taken over.
CYCLE_WINDOW_WEEKS = 13


class AlignmentModel(mesa.Model):
    def __init__(self, params: Params | None = None, seed: int = 0) -> None:
        params = params if params is not None else Params()
        root = np.random.SeedSequence(int(seed))
        children = root.spawn(len(STREAMS))
        streams = {name: np.random.default_rng(s) for name, s in zip(STREAMS, children,
                                                                      strict=True)}
        super().__init__(rng=streams["mesa"])
        self.params = params
        self.seed = int(seed)
        self.week = 0
        self.governance: Governance = from_params(params)
        self.market = Market(params.market, streams["market"])
        self.lead_rng = streams["leads"]
        self.leads = LeadTable()
        self.customers = CustomerTable()
        self.flows = Flows()
        self.history: deque[dict[str, float]] = deque(maxlen=HISTORY_WEEKS)
        self.band_history: deque[dict[str, np.ndarray]] = deque(maxlen=HISTORY_WEEKS)
        self.customer_rng = streams["customers"]
        self.plan: Plan = INITIAL_PLAN
        self.budget_year_share = INITIAL_PLAN.marketing_share
        self.next_budget_round_week = planning.BUDGET_YEAR_WEEKS
        self.feedback_rate = 0.0
        self.won_cycles: list[int] = []
        self.won_cycles_sorted: list[int] = []
        """The same cycle lengths in ascending order (kept as deals close, for the weekly
        median to date without sorting them all every week)."""
        """Cycle lengths (weeks) of the deals won in the measured weeks, in order of closing."""
        self.recent_cycles: deque[list[int]] = deque(maxlen=CYCLE_WINDOW_WEEKS)
        self.hoarded = 0
        self.payoff_reference = {"rep": 0.0, "marketer": 0.0, "shared": 0.0}
        self.planning_meeting_this_week = False
        self._history_sums: dict[tuple[int, int], dict[str, float]] = {}
        self._history_sums_week = -1
        # The weeks of `history` as rows of one array (oldest first, the last HISTORY_WEEKS
        # rows are the history), so summing a window slices it instead of building an array
        # from lists; room for 2 x HISTORY_WEEKS rows, moved down when full.
        self._history_rows: np.ndarray | None = None
        self._history_count = 0
        self._build_people(streams["agents"])
        self.ledger = Ledger(len(self.reps), len(self.marketers))
        self._seed_installed_base(streams["market"])
        weekly_revenue = self.customers.weekly_revenue(0)[0]
        self.budget = Budget(params.market.budget_ratio, weekly_revenue)
        self.allocation: Allocation = self._allocate()
        self.tie_rng = np.random.default_rng(streams["agents"].integers(2**63))
        self.network = build_network(list(self.agents), self.governance.cross_ties,
                                     streams["agents"])
        self.person_by_uid = {a.unique_id: a for a in self.agents}
        # Ties inside a department are standing teams: who one's colleagues are never changes.
        self.colleagues = {
            p.unique_id: [self.person_by_uid[n] for n in sorted(self.network.neighbors(
                p.unique_id)) if self.person_by_uid[n].department == p.department]
            for p in self.agents}
        # Whose trust spills over to whom: sales and marketing people and their leaders, each
        # with the positions of their same-department colleagues in that list.
        circle = [p for p in self.reps + self.marketers + list(self.leaders.values())
                  if p.department in (SALES_DEPT, MARKETING_DEPT)]
        position = {p.unique_id: i for i, p in enumerate(circle)}
        self.trust_circles = (circle, [[position[c.unique_id] for c in self.colleagues[p.unique_id]
                                        if c.unique_id in position] for p in circle])
        # Whom each person may imitate: colleagues in the same role (fixed, as colleagues are).
        self.role_peers = {uid: [c for c in colleagues if c.role == self.person_by_uid[uid].role]
                           for uid, colleagues in self.colleagues.items()}
        self.stage_counts = self.leads.active_by_stage()
        self.rep_uid = np.array([r.unique_id for r in self.reps])
        self.marketer_uid = np.array([m.unique_id for m in self.marketers])
        self.cross_ties = cross_department_ties(self.network)
        self.reporters = metrics.weekly_reporters()
        self.datacollector = metrics.weekly_collector(self.reporters)

    # -- construction -------------------------------------------------------------------------
    def _build_people(self, agents_rng: np.random.Generator) -> None:
        p, b = self.params.org, self.params.behaviour
        seeds = np.random.SeedSequence(int(agents_rng.integers(2**63))).spawn(
            p.n_reps + p.n_marketers + 4)
        rngs = iter(np.random.default_rng(s) for s in seeds)
        skills = np.clip(agents_rng.normal(p.rep_skill_mean, p.rep_skill_sd, p.n_reps), 0.3, 2.0)
        # Everyone starts cooperating with probability cooperation_initial: the learned part
        # is what reciprocity at the initial trust leaves to explain.
        learned = initial_intercept(b.cooperation_initial, b.trust_initial,
                                    b.conditional_cooperation_slope)
        self.reps = [SalesRep(self, next(rngs), i, b.trust_initial, learned, float(skills[i]))
                     for i in range(p.n_reps)]
        self.marketers = [Marketer(self, next(rngs), i, b.trust_initial, learned,
                                   b.mode_volume_initial, b.mode_quality_initial)
                          for i in range(p.n_marketers)]
        self.leaders: dict[str, Leader] = {
            "cmo": CMO(self, next(rngs), b.trust_initial, learned),
            "head_of_sales": HeadOfSales(self, next(rngs), b.trust_initial, learned),
            "finance": FinancePlanner(self, next(rngs), b.trust_initial, learned),
        }
        cro_rng = next(rngs)
        if self.governance.has_cro:
            self.leaders["cro"] = CRO(self, cro_rng, b.trust_initial, learned)
        self.skill = skills

    def _seed_installed_base(self, rng: np.random.Generator) -> None:
        """Customers at week 0 whose ARR adds up to the initial ARR."""
        target = self.params.market.initial_arr_usd
        mean_arr = dot(BASE_SEGMENT_MIX, DEAL_SIZE_USD) * self.params.market.deal_size_scale
        n = max(1, round(target / mean_arr))
        seg = rng.choice(3, size=n, p=BASE_SEGMENT_MIX)
        arr = self.market.deal_size_usd[seg] * rng.lognormal(0.0, 0.35, n)
        arr *= target / arr.sum()
        self.customers.add(
            initial=True, segment=seg, arr=arr, fit=rng.beta(3.0, 2.5, n),
            owner=np.arange(n) % len(self.reps),
            source=np.where(rng.random(n) < MARKETING_SOURCED_BASE, MARKETING, 1),
            start_week=-rng.integers(1, 260, n),
        )

    # -- the week -----------------------------------------------------------------------------
    def step(self) -> None:
        self.week += 1
        self.flows.reset()
        self.ledger.reset()
        self.market.drift()
        self.allocation = self._allocate()
        self._choose_strategies()
        self._generate_inquiries()
        self._score_and_route()
        meeting = planning.meeting_hours(self)
        self._allocate_rep_time(meeting)
        self._hand_off()
        self._prospect_and_qualify()
        self._work_pipeline()
        self._serve_customers()
        self._record_feedback()
        if self.params.behaviour.behaviour_on:
            adaptation.adapt(self)
        planning.plan_if_due(self)
        planning.review_lead_definition(self)
        self._close_week()
        metrics.record_week(self.datacollector, self.reporters, self)

    def _choose_strategies(self) -> None:
        """Marketers choose a mode; everyone chooses whether to cooperate this week."""
        # Plain loops over the role lists (the agents of each type, in the same order) rather
        # than AgentSet.do, whose per-call snapshot and membership checks cost more than the
        # decisions; each person draws from their own Generator, so order cannot matter anyway.
        b = self.params.behaviour
        for marketer in self.marketers:
            marketer.choose_mode()
        if not b.behaviour_on:
            return
        slope = b.conditional_cooperation_slope
        for rep in self.reps:
            rep.choose_cooperation(slope)
        for marketer in self.marketers:
            marketer.choose_cooperation(slope)

    def history_sums(self, weeks: int) -> dict[str, float]:
        """Sums of the last `weeks` weeks' flows; computed once per week and window."""
        key = (self.week, weeks)
        if key not in self._history_sums:
            if key[0] != self._history_sums_week:
                self._history_sums, self._history_sums_week = {}, key[0]
            if self._history_rows is not None:
                n = self._history_count
                rows = self._history_rows[n - min(n, HISTORY_WEEKS):n][-weeks:]
                self._history_sums[key] = dict(zip(self.history[-1], rows.sum(axis=0).tolist(),
                                                   strict=True))
            else:
                self._history_sums[key] = {}
        return self._history_sums[key]

    def people_in_departments(self, departments: tuple[str, ...]) -> list[Person]:
        return [p for p in self.reps + self.marketers if p.department in departments]

    def _allocate(self) -> Allocation:
        share = self.plan.marketing_share if self.governance.share_revisable \
            else self.budget_year_share
        rep_cost = self.params.org.rep_cost_per_week_usd * len(self.reps)
        return self.budget.allocate(share, self.plan.mix, rep_cost)

    def _generate_inquiries(self) -> None:
        demand = float(self.allocation.programmes_usd[DEMAND])
        modes = np.array([m.mode for m in self.marketers])
        volume = funnel.marketer_volume(modes, np.array([m.cooperating for m in self.marketers]),
                                        self.params.behaviour.marketer_cooperation_cost)
        n = self.market.inquiry_count(demand, mean(volume))
        funnel.create_inquiries(self.leads, self.market, self.week, n, volume, modes,
                                self.params.market.fit_heterogeneity, self.lead_rng)
        self.flows.inquiries += n
        self.flows.marketing_spend_usd += self.allocation.marketing_usd

    def scoring_sd(self) -> float:
        b = self.params.behaviour
        skill_loss = (self.params.org.merged_scoring_noise_increase
                      if self.governance.merged_department else 0.0)
        return (b.scoring_noise * (1 - b.feedback_noise_reduction * self.feedback_rate)
                * (1 + skill_loss))

    def _score_and_route(self) -> None:
        pool = self.leads.stage <= 1
        gain = nurture_factor(float(self.allocation.programmes_usd[NURTURE]),
                              float(np.count_nonzero(pool))) - 1
        funnel.score_and_route(
            self.leads, self.week, self.plan.mql_threshold, self.scoring_sd(), gain,
            self.params.market.readiness_decay_nurture, self.params.market.nurture_max_weeks,
            funnel.pending_mqls_per_rep(self.leads, len(self.reps)), self.flows, self.ledger)

    def _allocate_rep_time(self, meeting_hours: float) -> None:
        econ = rep_economics(self)
        org = self.params.org
        available = org.rep_hours_per_week * self.allocation.funded_share - meeting_hours
        feedback = self.params.behaviour.cooperation_feedback_hours
        workload = {
            "pending": funnel.pending_mqls_per_rep(self.leads, len(self.reps)).tolist(),
            "opportunities": funnel.open_opportunities_per_rep(self.leads,
                                                               len(self.reps)).tolist(),
            "accounts": self.customers.accounts_per_owner(len(self.reps)).tolist(),
        }
        behaviour_on = self.params.behaviour.behaviour_on
        for rep in self.reps:  # a plain loop, as in _choose_strategies
            rep.plan_week(workload, available, feedback, econ, behaviour_on)
        self.rep_hours = np.array([rep.hours for rep in self.reps])
        # Hours per activity and in all, summed once for the week's history and the weekly
        # table, which read them several times (the same sums: each column, then the whole).
        self.rep_hours_by_activity = [float(self.rep_hours[:, a].sum())
                                      for a in range(self.rep_hours.shape[1])]
        self.rep_hours_total = float(self.rep_hours.sum())

    def _hand_off(self) -> None:
        g, on = self.governance, self.params.behaviour.behaviour_on
        followup = (g.monitoring.followup_weeks if g.monitoring.sla_on
                    else self.params.behaviour.informal_followup_weeks)
        # Graduated sanctions: a repeat offender's detected overdue MQLs are forced back, for
        # as long as the offence record lasts.
        forced = np.array([g.monitoring.graduated_sanctions and r.sanctions > 0
                           and self.week - r.last_offence_week < OFFENCE_MEMORY_WEEKS
                           for r in self.reps])
        decisions = funnel.RepDecisions(
            contacts=np.array([r.contacts for r in self.reps]),
            accept_bar=np.array([r.accept_bar for r in self.reps]),
            cooperating=np.array([r.cooperating or not on for r in self.reps]),
            opportunity_hours=self.rep_hours[:, OPPORTUNITIES],
            skill=self.skill,
        )
        funnel.handoff(
            self.leads, self.week, decisions, np.array([r.trust for r in self.reps]),
            g.handoff_gate and on, followup, g.monitoring.sla_on,
            g.monitoring.detection_prob, forced, self.params.market.readiness_decay_untouched,
            self.params.behaviour.distrust_discount, self.lead_rng, self.flows, self.ledger)
        self.hoarded = funnel.hoarded_count(self.leads, self.week, followup)

    def _prospect_and_qualify(self) -> None:
        org = self.params.org
        lift = prospecting_lift(self.allocation.sales_programme_usd)
        rate = self.rep_hours[:, PROSPECTING] * org.prospects_per_hour * (1 + lift)
        found = self.lead_rng.poisson(rate)
        funnel.add_prospects(self.leads, self.market, self.week, found,
                             self.params.market.fit_heterogeneity, self.lead_rng, self.flows,
                             self.ledger)
        coaching = coaching_factor(self.leaders["head_of_sales"].lobbying_hours)
        funnel.qualify(self.leads, self.market, self.week, self.skill * coaching,
                       self.enablement_lift(), self.lead_rng, self.flows, self.ledger)

    def enablement_lift(self) -> float:
        """Enablement content reaches sales through marketers who cooperate."""
        coop = cooperation_share(self.marketers)
        spend = float(self.allocation.programmes_usd[ENABLEMENT])
        coaching = coaching_factor(self.leaders["cmo"].lobbying_hours)
        return enablement_lift(spend * (0.5 + 0.5 * coop) * coaching)

    def _work_pipeline(self) -> None:
        opps = funnel.open_opportunities_per_rep(self.leads, len(self.reps),
                                                 opened_before=self.week)
        needed = opps * self.params.org.opportunity_hours_per_week
        progress = np.divide(self.rep_hours[:, OPPORTUNITIES], needed,
                             out=np.ones(len(self.reps)), where=needed > 0)
        won = funnel.advance_pipeline(self.leads, self.week, np.minimum(progress, 1.0),
                                      self.lead_rng, self.flows, self.ledger)
        leads = self.leads
        self.customers.add(segment=leads.segment[won], arr=leads.deal_value[won],
                           fit=leads.fit[won], owner=leads.owner[won],
                           source=leads.source[won], start_week=np.full(len(won), self.week))
        cycles = (self.week - leads.opp_week[won]).tolist()
        self.recent_cycles.append(cycles)
        if self.week > self.params.burn_in_weeks:
            self.won_cycles.extend(cycles)
            for cycle in cycles:
                insort(self.won_cycles_sorted, cycle)
        self.flows.sales_spend_usd += self.allocation.sales_usd
        self.flows.budget_usd += self.allocation.total_usd

    def _serve_customers(self) -> None:
        c = self.customers
        if len(c) == 0:
            return
        wanted = self.params.org.account_hours_per_customer
        accounts = c.accounts_per_owner(len(self.reps))
        if wanted > 0:
            per_account = np.divide(self.rep_hours[:, ACCOUNTS], accounts * wanted,
                                    out=np.ones(len(self.reps)), where=accounts > 0)
            attention = np.minimum(per_account[c.owner], 1.0)
        else:
            attention = np.ones(len(c))
        hazard = churn_hazard(c, self.market.weekly_churn, attention,
                              float(self.allocation.programmes_usd[RETENTION]),
                              self.market.attractiveness)
        gone = self.customer_rng.random(len(c)) < hazard
        self.flows.churned_logos += int(np.count_nonzero(gone))
        self.flows.churned_arr_usd += float(c.arr[gone].sum())
        c.remove(gone)
        added = c.expand(attention[~gone])
        self.ledger.add_rep("expansion_usd", c.owner, added)
        self.flows.expansion_arr_usd += float(added.sum())
        total, new, mkt = c.weekly_revenue(self.week)
        self.flows.revenue_usd = total
        self.flows.new_business_revenue_usd = new
        self.flows.marketing_sourced_revenue_usd = mkt

    def _record_feedback(self) -> None:
        """Closed loop: cooperating reps report what became of marketing's leads."""
        reporting = cooperation_share(self.reps)
        acting = cooperation_share(self.marketers)
        self.flows.feedback_reports = round(reporting * len(self.reps))
        # Feedback improves scoring only as far as marketers act on it.
        # A shared scoreboard shows the outcomes the CRM records without a rep's disposition.
        shown = (self.params.org.crm_outcome_coverage
                 if self.governance.visibility.marketing_sees_outcomes else 0.0)
        seen = (1 - (1 - reporting) * (1 - shown)) * (0.5 + 0.5 * acting)
        self.feedback_rate += FEEDBACK_MEMORY * (seen - self.feedback_rate)

    def _close_week(self) -> None:
        self.budget.record_revenue(self.flows.revenue_usd)
        week = self.flows.as_dict() | {
            "prospecting_hours": self.rep_hours_by_activity[PROSPECTING],
            "mql_hours": self.rep_hours_by_activity[MQL_FOLLOW_UP],
            "demand_spend_usd": float(self.allocation.programmes_usd[DEMAND]),
            "arr_usd": float(self.customers.arr.sum()),
        }
        self.history.append(week)
        self._append_history_row(list(week.values()))
        self.band_history.append({name: counts.copy()
                                  for name, counts in self.ledger.band.items()})
        self.leads.archive_closed()
        self.stage_counts = self.leads.active_by_stage()

    def _append_history_row(self, row: list[float]) -> None:
        if self._history_rows is None:
            self._history_rows = np.empty((2 * HISTORY_WEEKS, len(row)))
        buf = self._history_rows
        if self._history_count == len(buf):
            buf[:HISTORY_WEEKS] = buf[-HISTORY_WEEKS:]
            self._history_count = HISTORY_WEEKS
        buf[self._history_count] = row
        self._history_count += 1

    # -- output -------------------------------------------------------------------------------
    def people(self) -> list[Person]:
        return list(self.agents)

    def weekly_table(self) -> pd.DataFrame:
        return metrics.weekly_frame(self.datacollector)
