"""Template tags of the trackers app."""

from django import template

register = template.Library()


@register.simple_tag
def may_edit_item(item, editable=None, read_only=False):
    """The action table's edit rule: ``editable`` (a set of pks) when given, else not
    ``read_only``."""
    if editable is not None and editable != "":
        return item.pk in editable
    return not read_only
