"""The sandbox: a definition tried before it goes live (`mentorflow preview`, `mentorflow test`).
A temporary database, personas, a movable clock, sample answers and scenario files.
May import: everything below it, and the service only through `Workflow`; nothing imports
the sandbox but the preview pages, the commands and the tests."""
