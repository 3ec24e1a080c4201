"""``suno-api extend``: validate a body, submit it, print the task id; ``--wait``/``--download`` follow it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

import click

from suno_api import spec
from suno_api.cli._body import FIELDS_KEY, check_body, field_options, source_duration
from suno_api.cli._examples import ExamplesCommand
from suno_api.cli._exit import ExitCode, exit_codes_help
from suno_api.cli._group import base_url_option
from suno_api.cli._options import INPUT_FILE, audio_options, load_json, output_options, read_input
from suno_api.cli._output import PROG, CommandError, Output, output_of
from suno_api.cli._progress import Progress
from suno_api.cli._task import TaskSettings, follow, task_options

EPILOG: Final = f"""\b
Examples:
  # against the sandbox (suno-api mock --port 8765 &): default mode, instrumental
{{quick_example}}
  # custom mode with lyrics from a file, against kie.ai (KIE_API_KEY set)
  suno-api extend --upload-url https://files.example.com/song.mp3 --custom --vocals \\
      --style Jazz --title "Late Night" --prompt-file lyrics.txt --continue-at 60 --model {{model}} \\
      --callback-url https://hooks.example.com/suno --audio-duration 95 --wait
  # a body from a file, one field changed; check it without sending
  suno-api extend --body body.json --title "Take 2" --dry-run

Every option is checked and the body validated first (every violation is listed); nothing is sent unless all is
well. The task id is printed (and flushed) as soon as the service returns it: if you stop waiting, resume with
`suno-api status TASK_ID --wait`. Options override the fields of --body.

{exit_codes_help()}"""


def _body(ctx: click.Context, body_file: str | None, prompt_file: str | None) -> Any:
    fields: dict[str, Any] = dict(ctx.meta.get(FIELDS_KEY, {}))
    if prompt_file is not None:
        prompt = spec.names().prompt
        if prompt in fields:
            raise click.UsageError("give --prompt or --prompt-file, not both")
        if body_file == "-" and prompt_file == "-":
            raise click.UsageError("--body and --prompt-file cannot both read standard input")
        try:
            fields[prompt] = read_input(prompt_file, "the prompt file").decode("utf-8").rstrip()
        except UnicodeDecodeError as exc:
            raise CommandError(ExitCode.INVALID, f"the prompt file {prompt_file} is not UTF-8 text: {exc}") from exc
    body: Any = load_json(body_file, "the body") if body_file is not None else {}
    if isinstance(body, dict):
        body.update(fields)
    return body


@click.command(
    cls=ExamplesCommand, epilog=EPILOG, short_help="Validate and submit a body; --wait follows it, --download saves it."
)
@field_options
@click.option("--prompt-file", type=INPUT_FILE, metavar="FILE", help="Read --prompt from FILE ('-': standard input).")
@click.option(
    "--body",
    "body_file",
    type=INPUT_FILE,
    metavar="FILE",
    help="Start from the JSON body in FILE ('-': standard input); options override its fields.",
)
@audio_options
@click.option("--dry-run", is_flag=True, help="Validate and print the body; send nothing.")
@click.option(
    "--retry-submit",
    is_flag=True,
    help="Also resend a submit whose outcome is unknown (a timeout, a 5xx): it may create a second task.",
)
@task_options
@output_options
@click.pass_context
def extend(
    ctx: click.Context,
    *,
    prompt_file: str | None,
    body_file: str | None,
    audio_duration: float | None,
    audio_file: Path | None,
    dry_run: bool,
    retry_submit: bool,
    task: TaskSettings,
) -> None:
    """Validate an upload-extend body, submit it and print the task id; --wait follows the task.

    Give every field as an option, or start from a JSON file with --body. With --wait the task's statuses are
    shown as they change; with --download DIR each track's audio is saved in DIR.
    """
    output = output_of(ctx)
    task.check()
    body = _body(ctx, body_file, prompt_file)
    duration = source_duration(audio_duration, audio_file)
    check_body(body, duration)
    if dry_run:
        output.say(json.dumps(body, indent=2))
        output.result(ExitCode.OK, body=body)
        return
    task.prepare(output)
    progress = Progress(output)
    with task.client(output, progress, retry_submit=retry_submit) as client:
        output.submitting = True
        task_id = client.submit(body, audio_duration=duration)
        output.submitting, output.submitted = False, True
        _submitted(output, task, task_id)
        if not task.waits:
            output.note(f"follow it with: {PROG} status {task_id} --wait" + base_url_option(task.base_url))
            output.result(ExitCode.OK, task_id=task_id)
            return
        progress.start(task_id)
        follow(output, client, progress, task_id, task)


def _submitted(output: Output, task: TaskSettings, task_id: str) -> None:
    output.task_id = task_id
    output.resume = task.resume_command(task_id)
    output.emit("submitted", task_id=task_id)
    output.say(f"submitted task {task_id}")
