"""Secret ballots: random ballot keys (no sequence follows the roll) and the sealed ballots of open votes.

On PostgreSQL the ballot key also gets a random database default, for rows written by SQL without
the ORM (bench/): 60 random bits of gen_random_uuid() (PostgreSQL 13+). docs/voting.md "Secrecy".
"""

import django.db.models.deletion
import uuid
import voting.models
from django.db import migrations, models


RANDOM_KEY = ("(('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16))::bit(64)::bigint "
              "& 9223372036854775807)")


def random_default_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE voting_ballot ALTER COLUMN id SET DEFAULT {RANDOM_KEY}")


def no_default_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE voting_ballot ALTER COLUMN id DROP DEFAULT")


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0004_acceptance_and_turnout_quorum'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ballot',
            name='id',
            field=models.BigIntegerField(default=voting.models.random_ballot_id, editable=False, primary_key=True, serialize=False),
        ),
        migrations.RunPython(random_default_on_postgresql, no_default_on_postgresql),
        migrations.CreateModel(
            name='SealedBallot',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('sealed', models.BinaryField()),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sealed_ballots', to='voting.vote')),
            ],
        ),
    ]
