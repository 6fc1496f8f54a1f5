"""From a routine to what the coach says and when: work items, cues, timing, progression.

Nothing here plays or waits: a plan is data, so it can be checked,
printed (``voicecoach plan``) and simulated on a fake clock.
"""
