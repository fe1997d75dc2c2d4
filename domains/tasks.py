from celery import shared_task


@shared_task
def sync_seats() -> int:
    """Re-derive every user's role groups from the seats active today; returns how many changed."""
    from django.contrib.auth import get_user_model

    from domains.services import sync_role_groups

    count = 0
    for user in get_user_model().objects.filter(seats__isnull=False).distinct().iterator():
        before = set(user.groups.values_list("name", flat=True))
        sync_role_groups(user=user)
        if before != set(user.groups.values_list("name", flat=True)):
            count += 1
    return count
