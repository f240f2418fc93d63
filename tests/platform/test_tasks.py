"""Task names are a wire format: renaming one strands the messages already queued under the old name."""

from raptorflow.celery import app


def test_registered_task_names_are_stable():
    app.loader.import_default_modules()
    ours = sorted(name for name in app.tasks if not name.startswith("celery."))
    assert ours == [
        "agents.execute_run",
        "agents.experiment_advance",
        "agents.purge_run_details",
        "agents.sweep_pipelines",
        "agents.sweep_runs",
        "agents.tick_schedules",
        "analytics.rollup_recent",
        "audit.pseudonymise",
        "audit.seal",
        "webhooks.deliver",
        "webhooks.sweep",
    ]


def test_every_periodic_task_expires_and_names_a_registered_task():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks
        assert entry["options"]["expires"] < entry["schedule"]
