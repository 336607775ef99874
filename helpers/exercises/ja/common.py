"""Japanese of the words every exercise shares: the verdicts, the hint, the solution."""

MESSAGES = {
    "Correct: {found} {why}": "正解です: {found}{why}",
    "Not yet: {missing}": "まだです: {missing}",
    "Hint: {hint}": "ヒント: {hint}",
    "Solution:": "解答例:",
    'After it, {name}.check() says "Correct": {why}': "これを実行すると、{name}.check() は「正解です」と答えます: {why}",
}
