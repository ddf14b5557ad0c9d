"""The service: the one door into the engine. Applying, forms, matching, imports, reminders, mail, accounts, pages' data.
May import: everything below it (definition, records, rules, figures). Pages and commands import only this and `definition`."""
