from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("retain", "0008_event_account_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="source",
            name="allowed_calls",
            field=models.CharField(blank=True, default="", max_length=100),
        ),
    ]
