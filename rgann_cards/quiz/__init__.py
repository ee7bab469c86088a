"""The terminal self-quiz: items (what to ask), scheduler (fsrs), store (sqlite), textmath and render (rich),
session (the loop) and stats. Nothing here imports sympy, numpy or matplotlib."""
