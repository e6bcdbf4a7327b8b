"""A jury's secret ballots wait sealed until the verdict closes (docs/juries.md "Secret verdicts")."""

import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('deliberation', '0013_chat_client_id'),
    ]

    operations = [
        migrations.CreateModel(
            name='SealedVerdictBallot',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('sealed', models.BinaryField()),
                ('verdict', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sealed_ballots', to='deliberation.verdict')),
            ],
        ),
    ]
