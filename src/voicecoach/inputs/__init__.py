"""Inputs besides the keyboard (issue 13): media buttons over MPRIS2, and the spoken
menu that lets one play/pause button answer "Reps in reserve?".

Every input here ends as a key in the same queue the keyboard feeds, so the
engine treats a button press exactly like the key it stands for.
"""
