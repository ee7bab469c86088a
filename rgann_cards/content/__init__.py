"""Reading and modelling a course: YAML with positions -> validated, frozen model (the lock is in lifecycle/)."""
