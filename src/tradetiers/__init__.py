"""tradetiers: an agent-based simulator of international trade in four tiers."""

from tradetiers.agents import Country
from tradetiers.config import Scenario, ScenarioError
from tradetiers.model import TradeModel

__all__ = ["Country", "Scenario", "ScenarioError", "TradeModel"]
__version__ = "0.1.0"
