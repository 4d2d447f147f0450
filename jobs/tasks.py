"""The task of Django's task framework behind every job: run one chunk of a job (the body: jobs.runner.run_chunk).

A worker (``manage.py db_worker``) runs it (``manage.py db_worker``); its arguments are the chunk's id and its attempt, so a
task left over from an interrupted attempt does nothing once the chunk was resumed.
"""

from django.tasks import task

from jobs import runner


@task()
def run_job_chunk(chunk_id: int, attempt: int) -> str:
    return runner.run_chunk(chunk_id, attempt)
