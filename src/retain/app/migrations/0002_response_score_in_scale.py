"""A survey response's score must lie within its survey's scale, enforced by the database.

A check constraint cannot read the survey row, so each backend gets a trigger on insert and
update of responses (and on survey scale changes that would strand existing answers).
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER retain_response_score_in_scale_ins
    BEFORE INSERT ON retain_survey_response
    WHEN NEW.score < (SELECT scale_min FROM retain_survey WHERE id = NEW.survey_id)
      OR NEW.score > (SELECT scale_max FROM retain_survey WHERE id = NEW.survey_id)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: response_score_in_survey_scale'); END
    """,
    """
    CREATE TRIGGER retain_response_score_in_scale_upd
    BEFORE UPDATE OF score, survey_id ON retain_survey_response
    WHEN NEW.score < (SELECT scale_min FROM retain_survey WHERE id = NEW.survey_id)
      OR NEW.score > (SELECT scale_max FROM retain_survey WHERE id = NEW.survey_id)
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: response_score_in_survey_scale'); END
    """,
    """
    CREATE TRIGGER retain_survey_scale_keeps_responses
    BEFORE UPDATE OF scale_min, scale_max ON retain_survey
    WHEN EXISTS (SELECT 1 FROM retain_survey_response r WHERE r.survey_id = NEW.id
                 AND (r.score < NEW.scale_min OR r.score > NEW.scale_max))
    BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: response_score_in_survey_scale'); END
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS retain_response_score_in_scale_ins",
    "DROP TRIGGER IF EXISTS retain_response_score_in_scale_upd",
    "DROP TRIGGER IF EXISTS retain_survey_scale_keeps_responses",
]

POSTGRES = [
    """
    CREATE FUNCTION retain_response_score_in_scale() RETURNS trigger AS $$
    DECLARE lo smallint; hi smallint;
    BEGIN
      SELECT scale_min, scale_max INTO lo, hi FROM retain_survey WHERE id = NEW.survey_id;
      IF NEW.score < lo OR NEW.score > hi THEN
        RAISE EXCEPTION 'score % is outside the survey scale %-%', NEW.score, lo, hi
          USING ERRCODE = 'check_violation', CONSTRAINT = 'response_score_in_survey_scale';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER retain_response_score_in_scale
    BEFORE INSERT OR UPDATE OF score, survey_id ON retain_survey_response
    FOR EACH ROW EXECUTE FUNCTION retain_response_score_in_scale()
    """,
    """
    CREATE FUNCTION retain_survey_scale_keeps_responses() RETURNS trigger AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM retain_survey_response r WHERE r.survey_id = NEW.id
                 AND (r.score < NEW.scale_min OR r.score > NEW.scale_max)) THEN
        RAISE EXCEPTION 'survey % scale would exclude existing responses', NEW.id
          USING ERRCODE = 'check_violation', CONSTRAINT = 'response_score_in_survey_scale';
      END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER retain_survey_scale_keeps_responses
    BEFORE UPDATE OF scale_min, scale_max ON retain_survey
    FOR EACH ROW EXECUTE FUNCTION retain_survey_scale_keeps_responses()
    """,
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS retain_survey_scale_keeps_responses ON retain_survey",
    "DROP FUNCTION IF EXISTS retain_survey_scale_keeps_responses()",
    "DROP TRIGGER IF EXISTS retain_response_score_in_scale ON retain_survey_response",
    "DROP FUNCTION IF EXISTS retain_response_score_in_scale()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql, None)

    return run


class Migration(migrations.Migration):
    dependencies = [("retain", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        ),
    ]
