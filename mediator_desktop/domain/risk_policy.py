"""The response and escalation times of risk levels (STATISTICS.md §4: LOCAL practice, set on
this PC; ``settings.risk_policy`` makes one, ``services/risk.py`` counts the clocks with it).

Apart from the clocks so that handing the settings to the services loads no calendar."""

from __future__ import annotations

from dataclasses import dataclass

from mediator_desktop.domain.enums import RiskLevel


@dataclass(frozen=True)
class RiskPolicy:
    """The response and escalation times of this PC's settings (``settings.risk_policy``)."""

    red_days: int = 0           # calendar days to report a red case (0: the same day)
    orange_hours: int = 24      # calendar hours to handle an orange case
    yellow_days: int = 3        # working days to settle a yellow case on the spot
    grid_days: int = 3          # working days the grid has before the village takes over
    village_hours: int = 24     # calendar hours the village has before reporting to the township
    township_days: int = 10     # working days the township has to answer
    petition_days: tuple[int, int, int, int] = (3, 5, 7, 30)

    def response_text(self, level: str) -> str:
        """The response time of ``level`` in words (shown beside the level)."""
        if level == RiskLevel.RED.value:
            when = "当天" if self.red_days == 0 else f"{self.red_days}天内"
            return f"{when}报告乡镇（街道），涉及暴力或可能引发刑事案件的同时报告公安机关；须制定一案一策"
        if level == RiskLevel.ORANGE.value:
            return f"{self.orange_hours}小时内处置"
        if level == RiskLevel.YELLOW.value:
            return f"网格或村（社区）{self.yellow_days}个工作日内就地化解"
        return "无需特别处置"
