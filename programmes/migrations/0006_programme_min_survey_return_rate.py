# The minimum survey return rate was added on two branches at once; 0006_programme_setup adds
# the column and its constraint, so this migration only keeps its place in the graph.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_programme_setup"),
    ]

    operations = []
