"""The command line: each command parses its flags, calls one function below, and prints.

Only this package imports click; every layer beneath it is usable and
testable without a command line.
"""
