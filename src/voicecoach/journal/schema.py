"""The journal's tables, as the migrations that build them from an empty file.

``MIGRATIONS[n]`` takes a database from ``PRAGMA user_version`` n to n+1;
each is run once, in a transaction, and never edited after it has shipped:
a change is a new migration at the end.
"""

from __future__ import annotations

# One (session, exercise) group of ``sets`` as a row of ``set_summary``: the session's day
# and whether it was a dry run (copied, so that a read walks one index in date order and
# stops), the group's sets and last end (which sessions to list) and, over its working sets
# with a weight, the heaviest and the best e1RM (the plots) with the range of every number
# they depend on, so that a reader tells a group whose numbers are all believable from one
# it must read set by set. No bound is written here: they live in sane.py.
_GROUP = """
    SELECT session_id, exercise, lower(exercise_name),
        (SELECT substr(started_at, 1, 10) FROM sessions WHERE sessions.id = session_id),
        (SELECT dry_run FROM sessions WHERE sessions.id = session_id),
        COUNT(*), MAX(ended_at),
        MAX(CASE WHEN {w} THEN weight END), MIN(CASE WHEN {w} THEN weight END),
        MAX(CASE WHEN {w} AND reps > 0
            THEN weight * (1 + (reps + COALESCE(rir, 0)) / 30.0) END),
        MIN(CASE WHEN {w} THEN reps END), MAX(CASE WHEN {w} THEN reps END),
        MIN(CASE WHEN {w} THEN rir END), MAX(CASE WHEN {w} THEN rir END)
    FROM sets WHERE {where} GROUP BY session_id, exercise, lower(exercise_name)
"""
_WORKING = "kind IN ('working', 'amrap') AND weight IS NOT NULL"


def _regroup(row: str) -> str:
    """Statements that make the summary of ``row``'s group (OLD or NEW) match its sets.

    Delete, then insert: a trigger's INSERT OR REPLACE would take the conflict policy of
    the statement that fired it (salvage's INSERT OR IGNORE would keep the stale row).
    """
    key = f"{row}.session_id AND exercise = {row}.exercise"
    # The unary + keeps SQLite on the session's index: by the exercise's, each set written
    # would read every set of that exercise ever written.
    where = (
        f"session_id = {row}.session_id AND +exercise = {row}.exercise"
        f" AND lower(+exercise_name) = lower({row}.exercise_name)"
    )
    return (
        f"DELETE FROM set_summary WHERE session_id = {key}"
        f" AND name_key = lower({row}.exercise_name);"
        f" INSERT INTO set_summary {_GROUP.format(w=_WORKING, where=where)};"
    )


def _copy_session(row: str) -> str:
    """The statement that keeps the summary's copy of a session's day and dry-run flag."""
    return (
        f"UPDATE set_summary SET day = substr({row}.started_at, 1, 10),"
        f" dry_run = {row}.dry_run WHERE session_id = {row}.id;"
    )


# The summary table, its indexes and triggers, filled from the sets already there. A
# REPLACE fires the delete trigger only with ``PRAGMA recursive_triggers`` on (the Journal
# sets it); another program's REPLACE of a set by one of another exercise leaves the old
# group stale until ``voicecoach journal check`` rebuilds it.
SUMMARY = f"""
    CREATE TABLE set_summary (
        session_id INTEGER NOT NULL,
        exercise TEXT NOT NULL,
        name_key TEXT NOT NULL,
        day TEXT,
        dry_run INTEGER,
        sets INTEGER NOT NULL,
        last_ended TEXT,
        top_weight REAL,
        low_weight REAL,
        top_e1rm REAL,
        low_reps INTEGER,
        top_reps INTEGER,
        low_rir REAL,
        top_rir REAL,
        PRIMARY KEY (session_id, exercise, name_key)
    ) WITHOUT ROWID;
    CREATE INDEX set_summary_by_exercise ON set_summary (exercise, last_ended);
    CREATE INDEX set_summary_by_name ON set_summary (name_key, last_ended);
    CREATE INDEX set_summary_days_by_exercise ON set_summary (exercise, day);
    CREATE INDEX set_summary_days_by_name ON set_summary (name_key, day);
    CREATE TRIGGER set_summary_insert AFTER INSERT ON sets BEGIN
        {_regroup("NEW")}
    END;
    CREATE TRIGGER set_summary_delete AFTER DELETE ON sets BEGIN
        {_regroup("OLD")}
    END;
    CREATE TRIGGER set_summary_update AFTER UPDATE ON sets BEGIN
        {_regroup("OLD")}
        {_regroup("NEW")}
    END;
    CREATE TRIGGER set_summary_session_insert AFTER INSERT ON sessions BEGIN
        {_copy_session("NEW")}
    END;
    CREATE TRIGGER set_summary_session_update AFTER UPDATE OF started_at, dry_run ON sessions
    BEGIN
        {_copy_session("NEW")}
    END;
    CREATE TRIGGER set_summary_session_delete AFTER DELETE ON sessions BEGIN
        UPDATE set_summary SET day = NULL, dry_run = NULL WHERE session_id = OLD.id;
    END;
    INSERT INTO set_summary {_GROUP.format(w=_WORKING, where="1")};
"""
# What the summary holds when it matches the sets: ``journal check`` compares the two.
SUMMARY_REBUILT = _GROUP.format(w=_WORKING, where="1")
SUMMARY_PARTS = {
    "table": ("set_summary",),
    "index": (
        "set_summary_by_exercise",
        "set_summary_by_name",
        "set_summary_days_by_exercise",
        "set_summary_days_by_name",
    ),
    "trigger": (
        "set_summary_insert",
        "set_summary_delete",
        "set_summary_update",
        "set_summary_session_insert",
        "set_summary_session_update",
        "set_summary_session_delete",
    ),
}
# Whatever there is of the summary, gone: before SUMMARY builds it again.
SUMMARY_DROP = "".join(
    f"DROP {kind.upper()} IF EXISTS {name};"
    for kind in ("trigger", "index", "table")
    for name in SUMMARY_PARTS[kind]
)

