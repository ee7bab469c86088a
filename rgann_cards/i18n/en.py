"""English UI strings (the reference catalogue)."""

MESSAGES = {
    "lang": "en",
    # shared by Anki, HTML and the quiz
    "answer": "Answer",
    "key_points": "Key points",
    "references": "References",
    "sources": "Sources",
    "lecture": "Lecture",
    "figure": "Figure",
    "points_one": "{n} point",
    "points_other": "{n} points",
    "points_short": "pt",
    "verified_one": "Verified: 1 check ({methods})",
    "verified_other": "Verified: {n} checks ({methods})",
    # printable pages
    "study_sheet": "Study sheet",
    "quiz": "Quiz",
    "answer_key": "Answer key",
    "contents": "Contents",
    "sheet": "Sheet {number:02d}",
    "sheets": "Sheets {numbers}",
    "exercises_one": "{n} exercise",
    "exercises_other": "{n} exercises",
    "questions_one": "{n} question",
    "questions_other": "{n} questions",
    "seed": "seed {seed}",
    "code": "code {code}",
    "name": "Name",
    "date": "Date",
    "score": "Score",
    "study_lede": "Every exercise with its full reference answer, the key points a complete answer contains, "
                  "and its references.",
    "checked_before": "The claims listed under",
    "checked_after_one": "were checked by code when this sheet was built (1 check, passed).",
    "checked_after_other": "were checked by code when this sheet was built ({n} checks, all passed).",
    # terminal quiz
    "quiz_exercise": "exercise",
    "quiz_card": "card",
    "quiz_cloze": "cloze {number}",
    "quiz_cloze_of": "cloze {number} of {count}",
    "quiz_new": "new",
    "quiz_show_answer": "show answer",
    "quiz_quit": "quit",
    "quiz_figure_missing": "{figure} (not drawn yet: run rgann-cards build)",
    "quiz_nothing_due": "Nothing to review right now.",
    "quiz_session_over": "Session over.",
    "quiz_interrupted": "Interrupted; progress saved.",
}

# How a check was verified (CheckResult.method); a name missing here is shown as it is.
METHODS = {}
