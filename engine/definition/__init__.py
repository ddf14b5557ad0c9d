"""The definition: YAML source, format models and field types, load-time checks, the compiled Program.
May import: the standard library, pydantic, ruamel.yaml, transitions, and `engine.errors`; nothing else of the engine."""
