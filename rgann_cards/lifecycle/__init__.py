"""The course's history: the lock (stamps, tombstones), identity guards, tombstone notes, diff, release notes.

Anki matches notes by GUID, never deletes a note, never moves an existing card to
another deck and refuses a note whose type changed. This package remembers what
was shipped, so that the build can tell the author about every change Anki will
not carry out, and so that a student can see what an update will do.
"""
