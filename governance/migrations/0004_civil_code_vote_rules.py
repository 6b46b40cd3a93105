"""The national default rule set for owners' votes: Civil Code art. 278 (in force 2021-01-01)."""

import datetime

from django.db import migrations

SPECIAL = (3, 4, False)  # at least three quarters (“四分之三以上”)
ORDINARY = (1, 2, True)  # more than half (“过半数”)
MATTERS = {
    "elect_committee": ORDINARY,
    "use_fund": ORDINARY,
    "raise_fund": SPECIAL,
    "renovate": SPECIAL,
    "change_use": SPECIAL,
    "other": ORDINARY,
}
EFFECTIVE_FROM = datetime.date(2021, 1, 1)


def create_default(apps, schema_editor):
    VoteRuleSet = apps.get_model("governance", "VoteRuleSet")
    VoteRule = apps.get_model("governance", "VoteRule")
    rule_set, _created = VoteRuleSet.objects.get_or_create(
        city=None,
        effective_from=EFFECTIVE_FROM,
        defaults={
            "name": "民法典第二百七十八条",
            "legal_basis": (
                "《中华人民共和国民法典》第二百七十八条：由专有部分面积占比三分之二以上的业主且"
                "人数占比三分之二以上的业主参与表决。筹集建筑物及其附属设施的维修资金，改建、重建"
                "建筑物及其附属设施，改变共有部分的用途或者利用共有部分从事经营活动，应当经参与"
                "表决专有部分面积四分之三以上的业主且参与表决人数四分之三以上的业主同意；决定其他"
                "事项，应当经参与表决专有部分面积过半数的业主且参与表决人数过半数的业主同意。"
            ),
        },
    )
    for matter, (numerator, denominator, strict) in MATTERS.items():
        VoteRule.objects.get_or_create(
            rule_set=rule_set,
            matter=matter,
            defaults={
                "quorum_numerator": 2,
                "quorum_denominator": 3,
                "quorum_strict": False,
                "approval_numerator": numerator,
                "approval_denominator": denominator,
                "approval_strict": strict,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0003_governance_records")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
