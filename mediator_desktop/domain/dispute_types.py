"""The default dispute-type table (纠纷类型), in the order statistics use (LEGAL.md §1).

Provinces add their own types, so the application seeds its editable table from this list
once and never relies on it afterwards.
"""

from __future__ import annotations

DEFAULT_DISPUTE_TYPES: list[tuple[str, list[str]]] = [
    ("婚姻家庭纠纷", []),
    ("邻里纠纷", []),
    ("房屋宅基地纠纷", []),
    ("合同纠纷", []),
    ("生产经营纠纷", []),
    ("损害赔偿纠纷", []),
    ("山林土地纠纷", []),
    ("征地拆迁纠纷", []),
    ("环境污染纠纷", []),
    ("劳动争议纠纷", ["拖欠农民工工资纠纷", "其他劳动争议纠纷"]),
    ("消费纠纷", ["旅游消费纠纷", "电子商务消费纠纷", "其他消费纠纷"]),
    ("医疗纠纷", []),
    ("道路交通事故纠纷", []),
    ("物业纠纷", []),
    ("其他纠纷", []),
]
