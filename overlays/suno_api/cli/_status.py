"""``suno-api status TASK_ID``: show a task; ``--wait`` follows it, ``--download`` saves its tracks."""

from __future__ import annotations

from typing import Final

import click

from suno_api.cli._exit import exit_codes_help
from suno_api.cli._options import output_options
from suno_api.cli._output import output_of
from suno_api.cli._progress import Progress
from suno_api.cli._task import TaskSettings, follow, task_options

EPILOG: Final = f"""\b
Examples:
  suno-api status 8199d86306252313d951438f8022c7d8
  suno-api status 8199d86306252313d951438f8022c7d8 --wait --download ./out
  suno-api status 8199d86306252313d951438f8022c7d8 --json | jq -r .task.status

Without --wait (or --download, which implies it), exit 0 means the record was read: the task may still be
running. A failed task exits 4.

{exit_codes_help()}"""


@click.command(epilog=EPILOG, short_help="Show a task; --wait follows it, --download saves its tracks.")
@click.argument("task_id")
@task_options
@output_options
@click.pass_context
def status(ctx: click.Context, *, task_id: str, task: TaskSettings) -> None:
    """Show the status and tracks of task TASK_ID; --wait follows it until it succeeds or fails."""
    output = output_of(ctx)
    task.check()
    if not task_id.strip():
        raise click.BadParameter("the task id is empty", param_hint="TASK_ID")
    output.task_id = task_id
    output.resume = task.resume_command(task_id)
    task.prepare(output)
    progress = Progress(output)
    progress.start(task_id)
    with task.client(output, progress) as client:
        follow(output, client, progress, task_id, task)
