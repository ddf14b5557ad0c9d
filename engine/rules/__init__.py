"""The rules: who may see and do what (access), why a step is blocked (guards), what answers are valid, how pairs score.
May import: `definition`, `records` and `engine.errors`; opens no session of its own (callers hand records in)."""
