"""Inputs beside the keyboard: the microphone, and spoken commands turned into keys."""
