from django.db import migrations


def load_catalogue(apps, schema_editor):
    from programmes.catalogue import work_types_sync

    work_types_sync(apps.get_model("programmes", "WorkType"))


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(load_catalogue, migrations.RunPython.noop),
    ]