MIGRATIONS: list[str] = [
    # 0 -> 1
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        routine_name TEXT NOT NULL,
        routine_path TEXT NOT NULL DEFAULT '',
        routine_hash TEXT NOT NULL DEFAULT '',
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'aborted')),
        dry_run INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL DEFAULT 'voicecoach',
        import_key TEXT UNIQUE
    );
    CREATE TABLE sets (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        position INTEGER NOT NULL,
        exercise TEXT NOT NULL,
        exercise_name TEXT NOT NULL,
        set_no INTEGER NOT NULL,
        side TEXT NOT NULL DEFAULT '',
        prescribed_load TEXT NOT NULL,
        target_low INTEGER,
        target_high INTEGER,
        target_hold REAL,
        load TEXT NOT NULL,
        weight REAL,
        unit TEXT,
        level TEXT,
        reps INTEGER,
        rir INTEGER,
        hold_done REAL,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        next_load TEXT,
        next_rep_bonus INTEGER NOT NULL DEFAULT 0,
        UNIQUE (session_id, position, side)
    );
    CREATE INDEX sets_by_exercise ON sets (exercise, ended_at);
    CREATE INDEX sessions_by_start ON sessions (started_at);
    """,
    # 1 -> 2: ``history --exercise "Kroc row"`` looks sets up by name as well as by id; with
    # this index both halves of its OR use an index (38 s at 1 M sets without it).
    """
    CREATE INDEX IF NOT EXISTS sets_by_name ON sets (lower(exercise_name), ended_at);
    """,
    # 2 -> 3: what a Strong or Hevy history holds. A set has a kind (only working sets
    # seed loads and count in progression), RIR to the half (RPE 9.5 is RIR 0.5, so the
    # column becomes REAL: SQLite changes a column's type only by rebuilding the table),
    # the app's own exercise name, distance in metres, superset and notes. Sessions keep
    # their notes; name_map remembers ``import --map`` answers for later imports.
    """
    CREATE TABLE sets_v3 (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        position INTEGER NOT NULL,
        exercise TEXT NOT NULL,
        exercise_name TEXT NOT NULL,
        set_no INTEGER NOT NULL,
        side TEXT NOT NULL DEFAULT '',
        prescribed_load TEXT NOT NULL,
        target_low INTEGER,
        target_high INTEGER,
        target_hold REAL,
        load TEXT NOT NULL,
        weight REAL,
        unit TEXT,
        level TEXT,
        reps INTEGER,
        rir REAL,
        hold_done REAL,
        started_at TEXT NOT NULL,
        ended_at TEXT NOT NULL,
        next_load TEXT,
        next_rep_bonus INTEGER NOT NULL DEFAULT 0,
        kind TEXT NOT NULL DEFAULT 'working'
            CHECK (kind IN ('working', 'warmup', 'drop', 'failure', 'amrap')),
        original_name TEXT NOT NULL DEFAULT '',
        distance REAL,
        superset TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        UNIQUE (session_id, position, side)
    );
    INSERT INTO sets_v3 (id, session_id, position, exercise, exercise_name, set_no, side,
        prescribed_load, target_low, target_high, target_hold, load, weight, unit, level, reps,
        rir, hold_done, started_at, ended_at, next_load, next_rep_bonus, original_name)
    SELECT id, session_id, position, exercise, exercise_name, set_no, side, prescribed_load,
        target_low, target_high, target_hold, load, weight, unit, level, reps, rir, hold_done,
        started_at, ended_at, next_load, next_rep_bonus, exercise_name FROM sets;
    DROP TABLE sets;
    ALTER TABLE sets_v3 RENAME TO sets;
    CREATE INDEX sets_by_exercise ON sets (exercise, ended_at);
    CREATE INDEX sets_by_name ON sets (lower(exercise_name), ended_at);
    ALTER TABLE sessions ADD COLUMN notes TEXT NOT NULL DEFAULT '';
    CREATE TABLE name_map (
        name TEXT PRIMARY KEY COLLATE NOCASE,
        exercise TEXT NOT NULL
    );
    """,
    # 3 -> 4: ``history --exercise`` read every set of the exercise (1.7 s at 1 M sets); it
    # reads this summary instead, one row per session and exercise, which triggers keep
    # current in the same statement as every write to ``sets``. Its definition is
    # SUMMARY above, which ``voicecoach journal check`` also runs to rebuild it.
    SUMMARY,
]
SET_KINDS = ("working", "warmup", "drop", "failure", "amrap")
# The kinds that seed the next session's load and count in history's plots: an AMRAP
# set is a working set whose reps were open; warm-ups and drops are not.
# A journal written before ``user_version`` was set has the version-1 tables at version 0;
# it is adopted (checked, then stamped 1) instead of failing on CREATE TABLE.
V1_TABLES = {
    "sessions": {"id", "routine_name", "started_at", "status", "dry_run", "source", "import_key"},
    "sets": {"id", "session_id", "position", "exercise", "exercise_name", "load", "next_load"},
}
SCHEMA_VERSION = len(MIGRATIONS)
