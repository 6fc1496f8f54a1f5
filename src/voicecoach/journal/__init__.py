"""The journal: every set in one SQLite file, kept safe through kills and full disks.

The store and its migrations, history and plots, import and export of
Strong and Hevy CSV and JSON, and the checks and repairs behind
``voicecoach journal``.
"""
