"""The delivery task: one per subscription per batch of events (webhooks.services.deliver is the body)."""

from django.tasks import task

from webhooks import services


@task()
def deliver_events(subscription_id: int, event_ids: list[str], attempt: int) -> dict:
    return services.deliver(subscription_id, event_ids, attempt)
