"""The people of the firm: Mesa agents that hold state and decide."""

from agents.base import Person
from agents.leaders import CMO, CRO, FinancePlanner, HeadOfSales, Leader
from agents.marketer import Marketer
from agents.sales_rep import SalesRep

__all__ = ["CMO", "CRO", "FinancePlanner", "HeadOfSales", "Leader", "Marketer", "Person",
           "SalesRep"]
