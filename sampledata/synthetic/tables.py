"""The tables the generator fills and the column order of its row tuples.

Every table lists all of its model's concrete columns (checked by `check_columns` before anything
is written), so a field added to a model later makes the generator stop with a clear message
instead of loading rows that violate a NOT NULL column. Tables are in dependency order.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models

AUDIT = "id created_at created_by_id updated_at updated_by_id"

# table: (model, columns in the order of the row tuples; "@" stands for the audit columns)
SPEC: dict[str, tuple[str, str]] = {
    "province": ("programmes.Province", "id name code"),
    "city": ("programmes.City", "id province_id name code"),
    "district": ("programmes.District", "id city_id name code"),
    "street": ("programmes.Street", "id district_id name"),
    "community": ("programmes.Community", "id street_id name"),
    "area": ("programmes.Area", "id district_id name description"),
    "voteruleset": ("governance.VoteRuleSet", "id city_id name legal_basis effective_from"),
    "voterule": (
        "governance.VoteRule",
        "id rule_set_id matter quorum_numerator quorum_denominator quorum_strict "
        "approval_numerator approval_denominator approval_strict",
    ),
    "compound": (
        "programmes.Compound",
        "@ code name address street_id community_id area_id year_built building_count "
        "households residents floor_area latitude longitude survey_status "
        "flag_incomplete_functions flag_ageing_facilities flag_poor_quality "
        "flag_poor_management flag_safety_hazard notes current_project_id version",
    ),
    "building": (
        "programmes.Building",
        "@ compound_id name floors units households has_elevator year_built version",
    ),
    "programme": (
        "programmes.Programme",
        "@ district_id name start_year end_year description support_threshold report_overdue_days "
        "min_survey_return_rate version",
    ),
    "batch": ("programmes.Batch", "id programme_id name year sequence"),
    "yeartarget": ("programmes.YearTarget", "id programme_id year compounds households buildings"),
    "project": (
        "programmes.Project",
        "@ programme_id compound_id batch_id year name category budget contractor "
        "planned_start planned_end started_on completed_on stage stage_changed_at "
        "progress last_report_on version categories supervisor designer",
    ),
    "stagetransition": (
        "programmes.StageTransition",
        "id project_id from_stage to_stage reason gate_evidence by_id at effective_on gate_waived "
        "waiver_reason",
    ),
    "acceptancerecord": (
        "programmes.AcceptanceRecord",
        "@ project_id accepted_on residents_present participants passed notes version",
    ),
    "workitem": (
        "programmes.WorkItem",
        "@ project_id work_type_id description planned_quantity budget completed_quantity "
        "planned_start planned_end version",
    ),
    "progressreport": (
        "programmes.ProgressReport",
        "@ project_id report_date note status return_comment returned_by_id returned_at version",
    ),
    "progressreportline": (
        "programmes.ProgressReportLine",
        "id report_id work_item_id quantity_to_date reason",
    ),
    "siteproblem": (
        "programmes.SiteProblem",
        "@ project_id title description severity status resolution closed_at closed_by_id version",
    ),
    "residentcommittee": (
        "governance.ResidentCommittee",
        "@ street_id compound_id area_id kind name formed_on term_ends_on headcount notes version",
    ),
    "committeemember": (
        "governance.CommitteeMember",
        "@ committee_id name role building unit is_party_member phone",
    ),
    "meeting": (
        "governance.Meeting",
        "@ compound_id project_id kind held_on attendance topics resolutions minutes",
    ),
    "opinionsurvey": (
        "governance.OpinionSurvey",
        "@ project_id held_on scope_label scope_kind building_id unit forms_issued "
        "forms_returned support oppose abstain suggestions",
    ),
    "ownervote": (
        "governance.OwnerVote",
        "@ compound_id project_id scope_kind building_id unit matter title held_on "
        "eligible_owners eligible_area tally_method participating_owners "
        "participating_area agree_owners agree_area oppose_owners oppose_area "
        "rule_set_id quorum_reached passed tallied_at version",
    ),
    "ballot": ("governance.Ballot", "id vote_id room owner area choice"),
    "disclosure": (
        "governance.Disclosure",
        "@ project_id title summary window_starts_on window_ends_on objection_deadline "
        "published published_at token version",
    ),
    "suggestion": (
        "governance.Suggestion",
        "@ compound_id project_id disclosure_id kind channel text contact received_at "
        "status assigned_to assigned_at answer answered_at answered_by_id closed_at "
        "version",
    ),
    "satisfactionsurvey": (
        "governance.SatisfactionSurvey",
        "@ project_id held_on respondents satisfied dissatisfied notes",
    ),
    "longtermmanagement": (
        "governance.LongTermManagement",
        "@ compound_id project_id mode provider fee_per_m2 starts_on decided_by_id notes",
    ),
    "fundcollection": (
        "governance.FundCollection",
        "@ project_id as_of standard households_expected households_paid "
        "amount_expected amount_collected version",
    ),
    "fundingsource": ("funding.FundingSource", "@ district_id kind sub_type funder combines"),
    "contributionrule": (
        "funding.ContributionRule",
        "@ programme_id name sub_type basis rate year",
    ),
    "commitment": (
        "funding.Commitment",
        "@ source_id programme_id project_id batch_id year amount rule_id reference "
        "note status approved_by_id approved_at version mode works reverses_id "
        "reversal_reason split_from_id",
    ),
    "allocation": ("funding.Allocation", "@ commitment_id project_id amount version"),
    "receipt": (
        "funding.Receipt",
        "@ commitment_id project_id amount note received_on over_reason reverses_id "
        "reversal_reason moved_from_id",
    ),
    "expenditure": (
        "funding.Expenditure",
        "@ commitment_id project_id amount note spent_on work_item_id payee reverses_id "
        "reversal_reason moved_from_id",
    ),
}
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    table: (label, tuple(text.replace("@", AUDIT).split())) for table, (label, text) in SPEC.items()
}


def model(table: str) -> type[models.Model]:
    return apps.get_model(TABLES[table][0])


def columns(table: str) -> tuple[str, ...]:
    return TABLES[table][1]


def check_columns() -> list[str]:
    """Tables whose column list no longer matches their model (empty when all is well)."""
    problems = []
    for label, cols in TABLES.values():
        expected = {f.attname for f in apps.get_model(label)._meta.concrete_fields}
        if set(cols) != expected or len(cols) != len(expected):
            missing = sorted(expected - set(cols))
            extra = sorted(set(cols) - expected)
            problems.append(f"{label}: missing {missing}, unknown {extra}")
    return problems
