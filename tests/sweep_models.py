"""Models for the experiment tests (importable by worker processes: tests/ is on sys.path)."""

from __future__ import annotations

from tradetiers import TradeModel


class FragileModel(TradeModel):
    """The real model, except that it raises on purpose when distance_decay is at least 0.9."""

    def run(self, years: int | None = None) -> TradeModel:
        if self.scenario.parameters.distance_decay >= 0.9:
            raise RuntimeError("boom on purpose")
        return super().run(years)
