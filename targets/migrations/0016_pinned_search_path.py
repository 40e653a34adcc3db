"""On PostgreSQL, the functions of migrations 0004 and 0007 name every table by its schema and
run with a fixed search path (targets.postgresql.PINNED_PATH): a temporary table named like one
of the app's, which the caller's own path would find first, can no longer stand in for it, so
it can neither show a closed year open to a trigger nor take a closing's record.

The closing function refuses what Year.close and Year.reopen refuse, so that calling it by hand
gets round nothing: an author who is not an active user, a reopening without a reason of at
least five letters or digits that show (targets.text.has_letters), and a closing while a target
has a plan and no final figure, falls short of its plan without a reason
(Year.closing_blockers) or has not had its name kept for the report. Only its owner and the
app's role (see grant_app_role) may call it, no longer every role, as with a new function.

Backwards, the closing function's body is as migration 0007 made it, with the rights it has;
the trigger functions keep their pinned path, with which every honest write behaves as before.
"""

from django.conf import settings
from django.db import migrations

from targets.postgresql import in_app_schema

TRIGGER_FUNCTIONS = """
CREATE OR REPLACE FUNCTION {schema}.cauthia_refuse_history_change() RETURNS trigger
LANGUAGE plpgsql {path} AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION {schema}.cauthia_refuse_closed_year() RETURNS trigger
LANGUAGE plpgsql {path} AS $$
DECLARE
    closed boolean;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT is_closed INTO closed FROM {schema}.targets_year WHERE id = OLD.year_id FOR SHARE;
        IF closed THEN
            RAISE EXCEPTION 'year % is closed: % on % refused', OLD.year_id, TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT is_closed INTO closed FROM {schema}.targets_year WHERE id = NEW.year_id FOR SHARE;
        IF closed THEN
            RAISE EXCEPTION 'year % is closed: % on % refused', NEW.year_id, TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$;

CREATE OR REPLACE FUNCTION {schema}.cauthia_keep_closed_year() RETURNS trigger
LANGUAGE plpgsql {path} AS $$
BEGIN
    IF OLD.is_closed AND (TG_OP = 'DELETE' OR NEW.is_closed) THEN
        RAISE EXCEPTION 'year % is closed: its report is final', OLD.year
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION {schema}.cauthia_check_year_event() RETURNS trigger
LANGUAGE plpgsql {path} AS $$
BEGIN
    IF coalesce(current_setting('cauthia.closing_year', true), '') <> NEW.year_id::text
       OR NOT EXISTS (
           SELECT 1 FROM {schema}.targets_year
            WHERE id = NEW.year_id AND is_closed = (NEW.action = 'close')
       ) THEN
        RAISE EXCEPTION 'a closing or reopening is recorded only with the change of the year'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;
"""

# The names in its messages are the targets' as the year's report prints them (targets.models
# named). A figure falls short as Figure.needs_reason says: its final figure, else its estimate,
# below plan (above it for a ceiling), and its reason blank once stripped.
CLOSING_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.cauthia_set_year_closed(
    p_year bigint, p_closed boolean, p_by integer, p_reason text
) RETURNS boolean
LANGUAGE plpgsql STRICT SECURITY DEFINER {path} AS $$
DECLARE
    was_closed boolean;
    blocking text;
BEGIN
    SELECT is_closed INTO was_closed FROM {schema}.targets_year WHERE id = p_year
        FOR NO KEY UPDATE;
    IF NOT FOUND OR was_closed = p_closed THEN
        RETURN false;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM {users} WHERE id = p_by AND is_active) THEN
        RAISE EXCEPTION 'user % may not close or reopen a year: no such active user', p_by
            USING ERRCODE = 'check_violation';
    END IF;
    IF NOT p_closed THEN
        IF length(regexp_replace(p_reason COLLATE {letters}, '[^[:alnum:]]|[{fillers}]', '', 'g'))
           < 5 THEN
            RAISE EXCEPTION 'year % is reopened only with a reason in a few words', p_year
                USING ERRCODE = 'check_violation';
        END IF;
    ELSE
        SELECT string_agg(format('%s. %s', t.position, coalesce(nullif(f.target_name, ''), t.name)),
                          '; ' ORDER BY t.position)
          INTO blocking
          FROM {schema}.targets_figure f JOIN {schema}.targets_target t ON t.id = f.target_id
         WHERE f.year_id = p_year AND f.plan IS NOT NULL AND f.actual IS NULL;
        IF blocking IS NOT NULL THEN
            RAISE EXCEPTION 'year % cannot be closed: no final figure for %', p_year, blocking
                USING ERRCODE = 'check_violation';
        END IF;
        SELECT string_agg(format('%s. %s', t.position, coalesce(nullif(f.target_name, ''), t.name)),
                          '; ' ORDER BY t.position)
          INTO blocking
          FROM {schema}.targets_figure f JOIN {schema}.targets_target t ON t.id = f.target_id
         WHERE f.year_id = p_year AND f.plan IS NOT NULL
           AND CASE WHEN t.kind <> 'milestone' AND t.direction = 'lower'
                    THEN coalesce(f.actual, f.actual_estimate) > f.plan
                    ELSE coalesce(f.actual, f.actual_estimate) < f.plan END
           AND f.reason !~ '[^{blanks}]';
        IF blocking IS NOT NULL THEN
            RAISE EXCEPTION 'year % cannot be closed: no reason why % fell short', p_year, blocking
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (
            SELECT 1 FROM {schema}.targets_figure WHERE year_id = p_year AND target_name = ''
        ) THEN
            RAISE EXCEPTION 'year % cannot be closed: its targets'' names are not kept yet', p_year
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    UPDATE {schema}.targets_year SET is_closed = p_closed WHERE id = p_year;
    PERFORM set_config('cauthia.closing_year', p_year::text, true);
    INSERT INTO {schema}.targets_yearevent (year_id, action, reason, by_id, at)
        VALUES (p_year, CASE WHEN p_closed THEN 'close' ELSE 'reopen' END, p_reason, p_by, now());
    PERFORM set_config('cauthia.closing_year', '', true);
    RETURN true;
END
$$;

REVOKE ALL ON FUNCTION {schema}.cauthia_set_year_closed(bigint, boolean, integer, text)
    FROM PUBLIC;
"""

# As migration 0007 made it.
UNCHECKED_CLOSING_FUNCTION = """
CREATE OR REPLACE FUNCTION cauthia_set_year_closed(
    p_year bigint, p_closed boolean, p_by integer, p_reason text
) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
BEGIN
    UPDATE targets_year SET is_closed = p_closed WHERE id = p_year AND is_closed = NOT p_closed;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM set_config('cauthia.closing_year', p_year::text, true);
    INSERT INTO targets_yearevent (year_id, action, reason, by_id, at)
        VALUES (p_year, CASE WHEN p_closed THEN 'close' ELSE 'reopen' END, p_reason, p_by, now());
    PERFORM set_config('cauthia.closing_year', '', true);
    RETURN true;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0015_report_subject_signing_body_estimate_number"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(
            *in_app_schema(TRIGGER_FUNCTIONS + CLOSING_FUNCTION, UNCHECKED_CLOSING_FUNCTION)
        )
    ]
