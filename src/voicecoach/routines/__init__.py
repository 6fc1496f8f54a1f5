"""Routines as YAML: the safe loader, the checks with file, line and column, the model.

Also the exercise library, the built-in routines, loads and tempos, and the
JSON Schema that editors read.
"""
