"""Reads of resident governance, split by topic: scoped querysets (`lists`), the vote rules in
force (`votes`), the stage gates governance decides (`gates`), indicators computed with SQL
aggregates in a fixed number of queries whatever the number of rows and the panels built from
them (`indicators`), the governance page of a compound with personal data masked by role
(`compound`) and the public disclosure page (`public`). Every public name is re-exported here,
so callers keep `from governance.selectors import vote_result`."""

from .compound import (
    CommitteeRow,
    CompoundGovernance,
    MemberRow,
    compound_governance,
    member_row,
    personal_data_visible,
    suggestion_contact,
)
from .gates import (
    consultation_gate,
    current_management,
    handover_gate,
    latest_satisfaction,
    passed_renovation_vote,
    vote_evidence,
)
from .indicators import (
    CompoundPanel,
    DashboardPanel,
    Indicators,
    StreetIndicators,
    compound_governance_panel,
    dashboard_governance_panel,
    governance_indicators,
    governance_indicators_by_street,
)
from .lists import (
    committee_list,
    compound_in_scope,
    disclosure_list,
    meeting_list,
    member_list,
    project_in_scope,
    suggestion_list,
    vote_list,
)
from .public import public_disclosure, public_funding_mix, public_stages
from .votes import VoteResult, matter_rule, vote_result, vote_rule_for

__all__ = [
    "CommitteeRow",
    "CompoundGovernance",
    "CompoundPanel",
    "DashboardPanel",
    "Indicators",
    "MemberRow",
    "StreetIndicators",
    "VoteResult",
    "committee_list",
    "compound_governance",
    "compound_governance_panel",
    "compound_in_scope",
    "consultation_gate",
    "current_management",
    "dashboard_governance_panel",
    "disclosure_list",
    "governance_indicators",
    "governance_indicators_by_street",
    "handover_gate",
    "latest_satisfaction",
    "matter_rule",
    "meeting_list",
    "member_list",
    "member_row",
    "passed_renovation_vote",
    "personal_data_visible",
    "project_in_scope",
    "public_disclosure",
    "public_funding_mix",
    "public_stages",
    "suggestion_contact",
    "suggestion_list",
    "vote_evidence",
    "vote_list",
    "vote_result",
    "vote_rule_for",
]
