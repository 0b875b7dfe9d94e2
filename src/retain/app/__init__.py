"""The Django application: models, migrations, admin and the services facade."""
