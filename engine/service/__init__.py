"""The service: the one door into the engine. Applying, forms, matching, imports, reminders, mail, accounts, pages' data.
May import: everything below it. Pages and commands import this, `definition`, `errors`, `settings` and figures' plain types; never `records` or `rules`."""
