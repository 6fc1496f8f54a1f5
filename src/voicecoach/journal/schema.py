"""The journal's tables, as the migrations that build them from an empty file.

``MIGRATIONS[n]`` takes a database from ``PRAGMA user_version`` n to n+1;
each is run once, in a transaction, and never edited after it has shipped:
a change is a new migration at the end.
"""

from __future__ import annotations

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
