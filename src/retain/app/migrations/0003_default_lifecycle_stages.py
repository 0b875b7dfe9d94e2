"""Seed the default lifecycle stages; teams may rename, reorder or add to them."""

from django.db import migrations

STAGES = [
    ("onboarding", "Onboarding", "Getting set up and reaching first value."),
    ("adoption", "Adoption", "Rolling the product out to more users and use cases."),
    ("value", "Value", "Getting steady value; regular check-ins."),
    ("renewal", "Renewal", "Renewal is coming up."),
    ("expansion", "Expansion", "Ready to grow: more seats, a higher plan or new products."),
    ("advocacy", "Advocacy", "A happy customer who refers and speaks for us."),
]


def add_stages(apps, schema_editor):
    stage = apps.get_model("retain", "LifecycleStage")
    for position, (key, name, description) in enumerate(STAGES):
        stage.objects.get_or_create(
            key=key, defaults={"name": name, "position": position, "description": description}
        )


def remove_stages(apps, schema_editor):
    apps.get_model("retain", "LifecycleStage").objects.filter(
        key__in=[key for key, _, _ in STAGES], accounts__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("retain", "0002_response_score_in_scale")]

    operations = [migrations.RunPython(add_stages, remove_stages)]
