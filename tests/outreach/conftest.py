from tests.fakes.smtp import smtp_down, smtp_server  # noqa: F401  (fixtures)
