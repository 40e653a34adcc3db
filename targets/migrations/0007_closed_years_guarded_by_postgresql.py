"""On PostgreSQL the database itself keeps a closed year closed, whatever client writes:

- cauthia_refuse_closed_year(): a trigger function for every table of records of a year (it
  reads the row's year_id). It locks the year's row FOR SHARE before the write, so a closing
  (an UPDATE of that row) waits for writes in flight and a write after the closing sees it;
- a closed year's own row cannot be changed or deleted, only reopened;
- cauthia_set_year_closed(): the one way to close or reopen, changing the year and recording
  the event together. It runs with its owner's rights, so the app's own role needs no right to
  write either (see the grant_app_role command);
- a closing event is accepted only from that function, matching the year's new state.

SQLite, for trying the app, has the same rules through the models alone.
"""

from django.db import migrations

from targets.postgresql import of_open_year, on_postgresql

GUARDED, UNGUARDED = of_open_year("targets_figure")

CREATE = """
CREATE OR REPLACE FUNCTION cauthia_refuse_closed_year() RETURNS trigger AS $$
DECLARE
    closed boolean;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT is_closed INTO closed FROM targets_year WHERE id = OLD.year_id FOR SHARE;
        IF closed THEN
            RAISE EXCEPTION 'year % is closed: % on % refused', OLD.year_id, TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        SELECT is_closed INTO closed FROM targets_year WHERE id = NEW.year_id FOR SHARE;
        IF closed THEN
            RAISE EXCEPTION 'year % is closed: % on % refused', NEW.year_id, TG_OP, TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION cauthia_keep_closed_year() RETURNS trigger AS $$
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
$$ LANGUAGE plpgsql;

CREATE TRIGGER targets_year_kept_closed BEFORE UPDATE OR DELETE ON targets_year
    FOR EACH ROW EXECUTE FUNCTION cauthia_keep_closed_year();

CREATE OR REPLACE FUNCTION cauthia_check_year_event() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('cauthia.closing_year', true), '') <> NEW.year_id::text
       OR NOT EXISTS (
           SELECT 1 FROM targets_year WHERE id = NEW.year_id AND is_closed = (NEW.action = 'close')
       ) THEN
        RAISE EXCEPTION 'a closing or reopening is recorded only with the change of the year'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER targets_yearevent_matches_year BEFORE INSERT ON targets_yearevent
    FOR EACH ROW EXECUTE FUNCTION cauthia_check_year_event();

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
""" + GUARDED

DROP = (
    UNGUARDED
    + """
DROP FUNCTION IF EXISTS cauthia_set_year_closed(bigint, boolean, integer, text);
DROP TRIGGER IF EXISTS targets_yearevent_matches_year ON targets_yearevent;
DROP FUNCTION IF EXISTS cauthia_check_year_event();
DROP TRIGGER IF EXISTS targets_year_kept_closed ON targets_year;
DROP FUNCTION IF EXISTS cauthia_keep_closed_year();
DROP FUNCTION IF EXISTS cauthia_refuse_closed_year();
"""
)


class Migration(migrations.Migration):
    dependencies = [("targets", "0006_closed_names_clean_text_checks")]

    operations = [migrations.RunPython(*on_postgresql(CREATE, DROP))]
