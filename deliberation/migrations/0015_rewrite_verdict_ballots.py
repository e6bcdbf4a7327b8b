"""A jury's verdict ballots stored before the sealed box (0014) are written again, shuffled, with new keys.

They were inserted in the roll's transaction, so their xmin and place on disk followed the roll's (20
of 20 linked in the review). Rewritten in one shuffled batch, as the close now writes them, they link
no better than chance. Older backups and WAL still hold the old rows: VACUUM after migrating
(docs/juries.md "Secret verdicts"). Backwards there is nothing to undo: the ballots are the same.
"""

import random
import uuid

from django.db import migrations


def rewrite_verdict_ballots(apps, schema_editor):
    VerdictBallot = apps.get_model("deliberation", "VerdictBallot")
    shuffle = random.SystemRandom().shuffle
    for verdict_id in VerdictBallot.objects.values_list("verdict_id", flat=True).distinct():
        choices = list(VerdictBallot.objects.filter(verdict_id=verdict_id).values_list("choice", flat=True))
        shuffle(choices)
        VerdictBallot.objects.filter(verdict_id=verdict_id).delete()
        VerdictBallot.objects.bulk_create(
            [VerdictBallot(id=uuid.uuid4(), verdict_id=verdict_id, choice=choice) for choice in choices])


class Migration(migrations.Migration):

    dependencies = [
        ("deliberation", "0014_sealed_verdict_ballots"),
    ]

    operations = [
        migrations.RunPython(rewrite_verdict_ballots, migrations.RunPython.noop),
    ]
