"""Secret ballots: random ballot keys (no sequence follows the roll) and the sealed ballots of open votes.

On PostgreSQL the ballot key also gets a random database default, for rows written by SQL without
the ORM (bench/): 60 random bits of gen_random_uuid() (PostgreSQL 13+). The ballots already stored
for secret votes that have a roll (cast here, not imported) are written again in a random order
with random keys and the date of their vote's close, so their rows no longer follow the roll's
transactions, order or days either (older backups and WAL still do). docs/voting.md "Secrecy".
"""

import random
import secrets
import uuid

import django.db.models.deletion
import voting.models
from django.db import migrations, models


RANDOM_KEY = ("(('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16))::bit(64)::bigint "
              "& 9223372036854775807)")


def random_default_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE voting_ballot ALTER COLUMN id SET DEFAULT {RANDOM_KEY}")


def identity_after_the_highest_key(apps, schema_editor):
    """Backwards only: the key becomes an identity column again, which would start at 1 among the
    ballots kept with ids 1..N; it goes on after the highest key instead."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT setval(pg_get_serial_sequence('voting_ballot', 'id'), "
                              "COALESCE((SELECT MAX(id) FROM voting_ballot), 0) + 1, false)")


def no_default_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE voting_ballot ALTER COLUMN id DROP DEFAULT")


CHUNK = 2000


def rewrite_secret_ballots(apps, schema_editor):
    """Each secret vote's ballots again, in an order shuffled in memory, with random keys.

    A vote's ballots are read whole, deleted, and inserted again (the receipt hash is unique, so the
    new rows cannot be written before the old are gone): a vote cast online holds them in memory.
    """
    from django.utils import timezone

    Ballot, Vote = apps.get_model("voting", "Ballot"), apps.get_model("voting", "Vote")
    fields = [f.attname for f in Ballot._meta.concrete_fields if f.attname not in ("id", "cast_on")]
    shuffle = random.SystemRandom().shuffle
    secret_votes = Vote.objects.filter(secret=True, roll__isnull=False).distinct()
    for vote_id, closes_at in secret_votes.values_list("pk", "closes_at"):
        # the day a ballot was cast matched the roll's day of voting: every ballot gets its close's, as now
        cast_on = timezone.localdate(closes_at)
        ballots = [Ballot(id=secrets.randbits(63) or 1, cast_on=cast_on, **row)
                   for row in Ballot.objects.filter(vote_id=vote_id).values(*fields).iterator(chunk_size=CHUNK)]
        shuffle(ballots)
        Ballot.objects.filter(vote_id=vote_id).delete()
        Ballot.objects.bulk_create(ballots, batch_size=CHUNK)


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0004_acceptance_and_turnout_quorum'),
    ]

    operations = [
        # Listed first so that, backwards, it runs after the identity is back (see the function).
        migrations.RunPython(migrations.RunPython.noop, identity_after_the_highest_key),
        migrations.AlterField(
            model_name='ballot',
            name='id',
            field=models.BigIntegerField(default=voting.models.random_ballot_id, editable=False, primary_key=True, serialize=False),
        ),
        migrations.RunPython(random_default_on_postgresql, no_default_on_postgresql),
        migrations.RunPython(rewrite_secret_ballots, migrations.RunPython.noop),
        migrations.CreateModel(
            name='SealedBallot',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('sealed', models.BinaryField()),
                ('vote', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sealed_ballots', to='voting.vote')),
            ],
        ),
    ]
