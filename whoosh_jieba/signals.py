"""Index upkeep Wagtail's own signal handlers leave out."""

from modelsearch.tasks import insert_or_update_object_task


def reindex_moved_descendants(sender, instance, **kwargs):
    """A move rewrites the ``path`` of every descendant in SQL, without saving them: re-index
    them (through the same task as Wagtail's post_save handler) so ``descendant_of`` filters
    keep matching. The moved page itself is saved, so Wagtail re-indexes it."""
    for page in instance.get_descendants().iterator():
        insert_or_update_object_task.enqueue(
            page.content_type.app_label, page.content_type.model, str(page.pk)
        )
