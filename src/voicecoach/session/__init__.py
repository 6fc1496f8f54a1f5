"""A workout as it runs: the event loop, sets, the RIR question, rests, and their set-up.

The engine plays each segment of the plan against absolute deadlines
through an environment that holds every side effect (clock, output, voice,
journal), so the same session runs live, as a dry run or in a test.
"""
