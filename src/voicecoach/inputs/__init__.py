"""What the session waits on: keys, the clock, and inputs that stand in for keys.

The keyboard (termios, pipes, msvcrt), the clock that waits for a deadline or
a key, media buttons over MPRIS2 and the spoken menu that lets one play/pause
button answer "How many in reserve?", and spoken answers heard through the microphone
(pocketsphinx, offline). Every input ends as a key in the same queue
the keyboard feeds, so the engine treats a press exactly like the key it
stands for.
"""
